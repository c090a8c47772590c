/**
 * `embedded:io/socket/listener` — the ECMA-419 TCP listener as the Moddable
 * SDK implements it on ESP32 (modules/io/socket/lwip/listener.js + tcp.c).
 * The host simulator (hosts/node/io/socket/listener.ts) follows the same rules.
 *
 * - Binds all interfaces (ESP32 ignores `address`; the simulator binds it).
 * - `onReadable(count)`, delivered later from the event loop with
 *   `this` = the listener: `count` = connections waiting to be read.
 * - `read()` returns the next connection as a connected `TCP` with no
 *   callbacks; pass it as `from` to `new TCP({from, onReadable, …})`.
 *   Data sent by the peer before that is kept and reported to the new socket.
 * - `port`: the bound port — the ephemeral port when constructed with port 0.
 *   A real SDK getter (lwIP `xs_listener_get_port`).
 * - `close()` stops listening and drops connections not yet read; sockets
 *   already read stay open. Missing from the SDK's own typings, present on
 *   the device. After it, other members throw SyntaxError.
 */
declare module "embedded:io/socket/listener" {
  import type TCP from "embedded:io/socket/tcp";

  export interface Options {
    /** 0–65535, default 0 (ephemeral). RangeError("invalid port") if out of range. */
    port?: number;
    /** An IP literal: ignored on ESP32 (all interfaces); bound by the simulator. */
    address?: string;
    /** Connections are waiting: `requests` = how many. */
    onReadable?: ((this: Listener, requests: number) => void) | null;
    /** Only "socket/tcp". */
    format?: "socket/tcp";
    /** Stored as `this.target`. */
    target?: unknown;
    /** Simulator only: `sendBufferSize` for accepted sockets (see TCP). */
    sendBufferSize?: number;
    /** Simulator only: `receiveWindow` for accepted sockets (see TCP). */
    receiveWindow?: number;
  }

  /** ECMA-419 TCP listener. */
  export default class Listener {
    /** Throws Error("socket bind") if the port cannot be bound (e.g. in use). */
    constructor(options: Options);
    /** The next pending connection, or `undefined`. */
    read(): TCP | undefined;
    /** Stop listening. */
    close(): void;
    /** The bound local port. */
    readonly port: number;
    /** Always "socket/tcp". */
    format: "socket/tcp";
    /** The `target` constructor option, if one was given. */
    readonly target?: unknown;
  }
}
