/**
 * Host simulator for `embedded:io/socket/listener`: the ECMA-419 TCP
 * listener with the semantics of the Moddable SDK on ESP32
 * (modules/io/socket/lwip/listener.js + tcp.c). See listener.d.ts.
 */
import net from "node:net";
import TCP, { acceptedTCP } from "./tcp";
import { getCallback, invalidHostData, validatePort, type SimulatedSocketOptions } from "./channel";

/** Constructor options accepted by the simulator (see listener.d.ts). */
export interface ListenerOptions extends SimulatedSocketOptions {
  port?: number;
  address?: string;
  format?: "socket/tcp";
  target?: unknown;
  onReadable?: ((this: Listener, requests: number) => void) | null;
}

interface RawTcpHandle {
  bind(address: string, port: number): number;
  bind6(address: string, port: number, flags: number): number;
  close(): void;
}
interface TcpWrap {
  TCP: new (type: number) => RawTcpHandle;
  constants: { SERVER: number };
}

/**
 * Binds `server` to `address`:`port` at once. Node's `listen({host})` binds
 * only after a (deferred) lookup, even of an IP literal, where the device
 * binds in the constructor and the library reads `port` right after it; so
 * the bind is done here on Node's own TCP handle, which `listen` then adopts.
 * Leaves the server unbound (address() null) when the bind fails.
 */
function listenOn(server: net.Server, address: string, port: number): void {
  const { TCP: Handle, constants } = (process as unknown as { binding(name: string): TcpWrap }).binding("tcp_wrap");
  const handle = new Handle(constants.SERVER);
  const status = net.isIPv6(address) ? handle.bind6(address, port, 0) : handle.bind(address, port);
  if (status !== 0) {
    handle.close();
    return;
  }
  server.listen(handle);
}

/** ECMA-419 TCP listener (ESP32 lwIP semantics). */
export default class Listener {
  #server: net.Server | undefined;
  #pending: net.Socket[] = [];
  #onReadable: ((this: Listener, requests: number) => void) | undefined;
  #scheduled = false;
  #socketOptions: SimulatedSocketOptions;
  declare target?: unknown;

  /**
   * Binds `address` (an IP literal) when given, all interfaces otherwise.
   * The ESP32 build ignores `address` and always binds all interfaces; the
   * simulator honours it so that a Node app can stay on loopback. Throws
   * Error("invalid address") for anything but an IP literal, and
   * Error("socket bind") if the address cannot be bound (port in use,
   * address not on this host), synchronously as the device does.
   */
  constructor(options: ListenerOptions) {
    const o = Object(options) as ListenerOptions;
    const port = "port" in o ? validatePort(o.port) : 0;
    this.#onReadable = getCallback(o, "onReadable");
    if ("format" in o && o.format && o.format !== "socket/tcp") throw new RangeError("unimplemented");
    this.#socketOptions = { sendBufferSize: o.sendBufferSize, receiveWindow: o.receiveWindow };

    const address = "address" in o && o.address !== undefined ? String(o.address) : undefined;
    if (address !== undefined && net.isIP(address) === 0) throw new Error("invalid address");
    const server = net.createServer({ allowHalfOpen: true, pauseOnConnect: true });
    server.on("error", () => {}); // bind errors are reported synchronously below
    if (address === undefined) server.listen({ port });
    else listenOn(server, address, port);
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
