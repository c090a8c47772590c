/**
 * The types of the connection's surface: its states, options, events and
 * closing result.
 */
import type { ProtocolError } from "./errors";
import type { HandshakeError } from "./handshake-error";
import type { RandomSource, Sha1, UpgradeRequest } from "./handshake";
import type { HttpHead } from "./http-head";
import type { Limits } from "./limits";
import type { MemoryBudget } from "./memory-budget";

/** The four states of RFC 6455 §4–§7. */
export const ConnectionState = {
  Connecting: 0,
  Open: 1,
  Closing: 2,
  Closed: 3,
} as const;
export type ConnectionState = (typeof ConnectionState)[keyof typeof ConnectionState];

/** How a connection ended (RFC 6455 §7.1.5, §7.1.6). */
export interface CloseResult {
  /** The code of the peer's close frame, 1005 if it had none, 1006 if none arrived. */
  code: number;
  reason: string;
  /** True when both close frames were exchanged and nothing failed. */
  wasClean: boolean;
}

/**
 * What a connection reports to the application. Every method is optional and
 * is called synchronously from inside the call (`receive`, `handleTimeout`, a
 * send) that caused it. Bytes to write and the request to close the
 * transport are not events: the host pulls them after each call returns
 * (`peekOutput`/`consumeOutput`, `transportCloseRequested`).
 */
export interface ConnectionEvents {
  /**
   * Server: a request head arrived. `verdict` is the valid upgrade request or
   * the reason it is not one. Answer here with `accept()`, `respond()` or
   * `reject()`; without an answer a valid request is accepted and an invalid
   * one refused.
   */
  onRequest?(verdict: UpgradeRequest | HandshakeError, head: HttpHead): void;
  /** The connection is open; a client gets the server's response head. */
  onOpen?(response?: HttpHead): void;
  onText?(text: string): void;
  /** A binary message; the view may be kept (the connection owns the chunk it points into). */
  onBinary?(data: Uint8Array): void;
  /** Streaming mode: the next piece of a message; `last` on its final piece. */
  onChunk?(data: string | Uint8Array, binary: boolean, last: boolean): void;
  /** A ping arrived (the pong is already queued). */
  onPing?(payload: Uint8Array): void;
  onPong?(payload: Uint8Array): void;
  /** The peer's close frame arrived; no more messages follow. */
  onCloseFrame?(code: number, reason: string): void;
  /** The connection failed; a client's failed handshake comes with the response head. */
  onError?(error: ProtocolError | HandshakeError, response?: HttpHead): void;
  /** The end: the transport is closed. Called exactly once. */
  onClosed?(result: CloseResult): void;
  /**
   * From the host, not the core: the send queue has drained after rising
   * above the host's high-water mark; the application may send again
   * (the ws-style server's `drain` event).
   */
  onDrain?(): void;
}

/** Options of a connection. Times are in milliseconds of the injected clock. */
export interface ConnectionOptions extends ConnectionSettings {
  role: "client" | "server";
  /** The host's random source; required for a client (keys and masks). */
  random?: RandomSource;
  /** The host's SHA-1; required for the opening handshake. */
  sha1?: Sha1;
  /** The host's clock, in milliseconds. Without it, no timeout can fire. */
  now?: () => number;
  /** Start OPEN: the handshake was done elsewhere (tests, benchmarks). */
  open?: boolean;
  /**
   * The device-wide memory budget: messages being assembled and bytes
   * queued for sending are reserved from it before they are held (a message
   * it cannot afford fails the connection with 1013, a send is refused with
   * `WS_ERR_BUDGET_EXCEEDED`). Without one nothing is counted.
   */
  budget?: MemoryBudget;
  /** How long the opening handshake may take; 0 or absent for no limit. */
  openTimeout?: number;
}

/**
 * What may be set when a connection is made, or later with
 * `Connection.configure` while it is CONNECTING: a server's listener makes
 * the connection, reads the request head, and the endpoint the request is
 * routed to then applies its own.
 */
export interface ConnectionSettings {
  events?: ConnectionEvents;
  /** Partial limits over the defaults; a frozen complete set (from `resolveLimits`) is shared as it is. */
  limits?: Partial<Limits>;
  /** Deliver messages piece by piece as they arrive (`onChunk`) instead of whole. */
  streaming?: boolean;
  /** How long to wait for the closing handshake to finish (default 5000). */
  closeTimeout?: number;
  /** Ping after this much receive silence; 0 (default) for no keepalive pings. */
  pingInterval?: number;
  /** Fail when a keepalive ping gets no answer in this time; 0 (default) to wait forever. */
  pingTimeout?: number;
  /**
   * Close with 1001 ("idle") after this much receive silence while open;
   * 0 (default) for never. A peer that answers keepalive pings is never idle.
   */
  idleTimeout?: number;
}
