/**
 * A ws-style WebSocket server (`Server(options)`), on a port that
 * may be shared with other servers and BrowserSockets (see
 * {@link HttpListener}), routed by `path` prefix.
 *
 * Events of a {@link Server}: `listening`, `connection(conn, request)`,
 * `close`, `error(err)`. Events of a {@link ServerConnection}:
 * `message(data, isBinary)` and `data(data)` (text as a string, binary as a
 * Uint8Array), `ping(payload)`, `pong(payload)`, `close(code, reason)`,
 * `error(err)`.
 *
 * Masking: a server never masks (RFC 6455 §5.1). The `mask` argument of
 * `send`/`ping`/`pong` must be `false` or absent; `true` throws a
 * {@link UsageError} with code `WS_ERR_SERVER_MASK` and sends nothing.
 */
import { CloseCode } from "../core/close-code";
import { ConnectionState, type CloseResult, type ConnectionEvents } from "../core/connection";
import { ProtocolError, UsageError } from "../core/errors";
import { HandshakeError } from "../core/handshake-error";
import { resolveLimits, type Limits } from "../core/limits";
import type { UpgradeRequest } from "../core/handshake";
import type { HttpHead } from "../core/http-head";
import type { SocketDriver } from "../transport/socket-driver";
import Timer from "timer";
import { Emitter } from "./emitter";
import type { ServerConnectionEvents, ServerEvents } from "./server-events";
import { HttpListener, type Endpoint, type RemotePeer } from "./http-listener";

/**
 * Connections of one server at once, by default. The SDK's ESP32 build
 * allows 8 active lwIP TCP connections in all (sdkconfig
 * CONFIG_LWIP_MAX_ACTIVE_TCP=8): 6 leaves room for the socket that answers
 * the next client with 503 (or serves a page) and for one outgoing connection.
 */
export const DEFAULT_BACKLOG = 6;

/** Options of a {@link Server}. */
export interface ServerOptions {
  /** Port to bind to; 0 for an ephemeral one (see {@link Server.port}). Default 80. */
  port?: number;
  /** IP literal of the interface to bind (all when absent). Bound by the simulator; the ESP32 build binds all interfaces. */
  host?: string;
  /** Alias of `host`. */
  address?: string;
  /** The most connections of this server at once; beyond it a new one gets HTTP 503 and is closed. Default 6 ({@link DEFAULT_BACKLOG}). */
  backlog?: number;
  /** Keep the live connections in {@link Server.clients} (default true). */
  clientTracking?: boolean;
  /** The largest message (and frame) accepted, in bytes; more fails the connection with 1009. Default 64 KiB. */
  maxPayload?: number;
  /**
   * Called with the subprotocols the client offers. Return one of them to
   * accept with it; `undefined`, `""` or `true` to accept without a
   * subprotocol; `false` (or throw, or return a string the client did not
   * offer) to refuse with HTTP 403. A thrown exception is also emitted as
   * the server's `error` event.
   */
  acceptHandler?: (protocols: string[]) => string | boolean | undefined | void;
  /** Route prefix: only requests under it reach this server (default "/", everything). */
  path?: string;
  /** Seconds a client has to complete the opening handshake (default 5; fractions allowed). */
  handshakeTimeout?: number;
  /** Request head limits, in bytes / fields (431 past them). */
  maxHeadSize?: number;
  maxLineLength?: number;
  maxHeaderCount?: number;
  /** Seconds of receive silence before a keepalive ping; 0 (default) for none. */
  pingInterval?: number;
  /** Seconds a keepalive ping may go unanswered before the connection fails; 0 (default) waits forever. */
  pingTimeout?: number;
  /**
   * Seconds of receive silence after which a connection is closed with 1001
   * ("idle"), so that silent peers cannot hold every slot; pongs to keepalive
   * pings count as traffic. 0 (default) for never: a quiet client that is
   * alive is not cut, and keepalive (`pingInterval`, `pingTimeout`) already
   * frees the slots of dead ones.
   */
  idleTimeout?: number;
  /** Bytes that may wait to be sent per connection (default 256 KiB). */
  maxQueuedBytes?: number;
  /** The most frames of one message (→ 1008 past it; default 16,384, as ws). */
  maxFragments?: number;
  /**
   * Sockets of the port in their opening handshake at once; past it a new
   * socket gets 503 at once (default 4). Set by the first endpoint that
   * opens the port.
   */
  maxHandshakes?: number;
}

/** What a `connection` listener learns about the opening handshake. */
export interface ServerRequest {
  /** The request target: path and query. */
  url: string;
  /** Header fields with lower-case names; repeated fields joined with ", ". */
  headers: Record<string, string>;
  /** The head as received. */
  head: HttpHead;
  remoteAddress: string | undefined;
  remotePort: number | undefined;
}

/** The ws `readyState` values. */
export const ReadyState = { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 } as const;

/** `mask: true` was passed to a server's send, ping or pong. */
function refuseMask(): never {
  throw new UsageError("WS_ERR_SERVER_MASK", "a server must not mask its frames (RFC 6455 §5.1): pass mask false or omit it");
}

/**
 * One client of a {@link Server}, and the events handler of its connection
 * (one object per client besides the connection itself: the core's events
 * arrive here and go out as this emitter's events). See the module comment
 * for its events.
 */
export class ServerConnection extends Emitter<ServerConnectionEvents> implements ConnectionEvents {
  // TypeScript-private, not `#`: a `#` field would cost every connection one more slot (docs/device.md).
  private readonly driver: SocketDriver;
  private readonly server: Server;

  /** @internal made by the server */
  constructor(server: Server, connection: SocketDriver) {
    super();
    this.server = server;
    this.driver = connection;
  }

  /** The subprotocol chosen, "" for none. */
  get protocol(): string {
    return this.driver.protocol;
  }

  /** 0 CONNECTING, 1 OPEN, 2 CLOSING, 3 CLOSED. */
  get readyState(): number {
    return this.driver.state;
  }

  /** Bytes queued, not yet handed to the socket. */
  get bufferedAmount(): number {
    return this.driver.bufferedAmount;
  }

  /** Milliseconds of the last keepalive ping's round trip; NaN before one. */
  get roundTripTime(): number {
    return this.driver.roundTripTime;
  }

  /**
   * Sends a text (string) or binary (Uint8Array) message. `mask` must be
   * false or absent. Bytes queued past `maxQueuedBytes`, or past what the
   * device's memory budget can hold, are refused with a `UsageError`
   * (`WS_ERR_SEND_QUEUE_FULL`, `WS_ERR_BUDGET_EXCEEDED`) and nothing is
   * queued. Watch `bufferedAmount`, and the `drain` event once it has passed
   * 16 KiB; a message the connection received can always be echoed whole.
   */
  send(data: string | Uint8Array | ArrayBuffer, mask?: boolean): void {
    if (mask === true) refuseMask();
    if (typeof data === "string") this.driver.sendText(data);
    else this.driver.sendBinary(data instanceof Uint8Array ? data : new Uint8Array(data));
  }

  /** Sends a ping with up to 125 bytes. `mask` must be false or absent. */
  ping(data?: string | Uint8Array, mask?: boolean): void {
    if (mask === true) refuseMask();
    this.driver.ping(data);
  }

  /** Sends an unsolicited pong with up to 125 bytes. `mask` must be false or absent. */
  pong(data?: string | Uint8Array, mask?: boolean): void {
    if (mask === true) refuseMask();
    this.driver.pong(data);
  }

  /** Starts the closing handshake (default code 1000). */
  close(code?: number, reason?: string): void {
    this.driver.close(code ?? CloseCode.Normal, reason);
  }

  /** Ends the connection at once, without a closing handshake. */
  terminate(): void {
    this.driver.terminate();
  }

  /** @internal {@link ConnectionEvents} */
  onOpen(): void {
    this.driver.flush(); // the 101 goes on the wire before the application hears of the connection (as in ws)
    this.server.connectionOpened(this);
  }

  /** @internal */
  onText(text: string): void {
    this.emitMessage(text, false);
  }

  /** @internal */
  onBinary(data: Uint8Array): void {
    this.emitMessage(data, true);
  }

  /** @internal */
  onDrain(): void {
    this.emit("drain");
  }

  /** @internal */
  onPing(payload: Uint8Array): void {
    this.emit("ping", payload);
  }

  /** @internal */
  onPong(payload: Uint8Array): void {
    this.emit("pong", payload);
  }

  /** @internal */
  onError(error: ProtocolError | HandshakeError): void {
    if (this.server.isOpen(this)) this.emit("error", error);
  }

  /** @internal */
  onClosed(result: CloseResult): void {
    this.server.connectionClosed(this, result);
  }
}

/** See the module comment. */
export class Server extends Emitter<ServerEvents> implements Endpoint {
  /** The live connections (when `clientTracking` is on). */
  readonly clients = new Set<ServerConnection>();
  readonly options: Readonly<ServerOptions>;
  readonly prefix: string;
  /** Every open connection: {@link clients} itself unless `clientTracking` is off (one set entry per connection, not two). */
  readonly #all: Set<ServerConnection>;
  readonly #backlog: number;
  #http: HttpListener | undefined;
  /** The request of the connection being accepted, from `adopt` until its `onOpen` (which `accept` calls within it). */
  #accepting: ServerRequest | undefined;
  #closing = false;
  #closeEmitted = false;
  readonly #limits: Readonly<Limits>;

  constructor(options: ServerOptions = {}) {
    super();
    this.options = options;
    this.#all = options.clientTracking === false ? new Set() : this.clients;
    this.prefix = options.path ?? "/";
    this.#backlog = options.backlog ?? DEFAULT_BACKLOG;
    // Resolved once: every connection shares this one (frozen) object.
    this.#limits = resolveLimits(limitsOf(options));
    try {
      this.#http = HttpListener.acquire(options.port ?? 80, {
        handshakeTimeout: (options.handshakeTimeout ?? 5) * 1000,
        limits: this.#limits,
        address: options.host ?? options.address,
        maxHandshakes: options.maxHandshakes,
      });
      this.#http.addEndpoint(this);
      Timer.set(() => {
        if (!this.#closing) this.emit("listening");
      });
    } catch (error) {
      Timer.set(() => this.emit("error", error));
    }
  }

  /** The bound port (the real one when constructed with port 0); 0 when not listening. */
  get port(): number {
    return this.#http?.port ?? 0;
  }

  /** ws-style: `{ port, address }`. */
  address(): { port: number; address: string } {
    return { port: this.port, address: this.options.host ?? this.options.address ?? "0.0.0.0" };
  }

  /** @internal {@link Endpoint}: one more connection fits the backlog. */
  admit(): boolean {
    return !this.#closing && this.#all.size < this.#backlog;
  }

  /** @internal {@link Endpoint}: takes over a valid upgrade request and answers it. */
  adopt(connection: SocketDriver, request: UpgradeRequest, head: HttpHead, peer: RemotePeer): void {
    const options = this.options;
    connection.configure({
      events: new ServerConnection(this, connection),
      limits: this.#limits,
      pingInterval: (options.pingInterval ?? 0) * 1000,
      pingTimeout: (options.pingTimeout ?? 0) * 1000,
      idleTimeout: (options.idleTimeout ?? 0) * 1000,
    });
    let choice: string | boolean | undefined | void;
    try {
      choice = options.acceptHandler?.(request.protocols.slice());
    } catch (error) {
      choice = false; // a throwing handler refuses (403), and the server says why
      this.emit("error", error);
    }
    if (choice === false || (typeof choice === "string" && choice !== "" && !request.protocols.includes(choice))) {
      connection.reject(new HandshakeError("WS_ERR_REJECTED"));
      return;
    }
    this.#accepting = {
      url: head.firstLine.split(" ")[1] ?? "",
      headers: headerObject(head),
      head,
      remoteAddress: peer.remoteAddress,
      remotePort: peer.remotePort,
    };
    try {
      connection.accept(typeof choice === "string" && choice !== "" ? { protocol: choice } : {});
    } finally {
      this.#accepting = undefined;
    }
  }

  /** @internal {@link ServerConnection}: it opened; emits `connection`. */
  connectionOpened(conn: ServerConnection): void {
    this.#all.add(conn);
    if (this.#closing) conn.close(CloseCode.GoingAway);
    this.emit("connection", conn, this.#accepting!); // set by adopt, around the accept that opens the connection
  }

  /** @internal {@link ServerConnection}: whether it opened and has not ended. */
  isOpen(conn: ServerConnection): boolean {
    return this.#all.has(conn);
  }

  /** @internal {@link ServerConnection}: its connection ended (one that never opened was refused: no event). */
  connectionClosed(conn: ServerConnection, result: CloseResult): void {
    if (this.#all.delete(conn)) {
      conn.emit("close", result.code, result.reason);
    }
    this.#maybeClosed();
  }

  /**
   * Stops listening (the port is freed once no other endpoint uses it),
   * closes every connection with 1001, and emits `close` once they are all
   * closed. `callback` is called then too.
   */
  close(callback?: () => void): void {
    if (callback !== undefined) this.once("close", callback);
    if (this.#closing) {
      this.#maybeClosed();
      return;
    }
    this.#closing = true;
    this.#http?.removeEndpoint(this);
    for (const conn of [...this.#all]) {
      if (conn.readyState === ConnectionState.Open) conn.close(CloseCode.GoingAway, "server closing");
      else if (conn.readyState === ConnectionState.Connecting) conn.terminate();
    }
    Timer.set(() => this.#maybeClosed());
  }

  #maybeClosed(): void {
    if (!this.#closing || this.#closeEmitted || this.#all.size > 0) return;
    this.#closeEmitted = true;
    this.emit("close");
  }
}

function limitsOf(options: ServerOptions): Record<string, number> {
  const limits: Record<string, number> = {};
  if (options.maxPayload !== undefined) {
    limits.maxMessageSize = options.maxPayload;
    limits.maxFrameSize = options.maxPayload;
  }
  if (options.maxHeadSize !== undefined) limits.maxHeadSize = options.maxHeadSize;
  if (options.maxLineLength !== undefined) limits.maxLineLength = options.maxLineLength;
  if (options.maxHeaderCount !== undefined) limits.maxHeaderCount = options.maxHeaderCount;
  if (options.maxQueuedBytes !== undefined) limits.maxQueuedBytes = options.maxQueuedBytes;
  if (options.maxFragments !== undefined) limits.maxFragments = options.maxFragments;
  return limits;
}

/** The head's fields as an object with lower-case names. */
export function headerObject(head: HttpHead): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of head.headers) {
    const key = name.toLowerCase();
    headers[key] = headers[key] === undefined ? value : `${headers[key]}, ${value}`;
  }
  return headers;
}

export { ProtocolError, UsageError };
