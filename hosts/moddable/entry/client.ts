/**
 * `xs-websocket/client` on the device: the client (WebSocketChannel, WebSocket, Reconnector, networkChanged), exactly
 * what the same specifier gives on Node, after installing the device's native
 * fast paths (`hosts/moddable/install`: masking on `Logical.xor`, UTF-8 on the
 * SDK's native codec). The library's manifest maps this module to the
 * specifier; an application imports `xs-websocket/client` and nothing from hosts/.
 *
 * Never preload this module: install calls native constructors, which cannot
 * run while the linker preloads. Imports are evaluated in order, so the fast
 * paths are in before the application's module body runs.
 */
import "hosts/moddable/install";
export * from "modules/websocket/client/index";
