/**
 * The stand-in network of the XS bench bundles: a {@link Pipe} per TCP
 * connection between a bench-side peer (plain bytes, written by the bench)
 * and a server-side stand-in `embedded:io/socket/tcp` (tcp.ts), accepted
 * through a stand-in `embedded:io/socket/listener` (listener.ts).
 *
 * Semantics follow the SDK's lwIP sockets as the host simulator models them
 * (hosts/node/io/socket/tcp.ts): callbacks are called with the socket as
 * `this`, later (through loop.ts), never inside the call that caused them;
 * `read()` hands over what is buffered; `write()` takes the whole buffer or
 * throws, and returns the room left in an 8 KiB send buffer, which the peer
 * drains at once (room comes back with an `onWritable`); the peer's close
 * shows as `onError` once the received bytes are read.
 *
 * The peer keeps no copy of what the server writes: it counts the bytes
 * and keeps the first line (the handshake's status line), so what stays on
 * the heap is the server's, the pipe's few fields and the socket object.
 */
import { post } from "./loop";

/** The send buffer of an lwIP socket in the SDK's default configuration. */
export const SEND_BUFFER = 8192;

/** What a server-side stand-in socket gets told by its pipe. */
export interface PipeEnd {
  deliverReadable(): void;
  deliverWritable(): void;
  deliverError(): void;
}

/** One TCP connection: peer → server bytes buffered, server → peer bytes counted. */
export class Pipe {
  /** Bytes from the peer the server has not read, oldest first; `offset` into the first. */
  incoming: Uint8Array[] = [];
  offset = 0;
  available = 0;
  /** The server's socket once accepted. */
  end: PipeEnd | undefined = undefined;
  /** Bytes the server wrote, in total, and the first line of them. */
  received = 0;
  statusLine = "";
  free = SEND_BUFFER;
  drainPosted = false;
  serverClosed = false;
  peerClosed = false;

  /** The peer sends `bytes` (copied, as the network would). */
  send(bytes: Uint8Array): void {
    if (this.peerClosed) throw new Error("stand-in pipe: send after close");
    this.incoming.push(bytes.slice());
    this.available += bytes.length;
    post(() => this.end?.deliverReadable());
  }

  /** The peer closes its end (FIN). */
  close(): void {
    if (this.peerClosed) return;
    this.peerClosed = true;
    post(() => this.end?.deliverError());
  }

  /** The server's write: counted, the room given back at the next pump. */
  take(bytes: Uint8Array): void {
    this.received += bytes.length;
    for (let i = 0; i < bytes.length && this.statusLine.length < 32 && !this.statusLine.endsWith("\r"); i++) this.statusLine += String.fromCharCode(bytes[i]!);
    this.free -= bytes.length;
    if (this.drainPosted) return;
    this.drainPosted = true;
    post(() => {
      this.drainPosted = false;
      this.free = SEND_BUFFER;
      if (!this.serverClosed) this.end?.deliverWritable();
    });
  }

  /** Takes up to `count` buffered bytes (all when undefined) into a new ArrayBuffer. */
  read(count = this.available): ArrayBuffer {
    const out = new Uint8Array(count);
    let at = 0;
    while (at < count) {
      const first = this.incoming[0]!;
      const n = Math.min(count - at, first.length - this.offset);
      out.set(first.subarray(this.offset, this.offset + n), at);
      at += n;
      this.offset += n;
      if (this.offset === first.length) {
        this.incoming.shift();
        this.offset = 0;
      }
    }
    this.available -= count;
    return out.buffer as ArrayBuffer;
  }
}

/** A listener as the network sees it. */
export interface ListeningEnd {
  accept(pipe: Pipe): void;
}

const listening = new Map<number, ListeningEnd>();
let nextPort = 40000;

/** Binds `end` to `port` (0: a fresh one); returns the port. */
export function bind(port: number, end: ListeningEnd): number {
  const bound = port === 0 ? nextPort++ : port;
  if (listening.has(bound)) throw new Error("socket bind");
  listening.set(bound, end);
  return bound;
}

/** Frees `port`. */
export function unbind(port: number): void {
  listening.delete(port);
}

/** A peer connects to `port`: the listener is told at the next pump. */
export function connect(port: number): Pipe {
  const end = listening.get(port);
  if (end === undefined) throw new Error(`stand-in network: nothing listens on ${port}`);
  const pipe = new Pipe();
  end.accept(pipe);
  return pipe;
}
