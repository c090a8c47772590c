/// <reference path="../../../hosts/moddable/types/sdk.d.ts" preserve="true" />
/**
 * The WebSocket client, `xs-websocket/client` on Node and on the device:
 * {@link WebSocketChannel} (nsIWebSocketChannel, with its
 * nsIWebSocketListener), the W3C-style {@link WebSocket} over it, and
 * reconnecting: {@link Reconnector} with {@link openChannel}, and
 * {@link networkChanged} for Wi-Fi changes (with {@link sharedScheduler},
 * the host's one timer every connection is on).
 */
export * from "./ws-uri";
export * from "./channel-status";
export * from "./channel";
export * from "./websocket";
export * from "./reconnect";
export * from "../keepalive/index";
export { setMemoryBudget, sharedBudget, sharedScheduler } from "../transport/platform";
export type { DeadlineScheduler } from "../transport/deadline-scheduler";
