/**
 * Host simulator for `embedded:io/socket/listener`: the ECMA-419 TCP
 * listener with the semantics of the Moddable SDK on ESP32
 * (modules/io/socket/lwip/listener.js + tcp.c). See listener.d.ts.
 */
import net from "node:net";
import TCP, { acceptedTCP } from "./tcp";
import { getCallback, invalidHostData, validatePort, type ChannelOptions } from "./channel";

/** Constructor options accepted by the simulator (see listener.d.ts). */
export interface ListenerOptions extends ChannelOptions {
  port?: number;
  address?: string;
  format?: "socket/tcp";
  target?: unknown;
  onReadable?: ((this: Listener, requests: number) => void) | null;
}

/** ECMA-419 TCP listener (ESP32 lwIP semantics). */
export default class Listener {
  #server: net.Server | undefined;
  #pending: net.Socket[] = [];
  #onReadable: ((this: Listener, requests: number) => void) | undefined;
  #scheduled = false;
  #socketOptions: ChannelOptions;
  declare target?: unknown;

  /**
   * Binds to all interfaces, as the device does (`address` is ignored there
   * and here). Throws Error("socket bind") if the port is in use.
   */
  constructor(options: ListenerOptions) {
    const o = Object(options) as ListenerOptions;
    const port = "port" in o ? validatePort(o.port) : 0;
    this.#onReadable = getCallback(o, "onReadable");
    if ("format" in o && o.format && o.format !== "socket/tcp") throw new RangeError("unimplemented");
    this.#socketOptions = { sendBufferSize: o.sendBufferSize, receiveWindow: o.receiveWindow };

    const server = net.createServer({ allowHalfOpen: true, pauseOnConnect: true });
    server.on("error", () => {}); // bind errors are reported synchronously below
    server.listen({ port });
    if (server.address() === null) {
      server.close();
      throw new Error("socket bind");
    }
    server.on("connection", (socket) => this.#accept(socket));
    this.#server = server;
    if ("target" in o) this.target = o.target;
  }

  /** Next pending connection as a connected TCP instance with no callbacks (pass it as `from`), or undefined. */
  read(): TCP | undefined {
    this.#validate();
    const socket = this.#pending.shift();
    if (socket === undefined) return undefined;
    socket.removeAllListeners("error");
    return acceptedTCP(socket, this.#socketOptions);
  }

  /** Stop listening and drop connections not yet read. */
  close(): void {
    const server = this.#server;
    if (server === undefined) return;
    this.#server = undefined;
    server.close();
    for (const socket of this.#pending.splice(0)) socket.destroy();
  }

  /** The bound local port (the ephemeral port when constructed with port 0). */
  get port(): number {
    const address = this.#validate().address();
    return typeof address === "object" && address !== null ? address.port : 0;
  }

  /** Always "socket/tcp". */
  get format(): "socket/tcp" {
    this.#validate();
    return "socket/tcp";
  }

  set format(value: "socket/tcp") {
    this.#validate();
    if (value !== "socket/tcp") throw new RangeError();
  }

  #validate(): net.Server {
    if (this.#server === undefined) throw invalidHostData();
    return this.#server;
  }

  #accept(socket: net.Socket): void {
    socket.on("error", () => {}); // a pending connection may be reset before it is read
    this.#pending.push(socket);
    if (!this.#onReadable || this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      if (this.#server !== undefined && this.#pending.length) this.#onReadable?.call(this, this.#pending.length);
    });
  }
}
