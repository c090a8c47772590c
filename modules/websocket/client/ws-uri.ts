/**
 * A tiny, pure parser for WebSocket URIs (RFC 6455 §3):
 *
 *   ws-URI  = "ws:"  "//" host [ ":" port ] path [ "?" query ]
 *   wss-URI = "wss:" "//" host [ ":" port ] path [ "?" query ]
 *
 * Hosts are reg-names (DNS names, "localhost") or IPv4 literals; IPv6
 * literals are refused because the device's sockets are IPv4 only. The port
 * defaults to 80 (ws) or 443 (wss); the resource name is path + query, "/"
 * when empty. Fragments are refused (§3: "Fragment identifiers are
 * meaningless in the context of WebSocket URIs and MUST NOT be used").
 * No Node or browser URL class: this must run on the device as is.
 */

/** A parsed ws:/wss: URI. */
export interface WsUri {
  secure: boolean;
  /** Lower-cased host name or IPv4 literal. */
  host: string;
  port: number;
  /** Path and query, starting with "/". */
  resource: string;
  /** The normalized URI text, e.g. `ws://example.com:8080/chat?x=1`. */
  href: string;
}

/** A URI that is not a valid ws:/wss: URI. `code` is "NS_ERROR_MALFORMED_URI". */
export class UriError extends Error {
  readonly code = "NS_ERROR_MALFORMED_URI";
  constructor(message: string) {
    super(message);
  }
}
/* `name` on the prototype: on the device the built-in prototypes are frozen after preloading, so assigning `this.name` throws (see core/errors.ts). */
Object.defineProperty(UriError.prototype, "name", { value: "UriError", writable: true, configurable: true });

// The patterns are made per call, never held at module level: a preloaded RegExp lives in flash
// on the device, and the SDK's simulator crashed in RegExp.prototype.exec on one (docs/device.md).
const ipv4Pattern = (): RegExp => /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const regNamePattern = (): RegExp => /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*\.?$/;
const resourcePattern = (): RegExp => /^[\x21-\x7e]*$/;

/** Whether `host` is a dotted-quad IPv4 literal with every part in 0–255. */
export function isIPv4(host: string): boolean {
  const match = ipv4Pattern().exec(host);
  return match !== null && match.slice(1).every((part) => Number(part) <= 255);
}

/** Parses `text` as a ws: or wss: URI; throws a {@link UriError} otherwise. */
export function parseWsUri(text: string): WsUri {
  const match = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)([^#]*)(#.*)?$/.exec(text.trim());
  if (match === null) throw new UriError(`not an absolute URI: ${JSON.stringify(text)}`);
  const scheme = match[1]!.toLowerCase();
  if (scheme !== "ws" && scheme !== "wss") throw new UriError(`unsupported scheme "${scheme}:" (only ws: and wss:)`);
  if (match[4] !== undefined) throw new UriError("WebSocket URIs may not have a fragment (RFC 6455 §3)");
  const secure = scheme === "wss";
  let authority = match[2]!;
  if (authority.includes("@")) throw new UriError("user information is not allowed in a WebSocket URI");
  if (authority.startsWith("[")) throw new UriError("IPv6 literals are not supported (IPv4 only)");
  let port = secure ? 443 : 80;
  const colon = authority.lastIndexOf(":");
  if (colon >= 0) {
    const digits = authority.slice(colon + 1);
    authority = authority.slice(0, colon);
    if (digits !== "") {
      if (!/^\d{1,5}$/.test(digits) || Number(digits) > 65535 || Number(digits) === 0) throw new UriError(`invalid port "${digits}"`);
      port = Number(digits);
    }
  }
  const host = authority.toLowerCase();
  if (host === "") throw new UriError("missing host");
  if (!isIPv4(host) && (ipv4Pattern().test(host) || !regNamePattern().test(host))) throw new UriError(`invalid host "${authority}"`);
  let resource = match[3]!;
  if (resource === "") resource = "/";
  else if (resource.startsWith("?")) resource = "/" + resource;
  if (!resourcePattern().test(resource)) throw new UriError("the path and query must be ASCII without spaces (percent-encode them)");
  const defaultPort = secure ? 443 : 80;
  const href = `${scheme}://${host}${port === defaultPort ? "" : `:${port}`}${resource}`;
  return { secure, host, port, resource, href };
}

/**
 * Resolves a redirect's `Location` against the URI it answered (RFC 3986
 * §5.2, for the forms servers send): absolute ws:/wss: URIs, http:/https:
 * (mapped to ws:/wss:), scheme-relative "//host/path", absolute paths and
 * relative paths. The result is parsed, so it is a valid WebSocket URI.
 */
export function resolveLocation(location: string, base: WsUri): WsUri {
  const text = location.trim();
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(text);
  if (scheme !== null) {
    const name = scheme[1]!.toLowerCase();
    const rest = text.slice(scheme[0].length);
    if (name === "http") return parseWsUri("ws:" + rest);
    if (name === "https") return parseWsUri("wss:" + rest);
    return parseWsUri(text);
  }
  const origin = `${base.secure ? "wss" : "ws"}://${base.host}:${base.port}`;
  if (text.startsWith("//")) return parseWsUri(`${base.secure ? "wss" : "ws"}:${text}`);
  if (text.startsWith("/")) return parseWsUri(origin + text);
  const basePath = base.resource.split("?")[0]!;
  if (text.startsWith("?")) return parseWsUri(origin + basePath + text);
  const directory = basePath.slice(0, basePath.lastIndexOf("/") + 1);
  return parseWsUri(origin + removeDotSegments(directory + text));
}

/** RFC 3986 §5.2.4, on the path only (the query is kept). */
function removeDotSegments(resource: string): string {
  const queryAt = resource.indexOf("?");
  const path = queryAt < 0 ? resource : resource.slice(0, queryAt);
  const query = queryAt < 0 ? "" : resource.slice(queryAt);
  const out: string[] = [];
  const segments = path.split("/");
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    const last = i === segments.length - 1;
    if (segment === ".") {
      if (last) out.push("");
    } else if (segment === "..") {
      if (out.length > 1) out.pop();
      if (last) out.push("");
    } else out.push(segment);
  }
  return out.join("/") + query;
}
