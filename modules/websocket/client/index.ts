/**
 * The WebSocket client: {@link WebSocketChannel} (nsIWebSocketChannel) and
 * the W3C-style {@link WebSocket} over it, and {@link openChannel} to run a
 * channel under the keepalive module's `Reconnector`.
 */
export * from "./ws-uri";
export * from "./channel-status";
export * from "./channel";
export * from "./websocket";
export * from "./reconnect";
