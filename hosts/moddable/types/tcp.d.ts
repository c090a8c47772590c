/**
 * `embedded:io/socket/tcp` — the ECMA-419 TCP socket as the Moddable SDK
 * implements it on ESP32 (modules/io/socket/lwip/tcp.c; mapped in
 * modules/io/manifests/esp32/manifest.json and preloaded). The host
 * simulator (hosts/node/io/socket/tcp.ts) follows the same rules.
 *
 * Behaviour (ESP32):
 * - Construction starts connecting; no method may be used to wait for it.
 *   On success `onWritable(count)` is called: that is the "connected" signal
 *   (there is no `onConnect`). On failure (refused, unreachable) `onError()`.
 * - Every notification is delivered later from the event loop, never from
 *   inside a method call; notifications pending at `close()` are dropped.
 * - `onReadable(count)`: `count` = all bytes buffered, unread.
 * - `onWritable(count)`: `count` = free space in the send buffer (lwIP
 *   `tcp_sndbuf`, 8192 bytes when empty). Fired after connecting and each
 *   time the peer acknowledges data — not only after a "would block".
 * - `onError()`, no argument, fires for any end of the connection,
 *   including a clean close (FIN) by the peer, but only once every received
 *   byte has been read: after a FIN with data still buffered, read it all
 *   and `onError` follows. The simulator calls it at most once.
 * - Callbacks are called with `this` = the socket; the `target` option is
 *   stored as `this.target`.
 * - An exception thrown by a callback is unhandled (device: abort/restart;
 *   simulator: uncaught exception).
 * - After `close()`, any other member throws SyntaxError
 *   ("C: xsGetHostData: invalid host data"); `close()` again is a no-op.
 * - Closing with received bytes unread resets the connection (RST), as
 *   lwIP's `tcp_close` does; otherwise it is an orderly FIN after queued data.
 *
 * Where the SDK's own typings/embedded_io/socket/tcp.d.ts are wrong for ESP32:
 * `host` is not accepted (only `address`, an IPv4 literal: resolve names with
 * `embedded:network/dns/resolver/udp` first); `write()` returns the remaining
 * writable byte count (not void); `read()` returns `undefined` when nothing
 * is buffered, and `read(buffer)` returns the byte count.
 *
 * Error messages: match with `startsWith` — debug XS builds append
 * " (in <function>)" to every native error message.
 */
declare module "embedded:io/socket/tcp" {
  /** Bytes accepted by `write` / filled by `read`. */
  export type Bytes = ArrayBuffer | ArrayBufferView;

  /** Options common to both ways of constructing a socket. */
  export interface CommonOptions {
    /** Bytes are buffered unread: `count` = total unread bytes. */
    onReadable?: ((this: TCP, count: number) => void) | null;
    /** Connected, or send-buffer space freed: `count` = bytes `write` accepts now. */
    onWritable?: ((this: TCP, count: number) => void) | null;
    /** The connection ended (error, reset, refused or the peer's clean close). */
    onError?: ((this: TCP) => void) | null;
    /** Disable (true) / enable (false) Nagle's algorithm. Default: lwIP's (enabled). */
    nodelay?: boolean;
    /** "buffer" (default): ArrayBuffers; "number": single bytes as numbers. */
    format?: "buffer" | "number";
    /** Stored as `this.target`, for use inside callbacks. */
    target?: unknown;
    /** Simulator only (ignored by the device): send buffer size, default 8192. */
    sendBufferSize?: number;
    /** Simulator only (ignored by the device): unread bytes at which reading from the peer pauses, default 8192. */
    receiveWindow?: number;
  }

  /** Connect to a remote endpoint. */
  export interface ConnectOptions extends CommonOptions {
    /** IPv4 address literal (lwIP `ipaddr_aton`); anything else throws Error("invalid address"). */
    address: string;
    /** 0–65535; out of range throws RangeError("invalid port"), missing throws Error("invalid"). */
    port: number;
  }

  /** Take over the connection of another instance (e.g. from `Listener.read()`), which is closed. */
  export interface FromOptions extends CommonOptions {
    /** The instance to take the native socket, buffered data and state from. */
    from: TCP;
  }

  export type Options = ConnectOptions | FromOptions;

  /** ECMA-419 TCP socket. */
  export default class TCP {
    /**
     * Throws synchronously only for invalid options: Error("invalid address"),
     * RangeError("invalid port"), RangeError("unimplemented") (format),
     * Error("not a function") (callback), Error("invalid from").
     * Connection failures arrive as `onError()`.
     */
    constructor(options: Options);

    /**
     * All buffered bytes, or `undefined` when none. In "number" format: the
     * next byte as a number (typed here for the default "buffer" format).
     */
    read(): ArrayBuffer | undefined;
    /** Exactly `byteLength` bytes; `undefined` when none buffered; Error("invalid") if 0 or more than buffered. */
    read(byteLength: number): ArrayBuffer | undefined;
    /** Fill all of `buffer`, returning its byte length; `undefined` when none buffered; Error("invalid") if larger than buffered. */
    read(buffer: Bytes): number | undefined;

    /**
     * Queue bytes (in "number" format: one byte value). All or nothing: if
     * they do not fit the send buffer, nothing is queued and
     * Error("would block") is thrown — wait for `onWritable`. Returns the
     * space left in the send buffer. Throws Error("not ready") before the
     * connection is established and after `onError`; returns `undefined`
     * (data dropped) if the connection failed but `onError` is not yet delivered.
     */
    write(data: Bytes | number): number | undefined;

    /** Release the connection. No callback fires afterwards. */
    close(): void;

    /** Peer IPv4 address, while connected. */
    readonly remoteAddress: string | undefined;
    /** Peer port, while connected. */
    readonly remotePort: number | undefined;
    /** "buffer" or "number"; other values throw RangeError. */
    format: "buffer" | "number";
    /** The `target` constructor option, if one was given. */
    readonly target?: unknown;
  }
}
