/**
 * `WebSocketChannel`: the low-level WebSocket client API of Gecko's
 * nsIWebSocketChannel (seeds 000, 001) with its nsIWebSocketListener
 * (seed 003), for the Moddable SDK. One channel is one connection attempt,
 * opened once with `asyncOpen`; it follows redirects with a fresh connection
 * each time and reports to its listener:
 *
 *   asyncOpen ─▶ (later) onStart ─▶ onMessageAvailable / onBinaryMessageAvailable / onAcknowledge …
 *                                 ─▶ onServerClose ─▶ onStop(NS_OK)
 *              or, when it cannot open:               onStop(status naming the cause)
 *
 * `onStop` is called exactly once, always last; nothing is called before
 * `asyncOpen` has returned; `onStart` comes before anything else; nothing but
 * `onStop` follows `onServerClose`.
 *
 * The protocol itself is the sans-I/O core ({@link Connection}) bound to an
 * ECMA-419 socket (`embedded:io/socket/tcp`, or `embedded:io/socket/tcp/tls`
 * for wss:) by a {@link SocketDriver}; host names are resolved with
 * `embedded:network/dns/resolver/udp`. No Node API is used.
 */
import TCP from "embedded:io/socket/tcp";
import TLSSocket from "embedded:io/socket/tcp/tls";
import Resolver from "embedded:network/dns/resolver/udp";
import Timer from "timer";
import { buildClosePayload } from "../core/close-payload";
import { ConnectionState, type CloseResult, type ConnectionHandler } from "../core/connection";
import { ProtocolError } from "../core/errors";
import { HandshakeError } from "../core/handshake-error";
import type { Limits } from "../core/limits";
import { now, random, sha1, sharedScheduler } from "../transport/platform";
import { SocketDriver } from "../transport/socket-driver";
import { ChannelError, ChannelStatus, type ChannelStatusDetails } from "./channel-status";
import { isIPv4, parseWsUri, resolveLocation, type WsUri } from "./ws-uri";

export { ChannelError, ChannelStatus } from "./channel-status";
export type { ChannelStatusCode, ChannelStatusDetails } from "./channel-status";

/**
 * The listener (nsIWebSocketListener, seed 003). Every method is optional and
 * gets the `context` given to `asyncOpen`.
 */
export interface WebSocketListener {
  /** The connection is open; called before any other method. Not called when it never opens. */
  onStart?(context: unknown): void;
  /** The end, exactly once and last: `status` is NS_OK or names the cause. */
  onStop?(context: unknown, status: ChannelStatus): void;
  /** A text message. */
  onMessageAvailable?(context: unknown, message: string): void;
  /** A binary message (the view may be kept). */
  onBinaryMessageAvailable?(context: unknown, message: Uint8Array): void;
  /** `size` bytes (frames, as on the wire) were placed in the socket's send buffer. */
  onAcknowledge?(context: unknown, size: number): void;
  /** The server's close frame arrived (1005 when it had no code); no more messages follow. */
  onServerClose?(context: unknown, code: number, reason: string): void;
}

/**
 * The device meaning of `notificationCallbacks` (Gecko: authorization and
 * similar prompts): a hook asked, before each connection attempt (the first
 * and every redirect), for extra header fields of the opening handshake
 * request, e.g. `Authorization` or `Cookie`.
 */
export interface NotificationCallbacks {
  /** Extra request header fields for a connection to `uri`, as pairs or as a record. */
  headers?(uri: string): ReadonlyArray<readonly [string, string]> | Readonly<Record<string, string>>;
}

/** How to reach a DNS server: the options of the SDK's `embedded:network/dns/resolver/udp`. */
export interface DnsConfig {
  /** DNS server IPv4 addresses. */
  servers: readonly string[];
  /** The UDP socket class, `{io: UDP}` from `embedded:io/socket/udp`. */
  socket: { readonly io: new (options: never) => object };
}

/** Device options of a channel (times in seconds, fractions allowed, like `pingInterval`). */
export interface ChannelOptions {
  /** Redirects (301/302/303/307/308) followed at most (default 10; 0: none). */
  maxRedirects?: number;
  /** Seconds from the start of each connection to the end of its opening handshake (default 30; 0: no limit). */
  openTimeout?: number;
  /** Seconds to wait for the closing handshake to finish (default 5). */
  closeTimeout?: number;
  /** wss: one extra trusted CA certificate, DER. */
  ca?: ArrayBuffer | ArrayBufferView;
  /** wss: the name to send (SNI) and verify; default: the URI's host. */
  serverName?: string;
  /** wss: accept any certificate and name. Testing only. */
  insecure?: boolean;
  /** The connection's limits (message, frame, head sizes, send queue). */
  limits?: Partial<Limits>;
  /** How to resolve host names; default: {@link WebSocketChannel.dns}. IPv4 literals and "localhost" need none. */
  dns?: DnsConfig;
  /** Fragment size of `sendBinaryStream`, in bytes (default 16384). */
  streamFragmentSize?: number;
}

/**
 * A source of bytes for `sendBinaryStream`: a reader whose `read(max)` returns
 * up to `max` bytes or `undefined` at the end, or an iterator or iterable of
 * chunks. Chunks are copied as they are framed, so a reader may reuse its buffer.
 */
export type BinarySource =
  | { read(max: number): Uint8Array | ArrayBuffer | undefined }
  | Iterator<Uint8Array | ArrayBuffer>
  | Iterable<Uint8Array | ArrayBuffer>;

/** What `securityInfo` holds for a wss: connection. */
export interface SecurityInfo {
  /** The name sent (SNI) and verified. */
  serverName: string;
  /** False when `insecure` turned verification off. */
  verified: boolean;
  /** TLS version, e.g. "TLSv1.2" (undefined where the socket does not report it, as on the device). */
  protocol: string | undefined;
  /** Cipher suite name. */
  cipher: string | undefined;
  /** Peer certificate subject, e.g. "CN=localhost". */
  peerSubject: string | undefined;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const EMPTY = new Uint8Array(0);

interface Stream {
  /** The next fragment-sized piece, or undefined at the end. */
  pull(): Uint8Array | undefined;
  /** A piece read ahead (to know whether the one before it is the last). */
  held: Uint8Array | undefined;
}

/** See the module comment. */
export class WebSocketChannel {
  /** The DNS configuration used by channels without a `dns` option (set once by the application). */
  static dns: DnsConfig | undefined;

  /** Device meaning: see {@link NotificationCallbacks}. */
  notificationCallbacks: NotificationCallbacks | null = null;
  /** Absent on the device: always null. */
  readonly loadGroup = null;
  /** Absent on the device: always null. */
  readonly loadInfo = null;

  readonly #maxRedirects: number;
  readonly #openTimeout: number;
  readonly #closeTimeout: number;
  readonly #options: ChannelOptions;
  readonly #fragmentSize: number;
  #requested: string[] = [];
  #pingInterval = 0;
  #pingTimeout = 0;
  #opened = false;
  #started = false;
  #stopped = false;
  #aborted = false;
  #serverClosed = false;
  #listener: WebSocketListener | undefined;
  #context: unknown;
  #origin = "";
  #original: WsUri | undefined;
  #uri: WsUri | undefined;
  #redirects = 0;
  #resolver: Resolver | undefined;
  #driver: SocketDriver | undefined;
  #socket: TCP | TLSSocket | undefined;
  /** Per attempt: the transport connected (TCP) or finished its handshake (TLS). */
  #transportOpen = false;
  #failure: ProtocolError | HandshakeError | undefined;
  #setupError: unknown;
  #protocol = "";
  #extensions = "";
  #securityInfo: SecurityInfo | null = null;
  #stream: Stream | undefined;
  #pumpQueued = false;

  constructor(options: ChannelOptions = {}) {
    this.#options = options;
    this.#maxRedirects = options.maxRedirects ?? 10;
    this.#openTimeout = seconds(options.openTimeout ?? 30, "openTimeout");
    this.#closeTimeout = seconds(options.closeTimeout ?? 5, "closeTimeout");
    this.#fragmentSize = options.streamFragmentSize ?? 16384;
    if (!Number.isSafeInteger(this.#maxRedirects) || this.#maxRedirects < 0) throw new RangeError("maxRedirects must be a non-negative integer");
    if (!Number.isSafeInteger(this.#fragmentSize) || this.#fragmentSize <= 0) throw new RangeError("streamFragmentSize must be a positive integer");
  }

  // ── Attributes ─────────────────────────────────────────────────────────

  /** The URI given to `asyncOpen`, normalized; "" before. */
  get originalURI(): string {
    return this.#original?.href ?? "";
  }

  /** The URI after the redirects followed so far; "" before `asyncOpen`. */
  get URI(): string {
    return this.#uri?.href ?? this.#original?.href ?? "";
  }

  /**
   * Before opening: the subprotocols to request, comma-separated, most
   * preferred first (settable until `asyncOpen`). Once open: the one the
   * server selected, "" for none.
   */
  get protocol(): string {
    return this.#started ? this.#protocol : this.#requested.join(", ");
  }

  set protocol(value: string) {
    this.#notOpened("protocol");
    const list = value.split(",").map((name) => name.trim()).filter((name) => name !== "");
    for (const name of list) if (!TOKEN.test(name)) throw new ChannelError("NS_ERROR_ILLEGAL_VALUE", `invalid subprotocol name ${JSON.stringify(name)}`);
    if (new Set(list).size !== list.length) throw new ChannelError("NS_ERROR_ILLEGAL_VALUE", "duplicate subprotocol names");
    this.#requested = list;
  }

  /** The server's `Sec-WebSocket-Extensions` value, "" for none. */
  get extensions(): string {
    return this.#extensions;
  }

  /** For wss: once open, what the TLS connection negotiated; null for ws: or before. */
  get securityInfo(): SecurityInfo | null {
    return this.#securityInfo;
  }

  /** Seconds of receive silence before a keepalive ping; 0 (default) for none. Settable only before `asyncOpen`. */
  get pingInterval(): number {
    return this.#pingInterval;
  }

  set pingInterval(value: number) {
    this.#notOpened("pingInterval");
    this.#pingInterval = seconds(value, "pingInterval") / 1000;
  }

  /** Seconds to wait for the answer to a keepalive ping; 0 (default) to wait forever. Settable only before `asyncOpen`. */
  get pingTimeout(): number {
    return this.#pingTimeout;
  }

  set pingTimeout(value: number) {
    this.#notOpened("pingTimeout");
    this.#pingTimeout = seconds(value, "pingTimeout") / 1000;
  }

  /** Bytes queued and not yet in the socket's send buffer (frame headers included). */
  get bufferedAmount(): number {
    return this.#driver?.connection.bufferedAmount ?? 0;
  }

  /** Whether the channel is open: `onStart` was called and no close frame was sent or received. */
  get isOpen(): boolean {
    return this.#started && !this.#stopped && this.#driver?.connection.state === ConnectionState.Open;
  }

  // ── Methods ────────────────────────────────────────────────────────────

  /**
   * Starts connecting to `uri` (ws: or wss:). Listener methods are called
   * only after this returns. Throws NS_ERROR_ALREADY_OPENED when called a
   * second time, NS_ERROR_MALFORMED_URI for a URI that is not ws:/wss:.
   * `origin` is sent as the `Origin` header unless "".
   */
  asyncOpen(uri: string, origin: string, listener: WebSocketListener, context?: unknown): void {
    if (this.#opened) throw new ChannelError("NS_ERROR_ALREADY_OPENED", "asyncOpen may be called only once per channel");
    const target = parseWsUri(uri);
    this.#opened = true;
    this.#original = target;
    this.#origin = origin;
    this.#listener = listener;
    this.#context = context;
    Timer.set(() => this.#connect(target));
  }

  /** Sends a text message. Throws NS_ERROR_NOT_CONNECTED unless open. */
  sendMsg(message: string): void {
    this.#dataConnection().sendText(message);
  }

  /** Sends a binary message (copy the bytes first if you will change them before `onAcknowledge`). */
  sendBinaryMsg(message: Uint8Array): void {
    this.#dataConnection().sendBinary(message);
  }

  /**
   * Sends the bytes of `source` as ONE binary message in fragments of
   * `streamFragmentSize`, reading the next fragment only when the send queue
   * has drained below two fragments, so memory stays bounded whatever the
   * length. With `length`, at most that many bytes are read. Other messages
   * may not be sent until it is done (NS_ERROR_IN_PROGRESS).
   */
  sendBinaryStream(source: BinarySource, length?: number): void {
    this.#dataConnection();
    this.#stream = { pull: pieces(source, this.#fragmentSize, length), held: undefined };
    this.#pump();
  }

  /** Whether a `sendBinaryStream` message is still being sent. */
  get streaming(): boolean {
    return this.#stream !== undefined;
  }

  /**
   * Starts the closing handshake with `code` and `reason` (RFC 6455 §7.1.2).
   * An invalid code (valid: 1000–1003, 1007–1014, 3000–4999) or a reason
   * over 123 bytes of UTF-8 is refused with a UsageError (code
   * WS_ERR_INVALID_CLOSE_CODE, WS_ERR_CLOSE_REASON_TOO_LONG). Before the
   * channel has opened, it aborts: `onStop` gets NS_ERROR_ABORT.
   */
  close(code?: number, reason = ""): void {
    buildClosePayload(code, reason); // validation only
    if (!this.#opened || this.#stopped) return;
    if (!this.#started) {
      if (this.#aborted) return;
      this.#aborted = true;
      if (this.#driver !== undefined) this.#driver.connection.close();
      else if (this.#resolver !== undefined) {
        this.#resolver.close();
        this.#resolver = undefined;
        Timer.set(() => this.#stop(new ChannelStatus("NS_ERROR_ABORT", { message: "closed before it opened" })));
      }
      // else: #connect is pending and will see #aborted.
      return;
    }
    this.#stream = undefined;
    this.#driver?.connection.close(code, reason);
    // The core sets its close deadline after queueing the frame (after the
    // driver's scheduler update), so tell the scheduler about it here.
    sharedScheduler().update();
  }

  // ── Connecting ─────────────────────────────────────────────────────────

  #connect(target: WsUri): void {
    if (this.#stopped) return;
    if (this.#aborted) {
      this.#stop(new ChannelStatus("NS_ERROR_ABORT", { message: "closed before it opened" }));
      return;
    }
    this.#uri = target;
    if (isIPv4(target.host)) return this.#dial(target, target.host);
    if (target.host === "localhost") return this.#dial(target, "127.0.0.1");
    const dns = this.#options.dns ?? WebSocketChannel.dns;
    const unknown = (message: string) => this.#stop(new ChannelStatus("NS_ERROR_UNKNOWN_HOST", { message }));
    if (dns === undefined) return unknown(`cannot resolve ${target.host}: no DNS configured (WebSocketChannel.dns or the dns option)`);
    try {
      const resolver = new Resolver({ servers: dns.servers, socket: dns.socket });
      this.#resolver = resolver;
      resolver.resolve({
        host: target.host,
        onResolved: (_host, address) => {
          if (this.#resolver !== resolver) return;
          this.#resolver = undefined;
          resolver.close();
          this.#dial(target, address);
        },
        onError: () => {
          if (this.#resolver !== resolver) return;
          this.#resolver = undefined;
          resolver.close();
          unknown(`could not resolve ${target.host}`);
        },
      });
    } catch (error) {
      this.#resolver = undefined;
      unknown(`could not resolve ${target.host}: ${messageOf(error)}`);
    }
  }

  #dial(target: WsUri, address: string): void {
    if (this.#stopped) return;
    if (this.#aborted) return this.#stop(new ChannelStatus("NS_ERROR_ABORT", { message: "closed before it opened" }));
    this.#transportOpen = false;
    this.#failure = undefined;
    this.#setupError = undefined;
    const handler: ConnectionHandler = {
      onOpen: () => this.#opened_(driver),
      onText: (text) => {
        if (this.#delivering(driver)) this.#listener?.onMessageAvailable?.(this.#context, text);
      },
      onBinary: (data) => {
        if (this.#delivering(driver)) this.#listener?.onBinaryMessageAvailable?.(this.#context, data);
      },
      onCloseFrame: (code, reason) => {
        if (driver !== this.#driver || this.#stopped) return;
        this.#serverClosed = true;
        this.#stream = undefined;
        this.#listener?.onServerClose?.(this.#context, code, reason);
      },
      onError: (error) => {
        if (driver === this.#driver) this.#failure = error;
      },
      onClosed: (result) => this.#attemptEnded(driver, result),
    };
    const driver: SocketDriver = new SocketDriver({
      role: "client",
      handler,
      limits: this.#options.limits,
      random,
      sha1,
      now,
      openTimeout: this.#openTimeout,
      closeTimeout: this.#closeTimeout,
      pingInterval: this.#pingInterval * 1000,
      pingTimeout: this.#pingTimeout * 1000,
      scheduler: sharedScheduler(),
      onTransportOpen: () => {
        if (driver === this.#driver) this.#transportOpen = true;
      },
      onWritten: (count) => this.#written(driver, count),
    });
    this.#driver = driver;
    try {
      driver.connection.startHandshake({
        host: target.host,
        port: target.port,
        secure: target.secure,
        resource: target.resource,
        origin: this.#origin === "" ? undefined : this.#origin,
        protocols: this.#requested,
        headers: this.#extraHeaders(target),
      });
      const callbacks = driver.callbacks;
      let socket: TCP | TLSSocket;
      if (target.secure) {
        const serverName = this.#options.serverName ?? target.host;
        const secure: { serverName: string; verify: boolean; certificate?: ArrayBuffer | ArrayBufferView } = { serverName, verify: this.#options.insecure !== true };
        if (this.#options.ca !== undefined) secure.certificate = this.#options.ca;
        socket = new TLSSocket({
          address,
          port: target.port,
          host: serverName,
          TCP: { io: TCP },
          secure,
          nodelay: true,
          onReadable: (count) => callbacks.onReadable(count),
          onWritable: (count) => callbacks.onWritable(count),
          onError: () => callbacks.onError(),
        });
      } else {
        socket = new TCP({
          address,
          port: target.port,
          nodelay: true,
          onReadable: (count) => callbacks.onReadable(count),
          onWritable: (count) => callbacks.onWritable(count),
          onError: () => callbacks.onError(),
        });
      }
      this.#socket = socket;
      driver.attach(socket);
    } catch (error) {
      this.#setupError = error;
      driver.terminate(); // → onClosed → #attemptEnded
    }
  }

  #extraHeaders(target: WsUri): Array<[string, string]> {
    const given = this.notificationCallbacks?.headers?.(target.href);
    if (given === undefined) return [];
    const pairs: Array<[string, string]> = isPairList(given) ? given.map(([name, value]) => [name, value]) : Object.entries(given);
    for (const [name, value] of pairs) {
      if (!TOKEN.test(name)) throw new ChannelError("NS_ERROR_ILLEGAL_VALUE", `invalid header name ${JSON.stringify(name)}`);
      if (/[\r\n\0]/.test(value)) throw new ChannelError("NS_ERROR_ILLEGAL_VALUE", `invalid value of header ${name}`);
    }
    return pairs;
  }

  #opened_(driver: SocketDriver): void {
    if (driver !== this.#driver || this.#stopped) return;
    const connection = driver.connection;
    this.#protocol = connection.protocol;
    this.#extensions = connection.extensions;
    if (this.#uri!.secure) {
      const info = (this.#socket as TLSSocket | undefined)?.tlsInfo;
      this.#securityInfo = {
        serverName: this.#options.serverName ?? this.#uri!.host,
        verified: this.#options.insecure !== true,
        protocol: info?.protocol,
        cipher: info?.cipher,
        peerSubject: info?.peerSubject,
      };
    }
    this.#started = true;
    this.#listener?.onStart?.(this.#context);
    if (this.#aborted) {
      connection.close(1000); // close() raced with the handshake's completion
      sharedScheduler().update();
    }
  }

  #delivering(driver: SocketDriver): boolean {
    return driver === this.#driver && this.#started && !this.#serverClosed && !this.#stopped;
  }

  #written(driver: SocketDriver, count: number): void {
    if (!this.#delivering(driver)) return;
    this.#listener?.onAcknowledge?.(this.#context, count);
    if (this.#stream !== undefined && !this.#pumpQueued) {
      // Not from inside the driver's write loop: on the next turn.
      this.#pumpQueued = true;
      void Promise.resolve().then(() => {
        this.#pumpQueued = false;
        this.#pump();
      });
    }
  }

  #attemptEnded(driver: SocketDriver, result: CloseResult): void {
    if (driver !== this.#driver) return;
    this.#driver = undefined;
    this.#socket = undefined;
    this.#stream = undefined;
    const failure = this.#failure;
    if (failure instanceof HandshakeError && failure.code === "WS_ERR_REDIRECT" && !this.#aborted && !this.#stopped) {
      this.#redirect(failure);
      return;
    }
    this.#stop(this.#statusFor(result, failure));
  }

  #redirect(error: HandshakeError): void {
    const current = this.#uri!;
    if (this.#redirects >= this.#maxRedirects) {
      return this.#stop(new ChannelStatus("NS_ERROR_REDIRECT_LOOP", { message: `more than ${this.#maxRedirects} redirects (last: ${error.status} to ${error.location})`, httpStatus: error.status, errorCode: error.code }));
    }
    let next: WsUri;
    try {
      next = resolveLocation(error.location ?? "", current);
    } catch (cause) {
      return this.#stop(new ChannelStatus("NS_ERROR_REDIRECT_REFUSED", { message: `redirect to an invalid URI: ${messageOf(cause)}`, httpStatus: error.status, errorCode: error.code }));
    }
    if (current.secure && !next.secure) {
      return this.#stop(new ChannelStatus("NS_ERROR_REDIRECT_REFUSED", { message: `refused redirect from ${current.href} to ${next.href} (wss: to ws:)`, httpStatus: error.status, errorCode: error.code }));
    }
    this.#redirects++;
    this.#uri = next;
    Timer.set(() => this.#connect(next));
  }

  #statusFor(result: CloseResult, failure: ProtocolError | HandshakeError | undefined): ChannelStatus {
    const closed: ChannelStatusDetails = { closeCode: result.code, reason: result.reason, wasClean: result.wasClean };
    if (this.#setupError !== undefined) {
      return new ChannelStatus("NS_ERROR_FAILURE", { message: `could not start the connection: ${messageOf(this.#setupError)}` });
    }
    if (!this.#started && this.#aborted) return new ChannelStatus("NS_ERROR_ABORT", { message: "closed before it opened" });
    if (failure instanceof ProtocolError && failure.code === "WS_ERR_OPEN_TIMEOUT") {
      return new ChannelStatus("NS_ERROR_OPEN_TIMEOUT", { message: `${failure.message} (${this.#openTimeout / 1000} s)`, errorCode: failure.code });
    }
    if (!this.#transportOpen) {
      const where = `${this.#uri!.host}:${this.#uri!.port}`;
      return this.#uri!.secure
        ? new ChannelStatus("NS_ERROR_NET_TLS", { message: `TLS connection to ${where} failed (refused, or certificate/handshake failure)` })
        : new ChannelStatus("NS_ERROR_CONNECTION_REFUSED", { message: `connection to ${where} refused or unreachable` });
    }
    if (failure instanceof HandshakeError) {
      const status = failure.status > 0 ? `HTTP ${failure.status}: ` : "";
      return new ChannelStatus("NS_ERROR_WEBSOCKET_HANDSHAKE", { message: `handshake rejected: ${status}${failure.message}`, httpStatus: failure.status, errorCode: failure.code });
    }
    if (failure instanceof ProtocolError) {
      if (failure.code === "WS_ERR_PING_TIMEOUT") return new ChannelStatus("NS_ERROR_PING_TIMEOUT", { ...closed, message: failure.message, errorCode: failure.code });
      return new ChannelStatus("NS_ERROR_WEBSOCKET_PROTOCOL", { ...closed, closeCode: failure.closeCode, message: `protocol error (${failure.closeCode}): ${failure.message}`, errorCode: failure.code });
    }
    if (!this.#started) return new ChannelStatus("NS_ERROR_NET_INTERRUPT", { message: "the connection ended during the opening handshake" });
    if (result.code === 1006) return new ChannelStatus("NS_ERROR_NET_INTERRUPT", { ...closed, message: "the connection ended without a closing handshake" });
    return new ChannelStatus("NS_OK", { ...closed, message: `closed ${result.code}${result.reason === "" ? "" : ` ${result.reason}`}` });
  }

  #stop(status: ChannelStatus): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#stream = undefined;
    this.#resolver?.close();
    this.#resolver = undefined;
    const driver = this.#driver;
    this.#driver = undefined;
    driver?.terminate();
    const listener = this.#listener;
    const context = this.#context;
    this.#listener = undefined; // released after onStop, as Gecko does
    this.#context = undefined;
    listener?.onStop?.(context, status);
  }

  // ── Sending ────────────────────────────────────────────────────────────

  #dataConnection() {
    const connection = this.#driver?.connection;
    if (!this.#started || this.#stopped || connection === undefined || connection.state !== ConnectionState.Open) {
      throw new ChannelError("NS_ERROR_NOT_CONNECTED", "the channel is not open");
    }
    if (this.#stream !== undefined) throw new ChannelError("NS_ERROR_IN_PROGRESS", "a binary stream is still being sent");
    return connection;
  }

  #pump(): void {
    const stream = this.#stream;
    const connection = this.#driver?.connection;
    if (stream === undefined || connection === undefined) return;
    const highWater = this.#fragmentSize * 2;
    try {
      while (this.#stream === stream && connection.state === ConnectionState.Open && connection.bufferedAmount < highWater) {
        const current = stream.held ?? stream.pull();
        stream.held = undefined;
        const next = current === undefined ? undefined : stream.pull();
        connection.sendBinary(current ?? EMPTY, next === undefined);
        if (next === undefined) this.#stream = undefined;
        else stream.held = next;
      }
    } catch (error) {
      this.#stream = undefined;
      if (connection.state === ConnectionState.Open) connection.close(1011, "stream failed");
      if (!(error instanceof Error)) throw error;
    }
  }

  #notOpened(what: string): void {
    if (this.#opened) throw new ChannelError("NS_ERROR_IN_PROGRESS", `${what} can only be set before asyncOpen`);
  }
}

/** Seconds (≥ 0, finite) to milliseconds. */
function seconds(value: number, name: string): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) throw new RangeError(`${name} must be a non-negative number of seconds`);
  return Math.round(value * 1000);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function isPairList(value: unknown): value is ReadonlyArray<readonly [string, string]> {
  return Array.isArray(value);
}

function toBytes(chunk: Uint8Array | ArrayBuffer): Uint8Array {
  return chunk instanceof Uint8Array ? chunk : new Uint8Array(chunk);
}

/** Turns a {@link BinarySource} into a puller of copied pieces of at most `size` bytes, `limit` bytes in all. */
function pieces(source: BinarySource, size: number, limit = Number.POSITIVE_INFINITY): () => Uint8Array | undefined {
  let fetch: (max: number) => Uint8Array | undefined;
  if (typeof (source as { read?: unknown }).read === "function") {
    const reader = source as { read(max: number): Uint8Array | ArrayBuffer | undefined };
    fetch = (max) => {
      const chunk = reader.read(max);
      return chunk === undefined ? undefined : toBytes(chunk);
    };
  } else {
    const iterator: Iterator<Uint8Array | ArrayBuffer> =
      typeof (source as Iterable<unknown>)[Symbol.iterator] === "function"
        ? (source as Iterable<Uint8Array | ArrayBuffer>)[Symbol.iterator]()
        : (source as Iterator<Uint8Array | ArrayBuffer>);
    fetch = () => {
      const step = iterator.next();
      return step.done === true ? undefined : toBytes(step.value);
    };
  }
  let remaining = limit;
  let residual: Uint8Array = EMPTY;
  let ended = false;
  return () => {
    if (remaining <= 0) return undefined;
    while (residual.length === 0) {
      if (ended) return undefined;
      const chunk = fetch(Math.min(size, remaining));
      if (chunk === undefined) {
        ended = true;
        return undefined;
      }
      residual = chunk;
    }
    const piece = residual.slice(0, Math.min(size, remaining)); // a copy: the source may reuse its buffer
    residual = residual.subarray(piece.length);
    remaining -= piece.length;
    return piece;
  };
}
