/**
 * One TCP listener per port, shared by every WebSocket endpoint (ws-style
 * `Server`, `BrowserSocket`) and page handler registered on it, routed by
 * resource prefix.
 *
 * Each accepted socket gets its one and only connection: a server-role
 * {@link SocketDriver}, made with the listener's head limits and handshake
 * timeout. When its request head has arrived (`onRequest`), the listener
 * routes it:
 * - an upgrade request whose path matches an endpoint (longest prefix wins)
 *   is adopted by that endpoint: it configures the connection (its events,
 *   limits and keepalive) and accepts or refuses it, within the same call;
 *   past the endpoint's backlog the request gets 503;
 * - a plain request whose path matches a page handler that answers is served
 *   with that answer;
 * - otherwise 426 (a plain request for an endpoint's path) or 404.
 * Malformed heads (400 as soon as a byte cannot be HTTP), oversized heads
 * (431) and silent clients (handshake timeout) are answered and closed by the
 * connection itself. Connections still in their handshake have a cap of
 * their own (`maxHandshakes`): past it a new socket gets 503 at once.
 */
import Listener from "embedded:io/socket/listener";
import TCP from "embedded:io/socket/tcp";
import type { CloseResult, ConnectionEvents } from "../core/connection";
import type { HttpHead } from "../core/http-head";
import { encodeUtf8 } from "../core/utf8";
import { isUpgradeRequest, type UpgradeRequest } from "../core/handshake";
import { HandshakeError } from "../core/handshake-error";
import { resolveLimits, type Limits } from "../core/limits";
import { CONNECTION_COST, random, sha1, now, sharedBudget, sharedScheduler } from "../transport/platform";
import { SocketDriver, targetCallbacks } from "../transport/socket-driver";

/** A plain HTTP answer to a non-upgrade request. */
export interface PageResponse {
  status?: number;
  body: string | Uint8Array;
  /** e.g. `[["Content-Type", "text/html; charset=utf-8"]]`. */
  headers?: ReadonlyArray<readonly [string, string]>;
}

/** Answers a plain GET under its prefix, or `undefined` to pass (404). */
export type PageHandler = (head: HttpHead, path: string) => PageResponse | undefined;

/** What an endpoint learns of the socket behind a request it adopts. */
export interface RemotePeer {
  readonly remoteAddress: string | undefined;
  readonly remotePort: number | undefined;
}

/** A WebSocket endpoint on a shared listener. */
export interface Endpoint {
  /** The resource prefix it receives ("/" for all). */
  readonly prefix: string;
  /** Whether it can take one more connection; false answers 503. */
  admit(): boolean;
  /**
   * Takes over the connection of a valid upgrade request, inside its
   * `onRequest`: configures it (`connection.configure`) and answers it
   * (`accept`, `reject` or `respond`) before returning.
   */
  adopt(connection: SocketDriver, request: UpgradeRequest, head: HttpHead, peer: RemotePeer): void;
}

/** Options of the listener, fixed by whoever opens the port first. */
export interface HttpListenerOptions {
  /** Head limits while routing (431 past them). */
  limits?: Partial<Pick<Limits, "maxHeadSize" | "maxLineLength" | "maxHeaderCount">>;
  /** Milliseconds a client has to send its request head (default 5000). */
  handshakeTimeout?: number;
  /** Connections in their opening handshake at once; past it a new socket gets 503 (default {@link DEFAULT_MAX_HANDSHAKES}). */
  maxHandshakes?: number;
  /** IP literal to bind; all interfaces when absent. The ESP32 build binds all interfaces whatever it is. */
  address?: string;
}

/** Sockets in their opening handshake at once, by default: a slow or silent client cannot take every lwIP socket. */
export const DEFAULT_MAX_HANDSHAKES = 4;

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
  /** The head limits, resolved once: every connection this listener makes shares them until its endpoint applies its own. */
  readonly #limits: Readonly<Limits>;
  #handshaking = 0;
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
    this.#limits = resolveLimits(options.limits);
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
      this.#accept(accepted);
    }
  }

  #accept(accepted: TCP): void {
    const budget = sharedBudget();
    const afforded = budget.tryReserve(CONNECTION_COST);
    const connection = new SocketDriver({
      role: "server",
      scheduler: sharedScheduler(),
      sha1,
      random,
      now,
      budget,
      holdsConnectionCost: afforded,
      limits: this.#limits,
      openTimeout: this.#options.handshakeTimeout ?? 5000,
    });
    const socket = new TCP({
      from: accepted,
      // WebSocket messages are whole writes already (the core coalesces a small frame with its header);
      // Nagle would hold the tail of each one for the peer's delayed ACK (~40 ms per echo measured).
      nodelay: true,
      target: connection,
      onReadable: targetCallbacks.onReadable,
      onWritable: targetCallbacks.onWritable,
      onError: targetCallbacks.onError,
    });
    connection.attach(socket, true);
    if (!afforded) {
      connection.respond(503, encodeUtf8("the device cannot afford another connection now\n"), [["Retry-After", "5"]]);
      return;
    }
    if (this.#handshaking >= (this.#options.maxHandshakes ?? DEFAULT_MAX_HANDSHAKES)) {
      connection.respond(503, encodeUtf8("too many connections in their handshake\n"), [["Retry-After", "1"]]);
      return;
    }
    this.#handshaking++;
    connection.configure({ events: new PendingRequest(this, connection, socket) });
  }

  /** @internal {@link PendingRequest}: one connection's handshake is over (answered, or the connection ended). */
  handshakeOver(): void {
    this.#handshaking--;
  }

  /** @internal {@link PendingRequest}: routes a request head that has arrived (see the module comment). */
  route(verdict: UpgradeRequest | HandshakeError, head: HttpHead, connection: SocketDriver, peer: RemotePeer): void {
    const path = requestPath(head);
    if (verdict instanceof HandshakeError && (verdict.code === "WS_ERR_MALFORMED_HTTP" || verdict.code === "WS_ERR_BAD_HTTP_VERSION")) {
      return connection.reject(verdict);
    }
    if (isUpgradeRequest(head)) {
      const endpoint = this.#longest(this.#endpoints, path, (e) => e.prefix);
      if (endpoint === undefined) return respondText(connection, 404, "no WebSocket endpoint here\n");
      if (!endpoint.admit()) return respondText(connection, 503, "too many connections\n");
      if (verdict instanceof HandshakeError) return connection.reject(verdict);
      return endpoint.adopt(connection, verdict, head, peer);
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
 * The events of a connection until its request is routed: made per accepted
 * socket and dropped once the endpoint adopting it sets its own events (or
 * the connection ends), so it costs nothing to an open connection.
 */
class PendingRequest implements ConnectionEvents, RemotePeer {
  readonly #listener: HttpListener;
  readonly #connection: SocketDriver;
  readonly remoteAddress: string | undefined;
  readonly remotePort: number | undefined;
  #over = false;

  constructor(listener: HttpListener, connection: SocketDriver, socket: TCP) {
    this.#listener = listener;
    this.#connection = connection;
    this.remoteAddress = socket.remoteAddress;
    this.remotePort = socket.remotePort;
  }

  onRequest(verdict: UpgradeRequest | HandshakeError, head: HttpHead): void {
    this.end();
    this.#listener.route(verdict, head, this.#connection, this);
  }

  onClosed(_result: CloseResult): void {
    this.end();
  }

  private end(): void {
    if (this.#over) return;
    this.#over = true;
    this.#listener.handshakeOver();
  }
}

function respondText(connection: SocketDriver, status: number, text: string): void {
  connection.respond(status, encodeUtf8(text));
}
