/**
 * Binds one protocol-core {@link Connection} to one ECMA-419 stream socket
 * (TCP or TLS): bytes from `onReadable` go into the core, queued bytes go out
 * as fast as `onWritable`'s count allows, the core's request to close the
 * transport is honoured once the queue is empty, and deadlines go to the
 * host's one {@link DeadlineScheduler}. Nothing else: the adapter is thin.
 */
import { Connection, type CloseResult, type ConnectionHandler, type ConnectionOptions } from "../core/connection";
import type { ProtocolError } from "../core/errors";
import type { HandshakeError } from "../core/handshake-error";
import type { HttpHead } from "../core/http-head";
import type { DeadlineClient, DeadlineScheduler } from "./deadline-scheduler";

/** What the driver needs of a socket: the ECMA-419 `read`/`write`/`close`. */
export interface ByteSocket {
  /** All bytes available now, or `undefined` when there are none. */
  read(): ArrayBuffer | undefined;
  /** Takes the bytes whole (the driver never offers more than the writable count) and returns the room left. */
  write(data: Uint8Array): number | undefined;
  close(): void;
}

/**
 * The ECMA-419 callbacks a driver answers. They are methods (of the driver
 * itself): call them on the object, from the socket's callbacks (closures,
 * or, where the socket passes itself as `this`, through its `target`).
 */
export interface SocketCallbacks {
  onReadable(count: number): void;
  onWritable(count: number): void;
  onError(): void;
}

/** Options of a {@link SocketDriver}: the connection's, plus the host's scheduler. */
export interface SocketDriverOptions extends ConnectionOptions {
  scheduler: DeadlineScheduler;
  /** The first `onWritable`: the transport is connected. */
  onTransportOpen?(): void;
  /** `count` bytes were placed in the socket's send buffer. */
  onWritten?(count: number): void;
}

/**
 * See the module comment. The driver is its own {@link SocketCallbacks} (no
 * closures per connection: on the device each costs about 170 bytes of
 * heap), and its helpers are TS-`private` rather than `#` methods, as XS
 * gives every instance a slot per `#` method.
 */
export class SocketDriver implements DeadlineClient, SocketCallbacks {
  readonly connection: Connection;
  // The few options kept, not the options object: the caller's (often a spread of an endpoint's) can go.
  readonly #scheduler: DeadlineScheduler;
  readonly #onTransportOpen: (() => void) | undefined;
  readonly #onWritten: ((count: number) => void) | undefined;
  #socket: ByteSocket | undefined;
  #writable = 0;
  #connected = false;
  #closeAsked = false;
  #closed = false;

  constructor(options: SocketDriverOptions) {
    this.#scheduler = options.scheduler;
    this.#onTransportOpen = options.onTransportOpen;
    this.#onWritten = options.onWritten;
    this.connection = new Connection({ ...options, handler: new DriverHandler(this, options.handler, options.scheduler) });
    options.scheduler.add(this);
  }

  /** The callbacks to give the socket: the driver itself. Call them as its methods (`callbacks.onReadable(n)`), never detached. */
  get callbacks(): SocketCallbacks {
    return this;
  }

  /** Gives the driver its socket (made with {@link callbacks}). */
  attach(socket: ByteSocket): void {
    this.#socket = socket;
  }

  /** Ends everything at once, without a closing handshake (ws's `terminate()`). */
  terminate(): void {
    this.closeSocket();
  }

  nextDeadline(): number {
    return this.connection.nextDeadline();
  }

  onDeadline(now: number): void {
    this.connection.handleTimeout(now);
    this.flush();
  }

  probe(now: number): void {
    this.connection.probe(now);
    this.flush();
  }

  earlyFrom(): number {
    return this.connection.keepaliveWindowStart();
  }

  onEarly(now: number): void {
    this.connection.keepaliveNow(now);
    this.flush();
  }

  /** {@link SocketCallbacks}: bytes arrived; all of them are read and go into the connection. */
  onReadable(): void {
    const socket = this.#socket;
    if (socket === undefined || this.#closed) return;
    const data = socket.read();
    if (data !== undefined && data.byteLength > 0) this.connection.receive(new Uint8Array(data));
    this.#scheduler.updateFor(this);
  }

  /** {@link SocketCallbacks}: the socket is connected (the first call), or has room for `count` more bytes. */
  onWritable(count: number): void {
    this.#writable = count;
    if (!this.#connected) {
      this.#connected = true;
      this.#onTransportOpen?.();
    }
    this.flush();
  }

  /** The connection asked for the transport to close: it will, once everything queued is written. */
  closeWhenFlushed(): void {
    this.#closeAsked = true;
    this.flush();
  }

  /** Writes what is queued, as far as the socket's writable count allows. */
  flush(): void {
    const socket = this.#socket;
    if (socket === undefined || this.#closed) return;
    if (!this.#connected) {
      // Closing before the transport connected (open timeout, abort): nothing to flush.
      if (this.#closeAsked) this.closeSocket();
      return;
    }
    const connection = this.connection;
    while (this.#writable > 0) {
      const chunk = connection.peekOutput(this.#writable);
      if (chunk === undefined) break;
      this.#writable = socket.write(chunk) ?? 0;
      connection.consumeOutput(chunk.length);
      this.#onWritten?.(chunk.length);
    }
    if (this.#closeAsked && connection.bufferedAmount === 0) this.closeSocket();
  }

  /** {@link SocketCallbacks}: the peer closed the transport, or it broke (ECMA-419 `onError` covers both). */
  onError(): void {
    this.closeSocket();
  }

  private closeSocket(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#socket?.close();
    } finally {
      this.connection.transportClosed();
    }
  }
}

/**
 * The driver's side of the connection's events: the transport events it
 * acts on, the rest passed to the application. Its methods live on the
 * prototype, so a connection costs one small object here, not a closure per
 * event (device heap: about half of an idle connection's cost was closures).
 */
class DriverHandler implements ConnectionHandler {
  readonly #driver: SocketDriver;
  readonly #app: ConnectionHandler;
  readonly #scheduler: DeadlineScheduler;

  constructor(driver: SocketDriver, app: ConnectionHandler, scheduler: DeadlineScheduler) {
    this.#driver = driver;
    this.#app = app;
    this.#scheduler = scheduler;
  }

  onRequest(verdict: Parameters<NonNullable<ConnectionHandler["onRequest"]>>[0], head: HttpHead): void {
    this.#app.onRequest?.(verdict, head);
  }
  onOpen(response?: HttpHead): void {
    this.#app.onOpen?.(response);
  }
  onText(text: string): void {
    this.#app.onText?.(text);
  }
  onBinary(data: Uint8Array): void {
    this.#app.onBinary?.(data);
  }
  onChunk(data: string | Uint8Array, binary: boolean, last: boolean): void {
    this.#app.onChunk?.(data, binary, last);
  }
  onPing(payload: Uint8Array): void {
    this.#app.onPing?.(payload);
  }
  onPong(payload: Uint8Array): void {
    this.#app.onPong?.(payload);
  }
  onCloseFrame(code: number, reason: string): void {
    this.#app.onCloseFrame?.(code, reason);
  }
  onError(error: ProtocolError | HandshakeError, response?: HttpHead): void {
    this.#app.onError?.(error, response);
  }
  onOutput(): void {
    this.#driver.flush();
    this.#scheduler.updateFor(this.#driver);
  }
  onCloseTransport(): void {
    this.#driver.closeWhenFlushed();
  }
  onClosed(result: CloseResult): void {
    this.#scheduler.remove(this.#driver);
    this.#app.onClosed?.(result);
  }
}
