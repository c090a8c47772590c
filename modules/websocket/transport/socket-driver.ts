/**
 * Binds one protocol-core {@link Connection} to one ECMA-419 stream socket
 * (TCP or TLS): bytes from `onReadable` go into the core, queued bytes go out
 * as fast as `onWritable`'s count allows, the core's request to close the
 * transport is honoured once the queue is empty, and deadlines go to the
 * host's one {@link DeadlineScheduler}. Nothing else: the adapter is thin.
 */
import { Connection, type ConnectionHandler, type ConnectionOptions } from "../core/connection";
import type { DeadlineClient, DeadlineScheduler } from "./deadline-scheduler";

/** What the driver needs of a socket: the ECMA-419 `read`/`write`/`close`. */
export interface ByteSocket {
  /** All bytes available now, or `undefined` when there are none. */
  read(): ArrayBuffer | undefined;
  /** Takes the bytes whole (the driver never offers more than the writable count) and returns the room left. */
  write(data: Uint8Array): number | undefined;
  close(): void;
}

/** The ECMA-419 callbacks a driver answers; pass them to the socket's constructor. */
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

/** See the module comment. */
export class SocketDriver implements DeadlineClient {
  readonly connection: Connection;
  /** The callbacks to give the socket (they close over this driver, so the socket's `this` does not matter). */
  readonly callbacks: SocketCallbacks;
  readonly #options: SocketDriverOptions;
  #socket: ByteSocket | undefined;
  #writable = 0;
  #connected = false;
  #closeAsked = false;
  #closed = false;

  constructor(options: SocketDriverOptions) {
    this.#options = options;
    const app: ConnectionHandler = options.handler;
    const scheduler = options.scheduler;
    this.connection = new Connection({
      ...options,
      handler: {
        onRequest: (verdict, head) => app.onRequest?.(verdict, head),
        onOpen: (response) => app.onOpen?.(response),
        onText: (text) => app.onText?.(text),
        onBinary: (data) => app.onBinary?.(data),
        onChunk: (data, binary, last) => app.onChunk?.(data, binary, last),
        onPing: (payload) => app.onPing?.(payload),
        onPong: (payload) => app.onPong?.(payload),
        onCloseFrame: (code, reason) => app.onCloseFrame?.(code, reason),
        onError: (error, response) => app.onError?.(error, response),
        onOutput: () => {
          this.#flush();
          scheduler.update();
        },
        onCloseTransport: () => {
          this.#closeAsked = true;
          this.#flush();
        },
        onClosed: (result) => {
          scheduler.remove(this);
          app.onClosed?.(result);
        },
      },
    });
    this.callbacks = {
      onReadable: () => this.#readable(),
      onWritable: (count) => this.#writableChanged(count),
      onError: () => this.#transportEnded(),
    };
    scheduler.add(this);
  }

  /** Gives the driver its socket (made with {@link callbacks}). */
  attach(socket: ByteSocket): void {
    this.#socket = socket;
  }

  /** Ends everything at once, without a closing handshake (ws's `terminate()`). */
  terminate(): void {
    this.#closeSocket();
  }

  nextDeadline(): number {
    return this.connection.nextDeadline();
  }

  onDeadline(now: number): void {
    this.connection.handleTimeout(now);
    this.#flush();
  }

  probe(now: number): void {
    this.connection.probe(now);
    this.#flush();
  }

  earlyFrom(): number {
    return this.connection.keepaliveWindowStart();
  }

  onEarly(now: number): void {
    this.connection.keepaliveNow(now);
    this.#flush();
  }

  #readable(): void {
    const socket = this.#socket;
    if (socket === undefined || this.#closed) return;
    const data = socket.read();
    if (data !== undefined && data.byteLength > 0) this.connection.receive(new Uint8Array(data));
    this.#options.scheduler.update();
  }

  #writableChanged(count: number): void {
    this.#writable = count;
    if (!this.#connected) {
      this.#connected = true;
      this.#options.onTransportOpen?.();
    }
    this.#flush();
  }

  #flush(): void {
    const socket = this.#socket;
    if (socket === undefined || this.#closed) return;
    if (!this.#connected) {
      // Closing before the transport connected (open timeout, abort): nothing to flush.
      if (this.#closeAsked) this.#closeSocket();
      return;
    }
    const connection = this.connection;
    while (this.#writable > 0) {
      const chunk = connection.peekOutput(this.#writable);
      if (chunk === undefined) break;
      this.#writable = socket.write(chunk) ?? 0;
      connection.consumeOutput(chunk.length);
      this.#options.onWritten?.(chunk.length);
    }
    if (this.#closeAsked && connection.bufferedAmount === 0) this.#closeSocket();
  }

  /** The peer closed the transport, or it broke (ECMA-419 `onError` covers both). */
  #transportEnded(): void {
    this.#closeSocket();
  }

  #closeSocket(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#socket?.close();
    } finally {
      this.connection.transportClosed();
    }
  }
}
