/**
 * The WebSocket connection state machine (RFC 6455 §4, §5, §7), for both
 * roles, with no I/O: the host hands it bytes (`receive`), the end of the
 * transport (`transportClosed`) and the time (`handleTimeout`); it hands back
 * events through a {@link ConnectionHandler} and bytes to write through
 * `peekOutput`/`consumeOutput`.
 *
 *   CONNECTING ──handshake──▶ OPEN ──close frame sent or received──▶ CLOSING ──transport closed──▶ CLOSED
 *
 * Every failure, whatever its cause, goes through `fail()` once: it sends a
 * close frame with the error's close code when it can, stops parsing, and asks
 * the host to close the transport.
 */
import { buildClosePayload, parseClosePayload, type CloseInfo } from "./close-payload";
import { CloseCode } from "./close-code";
import { ProtocolError, UsageError } from "./errors";
import { FrameParser } from "./frame-parser";
import { firstByte, frameHeaderLength, serializeFrame, writeFrameHeader } from "./frame-serializer";
import { HandshakeError } from "./handshake-error";
import {
  buildAcceptResponse,
  buildClientRequest,
  buildHttpResponse,
  createClientKey,
  parseUpgradeRequest,
  refusalHeaders,
  validateServerResponse,
  type AcceptOptions,
  type ClientHandshakeResult,
  type ClientRequestOptions,
  type RandomSource,
  type Sha1,
  type UpgradeRequest,
} from "./handshake";
import { HttpHeadReader, serializeHead, type HttpHead } from "./http-head";
import { resolveLimits, type Limits } from "./limits";
import { MaskKeyPool } from "./mask-key-pool";
import { MessageAssembler } from "./message-assembler";
import { Opcode } from "./opcode";
import { OutboundQueue } from "./outbound-queue";
import { encodeUtf8 } from "./utf8";
import { ConnectionState, type ConnectionHandler, type ConnectionOptions, type CloseResult } from "./connection-types";

export { ConnectionState } from "./connection-types";
export type { ConnectionHandler, ConnectionOptions, CloseResult } from "./connection-types";

/** Payloads up to this size are sent as one buffer with their header; larger ones are queued as views. */
const COALESCE_LIMIT = 1024;

/** How long a {@link Connection.probe} ping may go unanswered when `pingTimeout` is 0 (off). */
export const DEFAULT_PROBE_TIMEOUT = 10_000;

/** See the module comment. */
export class Connection {
  readonly role: "client" | "server";
  readonly limits: Limits;
  readonly #handler: ConnectionHandler;
  readonly #sha1: Sha1 | undefined;
  readonly #now: () => number;
  readonly #keys: MaskKeyPool | undefined;
  readonly #random: RandomSource | undefined;
  readonly #queue = new OutboundQueue();
  readonly #parser: FrameParser;
  readonly #closeTimeout: number;
  readonly #pingInterval: number;
  readonly #pingTimeout: number;
  #state: ConnectionState = ConnectionState.Connecting;
  #headReader: HttpHeadReader | undefined;
  #request: ClientRequestOptions | undefined;
  #upgrade: UpgradeRequest | undefined;
  #handshake: ClientHandshakeResult = { protocol: "", extensions: "" };
  #deferredInput: Uint8Array | undefined;
  #sendingOpcode = 0;
  #closeSent = false;
  #closeReceived: CloseInfo | undefined;
  #failure: ProtocolError | HandshakeError | undefined;
  #transportClosing = false;
  #deadline = Number.POSITIVE_INFINITY;
  #lastReceivedAt: number;
  /** When the keepalive ping now outstanding went out; NaN once anything has arrived since. */
  #pingSentAt = Number.NaN;
  /** When the last keepalive ping went out, until its pong arrives (for the round-trip time). */
  #pendingPingAt = Number.NaN;
  #roundTrip = Number.NaN;
  /** When an unanswered network-change probe fails the connection; +Infinity when none is outstanding. */
  #probeDeadline = Number.POSITIVE_INFINITY;

  constructor(options: ConnectionOptions) {
    this.role = options.role;
    this.limits = resolveLimits(options.limits);
    this.#handler = options.handler;
    this.#sha1 = options.sha1;
    this.#now = options.now ?? (() => 0);
    this.#random = options.random;
    if (this.role === "client") {
      if (options.random === undefined) throw new TypeError("a client connection needs a random source for its masking keys");
      this.#keys = new MaskKeyPool(options.random);
    }
    this.#closeTimeout = options.closeTimeout ?? 5000;
    this.#pingInterval = options.pingInterval ?? 0;
    this.#pingTimeout = options.pingTimeout ?? 0;
    this.#lastReceivedAt = this.#now();
    const assembler = new MessageAssembler(this.limits.maxMessageSize, options.streaming ?? false, {
      onText: (text) => this.#handler.onText?.(text),
      onBinary: (data) => this.#handler.onBinary?.(data),
      onChunk: (data, binary, last) => this.#handler.onChunk?.(data, binary, last),
      onControl: (opcode, payload) => this.#onControl(opcode, payload),
    });
    this.#parser = new FrameParser({ expectMasked: this.role === "server", maxFrameSize: this.limits.maxFrameSize }, assembler);
    if (options.open === true) {
      this.#state = ConnectionState.Open;
    } else {
      this.#headReader = new HttpHeadReader(this.limits);
      if (options.openTimeout !== undefined && options.openTimeout > 0) this.#deadline = this.#lastReceivedAt + options.openTimeout;
    }
  }

  /** CONNECTING, OPEN, CLOSING or CLOSED. */
  get state(): ConnectionState {
    return this.#state;
  }

  /** The subprotocol in use, "" for none. */
  get protocol(): string {
    return this.#handshake.protocol;
  }

  /** The negotiated `Sec-WebSocket-Extensions` value, "" for none. */
  get extensions(): string {
    return this.#handshake.extensions;
  }

  /** Server: the client's upgrade request, once it has arrived and is valid. */
  get upgradeRequest(): UpgradeRequest | undefined {
    return this.#upgrade;
  }

  /** Bytes queued for the transport (the W3C `bufferedAmount`). */
  get bufferedAmount(): number {
    return this.#queue.queuedBytes;
  }

  /** Milliseconds between the last keepalive ping and its pong; NaN before the first. */
  get roundTripTime(): number {
    return this.#roundTrip;
  }

  /** Why the connection failed, if it did. */
  get failure(): ProtocolError | HandshakeError | undefined {
    return this.#failure;
  }

  // ── Handshake ─────────────────────────────────────────────────────────

  /** Client: queues the opening handshake request (§4.1) with a fresh key. */
  startHandshake(options: Omit<ClientRequestOptions, "key">): void {
    if (this.role !== "client" || this.#state !== ConnectionState.Connecting || this.#request !== undefined) {
      throw new UsageError("WS_ERR_INVALID_STATE", "startHandshake is for a new client connection, once");
    }
    this.#request = { ...options, key: createClientKey(this.#random!) };
    this.#queueBytes(serializeHead(buildClientRequest(this.#request)));
  }

  /** Server: answers the pending request with 101 (§4.2.2) and opens. */
  accept(options: AcceptOptions = {}): void {
    const request = this.#upgrade;
    if (this.role !== "server" || this.#state !== ConnectionState.Connecting || request === undefined) {
      throw new UsageError("WS_ERR_INVALID_STATE", "accept needs a valid upgrade request that is not yet answered");
    }
    const head = buildAcceptResponse(request, options, this.#sha1Required());
    this.#handshake = { protocol: options.protocol ?? "", extensions: options.extensions ?? "" };
    this.#queueBytes(serializeHead(head));
    this.#open();
  }

  /**
   * Server: answers the pending request with a plain HTTP response (a
   * refusal, or a page) and closes the transport after it.
   */
  respond(status: number, body: Uint8Array = new Uint8Array(0), headers: ReadonlyArray<readonly [string, string]> = []): void {
    this.#checkUnanswered("respond");
    this.#writeResponse(status, body, headers);
    this.#state = ConnectionState.Closing;
    this.#requestTransportClose();
  }

  /**
   * Server: refuses the request with the status and headers its error calls
   * for, and closes the transport after it. The owner chose this, so no
   * `onError` follows (a refusal the connection makes itself reports one).
   */
  reject(error: HandshakeError): void {
    this.respond(error.status, refusalBody(error), refusalHeaders(error));
  }

  #checkUnanswered(what: string): void {
    if (this.role !== "server" || this.#state !== ConnectionState.Connecting || this.#headReader !== undefined) {
      throw new UsageError("WS_ERR_INVALID_STATE", `${what} answers a request that has arrived and is not yet answered`);
    }
  }

  #writeResponse(status: number, body: Uint8Array, headers: ReadonlyArray<readonly [string, string]>): void {
    this.#queueBytes(serializeHead(buildHttpResponse(status, body, headers)));
    this.#queueBytes(body);
  }

  #writeRefusal(error: HandshakeError): void {
    this.#writeResponse(error.status, refusalBody(error), refusalHeaders(error));
  }

  // ── Input ─────────────────────────────────────────────────────────────

  /**
   * Takes bytes from the transport. The connection owns `chunk` from now on
   * (payloads are unmasked in place, and views of it are handed on).
   */
  receive(chunk: Uint8Array): void {
    if (this.#state === ConnectionState.Closed || this.#transportClosing || chunk.length === 0) return;
    this.#lastReceivedAt = this.#now();
    this.#pingSentAt = Number.NaN; // any byte proves the peer alive
    this.#probeDeadline = Number.POSITIVE_INFINITY;
    if (this.#headReader !== undefined) {
      this.#receiveHead(chunk);
      return;
    }
    if (this.#state === ConnectionState.Connecting) {
      // A server that has read the request but not answered it yet: keep the bytes for after accept().
      this.#deferredInput = this.#deferredInput === undefined ? chunk : concatBytes(this.#deferredInput, chunk);
      return;
    }
    try {
      this.#parser.push(chunk);
    } catch (error) {
      if (!(error instanceof ProtocolError)) throw error;
      this.fail(error);
    }
  }

  #receiveHead(chunk: Uint8Array): void {
    let result;
    try {
      result = this.#headReader!.push(chunk);
    } catch (error) {
      if (!(error instanceof HandshakeError)) throw error;
      this.#handshakeFailed(error);
      return;
    }
    if (result === undefined) return;
    this.#headReader = undefined;
    if (this.role === "client") this.#onResponse(result.head, result.rest);
    else this.#onRequest(result.head, result.rest);
  }

  #onResponse(head: HttpHead, rest: Uint8Array): void {
    if (this.#request === undefined) {
      this.#fail(new HandshakeError("WS_ERR_MALFORMED_HTTP", "a response arrived before the request was sent"), head);
      return;
    }
    try {
      this.#handshake = validateServerResponse(head, this.#request, this.#sha1Required());
    } catch (error) {
      if (!(error instanceof HandshakeError)) throw error;
      this.#handshakeFailed(error, head);
      return;
    }
    this.#open(head);
    if (rest.length > 0) this.receive(rest);
  }

  #onRequest(head: HttpHead, rest: Uint8Array): void {
    let verdict: UpgradeRequest | HandshakeError;
    try {
      verdict = this.#upgrade = parseUpgradeRequest(head);
    } catch (error) {
      if (!(error instanceof HandshakeError)) throw error;
      verdict = error;
    }
    this.#deferredInput = rest.length > 0 ? rest : undefined;
    this.#handler.onRequest?.(verdict, head);
    if (this.#state !== ConnectionState.Connecting) return; // the owner answered
    if (verdict instanceof HandshakeError) this.#handshakeFailed(verdict);
    else this.accept();
  }

  #handshakeFailed(error: HandshakeError, head?: HttpHead): void {
    if (this.role === "server" && this.#state === ConnectionState.Connecting) {
      this.#headReader = undefined;
      this.#writeRefusal(error); // #fail then reports the error and closes the transport after the refusal
    }
    this.#fail(error, head);
  }

  #open(head?: HttpHead): void {
    this.#state = ConnectionState.Open;
    this.#lastReceivedAt = this.#now();
    this.#deadline = Number.POSITIVE_INFINITY;
    this.#handler.onOpen?.(head);
    const pending = this.#deferredInput;
    this.#deferredInput = undefined;
    if (pending !== undefined) this.receive(pending);
  }

  #onControl(opcode: number, payload: Uint8Array): void {
    if (opcode === Opcode.Ping) {
      // §5.5.2: answer with a pong carrying the same payload, unless we are closing. A peer that
      // pings and never reads must not grow the queue past its limit: §5.5.3 allows answering
      // only some pings, so a pong that does not fit is dropped.
      const pongSize = frameHeaderLength(payload.length, this.role === "client") + payload.length;
      if (this.#state === ConnectionState.Open && this.#queue.queuedBytes + pongSize <= this.limits.maxQueuedBytes) {
        this.#queueFrame(Opcode.Pong, payload, true, false);
      }
      this.#handler.onPing?.(payload);
    } else if (opcode === Opcode.Pong) {
      if (!Number.isNaN(this.#pendingPingAt)) this.#roundTrip = this.#now() - this.#pendingPingAt;
      this.#pendingPingAt = Number.NaN;
      this.#handler.onPong?.(payload);
    } else {
      this.#onCloseFrame(parseClosePayload(payload));
    }
  }

  #onCloseFrame(info: CloseInfo): void {
    this.#closeReceived = info;
    this.#parser.halt(); // §5.5.1: nothing after a close frame
    this.#handler.onCloseFrame?.(info.code, info.reason);
    const answer = !this.#closeSent;
    this.#closeSent = true;
    this.#state = ConnectionState.Closing;
    // §7.1.1: a client waits for the server to close the TCP connection, but not forever.
    if (this.role === "client") this.#deadline = this.#now() + this.#closeTimeout;
    if (answer) {
      // §5.5.1: answer with a close frame, echoing the status code.
      const code = info.code === CloseCode.NoStatus ? undefined : info.code;
      this.#queueFrame(Opcode.Close, buildClosePayload(code), true, false);
    }
    // §7.1.1: the server closes the TCP connection first.
    if (this.role === "server") this.#requestTransportClose();
  }

  // ── Output ────────────────────────────────────────────────────────────

  /** Sends a text message, or a fragment of one when `fin` is false (§5.4). */
  sendText(text: string, fin = true): void {
    this.#sendData(Opcode.Text, encodeUtf8(text), fin);
  }

  /** Sends a binary message, or a fragment of one when `fin` is false. Large payloads are queued as views: do not change them until sent. */
  sendBinary(data: Uint8Array, fin = true): void {
    this.#sendData(Opcode.Binary, data, fin);
  }

  /** Sends a ping (§5.5.2) with at most 125 bytes of payload. */
  ping(payload: Uint8Array | string = EMPTY): void {
    this.#sendControl(Opcode.Ping, payload);
  }

  /** Sends an unsolicited pong (§5.5.3) with at most 125 bytes of payload. */
  pong(payload: Uint8Array | string = EMPTY): void {
    this.#sendControl(Opcode.Pong, payload);
  }

  /**
   * The network changed (Wi-Fi reconnected, new address): sends one ping now,
   * whatever `pingInterval` says, and fails the connection with
   * `WS_ERR_PING_TIMEOUT` (no close frame) unless something arrives within
   * `pingTimeout`, or {@link DEFAULT_PROBE_TIMEOUT} (10 s) when that is 0.
   * Its pong sets {@link roundTripTime}. Returns false, sending nothing, when
   * the connection is not open or has sent its close frame.
   */
  probe(now: number = this.#now()): boolean {
    if (this.#state !== ConnectionState.Open || this.#closeSent) return false;
    this.#queueFrame(Opcode.Ping, EMPTY, true, false);
    // A keepalive ping already outstanding keeps its own (earlier) timeout.
    if (Number.isNaN(this.#pingSentAt)) this.#pingSentAt = now;
    this.#pendingPingAt = now;
    const timeout = this.#pingTimeout > 0 ? this.#pingTimeout : DEFAULT_PROBE_TIMEOUT;
    this.#probeDeadline = Math.min(this.#probeDeadline, now + timeout);
    return true;
  }

  /**
   * Starts the closing handshake (§7.1.2). Invalid codes and reasons over
   * 123 bytes are refused with a {@link UsageError}. Before the connection is
   * open it simply ends it; once closing, it does nothing.
   */
  close(code?: number, reason = ""): void {
    const payload = buildClosePayload(code, reason);
    if (this.#state === ConnectionState.Connecting) {
      this.#queue.clear(); // an unsent or unanswered handshake is simply dropped
      this.#state = ConnectionState.Closing;
      this.#requestTransportClose();
      return;
    }
    if (this.#state !== ConnectionState.Open) return;
    // State and deadline first: queueing notifies the host, which reschedules its timer from them.
    this.#closeSent = true;
    this.#state = ConnectionState.Closing;
    this.#deadline = this.#now() + this.#closeTimeout;
    this.#queueFrame(Opcode.Close, payload, true, false);
  }

  /**
   * Fails the connection (§7.1.7) because of `error`: sends a close frame
   * with its close code when the connection is open and the code is one that
   * goes on the wire, stops parsing, and asks the host to close the transport.
   */
  fail(error: ProtocolError): void {
    this.#fail(error);
  }

  #fail(error: ProtocolError | HandshakeError, head?: HttpHead): void {
    if (this.#failure !== undefined || this.#state === ConnectionState.Closed) return;
    this.#failure = error;
    this.#parser.halt();
    if (error instanceof ProtocolError && this.#state === ConnectionState.Open && !this.#closeSent && error.closeCode !== CloseCode.Abnormal) {
      this.#queueFrame(Opcode.Close, buildClosePayload(error.closeCode), true, false);
      this.#closeSent = true;
    }
    this.#state = ConnectionState.Closing;
    this.#handler.onError?.(error, head);
    this.#requestTransportClose();
  }

  /** The next bytes to write (at most `max`), or `undefined` when there are none. */
  peekOutput(max?: number): Uint8Array | undefined {
    return this.#queue.peek(max);
  }

  /** Marks `count` bytes from {@link peekOutput} as written. */
  consumeOutput(count: number): void {
    this.#queue.consume(count);
  }

  #sendData(opcode: number, payload: Uint8Array, fin: boolean): void {
    if (this.#state !== ConnectionState.Open || this.#closeSent) {
      throw new UsageError("WS_ERR_INVALID_STATE", "messages can be sent only while the connection is open");
    }
    if (this.#sendingOpcode !== 0 && this.#sendingOpcode !== opcode) {
      throw new UsageError("WS_ERR_INVALID_STATE", "a fragmented message of the other type is in progress");
    }
    const size = frameHeaderLength(payload.length, this.role === "client") + payload.length;
    if (this.#queue.queuedBytes + size > this.limits.maxQueuedBytes) {
      throw new UsageError("WS_ERR_SEND_QUEUE_FULL", `${this.#queue.queuedBytes} bytes already queued; the limit is ${this.limits.maxQueuedBytes}`);
    }
    const wireOpcode = this.#sendingOpcode === 0 ? opcode : Opcode.Continuation;
    this.#sendingOpcode = fin ? 0 : opcode;
    this.#queueFrame(wireOpcode, payload, fin, true);
  }

  #sendControl(opcode: number, payload: Uint8Array | string): void {
    const bytes = typeof payload === "string" ? encodeUtf8(payload) : payload;
    if (bytes.length > 125) throw new UsageError("WS_ERR_CONTROL_TOO_LONG", "control frame payloads are at most 125 bytes (§5.5)");
    if (this.#state !== ConnectionState.Open || this.#closeSent) {
      throw new UsageError("WS_ERR_INVALID_STATE", "pings and pongs can be sent only while the connection is open");
    }
    this.#queueFrame(opcode, bytes, true, false);
  }

  /** Frames `payload` into the queue, masked at a client (§5.3). `mayAlias`: a large payload may be queued as a view. */
  #queueFrame(opcode: number, payload: Uint8Array, fin: boolean, mayAlias: boolean): void {
    const first = firstByte(fin, opcode);
    const masked = this.role === "client";
    if (!mayAlias || payload.length <= COALESCE_LIMIT) {
      this.#queueBytes(serializeFrame(first, payload, masked ? this.#keys!.next() : null));
      return;
    }
    const key = masked ? this.#keys!.next().slice() : null;
    const header = new Uint8Array(frameHeaderLength(payload.length, masked));
    writeFrameHeader(header, 0, first, payload.length, key);
    this.#queue.push(header);
    this.#queue.push(payload, key);
    this.#handler.onOutput?.();
  }

  #queueBytes(bytes: Uint8Array): void {
    this.#queue.push(bytes);
    this.#handler.onOutput?.();
  }

  // ── Transport and time ────────────────────────────────────────────────

  #requestTransportClose(): void {
    if (this.#transportClosing) return;
    this.#transportClosing = true;
    this.#deadline = Number.POSITIVE_INFINITY;
    this.#handler.onCloseTransport?.();
  }

  /**
   * The transport has ended (the peer closed it, it broke, or the host closed
   * it as asked). The connection is CLOSED and reports how it ended.
   */
  transportClosed(): void {
    if (this.#state === ConnectionState.Closed) return;
    const received = this.#closeReceived;
    const result: CloseResult = {
      code: received?.code ?? CloseCode.Abnormal,
      reason: received?.reason ?? "",
      wasClean: received !== undefined && this.#closeSent && this.#failure === undefined,
    };
    this.#state = ConnectionState.Closed;
    this.#transportClosing = true;
    this.#deadline = Number.POSITIVE_INFINITY;
    this.#queue.clear();
    this.#parser.halt();
    this.#handler.onClosed?.(result);
  }

  /** When {@link handleTimeout} should next be called (a clock reading), or +Infinity. */
  nextDeadline(): number {
    if (this.#state !== ConnectionState.Open) return this.#deadline;
    const probe = Math.min(this.#deadline, this.#probeDeadline);
    if (this.#pingInterval > 0) {
      const keepalive = Number.isNaN(this.#pingSentAt)
        ? this.#lastReceivedAt + this.#pingInterval
        : this.#pingTimeout > 0
          ? this.#pingSentAt + this.#pingTimeout
          : Number.POSITIVE_INFINITY;
      return Math.min(probe, keepalive);
    }
    return probe;
  }

  /**
   * From when the waiting keepalive ping may go early, at a wake the host
   * makes anyway (half a `pingInterval` of receive silence); +Infinity when
   * no keepalive ping is waiting. See {@link keepaliveNow}.
   */
  keepaliveWindowStart(): number {
    if (this.#state !== ConnectionState.Open || this.#pingInterval <= 0 || !Number.isNaN(this.#pingSentAt) || this.#closeSent) return Number.POSITIVE_INFINITY;
    return this.#lastReceivedAt + this.#pingInterval / 2;
  }

  /**
   * Sends the waiting keepalive ping now, early, as {@link handleTimeout}
   * would at its time (same timeout, same round-trip time), so that the
   * pings of a host's connections fall into one wake. Returns false, sending
   * nothing, before {@link keepaliveWindowStart}.
   */
  keepaliveNow(now: number = this.#now()): boolean {
    if (now < this.keepaliveWindowStart()) return false;
    this.#queueFrame(Opcode.Ping, EMPTY, true, false);
    this.#pingSentAt = this.#pendingPingAt = now;
    return true;
  }

  /**
   * Acts on whatever is due at `now`: an open or close timeout, a keepalive
   * ping after `pingInterval` of receive silence, or the failure of a ping
   * left unanswered for `pingTimeout` (or a {@link probe} left unanswered).
   */
  handleTimeout(now: number = this.#now()): void {
    if (now >= this.#deadline) {
      if (this.#state === ConnectionState.Connecting) this.#fail(new ProtocolError("WS_ERR_OPEN_TIMEOUT"));
      else if (this.#state === ConnectionState.Closing) this.#requestTransportClose();
      return;
    }
    if (this.#state !== ConnectionState.Open) return;
    if (now >= this.#probeDeadline) {
      this.#fail(new ProtocolError("WS_ERR_PING_TIMEOUT"));
      return;
    }
    if (this.#pingInterval <= 0) return;
    if (!Number.isNaN(this.#pingSentAt)) {
      if (this.#pingTimeout > 0 && now >= this.#pingSentAt + this.#pingTimeout) this.#fail(new ProtocolError("WS_ERR_PING_TIMEOUT"));
    } else if (now >= this.#lastReceivedAt + this.#pingInterval) {
      this.#queueFrame(Opcode.Ping, EMPTY, true, false);
      this.#pingSentAt = this.#pendingPingAt = now;
    }
  }

  #sha1Required(): Sha1 {
    if (this.#sha1 === undefined) throw new TypeError("the opening handshake needs a SHA-1 function from the host");
    return this.#sha1;
  }
}

const EMPTY = new Uint8Array(0);

function refusalBody(error: HandshakeError): Uint8Array {
  return encodeUtf8(error.message + "\n");
}

function concatBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
