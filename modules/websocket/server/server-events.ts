/**
 * The event maps of the ws-style {@link Server} and its
 * {@link ServerConnection}s: `server.on("connection", (conn, request) => …)`
 * and `conn.on("message", (data, isBinary) => …)` type their parameters
 * from these, with no annotations in application code.
 */
import type { ProtocolError } from "../core/errors";
import type { HandshakeError } from "../core/handshake-error";
import type { ServerConnection, ServerRequest } from "./server";

/** A message as the server delivers it: text as a string, binary as a Uint8Array. */
export type ServerMessage = string | Uint8Array;

/** Events of a {@link Server}. */
export interface ServerEvents {
  /** The port is bound (emitted once, asynchronously after construction). */
  listening: () => void;
  /** A client completed the opening handshake; `request` is its request head. */
  connection: (conn: ServerConnection, request: ServerRequest) => void;
  /** The server is closed and every connection has ended. */
  close: () => void;
  /**
   * Listening failed, or an `acceptHandler` threw (that client got 403).
   * `unknown`, as what an `acceptHandler` throws may be anything.
   */
  error: (error: unknown) => void;
}

/** Events of a {@link ServerConnection}. */
export interface ServerConnectionEvents {
  /** A whole message: text as a string (`isBinary` false), binary as a Uint8Array (`isBinary` true). */
  message: (data: ServerMessage, isBinary: boolean) => void;
  /** The same message, without the flag. */
  data: (data: ServerMessage) => void;
  /** A ping arrived (the pong is sent by the library). */
  ping: (payload: Uint8Array) => void;
  /** A pong arrived. */
  pong: (payload: Uint8Array) => void;
  /** The connection ended: the close code (1005 when the peer gave none, 1006 when there was no close frame) and reason. */
  close: (code: number, reason: string) => void;
  /**
   * The send queue, which had grown past 16 KiB (while it is above that, the
   * connection stops reading from its client), is down to 4 KiB: send again.
   */
  drain: () => void;
  /** The connection failed: a `ProtocolError` (with its string `code` and `closeCode`) or a `HandshakeError`. `close` follows. */
  error: (error: ProtocolError | HandshakeError) => void;
}
