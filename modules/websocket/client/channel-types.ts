/**
 * The public types of a {@link WebSocketChannel}: its listener, its
 * notification callbacks, its options, the sources `sendBinaryStream`
 * accepts and what `securityInfo` holds. `./channel` re-exports them all.
 */
import type { Limits } from "../core/limits";
import type { ChannelStatus } from "./channel-status";

/**
 * The listener (nsIWebSocketListener). Every method is optional and
 * gets the `context` given to `asyncOpen`.
 */
export interface WebSocketListener {
  /** The connection is open; called before any other method. Not called when it never opens. */
  onStart?(context: unknown): void;
  /** The end, exactly once and last: `status` is NS_OK or names the cause. */
  onStop?(context: unknown, status: ChannelStatus): void;
  /** A text message. */
  onMessageAvailable?(context: unknown, message: string): void;
  /** A binary message (the view may be kept). */
  onBinaryMessageAvailable?(context: unknown, message: Uint8Array): void;
  /** `size` bytes (frames, as on the wire) were placed in the socket's send buffer. */
  onAcknowledge?(context: unknown, size: number): void;
  /** The server's close frame arrived (1005 when it had no code); no more messages follow. */
  onServerClose?(context: unknown, code: number, reason: string): void;
}

/**
 * The device meaning of `notificationCallbacks` (Gecko: authorization and
 * similar prompts): a hook asked, before each connection attempt (the first
 * and every redirect), for extra header fields of the opening handshake
 * request, e.g. `Authorization` or `Cookie`.
 */
export interface NotificationCallbacks {
  /** Extra request header fields for a connection to `uri`, as pairs or as a record. */
  headers?(uri: string): ReadonlyArray<readonly [string, string]> | Readonly<Record<string, string>>;
}

/** How to reach a DNS server: the options of the SDK's `embedded:network/dns/resolver/udp`. */
export interface DnsConfig {
  /** DNS server IPv4 addresses. */
  servers: readonly string[];
  /** The UDP socket class, `{io: UDP}` from `embedded:io/socket/udp`. */
  socket: { readonly io: new (options: never) => object };
}

/** Device options of a channel (times in seconds, fractions allowed, like `pingInterval`). */
export interface ChannelOptions {
  /** Redirects (301/302/303/307/308) followed at most (default 10; 0: none). */
  maxRedirects?: number;
  /** Seconds from the start of each connection to the end of its opening handshake (default 30; 0: no limit). */
  openTimeout?: number;
  /** Seconds to wait for the closing handshake to finish (default 5). */
  closeTimeout?: number;
  /** wss: one extra trusted CA certificate, DER. */
  ca?: ArrayBuffer | ArrayBufferView;
  /** wss: the name to send (SNI) and verify; default: the URI's host. */
  serverName?: string;
  /** wss: accept any certificate and name. Testing only. */
  insecure?: boolean;
  /** The connection's limits (message, frame, head sizes, send queue). */
  limits?: Partial<Limits>;
  /** How to resolve host names; default: {@link WebSocketChannel.dns}. IPv4 literals and "localhost" need none. */
  dns?: DnsConfig;
  /** Fragment size of `sendBinaryStream`, in bytes (default 16384). */
  streamFragmentSize?: number;
}

/**
 * A source of bytes for `sendBinaryStream`: a reader whose `read(max)` returns
 * up to `max` bytes or `undefined` at the end, or an iterator or iterable of
 * chunks. Chunks are copied as they are framed, so a reader may reuse its buffer.
 */
export type BinarySource =
  | { read(max: number): Uint8Array | ArrayBuffer | undefined }
  | Iterator<Uint8Array | ArrayBuffer>
  | Iterable<Uint8Array | ArrayBuffer>;

/** What `securityInfo` holds for a wss: connection. */
export interface SecurityInfo {
  /** The name sent (SNI) and verified. */
  serverName: string;
  /** False when `insecure` turned verification off. */
  verified: boolean;
  /** TLS version, e.g. "TLSv1.2" (undefined where the socket does not report it, as on the device). */
  protocol: string | undefined;
  /** Cipher suite name. */
  cipher: string | undefined;
  /** Peer certificate subject, e.g. "CN=localhost". */
  peerSubject: string | undefined;
}
