/**
 * The opening handshake through the connection (RFC 6455 §1.3, §4): the
 * test SHA-1 and random source, success on both sides, every refusal a server
 * writes, every failure a client detects, and the open timeout.
 */
import { Connection } from "../../modules/websocket/core/connection";
import { ProtocolError } from "../../modules/websocket/core/errors";
import { HandshakeError } from "../../modules/websocket/core/handshake-error";
import { acceptKeyFor } from "../../modules/websocket/core/handshake";
import { encodeBase64 } from "../../modules/websocket/core/base64";
import { encodeUtf8 } from "../../modules/websocket/core/utf8";
import type { Limits } from "../../modules/websocket/core/limits";
import { bytesEqual, check, equal, hex, throwsCode, toHex, type VectorCase } from "./harness";
import { deterministicRandom, Xorshift32 } from "./support/deterministic-random";
import { ascii, concat, encodeFrame, latin1, OP } from "./support/frames";
import { Clock, defaultRequest, feed, handshakePair, HostedConnection, pipe, Recorder, settle, take, takeFrames } from "./support/pipe";
import { sha1 } from "./support/sha1";

const RFC_KEY = "dGhlIHNhbXBsZSBub25jZQ==";
const RFC_ACCEPT = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

/** An HTTP head from its lines. */
function head(...lines: string[]): Uint8Array {
  return ascii(lines.join("\r\n") + "\r\n\r\n");
}

/** The RFC §1.2 sample request, with lines replaced or removed (`null`) by header name / "request-line". */
function request(changes: Record<string, string | null> = {}, extra: string[] = []): Uint8Array {
  const base: Array<[string, string]> = [
    ["request-line", "GET /chat HTTP/1.1"],
    ["Host", "Host: server.example.com"],
    ["Upgrade", "Upgrade: websocket"],
    ["Connection", "Connection: Upgrade"],
    ["Sec-WebSocket-Key", `Sec-WebSocket-Key: ${RFC_KEY}`],
    ["Origin", "Origin: http://example.com"],
    ["Sec-WebSocket-Protocol", "Sec-WebSocket-Protocol: chat, superchat"],
    ["Sec-WebSocket-Version", "Sec-WebSocket-Version: 13"],
  ];
  const lines: string[] = [];
  for (const [name, line] of base) {
    const change = changes[name];
    if (change === null) continue;
    lines.push(change ?? line);
  }
  return head(...lines, ...extra);
}

/** Splits an HTTP message at the empty line: its head lines (Latin-1) and its body bytes. */
function splitHttp(bytes: Uint8Array): { lines: string[]; body: Uint8Array } {
  const text = latin1(bytes);
  const end = text.indexOf("\r\n\r\n");
  check(end >= 0, `no end of head in ${JSON.stringify(text)}`);
  return { lines: text.slice(0, end).split("\r\n"), body: bytes.subarray(end + 4) };
}

function linesEqual(actual: string[], expected: string[], what: string): void {
  equal(actual.join("\n"), expected.join("\n"), what);
}

function newServer(limits?: Partial<Limits>): { server: Connection; s: Recorder } {
  const s = new Recorder();
  return { s, server: new HostedConnection({ role: "server", events: s, sha1, limits }) };
}

function newClient(protocols?: string[], extensions?: string): { client: Connection; c: Recorder; key: string } {
  const c = new Recorder();
  const client = new HostedConnection({ role: "client", events: c, sha1, random: deterministicRandom(7) });
  client.startHandshake({ ...defaultRequest, protocols, extensions });
  const sent = latin1(take(client));
  const match = /\r\nSec-WebSocket-Key: ([^\r]+)\r\n/.exec(sent);
  check(match !== null, "no key in the request");
  return { client, c, key: match[1]! };
}

/**
 * A server refusal: the request (or its prefix) goes in one byte at a time;
 * the server must write exactly this status line and these headers, the error
 * message as the body, ask for the transport to close, and ignore what follows.
 */
function refusal(name: string, input: Uint8Array, code: string, status: string, extra: string[], limits?: Partial<Limits>, errorAt?: number, reachesOnRequest = !status.startsWith("431")): VectorCase {
  return {
    name: `handshake refusal: ${name} → ${status}`,
    run() {
      const { server, s } = newServer(limits);
      for (let i = 0; i < input.length; i++) {
        server.receive(input.slice(i, i + 1));
        if (s.errors.length > 0) {
          if (errorAt !== undefined) equal(i + 1, errorAt, "bytes read when the refusal came");
          break;
        }
        check(i + 1 < input.length, "no refusal after the whole request");
      }
      equal(s.errors.length, 1, "errors");
      const error = s.errors[0]!;
      check(error instanceof HandshakeError, "a HandshakeError");
      equal(error.code, code, "error code");
      equal(String(error.status), status.split(" ")[0]!, "error status");
      equal(s.errorHeads[0], undefined, "a server error carries no response head");
      // A head that was read goes to onRequest (which does not answer here) with the error; one the reader refused does not.
      equal(s.requests.length, reachesOnRequest ? 1 : 0, "onRequest calls");
      if (s.requests.length === 1) equal(s.requests[0]!.verdict, error, "onRequest's verdict is the error");
      equal(s.closeTransportRequests, 1, "transport close requests");
      equal(server.state, 2, "state (CLOSING)");
      const { lines, body } = splitHttp(take(server));
      bytesEqual(body, encodeUtf8(error.message + "\n"), "body: the error message in UTF-8");
      linesEqual(lines, [`HTTP/1.1 ${status}`, "Connection: close", "Content-Type: text/plain; charset=utf-8", `Content-Length: ${body.length}`, ...extra], "response head");
      equal(s.log.includes("open"), false, "never opened");
      server.receive(encodeFrame({ opcode: OP.text, payload: ascii("late"), key: hex("01020304") }));
      equal(server.peekOutput(), undefined, "nothing written after the refusal");
      server.transportClosed();
      equal(JSON.stringify(s.closed), JSON.stringify([{ code: 1006, reason: "", wasClean: false }]), "closed");
    },
  };
}

/** A client failure: the server's response is checked and refused; nothing is written after the request. */
function clientFailure(name: string, protocols: string[] | undefined, lines: (key: string) => string[], code: string, status: number, location?: string): VectorCase {
  return {
    name: `handshake client failure: ${name}`,
    run() {
      const { client, c, key } = newClient(protocols);
      const response = lines(key);
      feed(client, head(...response), 1);
      equal(c.errors.length, 1, `errors (log: ${c.log.join(" ")})`);
      const error = c.errors[0]!;
      check(error instanceof HandshakeError, "a HandshakeError");
      equal(error.code, code, "error code");
      equal(error.status, status, "error status");
      equal(error.location, location, "error location");
      equal(c.errorHeads[0]?.firstLine, response[0], "the response head comes with the error");
      equal(c.openHeads.length, 0, "never opened");
      equal(c.closeTransportRequests, 1, "transport close requests");
      equal(client.state, 2, "state (CLOSING)");
      equal(client.peekOutput(), undefined, "nothing written after the request");
      client.transportClosed();
      equal(JSON.stringify(c.closed), JSON.stringify([{ code: 1006, reason: "", wasClean: false }]), "closed");
    },
  };
}

const ok101 = (key: string): string[] => ["HTTP/1.1 101 Switching Protocols", "Upgrade: websocket", "Connection: Upgrade", `Sec-WebSocket-Accept: ${acceptKeyFor(key, sha1)}`];

export const connectionHandshakeCases: VectorCase[] = [
  {
    name: "support: SHA-1 matches the FIPS 180 vectors",
    run() {
      equal(toHex(sha1(ascii("abc"))), "a9993e364706816aba3e25717850c26c9cd0d89d", 'SHA-1("abc")');
      equal(toHex(sha1(new Uint8Array(0))), "da39a3ee5e6b4b0d3255bfef95601890afd80709", 'SHA-1("")');
      equal(toHex(sha1(ascii("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"))), "84983e441c3bd26ebaae4aa1f95129e5e54670f1", "SHA-1 of the 448-bit message");
      equal(toHex(sha1(ascii("The quick brown fox jumps over the lazy dog"))), "2fd4e1c67a2d28fced849ee1bb76e7391b93eb12", "SHA-1 of the fox");
    },
  },
  {
    name: "support: the deterministic random source is one stream per seed, whatever the call sizes",
    run() {
      const expected = new Xorshift32(42).bytes(40);
      const random = deterministicRandom(42);
      const a = new Uint8Array(16);
      const b = new Uint8Array(24);
      random(a);
      random(b);
      bytesEqual(concat(a, b), expected, "stream");
      equal(random.calls.join(","), "16,24", "calls");
      check(toHex(new Xorshift32(43).bytes(16)) !== toHex(expected.subarray(0, 16)), "another seed gives another stream");
      check(new Set(expected).size > 20, "the bytes vary");
    },
  },
  {
    name: "handshake: RFC 6455 §1.3 accept key, and the server's 101 for the §1.2 request",
    run() {
      equal(acceptKeyFor(RFC_KEY, sha1), RFC_ACCEPT, "accept key");
      const { server, s } = newServer();
      s.answer = (verdict) => {
        check(!(verdict instanceof HandshakeError), "a valid request");
        equal(verdict.resource, "/chat", "resource");
        equal(verdict.key, RFC_KEY, "key");
        equal(verdict.protocols.join("|"), "chat|superchat", "protocols offered");
        equal(verdict.origin, "http://example.com", "origin");
        equal(verdict.extensions, "", "no extensions offered");
        server.accept({ protocol: "chat" });
      };
      server.receive(request());
      const expected = head("HTTP/1.1 101 Switching Protocols", "Upgrade: websocket", "Connection: Upgrade", `Sec-WebSocket-Accept: ${RFC_ACCEPT}`, "Sec-WebSocket-Protocol: chat");
      bytesEqual(take(server), expected, "101 response");
      equal(s.log.join(" "), "request:valid open", "events");
      equal(server.state, 1, "OPEN");
      equal(server.protocol, "chat", "protocol");
      equal(server.extensions, "", "extensions");
      equal(server.upgradeRequest, undefined, "the upgrade request (and its head) is released once open");
    },
  },
  {
    name: "handshake: the client's request, with a key of 16 bytes from the random source",
    run() {
      const c = new Recorder();
      const random = deterministicRandom(99);
      const client = new HostedConnection({ role: "client", events: c, sha1, random });
      client.startHandshake({ host: "example.com", port: 8080, secure: false, resource: "/a?b=c", protocols: ["chat", "superchat"], origin: "http://o.example" });
      const key = encodeBase64(new Xorshift32(99).bytes(16));
      const expected = head(
        "GET /a?b=c HTTP/1.1",
        "Host: example.com:8080",
        "Upgrade: websocket",
        "Connection: Upgrade",
        `Sec-WebSocket-Key: ${key}`,
        "Sec-WebSocket-Version: 13",
        "Origin: http://o.example",
        "Sec-WebSocket-Protocol: chat, superchat",
      );
      bytesEqual(take(client), expected, "request bytes");
      equal(random.calls[0], 16, "first random call: the 16-byte nonce");
      equal(c.outputs, 1, "onOutput calls");
      throwsCode(() => client.startHandshake(defaultRequest), "WS_ERR_INVALID_STATE");
      throwsCode(() => client.sendText("x"), "WS_ERR_INVALID_STATE");
      throwsCode(() => client.ping(), "WS_ERR_INVALID_STATE");
    },
  },
  {
    name: "handshake: without an answer in onRequest a valid request is accepted with no subprotocol",
    run() {
      const pair = handshakePair({ request: { protocols: ["chat", "superchat"] } });
      equal(pair.s.log.join(" "), "request:valid open", "server events");
      equal(pair.c.log.join(" "), "open", "client events");
      equal(pair.client.protocol, "", "client protocol");
      equal(pair.server.protocol, "", "server protocol");
      check(!pair.c.openHeads[0]!.headers.some(([name]) => /^sec-websocket-protocol$/i.test(name)), "no Sec-WebSocket-Protocol in the 101");
    },
  },
  {
    name: "handshake: success, subprotocol chosen in onRequest, no extensions, messages both ways",
    run() {
      const chosen = handshakePairChoosing("superchat");
      equal(chosen.client.protocol, "superchat", "client protocol");
      equal(chosen.server.protocol, "superchat", "server protocol");
      equal(chosen.client.extensions, "", "client extensions");
      equal(chosen.server.extensions, "", "server extensions");
      const response = chosen.c.openHeads[0]!;
      equal(response.firstLine, "HTTP/1.1 101 Switching Protocols", "client sees the response head");
      check(!response.headers.some(([name]) => /^sec-websocket-extensions$/i.test(name)), "no extensions header");
      chosen.client.sendText("hello");
      chosen.server.sendBinary(hex("0001ff"));
      settle(chosen.client, chosen.server);
      equal(chosen.s.texts.join(), "hello", "server got the text");
      equal(toHex(chosen.c.binaries[0]!), "0001ff", "client got the binary");
    },
  },
  {
    name: "handshake: bytes moved one at a time both ways, and frames in the same chunk as each head",
    run() {
      const pair = handshakePair({ piece: 1, request: { protocols: ["x"] } });
      pair.client.sendText("after");
      pipe(pair.client, pair.server, 1);
      equal(pair.s.texts.join(), "after", "message after a byte-wise handshake");
      // Server: the request and a first frame in one chunk.
      const { server, s } = newServer();
      server.receive(concat(request(), encodeFrame({ opcode: OP.text, payload: ascii("early"), key: hex("0a0b0c0d") })));
      equal(s.log.join(" "), "request:valid open text:5", "server events");
      equal(s.texts[0], "early", "frame after the request");
      // Client: the 101 and a first frame in one chunk.
      const { client, c, key } = newClient();
      client.receive(concat(head(...ok101(key)), encodeFrame({ opcode: OP.binary, payload: hex("beef") })));
      equal(c.log.join(" "), "open binary:2", "client events");
    },
  },
  {
    name: "handshake: accept() refuses an unoffered subprotocol and the request can still be accepted",
    run() {
      const { server, s } = newServer();
      s.answer = () => {
        throwsCode(() => server.accept({ protocol: "nope" }), "WS_ERR_BAD_PROTOCOL");
        equal(server.state, 0, "still CONNECTING");
        server.accept({ protocol: "superchat" });
      };
      server.receive(request());
      const lines = splitHttp(take(server)).lines;
      equal(lines[lines.length - 1], "Sec-WebSocket-Protocol: superchat", "chosen protocol");
      throwsCode(() => server.accept(), "WS_ERR_INVALID_STATE");
      throwsCode(() => server.respond(200), "WS_ERR_INVALID_STATE");
    },
  },
  {
    name: "handshake: respond() may refuse before the request has arrived (a 503 to a socket the server cannot take)",
    run() {
      const { server, s } = newServer();
      server.respond(503, ascii("busy\n"));
      check(/^HTTP\/1\.1 503 /.test(latin1(take(server))), "a 503 went out");
      equal(s.log.join(" "), "closeTransport", "no request, no open, no error");
      equal(server.state, 2, "CLOSING");
      throwsCode(() => server.respond(503), "WS_ERR_INVALID_STATE");
    },
  },
  {
    name: "handshake: respond() serves a plain HTTP page and asks for the transport to close",
    run() {
      const { server, s } = newServer();
      s.answer = () => server.respond(200, ascii("<p>hi</p>"), [["Content-Type", "text/html"]]);
      server.receive(request());
      bytesEqual(take(server), ascii("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 9\r\nContent-Type: text/html\r\n\r\n<p>hi</p>"), "page");
      equal(s.log.join(" "), "request:valid closeTransport", "no open, no error");
      equal(server.state, 2, "CLOSING");
    },
  },
  {
    name: "handshake: reject() in onRequest answers 403 without an error event",
    run() {
      const { server, s } = newServer();
      s.answer = () => server.reject(new HandshakeError("WS_ERR_REJECTED"));
      server.receive(request());
      const { lines, body } = splitHttp(take(server));
      equal(lines[0], "HTTP/1.1 403 Forbidden", "status line");
      equal(latin1(body), "the server application refused the connection\n", "body");
      equal(s.log.join(" "), "request:valid closeTransport", "events");
    },
  },
  refusal("POST", request({ "request-line": "POST /chat HTTP/1.1" }), "WS_ERR_BAD_METHOD", "405 Method Not Allowed", ["Allow: GET"]),
  refusal("HTTP/1.0", request({ "request-line": "GET /chat HTTP/1.0" }), "WS_ERR_BAD_HTTP_VERSION", "505 HTTP Version Not Supported", []),
  refusal("no Host", request({ Host: null }), "WS_ERR_BAD_HOST", "400 Bad Request", []),
  refusal("no Upgrade header", request({ Upgrade: null }), "WS_ERR_NOT_UPGRADE", "426 Upgrade Required", ["Upgrade: websocket"]),
  refusal("Connection without upgrade", request({ Connection: "Connection: keep-alive" }), "WS_ERR_NOT_UPGRADE", "426 Upgrade Required", ["Upgrade: websocket"]),
  refusal("version 12", request({ "Sec-WebSocket-Version": "Sec-WebSocket-Version: 12" }), "WS_ERR_BAD_VERSION", "426 Upgrade Required", ["Sec-WebSocket-Version: 13"]),
  refusal("no version", request({ "Sec-WebSocket-Version": null }), "WS_ERR_BAD_VERSION", "426 Upgrade Required", ["Sec-WebSocket-Version: 13"]),
  refusal("a 15-byte key", request({ "Sec-WebSocket-Key": "Sec-WebSocket-Key: AAAAAAAAAAAAAAAAAAAA" }), "WS_ERR_BAD_KEY", "400 Bad Request", []),
  refusal("a key that is not base64", request({ "Sec-WebSocket-Key": "Sec-WebSocket-Key: !!!!!!!!!!!!!!!!!!!!!!==" }), "WS_ERR_BAD_KEY", "400 Bad Request", []),
  refusal("no key", request({ "Sec-WebSocket-Key": null }), "WS_ERR_BAD_KEY", "400 Bad Request", []),
  refusal("a header line without a colon", request({}, ["no colon here"]), "WS_ERR_MALFORMED_HTTP", "400 Bad Request", [], undefined, undefined, false),
  refusal("a malformed request line", request({ "request-line": "GET /chat" }), "WS_ERR_MALFORMED_HTTP", "400 Bad Request", []),
  // 431s fire as soon as the limit is passed, before the head ends.
  refusal("head over maxHeadSize", request({}, ["X-Pad: " + "p".repeat(300)]), "WS_ERR_HEAD_TOO_LARGE", "431 Request Header Fields Too Large", [], { maxHeadSize: 256 }, 257),
  refusal("more fields than maxHeaderCount", request({}, ["X-Extra: 1"]), "WS_ERR_TOO_MANY_HEADERS", "431 Request Header Fields Too Large", [], { maxHeaderCount: 7 }),
  refusal("line over maxLineLength", request({ "request-line": "GET /" + "x".repeat(100) + " HTTP/1.1" }), "WS_ERR_HEADER_LINE_TOO_LONG", "431 Request Header Fields Too Large", [], { maxLineLength: 64 }, 66),
  {
    name: "handshake: limits are inclusive: a head of exactly maxHeadSize, maxHeaderCount fields, lines of maxLineLength; one less is refused",
    run() {
      const base = request();
      const text = latin1(base);
      const fields = 7;
      const longest = Math.max(...text.split("\r\n").map((line) => line.length));
      const exact = { maxHeadSize: base.length, maxHeaderCount: fields, maxLineLength: longest };
      const accepted = newServer(exact);
      accepted.server.receive(base);
      equal(accepted.s.log.join(" "), "request:valid open", "accepted at the limits");
      const tighter: Array<[keyof typeof exact, string]> = [
        ["maxHeadSize", "WS_ERR_HEAD_TOO_LARGE"],
        ["maxHeaderCount", "WS_ERR_TOO_MANY_HEADERS"],
        ["maxLineLength", "WS_ERR_HEADER_LINE_TOO_LONG"],
      ];
      for (const [limit, code] of tighter) {
        const refused = newServer({ ...exact, [limit]: exact[limit] - 1 });
        refused.server.receive(base);
        equal(refused.s.errors[0]?.code, code, `${limit} - 1`);
        equal(refused.s.closeTransportRequests, 1, `${limit} - 1: transport close`);
      }
    },
  },
  clientFailure("Sec-WebSocket-Accept does not match", undefined, (key) => ["HTTP/1.1 101 Switching Protocols", "Upgrade: websocket", "Connection: Upgrade", `Sec-WebSocket-Accept: ${acceptKeyFor(key + "x", sha1)}`], "WS_ERR_BAD_ACCEPT", 101),
  clientFailure("no Sec-WebSocket-Accept", undefined, () => ["HTTP/1.1 101 Switching Protocols", "Upgrade: websocket", "Connection: Upgrade"], "WS_ERR_BAD_ACCEPT", 101),
  clientFailure("unrequested subprotocol", ["chat"], (key) => [...ok101(key), "Sec-WebSocket-Protocol: superchat"], "WS_ERR_UNREQUESTED_PROTOCOL", 101),
  clientFailure("subprotocol when none was offered", undefined, (key) => [...ok101(key), "Sec-WebSocket-Protocol: chat"], "WS_ERR_UNREQUESTED_PROTOCOL", 101),
  clientFailure("unrequested extension", undefined, (key) => [...ok101(key), "Sec-WebSocket-Extensions: permessage-deflate"], "WS_ERR_UNREQUESTED_EXTENSION", 101),
  clientFailure("missing Upgrade", undefined, (key) => ["HTTP/1.1 101 Switching Protocols", "Connection: Upgrade", `Sec-WebSocket-Accept: ${acceptKeyFor(key, sha1)}`], "WS_ERR_BAD_UPGRADE", 101),
  clientFailure("Connection without upgrade", undefined, (key) => ["HTTP/1.1 101 Switching Protocols", "Upgrade: websocket", "Connection: close", `Sec-WebSocket-Accept: ${acceptKeyFor(key, sha1)}`], "WS_ERR_BAD_UPGRADE", 101),
  clientFailure("404", undefined, () => ["HTTP/1.1 404 Not Found", "Content-Length: 0"], "WS_ERR_UNEXPECTED_STATUS", 404),
  clientFailure("200", undefined, () => ["HTTP/1.1 200 OK"], "WS_ERR_UNEXPECTED_STATUS", 200),
  clientFailure("302 redirect", undefined, () => ["HTTP/1.1 302 Found", "Location: ws://other.example/chat"], "WS_ERR_REDIRECT", 302, "ws://other.example/chat"),
  clientFailure("308 redirect", undefined, () => ["HTTP/1.1 308 Permanent Redirect", "Location: /elsewhere"], "WS_ERR_REDIRECT", 308, "/elsewhere"),
  clientFailure("301 without Location", undefined, () => ["HTTP/1.1 301 Moved Permanently"], "WS_ERR_UNEXPECTED_STATUS", 301),
  {
    name: "handshake: an extension the client offered is accepted and reported",
    run() {
      const { client, c, key } = newClient(undefined, "permessage-deflate; client_max_window_bits");
      client.receive(head(...ok101(key), "Sec-WebSocket-Extensions: permessage-deflate"));
      equal(c.log.join(" "), "open", "events");
      equal(client.extensions, "permessage-deflate", "extensions");
    },
  },
  {
    name: "handshake: open timeout at a client and at a server (WS_ERR_OPEN_TIMEOUT, no close frame)",
    run() {
      for (const role of ["client", "server"] as const) {
        const clock = new Clock();
        clock.t = 500;
        const r = new Recorder();
        const conn = new HostedConnection({ role, events: r, sha1, random: deterministicRandom(1), now: clock.now, openTimeout: 1000 });
        if (role === "client") conn.startHandshake(defaultRequest);
        take(conn);
        equal(conn.nextDeadline(), 1500, `${role} deadline`);
        clock.t = 1400;
        conn.receive(ascii("HTTP/1.1 101")); // bytes do not extend the open timeout
        conn.handleTimeout(1499);
        equal(r.errors.length, 0, `${role}: no timeout before the deadline`);
        conn.handleTimeout(1500);
        equal(r.log.join(" "), "error:WS_ERR_OPEN_TIMEOUT closeTransport", `${role} events`);
        const error = r.errors[0]!;
        check(error instanceof ProtocolError && error.closeCode === 1006, "a ProtocolError with close code 1006");
        equal(conn.peekOutput(), undefined, `${role}: nothing written`);
        equal(conn.nextDeadline(), Number.POSITIVE_INFINITY, `${role}: no deadline left`);
        conn.transportClosed();
        equal(r.closed[0]?.code, 1006, "closed with 1006");
      }
    },
  },
  {
    name: "handshake: a handshake done in time clears the open timeout",
    run() {
      const pair = handshakePair({ client: { openTimeout: 100 }, server: { openTimeout: 100 } });
      equal(pair.client.nextDeadline(), Number.POSITIVE_INFINITY, "client deadline");
      equal(pair.server.nextDeadline(), Number.POSITIVE_INFINITY, "server deadline");
      pair.client.handleTimeout(100);
      pair.server.handleTimeout(100);
      equal(pair.c.errors.length + pair.s.errors.length, 0, "no timeout");
      equal(takeFrames(pair.client).length + takeFrames(pair.server).length, 0, "nothing written");
    },
  },
];

function handshakePairChoosing(protocol: string) {
  const s = new Recorder();
  const c = new Recorder();
  const server = new HostedConnection({ role: "server", events: s, sha1 });
  const client = new HostedConnection({ role: "client", events: c, sha1, random: deterministicRandom(11) });
  s.answer = (verdict) => {
    if (verdict instanceof HandshakeError) throw verdict;
    server.accept({ protocol });
  };
  client.startHandshake({ ...defaultRequest, protocols: ["chat", "superchat"] });
  settle(client, server);
  equal(c.log.join(" "), "open", "client events");
  equal(s.log.join(" "), "request:valid open", "server events");
  return { client, server, c, s };
}
