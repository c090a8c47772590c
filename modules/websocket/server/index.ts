/// <reference path="../../../hosts/moddable/types/sdk.d.ts" preserve="true" />
/**
 * The servers: the ws-style {@link Server} (with its typed events) and the
 * {@link BrowserSocket}, which share ports through the HTTP listener.
 * `xs-websocket/server` on Node and on the device.
 */
export { Server, ServerConnection, ReadyState, DEFAULT_BACKLOG, ProtocolError, UsageError, type ServerOptions, type ServerRequest } from "./server";
export type { ServerConnectionEvents, ServerEvents, ServerMessage } from "./server-events";
export { BrowserSocket, type BrowserSocketOptions, type ConnectionHandler, type ConnectionHandlerFactory, type Handshake } from "./browser-socket";
export {
  BrowserSocketHandler,
  type BrowserCloseEvent,
  type BrowserMessageEvent,
  type ConnectedHandler,
  type HandlerConnection,
  type HandlerObject,
} from "./browser-socket-handler";
export { HttpListener, type PageHandler, type PageResponse } from "./http-listener";
export { Emitter, type EventMap, type Listener } from "./emitter";
export { setMemoryBudget, sharedBudget } from "../transport/platform";
export { MemoryBudget } from "../core/memory-budget";
