/**
 * `WebSocketChannel`: the low-level WebSocket client API of Gecko's
 * nsIWebSocketChannel with its nsIWebSocketListener, for the Moddable SDK.
 * One channel is opened once with `asyncOpen`; it follows redirects with a
 * fresh connection attempt each time and reports to its listener:
 *
 *   asyncOpen ─▶ (later) onStart ─▶ onMessageAvailable / onBinaryMessageAvailable / onAcknowledge …
 *                                 ─▶ onServerClose ─▶ onStop(NS_OK)
 *              or, when it cannot open:               onStop(status naming the cause)
 *
 * `onStop` is called exactly once, always last; nothing is called before
 * `asyncOpen` has returned; `onStart` comes before anything else; nothing but
 * `onStop` follows `onServerClose`.
 *
 * Each connection attempt (the first, and one per redirect) is an
 * {@link Attempt}: the sans-I/O core on an ECMA-419 socket
 * (`embedded:io/socket/tcp`, or `embedded:io/socket/tcp/tls` for wss:); host
 * names are resolved with `embedded:network/dns/resolver/udp`. No Node API
 * is used.
 */
import Timer from "timer";
import { buildClosePayload } from "../core/close-payload";
import { ConnectionState, type CloseResult } from "../core/connection";
import { HandshakeError } from "../core/handshake-error";
import { Attempt, type AttemptOwner } from "./attempt";
import { redirectTarget, statusOfEndedAttempt } from "./attempt-outcome";
import { BinaryStream } from "./binary-stream";
import { extraHeaderFields, seconds, subprotocolList } from "./channel-settings";
import { ChannelError, ChannelStatus } from "./channel-status";
import type { BinarySource, ChannelOptions, DnsConfig, NotificationCallbacks, SecurityInfo, WebSocketListener } from "./channel-types";
import { AddressLookup } from "./dial";
import { parseWsUri, type WsUri } from "./ws-uri";

/** Where a channel is in its life: one notion, not a flag per event. */
const Phase = {
  /** Made; settings may change until `asyncOpen`. */
  New: 0,
  /** `asyncOpen` was called: resolving, connecting, handshaking, redirecting. */
  Opening: 1,
  /** `onStart` was called; messages flow. */
  Open: 2,
  /** The server's close frame arrived (`onServerClose`): only `onStop` follows. */
  ServerClosed: 3,
  /** `onStop` was called. */
  Stopped: 4,
} as const;
type Phase = (typeof Phase)[keyof typeof Phase];

export { ChannelError, ChannelStatus } from "./channel-status";
export type { ChannelStatusCode, ChannelStatusDetails } from "./channel-status";
export type { BinarySource, ChannelOptions, DnsConfig, NotificationCallbacks, SecurityInfo, WebSocketListener } from "./channel-types";

/** See the module comment. */
export class WebSocketChannel implements AttemptOwner {
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
  #phase: Phase = Phase.New;
  /** `close()` came before the channel opened. */
  #aborted = false;
  #listener: WebSocketListener | undefined;
  #context: unknown;
  #origin = "";
  #original: WsUri | undefined;
  #uri: WsUri | undefined;
  #redirects = 0;
  readonly #lookup = new AddressLookup();
  /** The attempt in progress (or open); undefined between attempts and once stopped. */
  #attempt: Attempt | undefined;
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
    return this.#phase >= Phase.Open ? this.#protocol : this.#requested.join(", ");
  }

  set protocol(value: string) {
    this.notOpened("protocol");
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
    this.notOpened("pingInterval");
    this.#pingInterval = seconds(value, "pingInterval") / 1000;
  }

  /** Seconds to wait for the answer to a keepalive ping; 0 (default) to wait forever. Settable only before `asyncOpen`. */
  get pingTimeout(): number {
    return this.#pingTimeout;
  }

  set pingTimeout(value: number) {
    this.notOpened("pingTimeout");
    this.#pingTimeout = seconds(value, "pingTimeout") / 1000;
  }

  /** Bytes queued and not yet in the socket's send buffer (frame headers included). */
  get bufferedAmount(): number {
    return this.#attempt?.bufferedAmount ?? 0;
  }

  /** Milliseconds from the last keepalive ping (or network-change probe) to its pong; NaN before the first. */
  get roundTripTime(): number {
    return this.#attempt?.roundTripTime ?? Number.NaN;
  }

  /** Whether the channel is open: `onStart` was called and no close frame was sent or received. */
  get isOpen(): boolean {
    return this.#phase === Phase.Open && this.#attempt?.state === ConnectionState.Open;
  }

  // ── Methods ────────────────────────────────────────────────────────────

  /**
   * Starts connecting to `uri` (ws: or wss:). Listener methods are called
   * only after this returns. Throws NS_ERROR_ALREADY_OPENED when called a
   * second time, NS_ERROR_MALFORMED_URI for a URI that is not ws:/wss:.
   * `origin` is sent as the `Origin` header unless "".
   */
  asyncOpen(uri: string, origin: string, listener: WebSocketListener, context?: unknown): void {
    if (this.#phase !== Phase.New) throw new ChannelError("NS_ERROR_ALREADY_OPENED", "asyncOpen may be called only once per channel");
    const target = parseWsUri(uri);
    this.#phase = Phase.Opening;
    this.#original = target;
    this.#origin = origin;
    this.#listener = listener;
    this.#context = context;
    Timer.set(() => this.connect(target));
  }

  /** Sends a text message. Throws NS_ERROR_NOT_CONNECTED unless open. */
  sendMsg(message: string): void {
    this.dataConnection().sendText(message);
  }

  /** Sends a binary message (copy the bytes first if you will change them before `onAcknowledge`). */
  sendBinaryMsg(message: Uint8Array): void {
    this.dataConnection().sendBinary(message);
  }

  /**
   * Sends the bytes of `source` as ONE binary message in fragments of
   * `streamFragmentSize`, reading the next fragment only when the send queue
   * has drained below two fragments, so memory stays bounded whatever the
   * length. With `length`, at most that many bytes are read. Other messages
   * may not be sent until it is done (NS_ERROR_IN_PROGRESS).
   */
  sendBinaryStream(source: BinarySource, length?: number): void {
    this.dataConnection();
    this.#stream = new BinaryStream(source, this.#fragmentSize, length);
    this.pump();
  }

  /** Whether a `sendBinaryStream` message is still being sent. */
  get sendingStream(): boolean {
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
    if (this.#phase === Phase.New || this.#phase === Phase.Stopped) return;
    if (this.#phase === Phase.Opening) {
      if (this.#aborted) return;
      this.#aborted = true;
      if (this.#attempt !== undefined) this.#attempt.close();
      else if (this.#lookup.pending) {
        this.#lookup.cancel();
        Timer.set(() => this.stop(new ChannelStatus("NS_ERROR_ABORT", { message: "closed before it opened" })));
      }
      // else: #connect is pending and will see #aborted.
      return;
    }
    this.#stream = undefined;
    this.#attempt?.close(code, reason);
  }

  // ── Connecting ─────────────────────────────────────────────────────────

  private connect(target: WsUri): void {
    if (this.#phase === Phase.Stopped) return;
    if (this.#aborted) return this.stop(new ChannelStatus("NS_ERROR_ABORT", { message: "closed before it opened" }));
    this.#uri = target;
    const unknownHost = (message: string) => this.stop(new ChannelStatus("NS_ERROR_UNKNOWN_HOST", { message }));
    this.#lookup.find(target.host, this.#options.dns ?? WebSocketChannel.dns, (address) => this.dial(target, address), unknownHost);
  }

  private dial(target: WsUri, address: string): void {
    if (this.#phase === Phase.Stopped) return;
    if (this.#aborted) return this.stop(new ChannelStatus("NS_ERROR_ABORT", { message: "closed before it opened" }));
    const attempt = new Attempt(this, target, {
      limits: this.#options.limits,
      openTimeout: this.#openTimeout,
      closeTimeout: this.#closeTimeout,
      pingInterval: this.#pingInterval * 1000,
      pingTimeout: this.#pingTimeout * 1000,
    });
    this.#attempt = attempt;
    attempt.dial(address, {
      host: target.host,
      port: target.port,
      secure: target.secure,
      resource: target.resource,
      origin: this.#origin === "" ? undefined : this.#origin,
      protocols: this.#requested,
      headers: extraHeaderFields(this.notificationCallbacks?.headers?.(target.href)),
    }, this.#options);
  }

  // ── AttemptOwner: what the attempt in progress reports ─────────────────

  /** @internal */
  attemptOpened(attempt: Attempt): void {
    this.#protocol = attempt.protocol;
    this.#extensions = attempt.extensions;
    if (attempt.target.secure) this.#securityInfo = attempt.securityInfo(this.#options);
    this.#phase = Phase.Open;
    this.#listener?.onStart?.(this.#context);
    if (this.#aborted) attempt.close(1000); // close() raced with the handshake's completion
  }

  /** @internal */
  attemptText(text: string): void {
    if (this.#phase === Phase.Open) this.#listener?.onMessageAvailable?.(this.#context, text);
  }

  /** @internal */
  attemptBinary(data: Uint8Array): void {
    if (this.#phase === Phase.Open) this.#listener?.onBinaryMessageAvailable?.(this.#context, data);
  }

  /** @internal */
  attemptServerClose(code: number, reason: string): void {
    if (this.#phase === Phase.Stopped) return;
    this.#phase = Phase.ServerClosed;
    this.#stream = undefined;
    this.#listener?.onServerClose?.(this.#context, code, reason);
  }

  /** @internal */
  attemptWritten(count: number): void {
    if (this.#phase !== Phase.Open) return;
    this.#listener?.onAcknowledge?.(this.#context, count);
    if (this.#stream !== undefined && !this.#pumpQueued) {
      // Not from inside the driver's write loop: on the next turn.
      this.#pumpQueued = true;
      void Promise.resolve().then(() => {
        this.#pumpQueued = false;
        this.pump();
      });
    }
  }

  /** @internal */
  attemptEnded(attempt: Attempt, result: CloseResult): void {
    this.#attempt = undefined;
    this.#stream = undefined;
    const started = this.#phase >= Phase.Open;
    const failure = attempt.failure;
    if (failure instanceof HandshakeError && failure.code === "WS_ERR_REDIRECT" && !this.#aborted && this.#phase !== Phase.Stopped) {
      this.redirect(failure);
      return;
    }
    this.stop(statusOfEndedAttempt(attempt.outcome(result, started, this.#aborted, this.#openTimeout)));
  }

  private redirect(error: HandshakeError): void {
    const next = redirectTarget(error, this.#uri!, this.#redirects, this.#maxRedirects);
    if (next instanceof ChannelStatus) return this.stop(next);
    this.#redirects++;
    this.#uri = next;
    Timer.set(() => this.connect(next));
  }

  private stop(status: ChannelStatus): void {
    if (this.#phase === Phase.Stopped) return;
    this.#phase = Phase.Stopped;
    this.#stream = undefined;
    this.#lookup.cancel();
    const attempt = this.#attempt;
    this.#attempt = undefined;
    attempt?.release();
    attempt?.terminate();
    const listener = this.#listener;
    const context = this.#context;
    this.#listener = undefined; // released after onStop, as Gecko does
    this.#context = undefined;
    listener?.onStop?.(context, status);
  }

  // ── Sending ────────────────────────────────────────────────────────────

  private dataConnection(): Attempt {
    const attempt = this.#attempt;
    if (this.#phase !== Phase.Open || attempt === undefined || attempt.state !== ConnectionState.Open) {
      throw new ChannelError("NS_ERROR_NOT_CONNECTED", "the channel is not open");
    }
    if (this.#stream !== undefined) throw new ChannelError("NS_ERROR_IN_PROGRESS", "a binary stream is still being sent");
    return attempt;
  }

  private pump(): void {
    const stream = this.#stream;
    const connection = this.#attempt;
    if (stream === undefined || connection === undefined) return;
    const stillSending = () => this.#stream === stream;
    const ended = () => (this.#stream = undefined);
    stream.pump(connection, this.#fragmentSize * 2, stillSending, ended);
  }

  private notOpened(what: string): void {
    if (this.#phase !== Phase.New) throw new ChannelError("NS_ERROR_IN_PROGRESS", `${what} can only be set before asyncOpen`);
  }
}

