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
import Timer from "timer";
import { buildClosePayload } from "../core/close-payload";
import { ConnectionState, type CloseResult, type ConnectionHandler } from "../core/connection";
import type { ProtocolError } from "../core/errors";
import { HandshakeError } from "../core/handshake-error";
import { headerValue } from "../core/http-head";
import { now, random, sha1, sharedScheduler } from "../transport/platform";
import { SocketDriver } from "../transport/socket-driver";
import { redirectTarget, statusOfEndedAttempt } from "./attempt-outcome";
import { BinaryStream } from "./binary-stream";
import { extraHeaderFields, seconds, subprotocolList } from "./channel-settings";
import { ChannelError, ChannelStatus } from "./channel-status";
import type { BinarySource, ChannelOptions, DnsConfig, NotificationCallbacks, SecurityInfo, WebSocketListener } from "./channel-types";
import { AddressLookup, openSocket, securityInfoOf, type AttemptSocket } from "./dial";
import { parseWsUri, type WsUri } from "./ws-uri";

export { ChannelError, ChannelStatus } from "./channel-status";
export type { ChannelStatusCode, ChannelStatusDetails } from "./channel-status";
export type { BinarySource, ChannelOptions, DnsConfig, NotificationCallbacks, SecurityInfo, WebSocketListener } from "./channel-types";

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
  readonly #lookup = new AddressLookup();
  #driver: SocketDriver | undefined;
  #socket: AttemptSocket | undefined;
  /** Per attempt: the transport connected (TCP) or finished its handshake (TLS). */
  #transportOpen = false;
  #failure: ProtocolError | HandshakeError | undefined;
  #retryAfter = "";
  #setupError: unknown;
  #protocol = "";
  #extensions = "";
  #securityInfo: SecurityInfo | null = null;
  #stream: BinaryStream | undefined;
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
    this.#requested = subprotocolList(value);
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

  /** Milliseconds from the last keepalive ping (or network-change probe) to its pong; NaN before the first. */
  get roundTripTime(): number {
    return this.#driver?.connection.roundTripTime ?? Number.NaN;
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
    this.#stream = new BinaryStream(source, this.#fragmentSize, length);
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
      else if (this.#lookup.pending) {
        this.#lookup.cancel();
        Timer.set(() => this.#stop(new ChannelStatus("NS_ERROR_ABORT", { message: "closed before it opened" })));
      }
      // else: #connect is pending and will see #aborted.
      return;
    }
    this.#stream = undefined;
    this.#driver?.connection.close(code, reason);
  }

  // ── Connecting ─────────────────────────────────────────────────────────

  #connect(target: WsUri): void {
    if (this.#stopped) return;
    if (this.#aborted) return this.#stop(new ChannelStatus("NS_ERROR_ABORT", { message: "closed before it opened" }));
    this.#uri = target;
    const unknownHost = (message: string) => this.#stop(new ChannelStatus("NS_ERROR_UNKNOWN_HOST", { message }));
    this.#lookup.find(target.host, this.#options.dns ?? WebSocketChannel.dns, (address) => this.#dial(target, address), unknownHost);
  }

  #dial(target: WsUri, address: string): void {
    if (this.#stopped) return;
    if (this.#aborted) return this.#stop(new ChannelStatus("NS_ERROR_ABORT", { message: "closed before it opened" }));
    this.#transportOpen = false;
    this.#failure = undefined;
    this.#retryAfter = "";
    this.#setupError = undefined;
    const handler: ConnectionHandler = {
      onOpen: () => this.#handshakeCompleted(driver),
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
      onError: (error, response) => {
        if (driver !== this.#driver) return;
        this.#failure = error;
        this.#retryAfter = response === undefined ? "" : (headerValue(response, "Retry-After") ?? "");
      },
      onClosed: (result) => this.#attemptEnded(driver, result),
    };
    const driver: SocketDriver = new SocketDriver({
      role: "client",
      handler,
      limits: this.#options.limits,
      openTimeout: this.#openTimeout,
      closeTimeout: this.#closeTimeout,
      pingInterval: this.#pingInterval * 1000,
      pingTimeout: this.#pingTimeout * 1000,
      random, sha1, now, scheduler: sharedScheduler(), // the host's platform
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
        headers: extraHeaderFields(this.notificationCallbacks?.headers?.(target.href)),
      });
      const socket = openSocket(target, address, this.#options, driver.callbacks);
      this.#socket = socket;
      driver.attach(socket);
    } catch (error) {
      this.#setupError = error;
      driver.terminate(); // → onClosed → #attemptEnded
    }
  }

  #handshakeCompleted(driver: SocketDriver): void {
    if (driver !== this.#driver || this.#stopped) return;
    const connection = driver.connection;
    this.#protocol = connection.protocol;
    this.#extensions = connection.extensions;
    if (this.#uri!.secure) this.#securityInfo = securityInfoOf(this.#uri!, this.#socket, this.#options);
    this.#started = true;
    this.#listener?.onStart?.(this.#context);
    if (this.#aborted) {
      connection.close(1000); // close() raced with the handshake's completion
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
    this.#stop(statusOfEndedAttempt({
      result, failure, target: this.#uri!, openTimeout: this.#openTimeout,
      setupError: this.#setupError, started: this.#started, aborted: this.#aborted, transportOpen: this.#transportOpen,
      retryAfter: this.#retryAfter,
    }));
  }

  #redirect(error: HandshakeError): void {
    const next = redirectTarget(error, this.#uri!, this.#redirects, this.#maxRedirects);
    if (next instanceof ChannelStatus) return this.#stop(next);
    this.#redirects++;
    this.#uri = next;
    Timer.set(() => this.#connect(next));
  }

  #stop(status: ChannelStatus): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#stream = undefined;
    this.#lookup.cancel();
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
    const stillSending = () => this.#stream === stream;
    const ended = () => (this.#stream = undefined);
    stream.pump(connection, this.#fragmentSize * 2, stillSending, ended);
  }

  #notOpened(what: string): void {
    if (this.#opened) throw new ChannelError("NS_ERROR_IN_PROGRESS", `${what} can only be set before asyncOpen`);
  }
}

