/**
 * The opening handshake (RFC 6455 §4): the client's request and the checks
 * of the server's answer; the server's checks of a request and its answers.
 * SHA-1 and randomness come from the host.
 */
import { decodeBase64, encodeBase64 } from "./base64";
import { concatBytes } from "./bytes";
import { UsageError } from "./errors";
import { HandshakeError } from "./handshake-error";
import { headerTokens, headerValue, isToken, serializeHead, type HttpHead } from "./http-head";
import { encodeUtf8 } from "./utf8";

/** SHA-1 of a byte string (the host's digest). */
export type Sha1 = (data: Uint8Array) => Uint8Array;

/** Fills `target` with cryptographically strong random bytes (the host's source). */
export type RandomSource = (target: Uint8Array) => void;

/** The GUID every accept key is derived with (§1.3). */
export const WEBSOCKET_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

/** `Sec-WebSocket-Accept` for a key: base64(SHA-1(key + GUID)) (§4.2.2). */
export function acceptKeyFor(key: string, sha1: Sha1): string {
  const text = key + WEBSOCKET_GUID;
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i) & 0xff;
  return encodeBase64(sha1(bytes));
}

/** A fresh `Sec-WebSocket-Key`: 16 random bytes in base64 (§4.1). */
export function createClientKey(random: RandomSource): string {
  const nonce = new Uint8Array(16);
  random(nonce);
  return encodeBase64(nonce);
}

/** What a client asks for. */
export interface ClientRequestOptions {
  /** Host name or address, as in the URI (IPv6 without brackets). */
  host: string;
  port: number;
  /** True for wss: (default port 443), false for ws: (80). */
  secure: boolean;
  /** The resource name: path and query, starting with "/". */
  resource: string;
  /** `Sec-WebSocket-Key` (see {@link createClientKey}). */
  key: string;
  origin?: string;
  /** Subprotocols offered, most preferred first. */
  protocols?: readonly string[];
  /** A `Sec-WebSocket-Extensions` value to offer, verbatim. */
  extensions?: string;
  /** More header fields, sent after the ones above. */
  headers?: ReadonlyArray<readonly [string, string]>;
}

/** Builds the client's opening handshake request (§4.1). */
export function buildClientRequest(options: ClientRequestOptions): HttpHead {
  const protocols = options.protocols ?? [];
  for (const protocol of protocols) {
    // §4.1: each subprotocol is a token (RFC 2616 §2.2); duplicates are not allowed.
    if (!isToken(protocol)) throw new UsageError("WS_ERR_BAD_PROTOCOL", `invalid subprotocol name ${JSON.stringify(protocol)}`);
  }
  if (new Set(protocols).size !== protocols.length) throw new UsageError("WS_ERR_BAD_PROTOCOL", "duplicate subprotocol names");
  const defaultPort = options.secure ? 443 : 80;
  const hostName = options.host.includes(":") ? `[${options.host}]` : options.host;
  const headers: Array<[string, string]> = [
    ["Host", options.port === defaultPort ? hostName : `${hostName}:${options.port}`],
    ["Upgrade", "websocket"],
    ["Connection", "Upgrade"],
    ["Sec-WebSocket-Key", options.key],
    ["Sec-WebSocket-Version", "13"],
  ];
  if (options.origin !== undefined) headers.push(["Origin", options.origin]);
  if (protocols.length > 0) headers.push(["Sec-WebSocket-Protocol", protocols.join(", ")]);
  if (options.extensions !== undefined && options.extensions !== "") headers.push(["Sec-WebSocket-Extensions", options.extensions]);
  for (const [name, value] of options.headers ?? []) headers.push([name, value]);
  return { firstLine: `GET ${options.resource} HTTP/1.1`, headers };
}

/** What the client learns from a successful handshake. */
export interface ClientHandshakeResult {
  /** The subprotocol the server chose, "" for none. */
  protocol: string;
  /** The server's `Sec-WebSocket-Extensions` value, "" for none. */
  extensions: string;
}

/** The HTTP status of a response head, or `NaN` when its status line is malformed. */
export function responseStatus(head: HttpHead): number {
  const match = /^HTTP\/1\.\d (\d{3})(?: |$)/.exec(head.firstLine);
  return match === null ? Number.NaN : Number(match[1]);
}

const REDIRECTS = [301, 302, 303, 307, 308];

/**
 * Checks the server's answer to our request (§4.1, the client's steps 1–6).
 * A redirect is a {@link HandshakeError} with code `WS_ERR_REDIRECT`, its
 * status and its `location`, so that the caller can follow it.
 */
export function validateServerResponse(head: HttpHead, request: ClientRequestOptions, sha1: Sha1): ClientHandshakeResult {
  const status = responseStatus(head);
  if (Number.isNaN(status)) throw new HandshakeError("WS_ERR_MALFORMED_HTTP", `status line ${JSON.stringify(head.firstLine.slice(0, 60))}`);
  if (status !== 101) {
    const location = headerValue(head, "Location");
    if (REDIRECTS.includes(status) && location !== undefined) throw new HandshakeError("WS_ERR_REDIRECT", `${status} to ${location}`, status, location);
    throw new HandshakeError("WS_ERR_UNEXPECTED_STATUS", head.firstLine, status);
  }
  const upgrade = headerValue(head, "Upgrade");
  const connection = headerTokens(head, "Connection").map((token) => token.toLowerCase());
  if (upgrade === undefined || upgrade.toLowerCase() !== "websocket" || !connection.includes("upgrade")) {
    throw new HandshakeError("WS_ERR_BAD_UPGRADE", undefined, status);
  }
  if (headerValue(head, "Sec-WebSocket-Accept") !== acceptKeyFor(request.key, sha1)) {
    throw new HandshakeError("WS_ERR_BAD_ACCEPT", undefined, status);
  }
  const protocol = headerValue(head, "Sec-WebSocket-Protocol") ?? "";
  if (protocol !== "" && !(request.protocols ?? []).includes(protocol)) {
    throw new HandshakeError("WS_ERR_UNREQUESTED_PROTOCOL", JSON.stringify(protocol), status);
  }
  const extensions = headerValue(head, "Sec-WebSocket-Extensions") ?? "";
  if (extensions !== "") {
    const offered = extensionNames(request.extensions ?? "");
    const unrequested = extensionNames(extensions).find((name) => !offered.includes(name));
    if (unrequested !== undefined) throw new HandshakeError("WS_ERR_UNREQUESTED_EXTENSION", JSON.stringify(unrequested), status);
  }
  return { protocol, extensions };
}

function extensionNames(value: string): string[] {
  return value
    .split(",")
    .map((offer) => offer.split(";")[0]!.trim().toLowerCase())
    .filter((name) => name !== "");
}

/** A valid upgrade request, as a server sees it. */
export interface UpgradeRequest {
  head: HttpHead;
  /** The request-target: path and query. */
  resource: string;
  key: string;
  /** The subprotocols the client offers, in its order. */
  protocols: string[];
  /** The client's `Sec-WebSocket-Extensions` value, "" for none. */
  extensions: string;
  origin: string | undefined;
}

/** Whether a request asks for a WebSocket upgrade at all (to tell it from a plain HTTP request). */
export function isUpgradeRequest(head: HttpHead): boolean {
  return headerTokens(head, "Upgrade").some((token) => token.toLowerCase() === "websocket");
}

/**
 * Checks a client's opening handshake (§4.2.1). Throws a
 * {@link HandshakeError} whose status is the answer to send.
 */
export function parseUpgradeRequest(head: HttpHead): UpgradeRequest {
  const parts = head.firstLine.split(" ");
  if (parts.length !== 3 || parts[1] === "") throw new HandshakeError("WS_ERR_MALFORMED_HTTP", "request line");
  const [method, resource, version] = parts as [string, string, string];
  const versionMatch = /^HTTP\/(\d)\.(\d)$/.exec(version);
  if (versionMatch === null) throw new HandshakeError("WS_ERR_MALFORMED_HTTP", "HTTP version");
  if (Number(versionMatch[1]) * 10 + Number(versionMatch[2]) < 11) throw new HandshakeError("WS_ERR_BAD_HTTP_VERSION", version);
  if (method !== "GET") throw new HandshakeError("WS_ERR_BAD_METHOD", method);
  if (headerValue(head, "Host") === undefined) throw new HandshakeError("WS_ERR_BAD_HOST");
  const connection = headerTokens(head, "Connection").map((token) => token.toLowerCase());
  if (!isUpgradeRequest(head) || !connection.includes("upgrade")) throw new HandshakeError("WS_ERR_NOT_UPGRADE");
  const wsVersion = headerValue(head, "Sec-WebSocket-Version");
  if (wsVersion !== "13") throw new HandshakeError("WS_ERR_BAD_VERSION", String(wsVersion));
  const key = headerValue(head, "Sec-WebSocket-Key") ?? "";
  if (decodeBase64(key)?.length !== 16) throw new HandshakeError("WS_ERR_BAD_KEY", JSON.stringify(key.slice(0, 40)));
  return {
    head,
    resource,
    key,
    protocols: headerTokens(head, "Sec-WebSocket-Protocol"),
    extensions: headerValue(head, "Sec-WebSocket-Extensions") ?? "",
    origin: headerValue(head, "Origin"),
  };
}

/** What a server answers a valid request with. */
export interface AcceptOptions {
  /** The chosen subprotocol; must be one the client offered. */
  protocol?: string;
  /** A `Sec-WebSocket-Extensions` value, for an extension the server implements. */
  extensions?: string;
  headers?: ReadonlyArray<readonly [string, string]>;
}

/** Builds the 101 response (§4.2.2). */
export function buildAcceptResponse(request: UpgradeRequest, options: AcceptOptions, sha1: Sha1): HttpHead {
  const headers: Array<[string, string]> = [
    ["Upgrade", "websocket"],
    ["Connection", "Upgrade"],
    ["Sec-WebSocket-Accept", acceptKeyFor(request.key, sha1)],
  ];
  const protocol = options.protocol;
  if (protocol !== undefined && protocol !== "") {
    if (!request.protocols.includes(protocol)) throw new UsageError("WS_ERR_BAD_PROTOCOL", `subprotocol ${JSON.stringify(protocol)} was not offered by the client`);
    headers.push(["Sec-WebSocket-Protocol", protocol]);
  }
  if (options.extensions !== undefined && options.extensions !== "") headers.push(["Sec-WebSocket-Extensions", options.extensions]);
  for (const [name, value] of options.headers ?? []) headers.push([name, value]);
  return { firstLine: "HTTP/1.1 101 Switching Protocols", headers };
}

const REASON_PHRASES: Record<number, string> = {
  200: "OK",
  400: "Bad Request",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  426: "Upgrade Required",
  431: "Request Header Fields Too Large",
  500: "Internal Server Error",
  503: "Service Unavailable",
  505: "HTTP Version Not Supported",
};

/** The reason phrase of a status, or "Error" for one not in the table. */
export function reasonPhrase(status: number): string {
  return REASON_PHRASES[status] ?? "Error";
}

/**
 * A complete plain HTTP response (head and body) that closes the connection:
 * for refusals, and for plain pages a device serves.
 */
export function buildHttpResponse(status: number, body: Uint8Array, headers: ReadonlyArray<readonly [string, string]> = []): HttpHead {
  const all: Array<[string, string]> = [["Connection", "close"]];
  if (!headers.some(([name]) => name.toLowerCase() === "content-type")) all.push(["Content-Type", "text/plain; charset=utf-8"]);
  all.push(["Content-Length", String(body.length)]);
  for (const [name, value] of headers) all.push([name, value]);
  return { firstLine: `HTTP/1.1 ${status} ${reasonPhrase(status)}`, headers: all };
}

/** The header fields a refusal for this error must carry (§4.2.2, §4.4). */
export function refusalHeaders(error: HandshakeError): Array<[string, string]> {
  if (error.code === "WS_ERR_BAD_VERSION") return [["Sec-WebSocket-Version", "13"]];
  if (error.code === "WS_ERR_NOT_UPGRADE") return [["Upgrade", "websocket"]];
  if (error.code === "WS_ERR_BAD_METHOD") return [["Allow", "GET"]];
  return [];
}

/** The bytes of a complete plain HTTP response (head and body) that closes the connection. */
export function httpResponseBytes(status: number, body: Uint8Array, headers: ReadonlyArray<readonly [string, string]> = []): Uint8Array {
  return concatBytes([serializeHead(buildHttpResponse(status, body, headers)), body]);
}

/** The bytes of the refusal a handshake error calls for: its status, its headers, its message as the body. */
export function refusalBytes(error: HandshakeError): Uint8Array {
  return httpResponseBytes(error.status, encodeUtf8(error.message + "\n"), refusalHeaders(error));
}
