/**
 * The status a {@link WebSocketChannel} hands to `onStop` (the
 * `aStatusCode` of nsIWebSocketListener): "NS_OK" when the connection
 * completed normally, otherwise a stable code naming the cause, with details.
 */

/**
 * The stable codes. Names follow Gecko's nsresult names where one fits.
 *
 * - `NS_OK`: the closing handshake completed (whatever close code the peer
 *   chose; see `closeCode`), or the peer closed cleanly.
 * - `NS_ERROR_UNKNOWN_HOST`: the host name did not resolve (DNS).
 * - `NS_ERROR_CONNECTION_REFUSED`: ws: — the TCP connection could not be made.
 * - `NS_ERROR_NET_TLS`: wss: — the TLS connection could not be made: TCP
 *   refused, or the TLS handshake failed (certificate not trusted, name
 *   mismatch). The ECMA-419 TLS socket reports both the same way.
 * - `NS_ERROR_WEBSOCKET_HANDSHAKE`: the server refused or botched the opening
 *   handshake; `httpStatus` is its HTTP status, `errorCode` the core's
 *   `WS_ERR_*` code (e.g. WS_ERR_BAD_ACCEPT, WS_ERR_UNREQUESTED_PROTOCOL).
 * - `NS_ERROR_REDIRECT_LOOP`: more redirects than `maxRedirects`.
 * - `NS_ERROR_REDIRECT_REFUSED`: a redirect to an invalid URI or from wss: to ws:.
 * - `NS_ERROR_WEBSOCKET_PROTOCOL`: the peer broke RFC 6455 after opening;
 *   `closeCode` is the code we failed the connection with (1002, 1007, 1009).
 * - `NS_ERROR_PING_TIMEOUT`: a keepalive ping got no answer in `pingTimeout`.
 * - `NS_ERROR_OPEN_TIMEOUT`: the connection did not open within `openTimeout`.
 * - `NS_ERROR_NET_INTERRUPT`: the connection ended without a closing handshake (1006).
 * - `NS_ERROR_ABORT`: the application closed the channel before it opened.
 * - `NS_ERROR_FAILURE`: anything else (e.g. a socket the host could not make).
 */
export type ChannelStatusCode =
  | "NS_OK"
  | "NS_ERROR_UNKNOWN_HOST"
  | "NS_ERROR_CONNECTION_REFUSED"
  | "NS_ERROR_NET_TLS"
  | "NS_ERROR_WEBSOCKET_HANDSHAKE"
  | "NS_ERROR_REDIRECT_LOOP"
  | "NS_ERROR_REDIRECT_REFUSED"
  | "NS_ERROR_WEBSOCKET_PROTOCOL"
  | "NS_ERROR_PING_TIMEOUT"
  | "NS_ERROR_OPEN_TIMEOUT"
  | "NS_ERROR_NET_INTERRUPT"
  | "NS_ERROR_ABORT"
  | "NS_ERROR_FAILURE";

/** Details of a {@link ChannelStatus}. */
export interface ChannelStatusDetails {
  message?: string;
  closeCode?: number;
  reason?: string;
  wasClean?: boolean;
  httpStatus?: number;
  errorCode?: string;
  retryAfter?: string;
}

/** See the module comment. `String(status)` is its code. */
export class ChannelStatus {
  readonly code: ChannelStatusCode;
  /** A human-readable description. */
  readonly message: string;
  /** The close code (RFC 6455 §7.1.5): the peer's, 1005 for none, 1006 when no close frame arrived; or the code we failed with. */
  readonly closeCode: number;
  /** The close reason received, "" for none. */
  readonly reason: string;
  /** True when both close frames were exchanged and nothing failed. */
  readonly wasClean: boolean;
  /** The HTTP status of a refused handshake or of the last redirect; 0 otherwise. */
  readonly httpStatus: number;
  /** The core's error code (`WS_ERR_*`) behind a failure, "" otherwise. */
  readonly errorCode: string;
  /** The `Retry-After` header of a refused handshake (a 503, say), "" when there was none. */
  readonly retryAfter: string;

  constructor(code: ChannelStatusCode, details: ChannelStatusDetails = {}) {
    this.code = code;
    this.message = details.message ?? (code === "NS_OK" ? "closed" : code);
    this.closeCode = details.closeCode ?? 1006;
    this.reason = details.reason ?? "";
    this.wasClean = details.wasClean ?? false;
    this.httpStatus = details.httpStatus ?? 0;
    this.errorCode = details.errorCode ?? "";
    this.retryAfter = details.retryAfter ?? "";
  }

  /** Whether this is NS_OK. */
  get ok(): boolean {
    return this.code === "NS_OK";
  }

  toString(): string {
    return this.code;
  }
}

/** An error thrown by a channel method, with a stable `code` (e.g. "NS_ERROR_ALREADY_OPENED"). */
export class ChannelError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}
/* `name` on the prototype: on the device the built-in prototypes are frozen after preloading, so assigning `this.name` throws (see core/errors.ts). */
Object.defineProperty(ChannelError.prototype, "name", { value: "ChannelError", writable: true, configurable: true });
