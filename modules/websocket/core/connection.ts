/**
 * The WebSocket connection state machine (RFC 6455 §4, §5, §7), for both
 * roles, with no I/O: the host hands it bytes (`receive`), the end of the
 * transport (`transportClosed`) and the time (`handleTimeout`); it reports
 * to the application through {@link ConnectionEvents}. It does not call its
 * host: after each call into it returns, the host takes the bytes to write
 * (`peekOutput`/`consumeOutput`) and, once `transportCloseRequested` is set
 * and the output is drained, closes the transport (as python-websockets'
 * `data_to_send()`), so the connection's state is whole whenever the host acts.
 * The one exception is `FrameWriter.writeNow`, the last step of a send of a
 * whole message when nothing is queued, when the state is whole too.
 *
 *   CONNECTING ──handshake──▶ OPEN ──close frame sent or received──▶ CLOSING ──transport closed──▶ CLOSED
 *
 * While CONNECTING, an {@link OpeningHandshake} reads the peer's head and
 * applies §4's rules; the connection acts on what it finds.
 *
 * Every failure, whatever its cause, goes through `fail()` once: it sends a
 * close frame with the error's close code when it can, stops parsing, and asks
 * the host to close the transport.
 */
import { buildClosePayload, parseClosePayload, type CloseInfo } from "./close-payload";
import { CloseCode } from "./close-code";
import { ProtocolError, UsageError } from "./errors";
import { FrameParser, wholeFramePayload } from "./frame-parser";
import { FrameWriter } from "./frame-writer";
import { HandshakeError } from "./handshake-error";
import { httpResponseBytes, refusalBytes } from "./handshake";
import type { AcceptOptions, ClientRequestOptions, UpgradeRequest } from "./handshake";
import type { HttpHead } from "./http-head";
import { resolveLimits, type Limits } from "./limits";
import { MaskKeyPool } from "./mask-key-pool";
import { MessageAssembler, type ControlFrameSink } from "./message-assembler";
import { Keepalive } from "./keepalive";
import { applyMask } from "./mask";
import { OpeningHandshake } from "./opening-handshake";
import { Opcode } from "./opcode";
import { decodeUtf8, encodeUtf8 } from "./utf8";
import { ConnectionState, type ConnectionEvents, type ConnectionOptions, type ConnectionSettings, type CloseResult } from "./connection-types";

export { ConnectionState } from "./connection-types";
export type { ConnectionEvents, ConnectionOptions, ConnectionSettings, CloseResult } from "./connection-types";
export { DEFAULT_PROBE_TIMEOUT } from "./keepalive";

/**
 * See the module comment. It follows the device-heap habits of
 * docs/device.md: its sending half is its base class ({@link FrameWriter}),
 * not an object of its own; the parser and the message assembler exist only
 * while a frame the fast path does not take is being read; what only the
 * handshake needs goes when it opens; and what an idle connection does not
 * need at all (the keepalive bookkeeping, byte buffers) comes on first use.
 */
export class Connection extends FrameWriter implements ControlFrameSink {
  #limits: Readonly<Limits>;
  #events: ConnectionEvents;
  readonly #now: () => number;
  /**
   * The general path's frame parser: made for a frame the fast path does not
   * take (see {@link receive}), with the limits and events then in force, and
   * dropped once it is between messages again, so an idle connection has none.
   */
  #parser: FrameParser | undefined;
  /** The parser's sink, made and dropped with it; disposed of (its budget released) when the connection fails or ends. */
  #assembler: MessageAssembler | undefined;
  /** {@link STREAMING}, {@link CLOSE_SENT}, {@link TRANSPORT_CLOSING}: one field, not three (each field is a slot on the device). */
  #flags: number;
  #closeTimeout: number;
  /** Made when `pingInterval` is set, or at the first {@link probe}: without either there is nothing to keep. */
  #keepalive: Keepalive | undefined;
  /** For a keepalive made by a probe (`pingInterval` 0). */
  #pingTimeout: number;
  #state: ConnectionState = ConnectionState.Connecting;
  /** Made with the connection, unless it starts open, and dropped when it opens: present whenever CONNECTING. */
  #opening: OpeningHandshake | undefined;
  /**
   * What the handshake settled; `undefined` reads as "". (Not initialised
   * with "": XS copies a string literal into the heap each time it is
   * evaluated, unless the module is preloaded.)
   */
  #protocol: string | undefined;
  #extensions: string | undefined;
  #closeReceived: CloseInfo | undefined;
  #failure: ProtocolError | HandshakeError | undefined;
  #deadline = Number.POSITIVE_INFINITY;

  constructor(options: ConnectionOptions) {
    const limits = resolveLimits(options.limits);
    super(maskKeysFor(options), limits.maxQueuedBytes, options.budget);
    this.#limits = limits;
    this.#events = options.events ?? NO_EVENTS;
    this.#now = options.now ?? zeroClock;
    this.#closeTimeout = options.closeTimeout ?? 5000;
    this.#flags = options.streaming === true ? STREAMING : 0;
    const created = this.#now();
    this.#pingTimeout = options.pingTimeout ?? 0;
    const pingInterval = options.pingInterval ?? 0;
    const idleTimeout = options.idleTimeout ?? 0;
    if (pingInterval > 0 || idleTimeout > 0) this.#keepalive = new Keepalive(pingInterval, this.#pingTimeout, created, idleTimeout);
    if (options.open === true) {
      this.#state = ConnectionState.Open;
    } else {
      this.#opening = new OpeningHandshake(this.#limits, options.sha1);
      if (options.openTimeout !== undefined && options.openTimeout > 0) this.#deadline = created + options.openTimeout;
    }
  }

  /**
   * While CONNECTING: applies `settings` over those given at construction
   * (a server endpoint adopting a connection its listener made, from
   * `onRequest` on). Throws a {@link UsageError} once the connection is open.
   */
  configure(settings: ConnectionSettings): void {
    if (this.#state !== ConnectionState.Connecting) throw new UsageError("WS_ERR_INVALID_STATE", "configure is for a connection that is not yet open");
    if (settings.events !== undefined) this.#events = settings.events;
    if (settings.limits !== undefined) {
      this.#limits = resolveLimits(settings.limits);
      this.queueLimit = this.#limits.maxQueuedBytes;
    }
    if (settings.streaming !== undefined) this.#flags = settings.streaming ? this.#flags | STREAMING : this.#flags & ~STREAMING;
    if (settings.closeTimeout !== undefined) this.#closeTimeout = settings.closeTimeout;
    if (settings.pingTimeout !== undefined) this.#pingTimeout = settings.pingTimeout;
    const pingInterval = settings.pingInterval ?? this.#keepalive?.interval ?? 0;
    const idleTimeout = settings.idleTimeout ?? this.#keepalive?.idle ?? 0;
    this.#keepalive = pingInterval > 0 || idleTimeout > 0 ? new Keepalive(pingInterval, this.#pingTimeout, this.#now(), idleTimeout) : undefined;
  }

  /** For a host that extends the connection: the injected clock's reading. */
  protected currentTime(): number {
    return this.#now();
  }

  /** For a host that extends the connection: how long the closing handshake may take. */
  protected get closeTimeout(): number {
    return this.#closeTimeout;
  }

  /**
   * Whether the last thing this connection sent is an answer the peer has
   * yet to read: a close frame the peer has not answered, or a server's
   * HTTP answer to a request. A host then lingers before it closes the
   * transport (see `SocketDriver`); after a timeout, a transport failure or
   * a completed closing handshake nothing is waiting to be read.
   */
  protected get answerInFlight(): boolean {
    if ((this.#flags & CLOSE_SENT) !== 0) return this.#closeReceived === undefined;
    // A server's HTTP answer (a refusal, a page, a 503); the handshake timeout sends nothing.
    return this.role === "server" && this.#opening !== undefined && !(this.#failure instanceof ProtocolError);
  }

  /** For a host that extends the connection: its application events. */
  protected get events(): ConnectionEvents {
    return this.#events;
  }

  /** "client" or "server": a client is the one with masking keys (§5.3). */
  get role(): "client" | "server" {
    return this.maskKeys === undefined ? "server" : "client";
  }

  /** The limits in force. */
  get limits(): Readonly<Limits> {
    return this.#limits;
  }

  /**
   * Set once the connection is done with the transport (a close, a failure,
   * a refusal): the host writes what is still queued, then closes the
   * transport and calls {@link transportClosed}.
   */
  get transportCloseRequested(): boolean {
    return (this.#flags & TRANSPORT_CLOSING) !== 0 && this.#state !== ConnectionState.Closed;
  }

  /** CONNECTING, OPEN, CLOSING or CLOSED. */
  get state(): ConnectionState {
    return this.#state;
  }

  /** The subprotocol in use, "" for none. */
  get protocol(): string {
    return this.#protocol ?? "";
  }

  /** The negotiated `Sec-WebSocket-Extensions` value, "" for none. */
  get extensions(): string {
    return this.#extensions ?? "";
  }

  /**
   * Server: the client's upgrade request, from its arrival (`onRequest`)
   * until `onOpen` has returned; then it is released, to spare the device's
   * heap. Keep what you need of it in `onRequest` or `onOpen`.
   */
  get upgradeRequest(): UpgradeRequest | undefined {
    return this.#opening?.upgrade;
  }

  /** Milliseconds between the last keepalive ping and its pong; NaN before the first. */
  get roundTripTime(): number {
    return this.#keepalive?.roundTripTime ?? Number.NaN;
  }

  /** Why the connection failed, if it did. */
  get failure(): ProtocolError | HandshakeError | undefined {
    return this.#failure;
  }

  // ── Handshake ─────────────────────────────────────────────────────────

  /** Client: queues the opening handshake request (§4.1) with a fresh key. */
  startHandshake(options: Omit<ClientRequestOptions, "key">): void {
    if (this.role !== "client" || this.#state !== ConnectionState.Connecting || this.#opening!.requested) {
      throw new UsageError("WS_ERR_INVALID_STATE", "startHandshake is for a new client connection, once");
    }
    this.queueBytes(this.#opening!.request(options, this.maskKeys!.random)); // a client always has its key pool
  }

  /** Server: answers the pending request with 101 (§4.2.2) and opens. */
  accept(options: AcceptOptions = {}): void {
    const opening = this.#opening;
    if (this.role !== "server" || this.#state !== ConnectionState.Connecting || opening?.upgrade === undefined) {
      throw new UsageError("WS_ERR_INVALID_STATE", "accept needs a valid upgrade request that is not yet answered");
    }
    const response = opening.acceptResponse(options);
    this.#protocol = options.protocol;
    this.#extensions = options.extensions;
    this.queueBytes(response);
    this.open();
  }

  /**
   * Server: answers the pending request with a plain HTTP response (a
   * refusal, or a page) and closes the transport after it. It may come
   * before the request has arrived (a 503 to a socket the server cannot
   * take).
   */
  respond(status: number, body: Uint8Array = new Uint8Array(0), headers: ReadonlyArray<readonly [string, string]> = []): void {
    if (this.role !== "server" || this.#state !== ConnectionState.Connecting) {
      throw new UsageError("WS_ERR_INVALID_STATE", "respond answers a request that is not yet answered");
    }
    this.answerAndClose(httpResponseBytes(status, body, headers));
  }

  /**
   * Server: refuses the request with the status and headers its error calls
   * for, and closes the transport after it. The owner chose this, so no
   * `onError` follows (a refusal the connection makes itself reports one).
   */
  reject(error: HandshakeError): void {
    this.checkUnanswered("reject");
    this.answerAndClose(refusalBytes(error));
  }

  private checkUnanswered(what: string): void {
    if (this.role !== "server" || this.#state !== ConnectionState.Connecting || !this.#opening!.headRead) {
      throw new UsageError("WS_ERR_INVALID_STATE", `${what} answers a request that has arrived and is not yet answered`);
    }
  }

  private answerAndClose(response: Uint8Array): void {
    this.queueBytes(response);
    this.#state = ConnectionState.Closing;
    this.requestTransportClose();
  }

  /** While CONNECTING: the peer's head, then the handshake's verdict on it. */
  private receiveHead(opening: OpeningHandshake, chunk: Uint8Array): void {
    let head;
    try {
      head = opening.read(chunk);
    } catch (error) {
      if (!(error instanceof HandshakeError)) throw error;
      this.handshakeFailed(error);
      return;
    }
    if (head === undefined) return; // more to come, or a server's request still to answer
    if (this.role === "client") this.responseArrived(opening, head);
    else this.requestArrived(opening, head);
  }

  private responseArrived(opening: OpeningHandshake, head: HttpHead): void {
    const verdict = opening.checkResponse(head);
    if (verdict instanceof HandshakeError) {
      this.handshakeFailed(verdict, head);
      return;
    }
    this.#protocol = verdict.protocol;
    this.#extensions = verdict.extensions;
    this.open(head);
  }

  private requestArrived(opening: OpeningHandshake, head: HttpHead): void {
    const verdict = opening.checkRequest(head);
    this.#events.onRequest?.(verdict, head);
    if (this.#state !== ConnectionState.Connecting) return; // the owner answered
    if (verdict instanceof HandshakeError) this.handshakeFailed(verdict);
    else this.accept();
  }

  private handshakeFailed(error: HandshakeError, head?: HttpHead): void {
    // §4.2.1: a server answers an invalid request with an HTTP error; failWith then reports it and closes the transport after it.
    if (this.role === "server") this.queueBytes(refusalBytes(error));
    this.failWith(error, head);
  }

  private open(head?: HttpHead): void {
    this.#state = ConnectionState.Open;
    this.#keepalive?.heard(this.#now());
    this.#deadline = Number.POSITIVE_INFINITY;
    this.#events.onOpen?.(head);
    // The handshake goes once open, and with it a server's request (its whole head: a browser's is about 1 KB).
    const input = this.#opening?.input;
    this.#opening = undefined;
    if (input !== undefined) this.receive(input);
  }

  private makeParser(): FrameParser {
    // The connection itself takes the control frames: no closure per connection.
    const assembler = (this.#assembler = new MessageAssembler(this.#limits.maxMessageSize, (this.#flags & STREAMING) !== 0, this.#events, this, {
      maxFragments: this.#limits.maxFragments,
      budget: this.budget,
    }));
    return (this.#parser = new FrameParser({ expectMasked: this.role === "server", maxFrameSize: this.#limits.maxFrameSize }, assembler));
  }

  // ── Input ─────────────────────────────────────────────────────────────

  /**
   * Takes bytes from the transport. The connection owns `chunk` from now on
   * (payloads are unmasked in place, and views of it are handed on).
   *
   * Two paths. The fast one takes what most traffic is, final frames that lie
   * whole in the chunk, in place, with no state between calls (see
   * {@link receiveWhole}). The general one, the {@link FrameParser} and
   * {@link MessageAssembler}, takes everything else from the first frame the
   * fast path leaves, and goes once it is between messages again.
   */
  receive(chunk: Uint8Array): void {
    if (this.#state === ConnectionState.Closed || (this.#flags & (TRANSPORT_CLOSING | HALTED)) !== 0 || chunk.length === 0) return;
    this.#keepalive?.heard(this.#now()); // any byte proves the peer alive
    if (this.#state === ConnectionState.Connecting) {
      this.receiveHead(this.#opening!, chunk);
      return;
    }
    try {
      let rest = chunk;
      const streaming = (this.#flags & STREAMING) !== 0;
      if (this.#parser === undefined && !streaming) {
        const taken = this.receiveWhole(chunk);
        if (taken === chunk.length) return;
        if (taken > 0) rest = chunk.subarray(taken);
      }
      const parser = this.#parser ?? this.makeParser();
      parser.push(rest);
      if (parser.idle && !streaming && !this.#assembler!.inMessage) {
        this.#parser = undefined;
        this.#assembler = undefined;
      }
    } catch (error) {
      if (error instanceof ProtocolError) {
        this.fail(error);
        return;
      }
      // An event handler threw: the error goes to the host, and nothing more is read, since where
      // the handler stopped the rest of the chunk cannot be told from the frames that follow it.
      this.#flags |= HALTED;
      this.#parser?.halt();
      throw error;
    }
  }

  /**
   * The fast path: takes the frames at the start of `chunk` that
   * {@link wholeFramePayload} accepts (final, within the limits, whole in
   * the chunk), unmasks each in place and hands it on as a view, and returns
   * where it stopped: the chunk's end once nothing more is to be read (§5.5.1,
   * after a close frame; or the connection is done with the transport), else
   * the first frame it may not take, or one whose message the memory budget
   * cannot hold: the general path reads that one, and refuses it or fails the
   * connection with the exact error. A message's reservation covers its bytes
   * and, for text, its string, until its handler returns.
   */
  private receiveWhole(chunk: Uint8Array): number {
    const masked = this.maskKeys === undefined; // a server's input is masked (§5.3)
    const limits = this.#limits;
    const maxLength = Math.min(limits.maxFrameSize, limits.maxMessageSize);
    const budget = this.budget;
    let pos = 0;
    for (;;) {
      if ((this.#flags & TRANSPORT_CLOSING) !== 0 || this.#closeReceived !== undefined) return chunk.length;
      if (chunk.length - pos < 2) return pos;
      const start = wholeFramePayload(chunk, pos, masked, maxLength);
      if (start < 0) return pos;
      const length7 = chunk[pos + 1]! & 0x7f; // the 7- or 16-bit form: wholeFramePayload takes no other
      const end = start + (length7 === 126 ? (chunk[pos + 2]! << 8) | chunk[pos + 3]! : length7);
      const opcode = chunk[pos]! & 0x0f;
      const held = budget === undefined || opcode > Opcode.Binary ? 0 : opcode === Opcode.Text ? 2 * (end - start) : end - start;
      if (held > 0 && !budget!.tryReserve(held)) return pos;
      const payload = chunk.subarray(start, end);
      if (masked) {
        // The key, out of the chunk into one scratch array for every connection (see scratchKey).
        const key = (scratchKey ??= new Uint8Array(4));
        key[0] = chunk[start - 4]!;
        key[1] = chunk[start - 3]!;
        key[2] = chunk[start - 2]!;
        key[3] = chunk[start - 1]!;
        applyMask(payload, key, 0);
      }
      pos = end;
      if (opcode > Opcode.Binary) {
        this.onControlFrame(opcode, payload);
        continue;
      }
      // The message, handed on whole (text decoded at once, §8.1); then what was reserved for it is released.
      try {
        if (opcode === Opcode.Binary) {
          this.#events.onBinary?.(payload);
        } else {
          const text = decodeUtf8(payload);
          if (text === null) throw new ProtocolError("WS_ERR_INVALID_UTF8");
          this.#events.onText?.(text);
        }
      } finally {
        if (held > 0) budget!.release(held);
      }
    }
  }

  /** @internal {@link ControlFrameSink}: a whole close, ping or pong frame from the message assembler. */
  onControlFrame(opcode: number, payload: Uint8Array): void {
    if (opcode === Opcode.Ping) {
      // §5.5.2: answer with a pong carrying the same payload, unless we are closing. A peer that
      // pings and never reads must not grow the queue past its limit: §5.5.3 allows answering
      // only some pings, so a pong that does not fit is dropped.
      if (this.#state === ConnectionState.Open && this.fitsQueue(payload.length)) {
        this.queueControl(Opcode.Pong, payload);
      }
      this.#events.onPing?.(payload);
    } else if (opcode === Opcode.Pong) {
      this.#keepalive?.ponged(this.#now());
      this.#events.onPong?.(payload);
    } else {
      this.closeFrameArrived(parseClosePayload(payload));
    }
  }

  private closeFrameArrived(info: CloseInfo): void {
    this.#closeReceived = info;
    this.#parser?.halt(); // §5.5.1: nothing after a close frame (the fast path stops at it too)
    this.#events.onCloseFrame?.(info.code, info.reason);
    const answer = (this.#flags & CLOSE_SENT) === 0;
    this.#flags |= CLOSE_SENT;
    this.#state = ConnectionState.Closing;
    // §7.1.1: a client waits for the server to close the TCP connection, but not forever.
    if (this.role === "client") this.#deadline = this.#now() + this.#closeTimeout;
    if (answer) {
      // §5.5.1: answer with a close frame, echoing the status code.
      const code = info.code === CloseCode.NoStatus ? undefined : info.code;
      this.queueControl(Opcode.Close, buildClosePayload(code));
    }
    // §7.1.1: the server closes the TCP connection first.
    if (this.role === "server") this.requestTransportClose();
  }

  // ── Output ────────────────────────────────────────────────────────────

  /** Sends a text message, or a fragment of one when `fin` is false (§5.4). */
  sendText(text: string, fin = true): void {
    if (this.#state !== ConnectionState.Open || (this.#flags & CLOSE_SENT) !== 0) this.refuseSend("messages");
    this.queueText(text, fin);
  }

  /** Sends a binary message, or a fragment of one when `fin` is false. Large payloads are queued as views: do not change them until sent. */
  sendBinary(data: Uint8Array, fin = true): void {
    if (this.#state !== ConnectionState.Open || (this.#flags & CLOSE_SENT) !== 0) this.refuseSend("messages");
    this.queueMessage(Opcode.Binary, data, fin);
  }

  /** Sends a ping (§5.5.2) with at most 125 bytes of payload. */
  ping(payload: Uint8Array | string = EMPTY): void {
    this.sendControl(Opcode.Ping, payload);
  }

  /** Sends an unsolicited pong (§5.5.3) with at most 125 bytes of payload. */
  pong(payload: Uint8Array | string = EMPTY): void {
    this.sendControl(Opcode.Pong, payload);
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
    if (this.#state !== ConnectionState.Open || (this.#flags & CLOSE_SENT) !== 0) return false;
    this.#keepalive ??= new Keepalive(0, this.#pingTimeout, now);
    this.#keepalive.probed(now);
    this.queueControl(Opcode.Ping, EMPTY);
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
      this.clearOutput(); // an unsent or unanswered handshake is simply dropped
      this.#state = ConnectionState.Closing;
      this.requestTransportClose();
      return;
    }
    if (this.#state !== ConnectionState.Open) return;
    this.#flags |= CLOSE_SENT;
    this.#state = ConnectionState.Closing;
    this.#deadline = this.#now() + this.#closeTimeout;
    this.queueControl(Opcode.Close, payload);
  }

  /**
   * Fails the connection (§7.1.7) because of `error`: sends a close frame
   * with its close code when the connection is open and the code is one that
   * goes on the wire, stops parsing, and asks the host to close the transport.
   */
  fail(error: ProtocolError): void {
    this.failWith(error);
  }

  private failWith(error: ProtocolError | HandshakeError, head?: HttpHead): void {
    if (this.#failure !== undefined || this.#state === ConnectionState.Closed) return;
    this.#failure = error;
    this.#parser?.halt();
    this.#assembler?.dispose();
    if (error instanceof ProtocolError && this.#state === ConnectionState.Open && (this.#flags & CLOSE_SENT) === 0 && error.closeCode !== CloseCode.Abnormal) {
      this.queueControl(Opcode.Close, buildClosePayload(error.closeCode));
      this.#flags |= CLOSE_SENT;
    }
    this.#state = ConnectionState.Closing;
    this.#events.onError?.(error, head);
    this.requestTransportClose();
  }

  private sendControl(opcode: number, payload: Uint8Array | string): void {
    const bytes = typeof payload === "string" ? encodeUtf8(payload) : payload;
    if (bytes.length > 125) throw new UsageError("WS_ERR_CONTROL_TOO_LONG", "control frame payloads are at most 125 bytes (§5.5)");
    if (this.#state !== ConnectionState.Open || (this.#flags & CLOSE_SENT) !== 0) this.refuseSend("pings and pongs");
    this.queueControl(opcode, bytes);
  }

  /** A send while the connection is not open, or after our close frame. */
  private refuseSend(what: string): never {
    throw new UsageError("WS_ERR_INVALID_STATE", `${what} can be sent only while the connection is open`);
  }

  // ── Transport and time ────────────────────────────────────────────────

  private requestTransportClose(): void {
    this.#flags |= TRANSPORT_CLOSING;
    this.#deadline = Number.POSITIVE_INFINITY;
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
      wasClean: received !== undefined && (this.#flags & CLOSE_SENT) !== 0 && this.#failure === undefined,
    };
    this.#state = ConnectionState.Closed;
    this.#flags |= TRANSPORT_CLOSING;
    this.#deadline = Number.POSITIVE_INFINITY;
    this.clearOutput();
    this.#parser?.halt();
    this.#assembler?.dispose();
    this.#events.onClosed?.(result);
  }

  /** When {@link handleTimeout} should next be called (a clock reading), or +Infinity. */
  nextDeadline(): number {
    if (this.#state !== ConnectionState.Open) return this.#deadline;
    if (this.#keepalive === undefined) return this.#deadline;
    const keepalive = this.#keepalive.deadline();
    return keepalive < this.#deadline ? keepalive : this.#deadline;
  }

  /**
   * From when the waiting keepalive ping may go early, at a wake the host
   * makes anyway (half a `pingInterval` of receive silence); +Infinity when
   * no keepalive ping is waiting. See {@link keepaliveNow}.
   */
  keepaliveWindowStart(): number {
    if (this.#state !== ConnectionState.Open || (this.#flags & CLOSE_SENT) !== 0) return Number.POSITIVE_INFINITY;
    return this.#keepalive?.windowStart() ?? Number.POSITIVE_INFINITY;
  }

  /**
   * Sends the waiting keepalive ping now, early, as {@link handleTimeout}
   * would at its time (same timeout, same round-trip time), so that the
   * pings of a host's connections fall into one wake. Returns false, sending
   * nothing, before {@link keepaliveWindowStart}.
   */
  keepaliveNow(now: number = this.#now()): boolean {
    if (now < this.keepaliveWindowStart()) return false;
    this.#keepalive!.pinged(now); // a finite window start means there is a keepalive
    this.queueControl(Opcode.Ping, EMPTY);
    return true;
  }

  /**
   * Acts on whatever is due at `now`: an open or close timeout, a keepalive
   * ping after `pingInterval` of receive silence, or the failure of a ping
   * left unanswered for `pingTimeout` (or a {@link probe} left unanswered).
   */
  handleTimeout(now: number = this.#now()): void {
    if (now >= this.#deadline) {
      if (this.#state === ConnectionState.Connecting) this.failWith(new ProtocolError("WS_ERR_OPEN_TIMEOUT"));
      else if (this.#state === ConnectionState.Closing) this.requestTransportClose();
      return;
    }
    if (this.#state !== ConnectionState.Open) return;
    const action = this.#keepalive?.due(now);
    if (action === "timeout") {
      this.failWith(new ProtocolError("WS_ERR_PING_TIMEOUT"));
    } else if (action === "idle") {
      this.close(CloseCode.GoingAway, "idle"); // a clean closing handshake; the close timeout bounds it
    } else if (action === "ping" && (this.#flags & CLOSE_SENT) === 0) {
      this.#keepalive!.pinged(now);
      this.queueControl(Opcode.Ping, EMPTY);
    }
  }
}

const EMPTY = new Uint8Array(0);

/** {@link Connection}'s flags: streaming delivery (`onChunk`). */
const STREAMING = 1;
/** Our close frame is queued (or sent): nothing more may be. */
const CLOSE_SENT = 2;
/** The connection is done with the transport (see `transportCloseRequested`). */
const TRANSPORT_CLOSING = 4;
/** An event handler threw out of `receive`: nothing more is read. */
const HALTED = 8;

/** A client's masking keys (§5.3), from the random source it must be given; none at a server. */
function maskKeysFor(options: ConnectionOptions): MaskKeyPool | undefined {
  if (options.role !== "client") return undefined;
  if (options.random === undefined) throw new TypeError("a client connection needs a random source for its masking keys");
  return new MaskKeyPool(options.random);
}

/**
 * The masking key of a frame the fast path takes, copied out of its chunk:
 * one scratch array for every connection (used and done with within one
 * call), made on first use, not at module load (a preloaded module's typed
 * arrays are read-only on the device).
 */
let scratchKey: Uint8Array | undefined;

/** A connection made without events reports nothing: one shared empty object. */
const NO_EVENTS: ConnectionEvents = Object.freeze({});

/** The clock when the host gives none: shared, not a closure per connection. */
function zeroClock(): number {
  return 0;
}
