/**
 * Stand-in for `embedded:io/socket/tcp` in the XS bench bundles, server side
 * only (`new TCP({from})` on what the stand-in listener's `read()` returns);
 * see net.ts for the semantics.
 */
import { post } from "./loop";
import type { Pipe, PipeEnd } from "./net";

type Callback = (this: TCP, count?: number) => void;

interface TCPOptions {
  from?: TCP;
  nodelay?: boolean;
  target?: unknown;
  onReadable?: Callback;
  onWritable?: Callback;
  onError?: Callback;
}

export default class TCP implements PipeEnd {
  target: unknown;
  private pipe: Pipe | undefined;
  private onReadable: Callback | undefined;
  private onWritable: Callback | undefined;
  private onError: Callback | undefined;
  private errorReported = false;

  constructor(options?: TCPOptions) {
    if (options === undefined) return;
    const from = options.from;
    if (from === undefined || from.pipe === undefined) throw new Error("stand-in TCP: only `from` an accepted socket");
    const pipe = from.pipe;
    from.pipe = undefined;
    this.pipe = pipe;
    pipe.end = this;
    this.target = options.target;
    this.onReadable = options.onReadable;
    this.onWritable = options.onWritable;
    this.onError = options.onError;
    post(() => {
      this.deliverWritable();
      this.deliverReadable();
    });
  }

  /** Internal: the listener's accepted socket (no callbacks yet). */
  adopt(pipe: Pipe): void {
    this.pipe = pipe;
  }

  read(count?: number): ArrayBuffer | undefined {
    const pipe = this.live();
    if (pipe.available === 0) return undefined;
    if (count !== undefined && (count <= 0 || count > pipe.available)) throw new Error("invalid");
    const data = pipe.read(count);
    if (pipe.available === 0 && pipe.peerClosed) post(() => this.deliverError());
    return data;
  }

  write(data: ArrayBuffer | ArrayBufferView): number {
    const pipe = this.live();
    const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    if (pipe.peerClosed) return pipe.free;
    if (bytes.length > pipe.free) throw new Error("would block");
    pipe.take(bytes);
    return pipe.free;
  }

  close(): void {
    const pipe = this.pipe;
    if (pipe === undefined) return;
    this.pipe = undefined;
    pipe.serverClosed = true;
    pipe.end = undefined;
  }

  get remoteAddress(): string {
    return "127.0.0.1";
  }

  get remotePort(): number {
    return 50000;
  }

  deliverReadable(): void {
    const pipe = this.pipe;
    if (pipe !== undefined && pipe.available > 0) this.onReadable?.call(this, pipe.available);
  }

  deliverWritable(): void {
    const pipe = this.pipe;
    if (pipe !== undefined && !pipe.peerClosed) this.onWritable?.call(this, pipe.free);
  }

  deliverError(): void {
    const pipe = this.pipe;
    if (pipe === undefined || pipe.available > 0 || this.errorReported) return;
    this.errorReported = true;
    this.onError?.call(this);
  }

  private live(): Pipe {
    if (this.pipe === undefined) throw new Error("stand-in TCP: closed");
    return this.pipe;
  }
}

/** The unconnected socket the listener's `read()` returns. */
export function acceptedFrom(pipe: Pipe): TCP {
  const socket = new TCP();
  socket.adopt(pipe);
  return socket;
}
