/**
 * One TCP listener per port, shared by every WebSocket endpoint (ws-style
 * `Server`, `BrowserSocket`) and page handler registered on it, routed by
 * resource prefix.
 *
 * Each accepted socket first gets a short-lived "sniffer": a server-role core
 * {@link Connection} that only reads the request head (with the listener's
 * head limits and handshake timeout). In its `onRequest` the listener routes:
 * - an upgrade request whose path matches an endpoint (longest prefix wins)
 *   is handed to that endpoint with the raw bytes read so far, which its own
 *   connection reads again (so each endpoint keeps its own limits), or gets
 *   503 when the endpoint is at its backlog;
 * - a plain request whose path matches a page handler that answers is served
 *   with that answer;
 * - otherwise 426 (a plain request for an endpoint's path) or 404.
 * Malformed heads, oversized heads (431) and silent clients (handshake
 * timeout) are answered and closed by the sniffer itself.
 */
import { concatBytes } from "../core/bytes";
import Listener from "embedded:io/socket/listener";
import TCP from "embedded:io/socket/tcp";
import type { Connection } from "../core/connection";
import type { HttpHead } from "../core/http-head";
import { encodeUtf8 } from "../core/utf8";
import { isUpgradeRequest, type UpgradeRequest } from "../core/handshake";
import { HandshakeError } from "../core/handshake-error";
import type { Limits } from "../core/limits";
import { random, sha1, now, sharedScheduler } from "../transport/platform";
import { SocketDriver, type ByteSocket, type SocketCallbacks, type SocketDriverOptions } from "../transport/socket-driver";

/** A plain HTTP answer to a non-upgrade request. */
export interface PageResponse {
  status?: number;
  body: string | Uint8Array;
  /** e.g. `[["Content-Type", "text/html; charset=utf-8"]]`. */
  headers?: ReadonlyArray<readonly [string, string]>;
}

/** Answers a plain GET under its prefix, or `undefined` to pass (404). */
export type PageHandler = (head: HttpHead, path: string) => PageResponse | undefined;

/** The driver options an endpoint chooses for the connections it adopts. */
export type EndpointDriverOptions = Omit<SocketDriverOptions, "role" | "scheduler" | "sha1" | "random" | "now">;

/** A socket handed to an endpoint: start it with the endpoint's own options. */
export interface Handoff {
  readonly remoteAddress: string | undefined;
  readonly remotePort: number | undefined;
  /** Binds a new server connection to the socket. */
  start(options: EndpointDriverOptions): SocketDriver;
  /** Replays the request into the started connection (its `onRequest` runs now) and lets the socket flow. */
  resume(): void;
}

/** A WebSocket endpoint on a shared listener. */
export interface Endpoint {
  /** The resource prefix it receives ("/" for all). */
  readonly prefix: string;
  /** Whether it can take one more connection; false answers 503. */
  admit(): boolean;
  /** Takes over an upgrade request's socket. */
  adopt(handoff: Handoff): void;
}

/** Options of the listener, fixed by whoever opens the port first. */
export interface HttpListenerOptions {
  /** Head limits while routing (431 past them). */
  limits?: Partial<Pick<Limits, "maxHeadSize" | "maxLineLength" | "maxHeaderCount">>;
  /** Milliseconds a client has to send its request head (default 5000). */
  handshakeTimeout?: number;
  /** IP literal to bind; all interfaces when absent. The ESP32 build binds all interfaces whatever it is. */
  address?: string;
}

/** Whether `path` is under `prefix` ("/" and "" match all; "/a" matches "/a", "/a/…"; "/a/" matches "/a/…"). */
export function matchesPrefix(path: string, prefix: string): boolean {
  if (prefix === "" || prefix === "/") return true;
  if (path === prefix || (prefix.endsWith("/") && path === prefix.slice(0, -1))) return true;
  return path.startsWith(prefix.endsWith("/") ? prefix : prefix + "/");
}

/** The path of a request line's target, without its query; "" when malformed. */
export function requestPath(head: HttpHead): string {
  const target = head.firstLine.split(" ")[1] ?? "";
  const query = target.indexOf("?");
  return query >= 0 ? target.slice(0, query) : target;
}

/**
 * The open listeners by port. Made on first use: a Map made at module load
 * would be read-only on the device when the module is preloaded.
 */
let listeners: Map<number, HttpListener> | undefined;

/** See the module comment. */
export class HttpListener {
  readonly #listener: Listener;
  readonly #options: HttpListenerOptions;
  readonly #endpoints = new Set<Endpoint>();
  readonly #pages = new Map<string, PageHandler>();
  #closed = false;
  #port = 0;

  /** The listener on `port`, opened (with `options`) if none is. Port 0 always opens a new one. Throws if the port cannot be bound. */
  static acquire(port: number, options: HttpListenerOptions = {}): HttpListener {
    listeners ??= new Map();
    const existing = port === 0 ? undefined : listeners.get(port);
    if (existing !== undefined) return existing;
    const listener = new HttpListener(port, options);
    listeners.set(listener.port, listener);
    return listener;
  }

  private constructor(port: number, options: HttpListenerOptions) {
    this.#options = options;
    this.#listener = new Listener({ port, address: options.address, onReadable: (count) => this.#onReadable(count) });
  }

  /** The bound port. */
  get port(): number {
    if (!this.#closed) this.#port = this.#listener.port;
    return this.#port;
  }

  /** Registers a WebSocket endpoint. */
  addEndpoint(endpoint: Endpoint): void {
    this.#endpoints.add(endpoint);
  }

  /** Registers a page handler for plain requests under `prefix`. */
  addPage(prefix: string, handler: PageHandler): void {
    this.#pages.set(prefix, handler);
  }

  /** Unregisters a page handler. */
  removePage(prefix: string): void {
    this.#pages.delete(prefix);
    this.#closeIfUnused();
  }

  /** Unregisters an endpoint; the port is freed once nothing is registered. */
  removeEndpoint(endpoint: Endpoint): void {
    this.#endpoints.delete(endpoint);
    this.#closeIfUnused();
  }

  #closeIfUnused(): void {
    if (this.#endpoints.size > 0 || this.#pages.size > 0 || this.#closed) return;
    this.#closed = true;
    const port = this.port;
    if (listeners?.get(port) === this) listeners.delete(port);
    this.#listener.close();
  }

  #onReadable(count: number): void {
    for (let i = 0; i < count && !this.#closed; i++) {
      const accepted = this.#listener.read();
      if (accepted === undefined) break;
      this.#sniff(accepted);
    }
  }

  #sniff(accepted: TCP): void {
    let detached = false;
    const raw: Uint8Array[] = [];
    const relay = new SocketRelay();
    const socket = new TCP({
      from: accepted,
      // WebSocket messages are whole writes already (the core coalesces a small frame with its header);
      // Nagle would hold the tail of each one for the peer's delayed ACK (~40 ms per echo measured).
      nodelay: true,
      target: relay,
      onReadable: relayReadable,
      onWritable: relayWritable,
      onError: relayError,
    });
    const sniffSocket: ByteSocket = {
      read: () => {
        const data = socket.read();
        if (data !== undefined) raw.push(new Uint8Array(data.slice(0)));
        return data;
      },
      write: (data) => socket.write(data),
      close: () => {
        if (!detached) socket.close();
      },
    };
    const route = (verdict: UpgradeRequest | HandshakeError, head: HttpHead, connection: Connection): void => {
      const path = requestPath(head);
      if (verdict instanceof HandshakeError && (verdict.code === "WS_ERR_MALFORMED_HTTP" || verdict.code === "WS_ERR_BAD_HTTP_VERSION")) {
        return connection.reject(verdict);
      }
      if (isUpgradeRequest(head)) {
        const endpoint = this.#longest(this.#endpoints, path, (e) => e.prefix);
        if (endpoint === undefined) return respondText(connection, 404, "no WebSocket endpoint here\n");
        if (!endpoint.admit()) return respondText(connection, 503, "too many connections\n");
        detached = true;
        connection.close(); // the sniffer ends; the socket stays open (close is a no-op now)
        endpoint.adopt(this.#handoff(socket, raw, relay));
        return;
      }
      if (head.firstLine.startsWith("GET ")) {
        for (const [prefix, handler] of [...this.#pages].sort((a, b) => b[0].length - a[0].length)) {
          if (!matchesPrefix(path, prefix)) continue;
          const page = handler(head, path);
          if (page === undefined) continue;
          const body = typeof page.body === "string" ? encodeUtf8(page.body) : page.body;
          return connection.respond(page.status ?? 200, body, page.headers ?? []);
        }
      }
      if (this.#longest(this.#endpoints, path, (e) => e.prefix) !== undefined) {
        return connection.respond(426, encodeUtf8("this resource needs a WebSocket upgrade\n"), [["Upgrade", "websocket"]]);
      }
      respondText(connection, 404, "not found\n");
    };
    const limits = this.#options.limits ?? {};
    const driver: SocketDriver = new SocketDriver({
      role: "server",
      scheduler: sharedScheduler(),
      sha1,
      random,
      now,
      limits,
      openTimeout: this.#options.handshakeTimeout ?? 5000,
      handler: { onRequest: (verdict, head) => route(verdict, head, driver.connection) },
    });
    relay.target = driver.callbacks;
    driver.attach(sniffSocket);
  }

  #handoff(socket: TCP, raw: Uint8Array[], relay: SocketRelay): Handoff {
    let started: SocketDriver | undefined;
    return {
      remoteAddress: socket.remoteAddress,
      remotePort: socket.remotePort,
      resume: () => {
        if (started === undefined) throw new Error("resume before start");
        relay.target = started.callbacks;
        started.callbacks.onWritable(relay.writable);
        started.callbacks.onReadable(0);
      },
      start: (options) => {
        const driver = new SocketDriver({ ...options, role: "server", scheduler: sharedScheduler(), sha1, random, now });
        driver.attach(new ReplaySocket(socket, concatBytes(raw)));
        raw.length = 0; // replayed from the joined copy: the pieces need not live on while an endpoint keeps the handoff
        started = driver;
        return driver;
      },
    };
  }

  #longest<T>(items: Iterable<T>, path: string, prefixOf: (item: T) => string): T | undefined {
    let best: T | undefined;
    let bestLength = -1;
    for (const item of items) {
      const prefix = prefixOf(item);
      if (matchesPrefix(path, prefix) && prefix.length > bestLength) {
        best = item;
        bestLength = prefix.length;
      }
    }
    return best;
  }
}

/**
 * Where an accepted socket's callbacks go: to whichever driver owns the
 * socket now (the sniffer's, then the adopting endpoint's). The socket holds
 * it as its `target` and calls the functions below with itself as `this`
 * (ECMA-419 TCP does), so the callbacks a socket keeps for its whole life are
 * shared functions, not three closures per connection.
 */
class SocketRelay {
  target: SocketCallbacks | undefined;
  /** The socket's last writable count. */
  writable = 0;
  // The driver treats its first onWritable as "connected" and drops output
  // queued before it, so bytes are reported only once the socket said it is writable.
  writableSeen = false;
  readablePending = false;

  readable(count: number): void {
    if (this.writableSeen) this.target?.onReadable(count);
    else this.readablePending = true;
  }

  writableChanged(count: number): void {
    this.writable = count;
    this.writableSeen = true;
    this.target?.onWritable(count);
    if (this.readablePending) {
      this.readablePending = false;
      this.target?.onReadable(0);
    }
  }
}

function relayReadable(this: TCP, count: number): void {
  (this.target as SocketRelay).readable(count);
}

function relayWritable(this: TCP, count: number): void {
  (this.target as SocketRelay).writableChanged(count);
}

function relayError(this: TCP): void {
  (this.target as SocketRelay).target?.onError();
}

/**
 * The socket as an adopted connection sees it: the request bytes the sniffer
 * read come first, then the socket's own. A class rather than an object of
 * closures: it lives as long as the connection, and on the device each
 * closure costs about 170 bytes of heap.
 */
class ReplaySocket implements ByteSocket {
  readonly #socket: TCP;
  /** The request, until it has been read once. */
  #replay: Uint8Array | undefined;

  constructor(socket: TCP, replay: Uint8Array) {
    this.#socket = socket;
    this.#replay = replay;
  }

  read(): ArrayBuffer | undefined {
    const bytes = this.#replay;
    if (bytes === undefined) return this.#socket.read();
    this.#replay = undefined;
    return bytes.buffer as ArrayBuffer;
  }

  write(data: Uint8Array): number | undefined {
    return this.#socket.write(data);
  }

  close(): void {
    this.#socket.close();
  }
}

function respondText(connection: Connection, status: number, text: string): void {
  connection.respond(status, encodeUtf8(text));
}
