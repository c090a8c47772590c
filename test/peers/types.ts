/**
 * Shapes shared by every peer helper, so a test can swap one peer for another
 * (Python `websockets`, npm `ws`, …) without changing its assertions.
 *
 * Echo-server convention (all echo servers here): every data message is sent
 * back unchanged, except a text message `!close <code> <reason>` (both parts
 * optional, see {@link closeCommand}), on which the server starts the closing
 * handshake with that code and reason instead.
 */
import { connect, type AddressInfo, type Server } from "node:net";

/** A data message as given to and reported by clients: `{text}` or `{binary}` (base64). */
export type PeerMessage = { text: string } | { binary: string };

/** A text message. */
export function text(value: string): PeerMessage {
  return { text: value };
}

/** A binary message. */
export function binary(bytes: Uint8Array | readonly number[]): PeerMessage {
  return { binary: Buffer.from(bytes as Uint8Array).toString("base64") };
}

/** The bytes of a `{binary}` message; throws on a text message. */
export function bytesOf(message: PeerMessage | undefined): Uint8Array {
  if (message === undefined || !("binary" in message)) throw new Error(`not a binary message: ${JSON.stringify(message)}`);
  return new Uint8Array(Buffer.from(message.binary, "base64"));
}

/** The text message that makes an echo server close with `code` (default 1000) and `reason`. */
export function closeCommand(code?: number, reason = ""): PeerMessage {
  return text(code === undefined ? "!close" : `!close ${code} ${reason}`);
}

/** Options common to every scripted client. */
export interface ClientOptions {
  /** Subprotocols to offer, in order. */
  subprotocols?: readonly string[];
  /** PEM certificate(s) to trust for `wss:` URLs, e.g. from `makeCertificate()`. */
  ca?: string;
  /** Replies to wait for after sending (default: one per message sent). */
  expectReplies?: number;
  /**
   * How the client ends: `{code, reason}` to close (default `{code: 1000}`),
   * or `"wait"` to wait for the server to close.
   */
  close?: { code: number; reason?: string } | "wait";
  /** Largest message the client accepts, in bytes (library default when unset). */
  maxSize?: number;
  /** Bound on the whole run, in ms (default 10 s). */
  timeoutMs?: number;
}

/** What a scripted client saw. */
export interface ClientResult {
  /** Whether the opening handshake succeeded. */
  opened: boolean;
  /** The subprotocol the server selected, or null. */
  subprotocol: string | null;
  /** Data messages received, in order. */
  replies: PeerMessage[];
  /** Close code received from the server (1005: none in the frame, 1006: no close frame), or null if never closed. */
  closeCode: number | null;
  /** Close reason received from the server. */
  closeReason: string;
  /** What went wrong (handshake refused, timeout, …), or null. */
  error: string | null;
}

/** One connection as logged by an echo server. */
export interface ServerConnectionLog {
  /** Request target of the opening handshake, e.g. `/chat?x=1`. */
  path: string;
  /** Request headers as `[name, value]` pairs, in order. */
  headers: [string, string][];
  subprotocol: string | null;
  /** Close code the server received (1005/1006 as for {@link ClientResult}); set once closed. */
  closeCode?: number;
  closeReason?: string;
}

/** A running echo server. */
export interface EchoServer {
  readonly port: number;
  /** `ws://127.0.0.1:<port>/` (or `wss://`). */
  readonly url: string;
  /** Connections so far, in accept order. */
  readonly connections: readonly ServerConnectionLog[];
  /** Resolves once `count` connections (default 1) have closed; rejects after `timeoutMs` (default 5 s). */
  waitForClosed(count?: number, timeoutMs?: number): Promise<ServerConnectionLog[]>;
  /** Stops the server and ends every connection. */
  close(): Promise<void>;
}

/** Polls `ready` every 10 ms until it returns a value other than undefined; rejects after `timeoutMs` with `what`. */
export async function pollUntil<T>(ready: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = ready();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The `waitForClosed` of {@link EchoServer}, over a connection list. */
export function waitForClosed(connections: readonly ServerConnectionLog[], count = 1, timeoutMs = 5_000): Promise<ServerConnectionLog[]> {
  return pollUntil(
    () => {
      const closed = connections.filter((c) => c.closeCode !== undefined);
      return closed.length >= count ? closed.slice(0, count) : undefined;
    },
    timeoutMs,
    `${count} closed connection(s) (have ${connections.filter((c) => c.closeCode !== undefined).length} of ${connections.length})`,
  );
}

/** Listens on an ephemeral port of 127.0.0.1 (loopback only) and returns the port. */
export async function listenOnLoopback(server: Server): Promise<number> {
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
}

/** Whether a TCP connection to `host`:`port` is accepted (at most 5 s; on loopback the kernel answers at once). */
export function acceptsTcp(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const timer = setTimeout(() => (socket.destroy(), resolve(false)), 5000);
    socket.once("connect", () => (clearTimeout(timer), socket.destroy(), resolve(true)));
    socket.once("error", () => (clearTimeout(timer), resolve(false)));
  });
}
