/**
 * `embedded:io/socket/tcp/tls` — the ECMA-419 TLS client socket as the
 * Moddable SDK provides it: examples/io/tcp/tlssocket/tlssocket.js (the
 * specifier an app maps, with modules/crypt/tls_419.json) over the SDK's
 * own TLS in JavaScript (modules/crypt/ssl/session_419.js). The host
 * simulator (hosts/node/io/socket/tls.ts) uses node:tls with the same limits:
 * TLS 1.2 only, the SDK's cipher suites (RSA, DHE-RSA, ECDHE-RSA AES-CBC/GCM,
 * ECDHE-ECDSA-AES128-GCM), curve P-256, SHA-256 signatures.
 *
 * - Needs `address` (IPv4 literal, as TCP), `port`, and `TCP: {io: TCP}`: the
 *   TCP class it runs over (the device throws TypeError without it).
 * - `host` is the TLS server name (SNI) and the name checked against the
 *   certificate, unless `secure.serverName` is given. Without either,
 *   verification fails.
 * - Verification (on unless `secure.verify === false`): chain to a trusted CA
 *   (device: the CA certificates the app bundles; simulator: Node's root
 *   store) or to `secure.certificate`; then the name must match a
 *   subjectAltName DNS name (a leading "*." wildcard allowed) or IPv4
 *   address — the subject CN is never used. Device note (ssl_cert.js
 *   `verify`): a server that sends only its leaf certificate fails there;
 *   serve the chain including the issuing CA.
 * - `onWritable(count)` once the handshake is done and whenever the TCP
 *   socket has more than 96 bytes free: `count` = TCP free space − 96.
 * - `onReadable(count)`: one TLS record's plaintext is ready; `count` = its
 *   size. The next record is announced only after this one is fully read.
 * - `onError()`: connection failure, peer close (after all data has been
 *   read), TLS alert. Handshake failure (untrusted certificate, name
 *   mismatch): the simulator calls `onError()`; the device's TLSSocket
 *   throws TLSError("certificate: auth err") out of its TCP callback instead
 *   (unhandled → abort), so never rely on catching that.
 * - Callbacks are NOT called with `this` = the socket (the device calls them
 *   as methods of an internal record); use closures. No `target` option.
 * - Errors of `write` propagate from the TCP socket: Error("not ready"),
 *   Error("would block").
 */
declare module "embedded:io/socket/tcp/tls" {
  import type TCP from "embedded:io/socket/tcp";

  /** The `secure` dictionary (device names). */
  export interface SecureOptions {
    /** Server name for SNI and certificate check; default: the `host` option. */
    serverName?: string;
    /**
     * One extra trusted CA certificate, DER. With verification on, an expired
     * or not-yet-valid one throws Error("date validation failed") from the
     * constructor.
     */
    certificate?: ArrayBuffer | ArrayBufferView;
    /** false: accept any certificate and name (insecure; device and simulator). Default true. */
    verify?: boolean;
    /** ALPN: one protocol or a list (1–255 bytes each, else Error("invalid protocol")). */
    applicationLayerProtocolNegotiation?: string | ArrayBuffer | (string | ArrayBuffer)[];
  }

  export interface Options {
    /** IPv4 address literal of the server. */
    address: string;
    /** Server port. */
    port: number;
    /** Server host name: SNI and the name verified. */
    host?: string;
    /** The TCP socket class to run over, e.g. `{io: TCP}`. */
    TCP: { readonly io: typeof TCP };
    /** TLS parameters. */
    secure?: SecureOptions;
    /** Passed to the TCP socket. */
    nodelay?: boolean;
    /** A record's plaintext is ready; `count` = its byte length. */
    onReadable?: ((this: void, count: number) => void) | null;
    /** Ready / space freed; `count` = estimated plaintext bytes writable. */
    onWritable?: ((this: void, count: number) => void) | null;
    /** The connection or handshake failed or ended. */
    onError?: ((this: void) => void) | null;
    /** Simulator only: send buffer size (bytes on the wire), default 8192. */
    sendBufferSize?: number;
    /** Simulator only: unread plaintext bytes at which reading pauses, default 8192. */
    receiveWindow?: number;
  }

  /** Simulator only: what the handshake negotiated. */
  export interface TLSInfo {
    /** "TLSv1.2". */
    protocol: string;
    /** OpenSSL cipher name, e.g. "ECDHE-ECDSA-AES128-GCM-SHA256". */
    cipher: string;
    /** Peer certificate subject, e.g. "CN=localhost" (RDNs joined with ", "). */
    peerSubject: string;
    /** Peer (leaf) certificate, DER. */
    peerCertificate: ArrayBuffer;
    /** Protocol chosen by ALPN, if any. */
    alpnProtocol: string | undefined;
  }

  /** ECMA-419 TLS client socket. */
  export default class TLSSocket {
    constructor(options: Options);

    /** The rest of the current record, or `undefined` when none is pending. In "number" format: one byte. */
    read(): ArrayBuffer | undefined;
    /** `count` bytes of the current record; Error("invalid") if more than it holds. */
    read(count: number): ArrayBuffer | undefined;
    /**
     * Copy up to `buffer.byteLength` bytes of the current record; returns the
     * count. Pass a view: the device copies nothing into a bare ArrayBuffer
     * (it throws RangeError there, and the simulator does too).
     */
    read(buffer: ArrayBufferView): number | undefined;

    /**
     * Send `data` as one TLS record (max 16384 bytes, else Error("too large")).
     * With `{more: true}` the bytes are held and go out with the next write.
     * Returns an estimate of the plaintext bytes still writable (TCP free − 32).
     */
    write(data: ArrayBuffer | ArrayBufferView, options?: { more?: boolean }): number;

    /** Release the connection. No callback fires afterwards. */
    close(): void;

    /** "buffer" (default) or "number". */
    format: "buffer" | "number";

    /** Simulator only (`undefined` on the device, and before the handshake completes). */
    readonly tlsInfo?: TLSInfo;
  }
}
