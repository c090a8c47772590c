/**
 * `mc/config` — the `config` section of the app's manifests, merged (the
 * platform's section over the general one), as mcconfig generates it. The
 * SDK's typing (typings/mc/config.d.ts, a loose record) is right; this one
 * names what xs-websocket's demo reads. The host simulator provides an empty
 * object (hosts/node/mc/config.ts), so Node keeps its own defaults.
 */
declare module "mc/config" {
  /** `config.websocket` of manifest.json: the demo's limits. */
  export interface WebSocketConfig {
    /** Listening port. */
    port?: number;
    /** WebSocket connections at once, all endpoints together. */
    connections?: number;
    /** Largest message (and frame) accepted, bytes. */
    maxPayload?: number;
    /** Seconds of receive silence before a keepalive ping; 0 for none. */
    pingInterval?: number;
    /** Seconds a keepalive ping may go unanswered; 0 waits forever. */
    pingTimeout?: number;
    /** The library's device-wide memory budget, bytes (default: ESP32_MEMORY_BUDGET_BYTES). */
    memoryBudget?: number;
  }
  const config: Readonly<Record<string, unknown> & { websocket?: Readonly<WebSocketConfig> }>;
  export default config;
}
