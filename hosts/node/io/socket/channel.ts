/**
 * Internal to the host simulator: the state the ESP32 lwIP socket keeps
 * beside its `tcp_pcb` (modules/io/socket/lwip/tcp.c), over a Node socket.
 *
 * - Send buffer: lwIP's `tcp_sndbuf()` is emulated by counting bytes handed
 *   to Node whose write callback (data accepted by the kernel) has not yet
 *   fired. Space freed this way triggers `onWritable`, as an ACK does on lwIP.
 * - Receive buffer: chunks are kept as received; the socket is paused while
 *   unread bytes reach the receive window (the device only re-opens its TCP
 *   window when the script reads).
 * - Notifications are coalesced bit sets delivered later, in a microtask,
 *   like `tcpTrigger` posting `tcpDeliver` to the XS machine: never from
 *   inside a method call.
 */
import type { Socket } from "node:net";

/** Trigger bits (lwIP tcp.c: kTCPReadable, kTCPWritable, kTCPError). */
export const READABLE = 1;
export const WRITABLE = 2;
export const ERROR = 4;

/** `CONFIG_LWIP_TCP_SND_BUF_DEFAULT` in Moddable's ESP32 sdkconfig.defaults. */
export const DEFAULT_SEND_BUFFER = 8192;
/** `CONFIG_LWIP_TCP_WND_DEFAULT` in Moddable's ESP32 sdkconfig.defaults. */
export const DEFAULT_RECEIVE_WINDOW = 8192;

const NO_BYTES = new Uint8Array(0);

/** Simulator-only socket options (ignored by the device). */
export interface SimulatedSocketOptions {
  sendBufferSize?: number | undefined;
  receiveWindow?: number | undefined;
}

/** The Node socket plus device-equivalent buffering and trigger state. */
export class Channel {
  readonly socket: Socket;
  sendBufferSize: number;
  receiveWindow: number;
  /** Device `tcp->ready`: connected, and no error delivered yet. */
  connected: boolean;
  /** Device `tcp->error`: an error notification has been delivered. */
  error = false;
  /** `onError` has been called (the simulator calls it at most once). */
  errorReported = false;
  /** The network side ended (FIN, reset, refused, TLS failure). */
  failed = false;
  /** Receiver of delivered trigger bits; undefined once closed. */
  owner: ((bits: number) => void) | undefined;

  #chunks: Buffer[] = [];
  #offset = 0;
  #available = 0;
  #pending = 0;
  #paused = false;
  #corked = false;
  #triggered = 0;
  #scheduled = false;
  /** Closed by the owner, with late data to be answered by a reset. */
  #closed = false;

  /**
   * @param connectEvent the event that makes the socket usable, or undefined
   *   if it already is (accepted sockets).
   */
  constructor(socket: Socket, options: SimulatedSocketOptions, connectEvent?: "connect" | "secureConnect") {
    this.socket = socket;
    this.sendBufferSize = positive(options.sendBufferSize, DEFAULT_SEND_BUFFER);
    this.receiveWindow = positive(options.receiveWindow, DEFAULT_RECEIVE_WINDOW);
    this.connected = connectEvent === undefined && !socket.destroyed;
    if (connectEvent !== undefined) {
      socket.once(connectEvent, () => {
        this.connected = true;
        this.trigger(WRITABLE);
      });
    }
    socket.on("data", (chunk: Buffer) => this.#receive(chunk));
    socket.on("end", () => this.#fail());
    socket.on("error", () => this.#fail());
    socket.on("close", () => this.#fail());
    if (socket.destroyed) this.#fail();
    else socket.resume();
  }

  /** Unread received bytes. */
  get available(): number {
    return this.#available;
  }

  /**
   * Whether received input is still unread: buffered here, or read from the
   * kernel by Node and held in the paused stream. (Bytes still in the
   * kernel's receive queue cannot be seen from Node; Linux itself answers
   * them with RST when the descriptor is closed.)
   */
  get hasUnreadInput(): boolean {
    return this.#available > 0 || this.socket.readableLength > 0;
  }

  /** Unread bytes in the oldest received chunk (a TLS record's plaintext). */
  get headAvailable(): number {
    const head = this.#chunks[0];
    return head === undefined ? 0 : head.length - this.#offset;
  }

  /** Free space in the emulated send buffer (`tcp_sndbuf`). */
  get free(): number {
    return Math.max(0, this.sendBufferSize - this.#pending);
  }

  /** True while the Node socket can still carry data. */
  get alive(): boolean {
    return !this.socket.destroyed;
  }

  /**
   * Coalesce `bits` into the next asynchronous delivery to the owner. A
   * microtask, not a later turn of the event loop: the callback still never
   * runs inside the method call that caused it (the stack has unwound, as on
   * the device, where callbacks come from the network task), and a message
   * costs no extra loop turn.
   */
  trigger(bits: number): void {
    this.#triggered |= bits;
    if (this.#scheduled) return;
    this.#scheduled = true;
    queueMicrotask(() => {
      this.#scheduled = false;
      const triggered = this.#triggered;
      this.#triggered = 0;
      this.owner?.(triggered);
    });
  }

  /**
   * Queue `data` for sending, counting `accounted` bytes against the send
   * buffer until Node reports them written. Writes made in one turn are
   * corked together (the device sends them with one `tcp_output`).
   */
  send(data: Uint8Array, accounted: number): void {
    this.#pending += accounted;
    if (!this.#corked) {
      this.#corked = true;
      this.socket.cork();
      process.nextTick(() => {
        this.#corked = false;
        this.socket.uncork();
      });
    }
    this.socket.write(data, () => {
      this.#pending -= accounted;
      this.trigger(WRITABLE);
    });
  }

  /**
   * All unread bytes, in a new ArrayBuffer the caller owns. When they are
   * one chunk as Node read it (its own exact-size ArrayBuffer, which Node
   * holds no more), that buffer is handed over rather than copied: V8 gives
   * a new buffer of more than 64 bytes a backing store of its own.
   */
  takeAll(): ArrayBuffer {
    const head = this.#chunks[0]!;
    if (this.#chunks.length === 1 && this.#offset === 0 && head.byteOffset === 0 && head.buffer.byteLength === head.length) {
      this.#chunks.length = 0;
      this.#consumed(head.length);
      return head.buffer as ArrayBuffer;
    }
    const into = new Uint8Array(this.#available);
    this.take(into, into.length, false);
    return into.buffer as ArrayBuffer;
  }

  /**
   * Move `count` unread bytes into `into` (from the oldest chunk only when
   * `headOnly`). The caller has checked that enough bytes are there.
   */
  take(into: Uint8Array, count: number, headOnly: boolean): void {
    let done = 0;
    while (done < count) {
      const head = this.#chunks[0]!;
      const use = Math.min(count - done, head.length - this.#offset);
      into.set(head.subarray(this.#offset, this.#offset + use), done);
      done += use;
      this.#offset += use;
      if (this.#offset === head.length) {
        this.#chunks.shift();
        this.#offset = 0;
        if (headOnly) break;
      }
    }
    this.#consumed(done);
  }

  /** `count` unread bytes were taken: the socket reads again once they are below the receive window. */
  #consumed(count: number): void {
    this.#available -= count;
    if (this.#paused && this.#available < this.receiveWindow) {
      this.#paused = false;
      this.socket.resume();
    }
  }

  /**
   * Release the socket: orderly (FIN once queued data is flushed) or, with
   * `reset`, abortive (RST), as lwIP's `tcp_close` does when received data
   * was left unread. With `resetOnLateData`, data that arrives after an
   * orderly close also resets the connection, as lwIP does for a pcb whose
   * receive side the application has closed (`TF_RXCLOSED` in `tcp_input`):
   * the peer learns that what it sent was not read. Both are for plain TCP
   * sockets only.
   */
  close(reset: boolean, resetOnLateData = false): void {
    this.owner = undefined;
    this.#chunks = [];
    this.#available = 0;
    const socket = this.socket;
    if (socket.destroyed) return;
    if (reset) {
      socket.resetAndDestroy();
      return;
    }
    if (resetOnLateData) {
      this.#closed = true;
      // Keep reading, so that late data is seen (and answered with RST) rather than left in the kernel.
      if (this.#paused) {
        this.#paused = false;
        socket.resume();
      }
    }
    if (!this.connected) {
      socket.destroy();
      return;
    }
    if (resetOnLateData) {
      // Once Node has handed every queued byte to the kernel, close the descriptor without a
      // shutdown of our own: the kernel sends what it holds, then FIN, and answers data that
      // arrives later with RST, as lwIP does. (A Node `end()` would make a later reset impossible.)
      socket.write(NO_BYTES, () => socket.destroy());
    } else {
      socket.end(() => socket.destroy());
    }
    const timer = setTimeout(() => socket.destroy(), 5000);
    timer.unref();
    socket.once("close", () => clearTimeout(timer));
  }

  #receive(chunk: Buffer): void {
    if (this.#closed) {
      if (!this.socket.destroyed) this.socket.resetAndDestroy();
      return;
    }
    this.#chunks.push(chunk);
    this.#available += chunk.length;
    if (!this.#paused && this.#available >= this.receiveWindow) {
      this.#paused = true;
      this.socket.pause();
    }
    this.trigger(READABLE);
  }

  #fail(): void {
    if (this.failed) return;
    this.failed = true;
    this.trigger(ERROR);
  }
}

/** Canonical dotted-quad for an lwIP `ip4addr_aton` string, else undefined. */
export function parseIPv4(text: string): string | undefined {
  const parts = text.replace(/\s+$/, "").split(".");
  if (parts.length > 4) return undefined;
  const values: number[] = [];
  for (const part of parts) {
    if (!/^(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/.test(part)) return undefined;
    values.push(/^0[xX]/.test(part) ? parseInt(part.slice(2), 16) : part.startsWith("0") ? parseInt(part, 8) || 0 : parseInt(part, 10));
  }
  const last = values.pop()!;
  if (values.some((v) => v > 255) || last >= 2 ** (8 * (4 - values.length))) return undefined;
  const bytes = [...values];
  for (let i = 3 - values.length; i >= 0; i--) bytes.push(Math.floor(last / 2 ** (8 * i)) % 256);
  return bytes.join(".");
}

/** ECMA-419 port validation as in lwip/tcp.c (`builtinGetSignedInteger`). */
export function validatePort(value: unknown): number {
  if (value === undefined) throw new Error("invalid");
  const port = Number(value) | 0;
  if (port < 0 || port > 65535) throw new RangeError("invalid port");
  return port;
}

/** `builtinGetCallback`: undefined/null → absent; non-callable → Error. */
export function getCallback<T extends (...args: never[]) => unknown>(options: object, name: string): T | undefined {
  const value: unknown = (options as Record<string, unknown>)[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "function") throw new Error("not a function");
  return value as T;
}

/** Bytes of an ArrayBuffer / SharedArrayBuffer / view (`xsmcGetBuffer*`). */
export function bytesOf(value: unknown): Uint8Array {
  if (value instanceof ArrayBuffer || value instanceof SharedArrayBuffer) return new Uint8Array(value);
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  throw new TypeError("invalid buffer");
}

/** Peer address as lwIP prints it (IPv4-mapped IPv6 → IPv4). */
export function plainAddress(address: string | undefined): string | undefined {
  return address?.startsWith("::ffff:") ? address.slice(7) : address;
}

/** The exception XS throws for a closed / foreign host object. */
export function invalidHostData(): SyntaxError {
  return new SyntaxError("C: xsGetHostData: invalid host data");
}

function positive(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) && value > 0 ? Math.floor(value) : fallback;
}
