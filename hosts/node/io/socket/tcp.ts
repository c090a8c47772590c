/**
 * Host simulator for `embedded:io/socket/tcp`: the ECMA-419 TCP socket with
 * the semantics of the Moddable SDK on ESP32 (modules/io/socket/lwip/tcp.c).
 * See hosts/moddable/types/tcp.d.ts for the contract.
 */
import net from "node:net";
import {
  Channel, ERROR, READABLE, WRITABLE, bytesOf, getCallback, invalidHostData, parseIPv4, plainAddress, validatePort,
  type SimulatedSocketOptions,
} from "./channel";

type Format = "buffer" | "number";
type Callback<A extends unknown[]> = (this: TCP, ...args: A) => void;

/** Constructor options accepted by the simulator (see tcp.d.ts). */
export interface TCPOptions extends SimulatedSocketOptions {
  address?: string;
  port?: number;
  from?: object; // validated at run time: must be a live TCP instance
  nodelay?: boolean;
  format?: Format;
  target?: unknown;
  onReadable?: Callback<[count: number]> | null;
  onWritable?: Callback<[count: number]> | null;
  onError?: Callback<[]> | null;
}

const FORMATS = ["number", "buffer", "string", "socket/tcp", "uint8", "int8", "uint16", "int16", "uint32", "int32", "uint64", "int64", "buffer/disposable"];

let adopt: (tcp: TCP, channel: Channel) => void;

/** ECMA-419 TCP socket (ESP32 lwIP semantics). */
export default class TCP {
  #channel: Channel | undefined;
  #live = true;
  #format: Format = "buffer";
  #onReadable: Callback<[number]> | undefined;
  #onWritable: Callback<[number]> | undefined;
  #onError: Callback<[]> | undefined;
  declare target?: unknown;

  /** With no argument: an unconnected instance (what `Listener.read()` fills). */
  constructor(options?: TCPOptions) {
    if (arguments.length === 0) return;
    const o = Object(options) as TCPOptions;
    this.#format = initialFormat(o.format);
    this.#onReadable = getCallback(o, "onReadable");
    this.#onWritable = getCallback(o, "onWritable");
    this.#onError = getCallback(o, "onError");
    const nodelay = "nodelay" in o ? Boolean(o.nodelay) : undefined;

    let channel: Channel;
    if ("from" in o) {
      const from = o.from;
      if (!(from instanceof TCP) || !from.#live) throw invalidHostData();
      if (from.#channel === undefined) throw new Error("invalid from");
      channel = from.#channel;
      from.#channel = undefined;
      from.#live = false;
      if (o.sendBufferSize !== undefined) channel.sendBufferSize = o.sendBufferSize;
      if (o.receiveWindow !== undefined) channel.receiveWindow = o.receiveWindow;
    } else {
      const address = parseIPv4(String(o.address));
      if (address === undefined) throw new Error("invalid address");
      const port = validatePort(o.port);
      const socket = net.connect({ host: address, port, allowHalfOpen: true });
      channel = new Channel(socket, o, "connect");
    }
    if (nodelay !== undefined) channel.socket.setNoDelay(nodelay);
    if ("target" in o) this.target = o.target;
    this.#attach(channel);

    let triggered = 0;
    if (this.#onWritable && channel.free && "from" in o) triggered |= WRITABLE;
    if (this.#onReadable && channel.available) triggered |= READABLE;
    if (triggered) channel.trigger(triggered);
  }

  static {
    adopt = (tcp, channel) => tcp.#attach(channel);
  }

  /**
   * No argument: all buffered bytes. A number: exactly that many bytes.
   * A buffer: fills it entirely and returns its byte length. Undefined when
   * nothing is buffered; throws Error("invalid") for a size of zero or more
   * than is buffered. In "number" format: one byte as a number.
   */
  read(): ArrayBuffer | undefined;
  read(count: number): ArrayBuffer | undefined;
  read(buffer: ArrayBuffer | ArrayBufferView): number | undefined;
  read(...args: [] | [count: number] | [buffer: ArrayBuffer | ArrayBufferView]): ArrayBuffer | number | undefined {
    const channel = this.#validate();
    if (channel === undefined || channel.available === 0) return undefined;
    let result: ArrayBuffer | number;
    if (this.#format === "number") {
      const byte = new Uint8Array(1);
      channel.take(byte, 1, false);
      result = byte[0]!;
    } else if (args.length === 0) {
      result = channel.takeAll();
    } else {
      const arg = args[0];
      let into: Uint8Array;
      if (typeof arg === "object" && arg !== null) {
        into = bytesOf(arg);
        result = into.byteLength;
      } else {
        into = new Uint8Array(Math.max(0, Number(arg) | 0));
        result = into.buffer as ArrayBuffer;
      }
      if (into.byteLength <= 0 || into.byteLength > channel.available) throw new Error("invalid");
      channel.take(into, into.byteLength, false);
    }
    if (channel.available === 0 && channel.error) channel.trigger(ERROR);
    return result;
  }

  /**
   * Queue bytes (an ArrayBuffer or view; a byte value in "number" format).
   * The whole buffer is accepted or Error("would block") is thrown. Returns
   * the space left in the send buffer; undefined (data dropped) once the
   * connection has failed but before `onError` is delivered. Throws
   * Error("not ready") before the connection is established and after an error.
   */
  write(data: ArrayBuffer | ArrayBufferView | number): number | undefined {
    const channel = this.#validate();
    if (channel === undefined || !channel.connected) throw new Error("not ready");
    if (channel.error || !channel.alive) return undefined;
    const bytes = this.#format === "number" ? Uint8Array.of(Number(data) & 0xff) : bytesOf(data);
    if (bytes.byteLength > channel.free) throw new Error("would block");
    // A copy, as lwIP's tcp_write makes; from Node's buffer pool when small (a fresh typed array over 64 bytes costs V8 a backing store of its own).
    if (bytes.byteLength) channel.send(Buffer.from(bytes), bytes.byteLength);
    return channel.free;
  }

  /** Release the socket; no callback fires afterwards. Later calls to other members throw. */
  close(): void {
    if (!this.#live) return;
    this.#live = false;
    const channel = this.#channel;
    this.#channel = undefined;
    // lwIP's tcp_close: RST when received data is left unread, or arrives after the close.
    channel?.close(channel.hasUnreadInput, true);
  }

  /** Remote IPv4 address, if connected. */
  get remoteAddress(): string | undefined {
    return plainAddress(this.#validate()?.socket.remoteAddress);
  }

  /** Remote port, if connected. */
  get remotePort(): number | undefined {
    return this.#validate()?.socket.remotePort;
  }

  /** "buffer" (default) or "number". */
  get format(): Format {
    this.#validate();
    return this.#format;
  }

  set format(value: Format) {
    this.#validate();
    const index = FORMATS.indexOf(String(value));
    if (index < 0) throw new RangeError("unknown");
    if (value !== "buffer" && value !== "number") throw new RangeError("unimplemented");
    this.#format = value;
  }

  #validate(): Channel | undefined {
    if (!this.#live) throw invalidHostData();
    return this.#channel;
  }

  #attach(channel: Channel): void {
    this.#channel = channel;
    channel.owner = (bits) => this.#deliver(channel, bits);
  }

  /** lwip/tcp.c `tcpDeliver`. */
  #deliver(channel: Channel, bits: number): void {
    if (bits & ERROR) {
      bits &= ~WRITABLE;
      channel.error = true;
      channel.connected = false;
    }
    if (bits & READABLE && this.#onReadable && channel.available) this.#onReadable.call(this, channel.available);
    if (this.#channel !== channel) return;
    if (channel.available && channel.error) return; // error delivered once the receive buffer is drained
    if (!channel.error) {
      if (bits & WRITABLE && this.#onWritable && channel.alive) this.#onWritable.call(this, channel.free);
    } else if (this.#onError && !channel.errorReported) {
      channel.errorReported = true;
      this.#onError.call(this);
    }
  }
}

function initialFormat(value: unknown): Format {
  if (value === undefined || !value) return "buffer";
  if (value === "buffer" || value === "number") return value;
  throw new RangeError("unimplemented");
}

/** Wrap a socket accepted by the listener: an instance with no callbacks. */
export function acceptedTCP(socket: net.Socket, options: SimulatedSocketOptions): TCP {
  const tcp = new TCP();
  adopt(tcp, new Channel(socket, options));
  return tcp;
}
