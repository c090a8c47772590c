/**
 * A scripted raw TCP server for misbehaving-peer tests: the test's handler
 * gets each accepted socket and decides byte by byte what happens (bad
 * handshakes, malformed frames, stalls, half-closes, resets, …).
 */
import { createHash } from "node:crypto";
import { createServer, type Socket } from "node:net";
import { listenOnLoopback } from "./types";

/** The parsed head of an HTTP request. */
export interface RequestHead {
  /** E.g. `GET /chat HTTP/1.1`. */
  requestLine: string;
  /** Header names in lower case; repeated headers joined with ", ". */
  headers: Record<string, string>;
  /** The head as received, up to and including the blank line. */
  raw: string;
}

/** One accepted connection, as a handler sees it. */
export interface RawConnection {
  readonly socket: Socket;
  /** Reads up to the end of the HTTP request head (`\r\n\r\n`); rejects after `timeoutMs` (default 5 s) or on EOF. */
  readHead(timeoutMs?: number): Promise<RequestHead>;
  /** Reads exactly `length` bytes; rejects after `timeoutMs` (default 5 s) or on EOF. */
  read(length: number, timeoutMs?: number): Promise<Uint8Array>;
  /** Resolves with the bytes received so far (none waited for) and consumes them. */
  take(): Uint8Array;
  /** Writes bytes (strings as latin1, so `"\x81"` is one byte) and resolves once flushed. */
  write(data: string | Uint8Array): Promise<void>;
  /** Sends the valid 101 response to `head`, with `extraHeaders` lines (e.g. `Sec-WebSocket-Protocol: chat`). */
  accept(head: RequestHead, extraHeaders?: readonly string[]): Promise<void>;
  /** Waits `ms`. */
  delay(ms: number): Promise<void>;
  /** Half-close: sends FIN, keeps reading. */
  endWrite(): Promise<void>;
  /** Resolves once the peer has ended its side (EOF) or the socket closed; rejects after `timeoutMs` (default 5 s). */
  waitForEnd(timeoutMs?: number): Promise<void>;
  /** Closes abruptly (RST). */
  reset(): void;
}

/** A handler for each accepted connection; what it throws is recorded in `errors`. */
export type RawHandler = (connection: RawConnection) => void | Promise<void>;

/** A running raw TCP server. */
export interface RawTcpServer {
  readonly port: number;
  /** `ws://127.0.0.1:<port>/`, for clients under test. */
  readonly url: string;
  /** Errors thrown by handlers so far: check it is empty at the end of a test. */
  readonly errors: unknown[];
  /** Resolves once every handler started so far has finished. */
  settled(): Promise<void>;
  /** Stops listening and destroys every socket. */
  close(): Promise<void>;
}

/** The `Sec-WebSocket-Accept` value for a `Sec-WebSocket-Key` (RFC 6455 §4.2.2). */
export function acceptKey(key: string): string {
  return createHash("sha1").update(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").digest("base64");
}

function wrap(socket: Socket): RawConnection {
  let buffer = Buffer.alloc(0);
  let ended = false;
  const waiters = new Set<() => void>();
  const wake = () => waiters.forEach((w) => w());
  socket.on("data", (chunk) => ((buffer = Buffer.concat([buffer, chunk])), wake()));
  socket.on("end", () => ((ended = true), wake()));
  socket.on("close", () => ((ended = true), wake()));
  socket.on("error", () => {});
  /** Waits until `ready()` returns a value; `what` names it in errors. */
  const until = <T>(ready: () => T | undefined, timeoutMs: number, what: string) =>
    new Promise<T>((resolve, reject) => {
      const check = () => {
        const value = ready();
        if (value !== undefined) done(null, value);
        else if (ended) done(new Error(`raw TCP peer: connection ended while waiting for ${what} (have ${buffer.length} bytes)`));
      };
      const done = (error: Error | null, value?: T) => {
        clearTimeout(timer);
        waiters.delete(check);
        if (error) reject(error);
        else resolve(value!);
      };
      const timer = setTimeout(() => done(new Error(`raw TCP peer: no ${what} within ${timeoutMs} ms (have ${buffer.length} bytes)`)), timeoutMs);
      waiters.add(check);
      check();
    });
  const consume = (n: number) => {
    const out = new Uint8Array(buffer.subarray(0, n));
    buffer = buffer.subarray(n);
    return out;
  };
  const connection: RawConnection = {
    socket,
    async readHead(timeoutMs = 5_000) {
      const end = await until(() => (buffer.indexOf("\r\n\r\n") >= 0 ? buffer.indexOf("\r\n\r\n") + 4 : undefined), timeoutMs, "HTTP request head");
      const raw = Buffer.from(consume(end)).toString("latin1");
      const [requestLine = "", ...lines] = raw.slice(0, -4).split("\r\n");
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const colon = line.indexOf(":");
        const name = line.slice(0, colon).trim().toLowerCase();
        const value = line.slice(colon + 1).trim();
        headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
      }
      return { requestLine, headers, raw };
    },
    async read(length, timeoutMs = 5_000) {
      await until(() => (buffer.length >= length ? true : undefined), timeoutMs, `${length} bytes`);
      return consume(length);
    },
    take: () => consume(buffer.length),
    write: (data) =>
      new Promise((resolve, reject) => socket.write(typeof data === "string" ? Buffer.from(data, "latin1") : data, (e) => (e ? reject(e) : resolve()))),
    accept(head, extraHeaders = []) {
      const key = head.headers["sec-websocket-key"] ?? "";
      const lines = ["HTTP/1.1 101 Switching Protocols", "Upgrade: websocket", "Connection: Upgrade", `Sec-WebSocket-Accept: ${acceptKey(key)}`, ...extraHeaders];
      return connection.write(lines.join("\r\n") + "\r\n\r\n");
    },
    delay: (ms) => new Promise((r) => setTimeout(r, ms)),
    endWrite: () => new Promise((resolve) => socket.end(resolve)),
    waitForEnd: (timeoutMs = 5_000) => until(() => (ended ? true : undefined), timeoutMs, "end of stream").then(() => {}),
    reset: () => void socket.resetAndDestroy(),
  };
  return connection;
}

/**
 * Starts a TCP server on 127.0.0.1, port 0, that runs `handler` for each
 * accepted connection. Sockets still open when the handler finishes stay
 * open until the peer closes them or the server closes (after `lifetimeMs`,
 * default 60 s, at the latest).
 */
export async function startRawTcpServer(handler: RawHandler, options: { lifetimeMs?: number } = {}): Promise<RawTcpServer> {
  const sockets = new Set<Socket>();
  const running = new Set<Promise<void>>();
  const errors: unknown[] = [];
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    const run = (async () => handler(wrap(socket)))().catch((e: unknown) => void errors.push(e));
    running.add(run);
    void run.finally(() => running.delete(run));
  });
  const port = await listenOnLoopback(server);
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= new Promise<void>((resolve) => {
      clearTimeout(lifetime);
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }));
  const lifetime = setTimeout(close, options.lifetimeMs ?? 60_000);
  lifetime.unref();
  return {
    port,
    url: `ws://127.0.0.1:${port}/`,
    errors,
    settled: async () => void (await Promise.all([...running])),
    close,
  };
}
