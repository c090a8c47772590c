/**
 * An incremental reader of an HTTP/1.1 message head (RFC 9112 §2): the start
 * line and the header fields up to the empty line. It holds at most
 * `maxHeadSize` bytes, checks the line length and the field count as the
 * bytes arrive, and hands back whatever follows the head (for a WebSocket,
 * the first frames) untouched.
 *
 * Bytes that cannot be HTTP fail at once, at the first such byte, not at the
 * size limit or a timeout: a control character anywhere in the head (RFC 9110
 * §5.5 allows none but HTAB; CR and LF only as line ends), or a start line
 * whose first word (the method, RFC 9112 §3; or a response's HTTP-version)
 * holds a byte that is neither a token character nor "/". So a TLS
 * ClientHello (0x16) or binary garbage is answered with 400 as it arrives.
 */
import { UsageError } from "./errors";
import { HandshakeError } from "./handshake-error";

/** A parsed message head. Field names keep their case; look them up with {@link headerValue}. */
export interface HttpHead {
  firstLine: string;
  headers: Array<[name: string, value: string]>;
}

/** Limits of a {@link HttpHeadReader}. */
export interface HttpHeadLimits {
  /** The most bytes of the whole head, the empty line included. */
  maxHeadSize: number;
  /** The longest line, the start line included, without its CRLF. */
  maxLineLength: number;
  /** The most header fields. */
  maxHeaderCount: number;
}

/** What {@link HttpHeadReader.push} returns once the head is complete. */
export interface HttpHeadResult {
  head: HttpHead;
  /** The bytes after the head (a view of the last chunk). */
  rest: Uint8Array;
}

/**
 * Whether `text` is an RFC 9110 token (a header field name, a subprotocol):
 * one or more of ALPHA, DIGIT and !#$%&'*+-.^_`|~. A loop rather than a
 * module-level RegExp: on the device a preloaded RegExp lives in flash, and
 * the lin simulator of the SDK crashed in `RegExp.prototype.exec` on one
 * under concurrent connections (docs/device.md).
 */
export function isToken(text: string): boolean {
  if (text.length === 0) return false;
  for (let i = 0; i < text.length; i++) if (!isTokenChar(text.charCodeAt(i))) return false;
  return true;
}

/** Whether the character code `c` is an RFC 9110 tchar. */
function isTokenChar(c: number): boolean {
  if ((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39)) return true;
  // ! # $ % & ' * + - . ^ _ ` | ~
  return c === 0x21 || (c >= 0x23 && c <= 0x27) || c === 0x2a || c === 0x2b || c === 0x2d || c === 0x2e || c === 0x5e || c === 0x5f || c === 0x60 || c === 0x7c || c === 0x7e;
}

/** A control character no head may hold: any below 0x20 but HTAB, CR and LF, and DEL. */
function isForbiddenControl(c: number): boolean {
  return (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || c === 0x7f;
}

/** Where the reader is in the start line's first word. */
const StartWord = { Before: 0, Inside: 1, Done: 2 } as const;
const INITIAL_CAPACITY = 512;

/** See the module comment. */
export class HttpHeadReader {
  readonly #limits: HttpHeadLimits;
  #buffer: Uint8Array = new Uint8Array(0);
  #length = 0;
  #lineStart = 0;
  #lines = 0;
  #startWord: number = StartWord.Before;

  constructor(limits: HttpHeadLimits) {
    this.#limits = limits;
  }

  /**
   * Takes the next bytes. Returns the head and the rest once the empty line
   * has arrived, `undefined` while more is needed; throws a
   * {@link HandshakeError} when a limit is passed or the head is malformed.
   */
  push(chunk: Uint8Array): HttpHeadResult | undefined {
    const limits = this.#limits;
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i]!;
      if (this.#length >= limits.maxHeadSize) throw new HandshakeError("WS_ERR_HEAD_TOO_LARGE", `over ${limits.maxHeadSize} bytes`);
      if (this.#startWord !== StartWord.Done || isForbiddenControl(byte)) this.checkStart(byte, this.#length);
      this.#append(byte);
      if (byte !== 0x0a) {
        if (this.#length - this.#lineStart > limits.maxLineLength + 1) {
          throw new HandshakeError("WS_ERR_HEADER_LINE_TOO_LONG", `over ${limits.maxLineLength} bytes`);
        }
        continue;
      }
      const lineEnd = this.#length - 1;
      if (lineEnd === this.#lineStart || (lineEnd === this.#lineStart + 1 && this.#buffer[this.#lineStart] === 0x0d)) {
        if (this.#lines === 0) {
          this.#lineStart = this.#length; // RFC 9112 §2.2: ignore empty lines before the start line
          continue;
        }
        return { head: this.#parse(), rest: chunk.subarray(i + 1) };
      }
      this.#lines++;
      if (this.#lines - 1 > limits.maxHeaderCount) {
        throw new HandshakeError("WS_ERR_TOO_MANY_HEADERS", `over ${limits.maxHeaderCount} fields`);
      }
      this.#lineStart = this.#length;
    }
    return undefined;
  }

  /** Fails at the first byte that no HTTP head could hold at `offset` (see the module comment). */
  private checkStart(byte: number, offset: number): void {
    if (isForbiddenControl(byte)) throw new HandshakeError("WS_ERR_MALFORMED_HTTP", `control byte 0x${byte.toString(16)} at offset ${offset}`);
    if (this.#startWord === StartWord.Before) {
      // RFC 9112 §2.2: empty lines before the start line are ignored.
      if (byte === 0x0d || byte === 0x0a) return;
      this.#startWord = StartWord.Inside;
    } else if (byte === 0x20 && this.#length > this.#lineStart) {
      this.#startWord = StartWord.Done;
      return;
    }
    if (!isTokenChar(byte) && byte !== 0x2f) throw new HandshakeError("WS_ERR_MALFORMED_HTTP", `not an HTTP start line: byte 0x${byte.toString(16)} at offset ${offset}`);
  }

  #append(byte: number): void {
    if (this.#length === this.#buffer.length) {
      const grown = new Uint8Array(Math.min(Math.max(INITIAL_CAPACITY, this.#buffer.length * 2), this.#limits.maxHeadSize));
      grown.set(this.#buffer);
      this.#buffer = grown;
    }
    this.#buffer[this.#length++] = byte;
  }

  #parse(): HttpHead {
    const text = latin1(this.#buffer.subarray(0, this.#length));
    this.#buffer = new Uint8Array(0);
    const lines = text.split("\n").map((line) => (line.endsWith("\r") ? line.slice(0, -1) : line));
    const start = lines.findIndex((line) => line !== "");
    const firstLine = lines[start]!;
    const headers: Array<[string, string]> = [];
    for (let i = start + 1; i < lines.length; i++) {
      const line = lines[i]!;
      if (line === "") break;
      // RFC 9112 §5.2: obsolete line folding is rejected.
      if (line[0] === " " || line[0] === "\t") throw new HandshakeError("WS_ERR_MALFORMED_HTTP", "folded header line");
      const colon = line.indexOf(":");
      const name = colon > 0 ? line.slice(0, colon) : "";
      if (!isToken(name)) throw new HandshakeError("WS_ERR_MALFORMED_HTTP", `bad header line ${JSON.stringify(line.slice(0, 40))}`);
      headers.push([name, line.slice(colon + 1).trim()]);
    }
    return { firstLine, headers };
  }
}

/** Bytes as Latin-1 text, 64 characters per `fromCharCode` call (each argument is a slot of the XS stack). */
function latin1(bytes: Uint8Array): string {
  let text = "";
  for (let i = 0; i < bytes.length; i += 64) text += String.fromCharCode.apply(null, Array.from(bytes.subarray(i, i + 64)));
  return text;
}

/** All values of a header field, joined with ", " (RFC 9110 §5.3); `undefined` when absent. */
export function headerValue(head: HttpHead, name: string): string | undefined {
  const wanted = name.toLowerCase();
  let value: string | undefined;
  for (const [field, fieldValue] of head.headers) {
    if (field.toLowerCase() === wanted) value = value === undefined ? fieldValue : `${value}, ${fieldValue}`;
  }
  return value;
}

/** The comma-separated tokens of a header field, trimmed, empty ones dropped. */
export function headerTokens(head: HttpHead, name: string): string[] {
  const value = headerValue(head, name);
  if (value === undefined) return [];
  return value.split(",").map((token) => token.trim()).filter((token) => token !== "");
}

/**
 * Serializes a head: start line, fields, empty line, as Latin-1 bytes.
 * A CR or LF inside a line, or a field name that is not a token, is refused:
 * it would let a value inject fields of its own.
 */
export function serializeHead(head: HttpHead): Uint8Array {
  if (/[\r\n]/.test(head.firstLine)) throw new UsageError("WS_ERR_BAD_HEADER", "line break in the HTTP start line");
  let text = head.firstLine + "\r\n";
  for (const [name, value] of head.headers) {
    if (!isToken(name) || /[\r\n]/.test(value)) throw new UsageError("WS_ERR_BAD_HEADER", `invalid header field ${JSON.stringify(name)}`);
    text += `${name}: ${value}\r\n`;
  }
  text += "\r\n";
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0xff;
  return out;
}
