/**
 * Stand-in for `embedded:io/socket/listener` in the XS bench bundles (see
 * net.ts): `onReadable(count)` with the listener as `this`, `read()` → an
 * accepted socket to pass as `from`, `close()`, `port`.
 */
import { post } from "./loop";
import { bind, unbind, type Pipe } from "./net";
import TCP, { acceptedFrom } from "./tcp";

interface ListenerOptions {
  port?: number;
  target?: unknown;
  onReadable?: (this: Listener, count: number) => void;
}

export default class Listener {
  target: unknown;
  private readonly pending: Pipe[] = [];
  private readonly onReadable: ((this: Listener, count: number) => void) | undefined;
  private readonly boundPort: number;
  private closed = false;

  constructor(options: ListenerOptions) {
    this.onReadable = options.onReadable;
    this.target = options.target;
    this.boundPort = bind(options.port ?? 0, this);
  }

  /** Called by the network for each connecting peer. */
  accept(pipe: Pipe): void {
    this.pending.push(pipe);
    post(() => {
      if (!this.closed && this.pending.length > 0) this.onReadable?.call(this, this.pending.length);
    });
  }

  read(): TCP | undefined {
    const pipe = this.pending.shift();
    return pipe === undefined ? undefined : acceptedFrom(pipe);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    unbind(this.boundPort);
  }

  get port(): number {
    return this.boundPort;
  }
}
