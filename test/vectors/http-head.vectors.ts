/** The HTTP head reader: any chunking, limits checked as bytes arrive, the rest handed back. */
import { HttpHeadReader, headerTokens, headerValue, serializeHead } from "../../modules/websocket/core/http-head";
import { decodeBase64, encodeBase64 } from "../../modules/websocket/core/base64";
import { bytesEqual, check, equal, hex, throwsCode, type VectorCase } from "./harness";
import { chunkings, concatAll } from "./support/split";

const latin1 = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));
const limits = { maxHeadSize: 1024, maxLineLength: 200, maxHeaderCount: 8 };

const request = latin1(
  "GET /chat?x=1 HTTP/1.1\r\nHost: server.example.com\r\nUpgrade: websocket\r\nConnection: keep-alive, Upgrade\r\n" +
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Protocol: chat, superchat\r\nsec-websocket-protocol: v2\r\nSec-WebSocket-Version: 13\r\n\r\n",
);

/** Reads chunks until the head is complete; `rest` is then everything after it, later chunks included. */
function readAll(chunks: Uint8Array[], l = limits) {
  const reader = new HttpHeadReader(l);
  for (let i = 0; i < chunks.length; i++) {
    const result = reader.push(chunks[i]!);
    if (result !== undefined) return { head: result.head, rest: concatAll([result.rest, ...chunks.slice(i + 1)]) };
  }
  return undefined;
}

export const httpHeadCases: VectorCase[] = [
  {
    name: "http head: a request read whole, cut at every offset and byte by byte, frames after it kept",
    run() {
      const frames = hex("818537fa213d7f9f4d5158");
      for (const [label, chunks] of chunkings(concatAll([request, frames]))) {
        const result = readAll(chunks);
        check(result !== undefined, `${label}: complete`);
        equal(result.head.firstLine, "GET /chat?x=1 HTTP/1.1", `${label}: first line`);
        equal(result.head.headers.length, 7, `${label}: fields`);
        equal(headerValue(result.head, "HOST"), "server.example.com", `${label}: case-insensitive lookup`);
        equal(headerTokens(result.head, "Sec-WebSocket-Protocol").join("|"), "chat|superchat|v2", `${label}: repeated fields joined`);
        bytesEqual(result.rest, frames, `${label}: the frames after the head`);
      }
    },
  },
  {
    name: "http head: limits — total size, line length, field count (431), all before the head ends",
    run() {
      throwsCode(() => readAll([latin1("GET / HTTP/1.1\r\nX: " + "a".repeat(1100))]), "WS_ERR_HEADER_LINE_TOO_LONG");
      throwsCode(() => readAll([latin1("GET / HTTP/1.1\r\n" + "X-A: 1\r\n".repeat(9) + "\r\n")]), "WS_ERR_TOO_MANY_HEADERS");
      throwsCode(() => readAll([latin1("GET / HTTP/1.1\r\n" + ("X: " + "b".repeat(150) + "\r\n").repeat(7))]), "WS_ERR_HEAD_TOO_LARGE");
      throwsCode(() => readAll([latin1("GET / HTTP/1.1\r\n" + "c".repeat(300))]), "WS_ERR_HEADER_LINE_TOO_LONG");
      let error: unknown;
      try {
        readAll([latin1("GET / HTTP/1.1\r\nX: " + "a".repeat(1100))]);
      } catch (e) {
        error = e;
      }
      equal((error as { status?: number }).status, 431, "status 431");
    },
  },
  {
    name: "http head: malformed fields (folding, no colon, bad name) are 400",
    run() {
      for (const bad of ["GET / HTTP/1.1\r\nX: 1\r\n folded\r\n\r\n", "GET / HTTP/1.1\r\nNoColon\r\n\r\n", "GET / HTTP/1.1\r\nBad Name: 1\r\n\r\n"]) {
        throwsCode(() => readAll([latin1(bad)]), "WS_ERR_MALFORMED_HTTP");
      }
    },
  },
  {
    name: "http head: bytes that cannot begin an HTTP head fail at the first bad byte with 400, cut at every offset and byte by byte",
    run() {
      const cases: Array<[what: string, bytes: Uint8Array, badAt: number]> = [
        ["a TLS ClientHello", hex("160301020001 0001fc0303"), 0],
        ["binary garbage", Uint8Array.from([0x00, 0x9f, 0x31, 0xfe]), 0],
        ["a NUL inside the method", latin1("GET\0 / HTTP/1.1\r\n\r\n"), 3],
        ["a non-token character in the method, after leading empty lines", latin1("\r\nG{T / HTTP/1.1\r\n\r\n"), 3],
        ["a start line beginning with a space", latin1(" GET / HTTP/1.1\r\n\r\n"), 0],
        ["a start line with no space (CR in the first word)", latin1("GET\r\n\r\n"), 3],
        ["high bytes as the method", Uint8Array.from([0x47, 0xc3, 0xa9, 0x20]), 1],
        ["a control byte in a header value", latin1("GET / HTTP/1.1\r\nHost: a\u0001b\r\n\r\n"), 23],
        ["DEL in the request target", latin1("GET /\u007f HTTP/1.1\r\n\r\n"), 5],
      ];
      for (const [what, bytes, badAt] of cases) {
        for (const [label, chunks] of chunkings(bytes)) {
          const reader = new HttpHeadReader(limits);
          let consumed = 0;
          let error: unknown;
          for (const chunk of chunks) {
            try {
              reader.push(chunk);
            } catch (e) {
              error = e;
              break;
            }
            consumed += chunk.length;
          }
          check(error !== undefined, `${what}, ${label}: refused`);
          const e = error as { code?: string; status?: number };
          equal(e.code, "WS_ERR_MALFORMED_HTTP", `${what}, ${label}: code`);
          equal(e.status, 400, `${what}, ${label}: status`);
          // The chunk that failed is the one holding the bad byte: every byte before it was accepted.
          check(consumed <= badAt, `${what}, ${label}: failed only after byte ${consumed}, the bad one is ${badAt}`);
          const failing = chunks[chunks.findIndex((_, i) => chunks.slice(0, i + 1).reduce((n, c) => n + c.length, 0) > consumed)]!;
          check(consumed + failing.length > badAt, `${what}, ${label}: failed before the bad byte arrived`);
        }
      }
    },
  },
  {
    name: "http head: what may begin a head is not refused early — a response line, HTAB and obs-text in values, leading empty lines",
    run() {
      const ok = [
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n",
        "GET / HTTP/1.1\r\nX-Tab: a\tb\r\nX-Latin: caf\u00e9\r\n\r\n",
        "\r\n\nM-SEARCH * HTTP/1.1\r\n\r\n",
      ];
      for (const text of ok) {
        for (const [label, chunks] of chunkings(latin1(text))) {
          const result = readAll(chunks);
          check(result !== undefined, `${JSON.stringify(text.slice(0, 20))}, ${label}: read`);
        }
      }
    },
  },
  {
    name: "http head: LF-only line ends and leading empty lines are tolerated",
    run() {
      const result = readAll([latin1("\r\nGET / HTTP/1.1\nHost: a\n\n")]);
      equal(result?.head.firstLine, "GET / HTTP/1.1", "first line");
      equal(headerValue(result!.head, "host"), "a", "host");
    },
  },
  {
    name: "http head: serialization refuses CR/LF injection",
    run() {
      bytesEqual(serializeHead({ firstLine: "HTTP/1.1 200 OK", headers: [["A", "1"]] }), latin1("HTTP/1.1 200 OK\r\nA: 1\r\n\r\n"), "serialized");
      throwsCode(() => serializeHead({ firstLine: "GET / HTTP/1.1", headers: [["X", "1\r\nEvil: 1"]] }), "WS_ERR_BAD_HEADER");
      throwsCode(() => serializeHead({ firstLine: "GET / HTTP/1.1", headers: [["X:Y", "1"]] }), "WS_ERR_BAD_HEADER");
    },
  },
  {
    name: "base64: RFC 4648 vectors, and non-canonical input refused",
    run() {
      const vectors: Array<[string, string]> = [["", ""], ["f", "Zg=="], ["fo", "Zm8="], ["foo", "Zm9v"], ["foob", "Zm9vYg=="], ["fooba", "Zm9vYmE="], ["foobar", "Zm9vYmFy"]];
      for (const [plain, encoded] of vectors) {
        equal(encodeBase64(latin1(plain)), encoded, `encode ${plain}`);
        bytesEqual(decodeBase64(encoded)!, latin1(plain), `decode ${encoded}`);
      }
      for (const bad of ["Zg=", "Zh==", "Z===", "Zm9v!", "=Zm9", "Zm=v"]) equal(decodeBase64(bad), null, `refuse ${bad}`);
      equal(decodeBase64("dGhlIHNhbXBsZSBub25jZQ==")?.length, 16, "§1.3 key is 16 bytes");
    },
  },
];
