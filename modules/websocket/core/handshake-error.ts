/**
 * Every way an opening handshake can fail (RFC 6455 §4), as one table: a
 * stable string code and the HTTP status a server answers with (or, at a
 * client, the status it received, filled in per error).
 */

const table = {
  WS_ERR_HEAD_TOO_LARGE: [431, "HTTP head larger than the handshake limit"],
  WS_ERR_HEADER_LINE_TOO_LONG: [431, "HTTP header line longer than the line limit"],
  WS_ERR_TOO_MANY_HEADERS: [431, "more HTTP header fields than the header count limit"],
  WS_ERR_MALFORMED_HTTP: [400, "malformed HTTP"],
  WS_ERR_BAD_METHOD: [405, "the opening handshake must be a GET (§4.1)"],
  WS_ERR_BAD_HTTP_VERSION: [505, "the opening handshake must be HTTP/1.1 or later (§4.1)"],
  WS_ERR_NOT_UPGRADE: [426, "not a WebSocket upgrade request: Upgrade: websocket and Connection: Upgrade are required (§4.2.1)"],
  WS_ERR_BAD_HOST: [400, "missing Host header (§4.2.1)"],
  WS_ERR_BAD_KEY: [400, "Sec-WebSocket-Key must be 16 bytes in base64 (§4.2.1)"],
  WS_ERR_BAD_VERSION: [426, "unsupported Sec-WebSocket-Version: only 13 is supported (§4.4)"],
  WS_ERR_REJECTED: [403, "the server application refused the connection"],
  WS_ERR_UNEXPECTED_STATUS: [0, "the server did not switch protocols"],
  WS_ERR_REDIRECT: [0, "the server redirected the handshake"],
  WS_ERR_BAD_UPGRADE: [0, "the response lacks Upgrade: websocket or Connection: Upgrade (§4.1)"],
  WS_ERR_BAD_ACCEPT: [0, "Sec-WebSocket-Accept does not match the key (§4.1)"],
  WS_ERR_UNREQUESTED_PROTOCOL: [0, "the server chose a subprotocol that was not offered (§4.1)"],
  WS_ERR_UNREQUESTED_EXTENSION: [0, "the server answered with an extension that was not offered (§4.1)"],
} as const;

/** The stable string code of a handshake error. */
export type HandshakeErrorCode = keyof typeof table;

/**
 * A failed opening handshake. At a server, `status` is the HTTP status to
 * answer with; at a client, the status the server answered with. A redirect
 * carries its `location`.
 */
export class HandshakeError extends Error {
  readonly code: HandshakeErrorCode;
  readonly status: number;
  readonly location: string | undefined;

  constructor(code: HandshakeErrorCode, detail?: string, status?: number, location?: string) {
    const [defaultStatus, message] = table[code];
    super(detail === undefined ? message : `${message}: ${detail}`);
    this.code = code;
    this.status = status ?? defaultStatus;
    this.location = location;
  }
}
/*
 * `name` lives on the prototype, defined once. Assigning `this.name` in the
 * constructor fails on the device: after preloading, the XS linker freezes
 * the built-in prototypes, so `Error.prototype.name` is read-only and an
 * assignment to an instance's inherited `name` throws TypeError ("set name:
 * not writable"), the "override mistake".
 */
Object.defineProperty(HandshakeError.prototype, "name", { value: "HandshakeError", writable: true, configurable: true });
