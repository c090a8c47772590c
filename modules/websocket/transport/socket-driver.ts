/**
 * A protocol-core {@link Connection} on one ECMA-419 stream socket (TCP or
 * TLS): the connection itself, with the socket's callbacks and the host's
 * side of the pull model. Bytes from `onReadable` go into the core; after
 * every call into the core returns, what it queued goes out as far as
 * `onWritable`'s count allows, and once it asks for the transport to close
 * and its output is drained, the socket lingers, then closes (below).
 * Deadlines go to the host's one {@link DeadlineScheduler}.
 *
 * One object per socket: the driver is the connection (a subclass), its own
 * socket callbacks and its own scheduler client, so no forwarding object
 * stands between the socket, the core and the application's events.
 *
 * Lingering close: a socket closed while input is unread is reset (lwIP's
 * `tcp_close` sends RST, as a kernel does), and a reset destroys the close
 * frame or HTTP answer still in flight to the peer. So when the core is done
 * with the transport while an answer of its is in flight (a close frame the
 * peer has not answered, a refusal), the driver keeps reading and
 * discarding until the peer closes (`onError`), or the input has been quiet
 * for {@link LINGER_QUIET} ms, or `closeTimeout` passes; and it reads
 * whatever is left before any close. Otherwise (a completed closing
 * handshake, RFC 6455 §7.1.1: the server closes first; a timeout; a failed
 * socket) it closes at once.
 *
 * A socket call that throws (a TLS socket's `read` or `write` can, from its
 * handshake) fails the connection with `WS_ERR_TRANSPORT`, through the core's
 * one failure path.
 */
import { Connection, type ConnectionOptions } from "../core/connection";
import { ProtocolError } from "../core/errors";
import { QUEUE_HEADROOM } from "../core/limits";
import { CONNECTION_COST } from "../core/memory-budget";
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
 * What a driver answers of the ECMA-419 socket callbacks (`onReadable`,
 * `onWritable`, `onError`), under names of their own: the driver is also a
 * connection whose subclasses may take the connection's events, `onError`
 * among them. Call them on the driver from the socket's callbacks: through
 * its `target` ({@link targetCallbacks}), or closures where the socket does
 * not pass itself as `this`.
 */
export interface SocketCallbacks {
  socketReadable(count: number): void;
  socketWritable(count: number): void;
  socketError(): void;
  /** Something the socket runs threw on its own callback (a TLS socket's handshake): the connection fails. */
  socketFailed(error: unknown): void;
}

/** Options of a {@link SocketDriver}: the connection's, plus the host's scheduler. */
export interface SocketDriverOptions extends ConnectionOptions {
  scheduler: DeadlineScheduler;
  /** The maker reserved {@link CONNECTION_COST} in `budget` for this connection: released when its socket closes. */
  holdsConnectionCost?: boolean;
}

/**
 * Back-pressure: while more than this many bytes wait to be sent, the
 * driver stops reading its socket, so TCP's flow control slows the peer
 * (an echo of everything the peer sends cannot outgrow the queue); it reads
 * again once the queue is down to {@link LOW_WATER}. `resolveLimits` keeps
 * `maxQueuedBytes` at least this plus one largest message, so whatever was
 * read before the pause can always be queued whole.
 */
export const HIGH_WATER = QUEUE_HEADROOM;
/** See {@link HIGH_WATER}. */
export const LOW_WATER = 4 * 1024;

/** No time set (a module constant: `Number.POSITIVE_INFINITY` is two lookups on XS at each use). */
const NEVER = Number.POSITIVE_INFINITY;

/** How long a lingering socket waits for the peer to close when the connection has no `closeTimeout` of its own. */
const DEFAULT_LINGER = 5000;
/**
 * A lingering socket whose input has been quiet this long closes: the
 * peer's data in flight has arrived, and its answer to our close frame (if
 * any) with it. Short, so a peer that waits for us to close (a client, §7.1.1)
 * is not kept waiting.
 */
export const LINGER_QUIET = 200;

/** {@link SocketDriver}'s flags: the socket is connected (a client's first `onWritable`, or accepted). */
const CONNECTED = 1;
/** The socket is closed, and the connection told. */
const CLOSED = 2;
/** The send queue went above {@link HIGH_WATER} and has not yet drained to {@link LOW_WATER}: reading is stopped. */
const PAUSED = 4;
/** {@link CONNECTION_COST} is reserved for this connection until its socket closes. */
const HOLDS_COST = 8;

/** See the module comment. */
export class SocketDriver extends Connection implements DeadlineClient, SocketCallbacks {
  readonly #scheduler: DeadlineScheduler;
  #socket: ByteSocket | undefined;
  /** {@link CONNECTED}, {@link CLOSED}, {@link PAUSED}: one field, not three (each field is a slot on the device). */
  #flags = 0;
  /** While lingering: when to close unless more input comes; +Infinity otherwise. */
  #lingerUntil = NEVER;
  /** While lingering: when to close whatever comes. */
  #lingerLimit = NEVER;

  constructor(options: SocketDriverOptions) {
    super(options);
    this.#scheduler = options.scheduler;
    if (options.budget !== undefined && options.holdsConnectionCost === true) this.#flags = HOLDS_COST;
    this.#scheduler.add(this);
  }

  /** Gives the driver its socket (made with the driver as its `target`, see {@link targetCallbacks}). A socket that is already connected (accepted) is writable at once. */
  attach(socket: ByteSocket, connected = false): void {
    this.#socket = socket;
    if (connected) this.#flags |= CONNECTED;
  }

  /** Ends everything at once, without a closing handshake (ws's `terminate()`). */
  terminate(): void {
    this.closeSocket();
  }

  // ── The pull model: every call into the core is followed by a flush ────

  // A message moves no deadline: it is written out, and the scheduler is left alone. A whole one
  // with nothing queued before it, whose frame the socket had room for, went out already (writeNow).

  override sendText(text: string, fin?: boolean): void {
    super.sendText(text, fin);
    if (this.bufferedAmount !== 0) this.writeOut();
  }

  override sendBinary(data: Uint8Array, fin?: boolean): void {
    super.sendBinary(data, fin);
    if (this.bufferedAmount !== 0) this.writeOut();
  }

  protected override writeNow(frame: Uint8Array): void {
    let room: number | undefined;
    try {
      room = this.#socket!.write(frame); // writableNow is 0 unless the socket is connected and open
    } catch (error) {
      this.socketFailed(error);
      return;
    }
    this.writableNow = room ?? 0;
    this.written(frame.length);
  }

  override ping(payload?: Uint8Array | string): void {
    super.ping(payload);
    this.flush();
  }

  override pong(payload?: Uint8Array | string): void {
    super.pong(payload);
    this.flush();
  }

  override close(code?: number, reason?: string): void {
    super.close(code, reason);
    this.flush();
  }

  override fail(error: ProtocolError): void {
    super.fail(error);
    this.flush();
  }

  override accept(options?: Parameters<Connection["accept"]>[0]): void {
    super.accept(options);
    this.flush();
  }

  override respond(status: number, body?: Uint8Array, headers?: ReadonlyArray<readonly [string, string]>): void {
    super.respond(status, body, headers);
    this.flush();
  }

  override reject(error: Parameters<Connection["reject"]>[0]): void {
    super.reject(error);
    this.flush();
  }

  override probe(now?: number): boolean {
    const sent = super.probe(now);
    this.flush();
    return sent;
  }

  // ── DeadlineClient ─────────────────────────────────────────────────────

  override nextDeadline(): number {
    const deadline = super.nextDeadline();
    return deadline < this.#lingerUntil ? deadline : this.#lingerUntil;
  }

  onDeadline(now: number): void {
    if (this.#lingerUntil !== NEVER) {
      // The real time, not the scheduler's (which may wake a little early): a quiet period is a quiet period.
      if (this.currentTime() >= this.#lingerUntil) this.closeSocket();
      return;
    }
    this.handleTimeout(now);
    this.flush();
  }

  earlyFrom(): number {
    return this.keepaliveWindowStart();
  }

  onEarly(now: number): void {
    this.keepaliveNow(now);
    this.flush();
  }

  // ── SocketCallbacks ────────────────────────────────────────────────────

  /** Bytes arrived: all of them are read and go into the connection (or are discarded while lingering). */
  socketReadable(_count?: number): void {
    const socket = this.#socket;
    if (socket === undefined || (this.#flags & CLOSED) !== 0) return;
    if ((this.#flags & PAUSED) !== 0 && this.#lingerUntil === NEVER) return; // the bytes stay in the socket until the queue drains
    let data: ArrayBuffer | undefined;
    try {
      data = socket.read();
    } catch (error) {
      this.socketFailed(error); // a throwing read fails the connection
      return;
    }
    if (this.#lingerUntil !== NEVER) {
      // Lingering: the bytes are dropped, and the quiet period starts again.
      if (data !== undefined && data.byteLength !== 0) this.linger();
      return;
    }
    if (data !== undefined) this.receive(new Uint8Array(data)); // an empty chunk is nothing to the connection
    // What a handler sent went out with its send; with nothing queued, only the deadlines may have moved.
    if (this.bufferedAmount === 0 && !this.transportCloseRequested) this.#scheduler.updateFor(this);
    else this.flush();
  }

  /** The socket is connected (the first call), or has room for `count` more bytes. */
  socketWritable(count: number): void {
    if ((this.#flags & CLOSED) === 0) this.writableNow = count;
    if ((this.#flags & CONNECTED) === 0) {
      this.#flags |= CONNECTED;
      this.transportOpened();
      this.flush();
    } else if (this.bufferedAmount !== 0 || this.transportCloseRequested) {
      this.writeOut(); // room for what waits: no deadline moved
    }
  }

  /** The peer closed the transport, or it broke (ECMA-419 `onError` covers both). */
  socketError(): void {
    this.closeSocket();
  }

  // ── For subclasses ─────────────────────────────────────────────────────

  /** The transport connected (a client's first `onWritable`). */
  protected transportOpened(): void {}

  /** `count` bytes went into the socket's send buffer. */
  protected written(_count: number): void {}

  /** {@link writeOut}, then the scheduler learns this connection's next deadline: after any call that may move it. */
  flush(): void {
    if (this.writeOut()) this.#scheduler.updateFor(this);
  }

  /**
   * Writes what is queued, as far as the socket's writable count allows;
   * then, if the connection is done with the transport and nothing is left to
   * write, lingers or closes; else stops or resumes reading (back-pressure).
   * Returns whether the socket stays open.
   */
  private writeOut(): boolean {
    const socket = this.#socket;
    if (socket === undefined || (this.#flags & CLOSED) !== 0) return false;
    if ((this.#flags & CONNECTED) === 0) {
      // Closing before the transport connected (open timeout, abort): nothing to flush.
      if (this.transportCloseRequested) this.closeSocket();
      return false;
    }
    while (this.writableNow > 0) {
      const chunk = this.peekOutput(this.writableNow);
      if (chunk === undefined) break;
      let room: number | undefined;
      try {
        room = socket.write(chunk);
      } catch (error) {
        this.socketFailed(error);
        return false;
      }
      this.writableNow = room ?? 0;
      this.consumeOutput(chunk.length);
      this.written(chunk.length);
    }
    const queued = this.bufferedAmount;
    if (queued === 0 && this.transportCloseRequested) {
      this.lingerOrClose();
      return false;
    }
    if (queued > HIGH_WATER) {
      this.#flags |= PAUSED;
    } else if ((this.#flags & PAUSED) !== 0 && queued <= LOW_WATER) {
      this.#flags &= ~PAUSED;
      this.events.onDrain?.();
      this.socketReadable(); // what arrived while reading was stopped
    }
    return (this.#flags & CLOSED) === 0;
  }

  private lingerOrClose(): void {
    if (this.#lingerUntil !== NEVER) return; // lingering already
    if (!this.answerInFlight) {
      this.closeSocket();
      return;
    }
    this.#lingerLimit = this.currentTime() + (this.closeTimeout > 0 ? this.closeTimeout : DEFAULT_LINGER);
    this.linger();
  }

  /** (Re)starts the quiet period of a lingering socket. */
  private linger(): void {
    this.#lingerUntil = Math.min(this.currentTime() + LINGER_QUIET, this.#lingerLimit);
    this.#scheduler.updateFor(this);
  }

  /** A socket call threw: the connection fails with `WS_ERR_TRANSPORT` (no close frame can follow), and the socket goes. */
  socketFailed(error: unknown): void {
    if ((this.#flags & CLOSED) !== 0) return;
    super.fail(new ProtocolError("WS_ERR_TRANSPORT", error instanceof Error ? `${error.name}: ${error.message}` : String(error)));
    this.closeSocket();
  }

  private closeSocket(): void {
    if ((this.#flags & CLOSED) !== 0) return;
    this.#flags |= CLOSED;
    this.writableNow = 0;
    this.#lingerUntil = NEVER;
    const socket = this.#socket;
    try {
      // Unread input would make the close a reset: read it first (a bounded number of times).
      for (let i = 0; i < 8 && socket !== undefined && this.failure?.code !== "WS_ERR_TRANSPORT"; i++) {
        const data = socket.read();
        if (data === undefined || data.byteLength === 0) break;
      }
      socket?.close();
    } catch (error) {
      // The socket is gone either way; a connection that had not failed yet fails for it (onError before onClosed).
      if (this.failure === undefined) super.fail(new ProtocolError("WS_ERR_TRANSPORT", error instanceof Error ? error.message : String(error)));
    } finally {
      this.#scheduler.remove(this);
      if ((this.#flags & HOLDS_COST) !== 0) this.budget!.release(CONNECTION_COST); // set only with a budget
      this.transportClosed();
    }
  }
}

/**
 * Socket callbacks for a socket that calls them with itself as `this` and
 * holds its driver as `target` (ECMA-419 TCP does): shared functions, not
 * three closures per connection.
 */
export const targetCallbacks = {
  onReadable(this: { readonly target?: unknown }, count: number): void {
    (this.target as SocketCallbacks).socketReadable(count);
  },
  onWritable(this: { readonly target?: unknown }, count: number): void {
    (this.target as SocketCallbacks).socketWritable(count);
  },
  onError(this: { readonly target?: unknown }): void {
    (this.target as SocketCallbacks).socketError();
  },
};
