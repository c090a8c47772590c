/**
 * The WebSocket client: {@link WebSocketChannel} (nsIWebSocketChannel) and
 * the W3C-style {@link WebSocket} over it.
 */
export * from "./ws-uri";
export * from "./channel-status";
export * from "./channel";
export * from "./websocket";
