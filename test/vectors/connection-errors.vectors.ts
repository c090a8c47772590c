/**
 * Every protocol violation a peer can commit, through the connection: each
 * input is cut right after the byte that makes the violation known, fed one
 * byte at a time, and must fail at that byte and no earlier, with the
 * expected `ProtocolError` code and a close frame carrying its close code.
 */
import { encodeUtf8 } from "../../modules/websocket/core/utf8";
import { defaultLimits, type Limits } from "../../modules/websocket/core/limits";
import { closeCodeOf, ProtocolError, type ProtocolErrorCode } from "../../modules/websocket/core/errors";
import { check, equal, hex, type VectorCase } from "./harness";
import { ascii, concat, encodeFrame, OP, pattern, type FrameSpec } from "./support/frames";
import { expectFailure, openPair, take, takeFrames } from "./support/pipe";

type Role = "client" | "server";
const KEY = hex("5a3c9e17");

/** A frame as `role` must receive it: masked when it goes to a server. */
function to(role: Role, spec: FrameSpec): Uint8Array {
  return encodeFrame({ ...spec, key: role === "server" ? KEY : null });
}

/** The header length of a frame `role` receives, for a payload of `length` bytes. */
function headerLength(role: Role, length: number): number {
  return (length < 126 ? 2 : length < 0x10000 ? 4 : 10) + (role === "server" ? 4 : 0);
}

interface Violation {
  name: string;
  code: ProtocolErrorCode;
  closeCode: number;
  /** Bytes fed whole first (valid frames before the violation). */
  prefix?: (role: Role) => Uint8Array;
  /** Fed one byte at a time; the failure must come with its last byte. */
  trigger: (role: Role) => Uint8Array;
  roles?: Role[];
  limits?: Partial<Limits>;
  streaming?: boolean;
}

function violationCase(v: Violation): VectorCase {
  return {
    name: `protocol error ${v.code} (${v.closeCode}): ${v.name}`,
    run() {
      for (const role of v.roles ?? ["client", "server"]) {
        const pair = openPair({ limits: v.limits, streaming: v.streaming });
        const conn = role === "client" ? pair.client : pair.server;
        const rec = role === "client" ? pair.c : pair.s;
        if (v.prefix !== undefined) conn.receive(v.prefix(role));
        equal(rec.errors.length, 0, `${role}: no error from the prefix (log: ${rec.log.join(" ")})`);
        const delivered = rec.log.length;
        const trigger = v.trigger(role);
        for (let i = 0; i < trigger.length; i++) {
          conn.receive(trigger.slice(i, i + 1));
          equal(rec.errors.length, i === trigger.length - 1 ? 1 : 0, `${role}: errors after byte ${i + 1} of ${trigger.length}`);
        }
        const error = rec.errors[0]!;
        check(error instanceof ProtocolError, `${role}: a ProtocolError`);
        expectFailure(conn, rec, v.code, v.closeCode);
        // (A streamed message may hand on the valid bytes before the bad one.)
        const fromTrigger = rec.log.slice(delivered).filter((e) => !(v.streaming === true && e.startsWith("chunk:")));
        equal(fromTrigger.join(" "), `error:${v.code} closeTransport`, `${role}: events from the trigger`);
        const total = rec.log.length;
        // Nothing more is read, delivered or written.
        conn.receive(to(role, { opcode: OP.text, payload: ascii("after") }));
        conn.receive(to(role, { opcode: OP.ping }));
        equal(rec.log.length, total, `${role}: nothing after the failure`);
        equal(conn.peekOutput(), undefined, `${role}: nothing written after the close frame`);
        // The same bytes in one chunk, with more after them (the parser's whole-header path).
        const whole = openPair({ limits: v.limits, streaming: v.streaming });
        const wholeConn = role === "client" ? whole.client : whole.server;
        const wholeRec = role === "client" ? whole.c : whole.s;
        wholeConn.receive(concat(v.prefix?.(role) ?? new Uint8Array(0), trigger, to(role, { opcode: OP.text, payload: ascii("after") })));
        equal(wholeRec.log.filter((e) => !e.startsWith("chunk:")).join(" "), rec.log.filter((e) => !e.startsWith("chunk:")).join(" "), `${role}: events when fed in one chunk`);
        expectFailure(wholeConn, wholeRec, v.code, v.closeCode);
      }
    },
  };
}

const header = (bytes: string) => (): Uint8Array => hex(bytes);
/** The first two header bytes as a client or server receives them (mask bit set for a server). */
const firstTwo = (b0: number, length7: number) => (role: Role): Uint8Array => new Uint8Array([b0, (role === "server" ? 0x80 : 0) | length7]);
/** A text frame cut right after byte `index` of its payload. */
const textCutAt = (payload: Uint8Array, index: number, fin = true, opcode: number = OP.text) => (role: Role): Uint8Array =>
  to(role, { opcode, payload, fin }).subarray(0, headerLength(role, payload.length) + index + 1);

const violations: Violation[] = [
  ...[0x40, 0x20, 0x10, 0x70].map((rsv): Violation => ({ name: `RSV bits 0x${rsv.toString(16)}`, code: "WS_ERR_UNEXPECTED_RSV", closeCode: 1002, trigger: firstTwo(0x81 | rsv, 1) })),
  { name: "RSV1 on a ping", code: "WS_ERR_UNEXPECTED_RSV", closeCode: 1002, trigger: firstTwo(0xc9, 0) },
  ...[3, 4, 5, 6, 7, 0xb, 0xc, 0xd, 0xe, 0xf].map((op): Violation => ({ name: `reserved opcode 0x${op.toString(16)}`, code: "WS_ERR_INVALID_OPCODE", closeCode: 1002, trigger: firstTwo(0x80 | op, 0) })),
  { name: "reserved opcode inside a fragmented message", code: "WS_ERR_INVALID_OPCODE", closeCode: 1002, prefix: (r) => to(r, { opcode: OP.text, payload: ascii("a"), fin: false }), trigger: firstTwo(0x83, 0) },
  ...[OP.close, OP.ping, OP.pong].map((op): Violation => ({ name: `control frame 0x${op.toString(16)} without FIN`, code: "WS_ERR_FRAGMENTED_CONTROL", closeCode: 1002, trigger: firstTwo(op, 0) })),
  ...[OP.close, OP.ping, OP.pong].map((op): Violation => ({ name: `control frame 0x${op.toString(16)} announcing 126 bytes`, code: "WS_ERR_CONTROL_TOO_LONG", closeCode: 1002, trigger: firstTwo(0x80 | op, 126) })),
  { name: "ping with a 64-bit length", code: "WS_ERR_CONTROL_TOO_LONG", closeCode: 1002, trigger: firstTwo(0x89, 127) },
  { name: "continuation with no message", code: "WS_ERR_UNEXPECTED_CONTINUATION", closeCode: 1002, trigger: (r) => to(r, { opcode: OP.cont, payload: ascii("x") }).subarray(0, headerLength(r, 1)) },
  { name: "continuation after a finished message", code: "WS_ERR_UNEXPECTED_CONTINUATION", closeCode: 1002, prefix: (r) => to(r, { opcode: OP.text, payload: ascii("done") }), trigger: (r) => to(r, { opcode: OP.cont, fin: false }) },
  { name: "text frame inside a fragmented text message", code: "WS_ERR_EXPECTED_CONTINUATION", closeCode: 1002, prefix: (r) => to(r, { opcode: OP.text, payload: ascii("a"), fin: false }), trigger: (r) => to(r, { opcode: OP.text, payload: ascii("b") }).subarray(0, headerLength(r, 1)) },
  { name: "binary frame inside a fragmented text message", code: "WS_ERR_EXPECTED_CONTINUATION", closeCode: 1002, prefix: (r) => to(r, { opcode: OP.text, payload: ascii("a"), fin: false }), trigger: (r) => to(r, { opcode: OP.binary }) },
  { name: "text frame inside a fragmented binary message (after a ping)", code: "WS_ERR_EXPECTED_CONTINUATION", closeCode: 1002, prefix: (r) => concat(to(r, { opcode: OP.binary, fin: false }), to(r, { opcode: OP.ping })), trigger: (r) => to(r, { opcode: OP.text }) },
  { name: "unmasked data frame at a server", code: "WS_ERR_EXPECTED_MASK", closeCode: 1002, roles: ["server"], trigger: header("81 05") },
  { name: "unmasked close frame at a server", code: "WS_ERR_EXPECTED_MASK", closeCode: 1002, roles: ["server"], trigger: header("88 00") },
  { name: "masked data frame at a client", code: "WS_ERR_UNEXPECTED_MASK", closeCode: 1002, roles: ["client"], trigger: header("82 81") },
  { name: "masked ping at a client", code: "WS_ERR_UNEXPECTED_MASK", closeCode: 1002, roles: ["client"], trigger: header("89 80") },
  { name: "64-bit length with the top bit set", code: "WS_ERR_INVALID_LENGTH", closeCode: 1002, trigger: (r) => concat(firstTwo(0x82, 127)(r), hex("80 00 00 00 00 00 00 05")) },
  { name: "64-bit length of 2^63 + 2^32", code: "WS_ERR_INVALID_LENGTH", closeCode: 1002, trigger: (r) => concat(firstTwo(0x81, 127)(r), hex("80 00 00 01 00 00 00 00")) },
  { name: "64-bit length 2^63 - 1 (over any limit)", code: "WS_ERR_FRAME_TOO_BIG", closeCode: 1009, trigger: (r) => concat(firstTwo(0x82, 127)(r), hex("7f ff ff ff ff ff ff ff")) },
  { name: "64-bit length 2^32", code: "WS_ERR_FRAME_TOO_BIG", closeCode: 1009, trigger: (r) => concat(firstTwo(0x82, 127)(r), hex("00 00 00 01 00 00 00 00")) },
  { name: "a frame one byte over maxFrameSize, before its masking key and payload", code: "WS_ERR_FRAME_TOO_BIG", closeCode: 1009, limits: { maxFrameSize: 1000, maxMessageSize: 5000 }, trigger: (r) => concat(firstTwo(0x82, 126)(r), hex("03 e9")) },
  { name: "a continuation over maxFrameSize", code: "WS_ERR_FRAME_TOO_BIG", closeCode: 1009, limits: { maxFrameSize: 1000, maxMessageSize: 5000 }, prefix: (r) => to(r, { opcode: OP.binary, payload: pattern(1000), fin: false }), trigger: (r) => concat(firstTwo(0x00, 126)(r), hex("03 e9")) },
  { name: "the default 64 KiB frame limit", code: "WS_ERR_FRAME_TOO_BIG", closeCode: 1009, trigger: (r) => concat(firstTwo(0x82, 127)(r), hex("00 00 00 00 00 01 00 01")) },
  {
    name: "fragments adding up to one byte over maxMessageSize, at the header of the last",
    code: "WS_ERR_MESSAGE_TOO_BIG",
    closeCode: 1009,
    limits: { maxMessageSize: 1000 },
    prefix: (r) => concat(to(r, { opcode: OP.binary, payload: pattern(600), fin: false }), to(r, { opcode: OP.cont, payload: pattern(300), fin: false })),
    trigger: (r) => to(r, { opcode: OP.cont, payload: pattern(101) }).subarray(0, headerLength(r, 101)),
  },
  {
    // The default limit: the connection does not pass maxFragments to its assembler yet, so a smaller one would not reach it.
    name: "one fragment more than the default fragment limit (empty fragments count)",
    code: "WS_ERR_TOO_MANY_FRAGMENTS",
    closeCode: 1008,
    prefix: (r) => {
      const first = to(r, { opcode: OP.binary, payload: pattern(1), fin: false });
      const empty = to(r, { opcode: OP.cont, fin: false });
      // Written in place, not spread into concat(): 16 K arguments overflow the XS stack.
      const out = new Uint8Array(first.length + (defaultLimits.maxFragments - 1) * empty.length);
      out.set(first);
      for (let at = first.length; at < out.length; at += empty.length) out.set(empty, at);
      return out;
    },
    trigger: (r) => to(r, { opcode: OP.cont }),
  },
  { name: "a single frame over maxMessageSize when maxFrameSize is larger", code: "WS_ERR_MESSAGE_TOO_BIG", closeCode: 1009, limits: { maxMessageSize: 100, maxFrameSize: 200 }, trigger: (r) => to(r, { opcode: OP.text, payload: pattern(150) }).subarray(0, headerLength(r, 150)) },
  {
    name: "a streamed message over maxMessageSize",
    code: "WS_ERR_MESSAGE_TOO_BIG",
    closeCode: 1009,
    streaming: true,
    limits: { maxMessageSize: 100 },
    prefix: (r) => to(r, { opcode: OP.binary, payload: pattern(100), fin: false }),
    trigger: (r) => to(r, { opcode: OP.cont, payload: pattern(1) }).subarray(0, headerLength(r, 1)),
  },
  { name: "invalid UTF-8 in the first fragment, before the last fragment arrives", code: "WS_ERR_INVALID_UTF8", closeCode: 1007, trigger: textCutAt(hex("6f6b ff 6f6b"), 2, false) },
  { name: "invalid UTF-8 in the middle of a frame, before the frame ends", code: "WS_ERR_INVALID_UTF8", closeCode: 1007, trigger: textCutAt(concat(ascii("a".repeat(200)), hex("80"), ascii("b".repeat(50))), 200) },
  { name: "invalid UTF-8 in a streamed message", code: "WS_ERR_INVALID_UTF8", closeCode: 1007, streaming: true, trigger: textCutAt(hex("41 fe 41"), 1) },
  { name: "a sequence split across fragments, broken in the second", code: "WS_ERR_INVALID_UTF8", closeCode: 1007, prefix: (r) => to(r, { opcode: OP.text, payload: hex("41 e2 82"), fin: false }), trigger: textCutAt(hex("41 41"), 0, true, OP.cont) },
  { name: "a sequence split across fragments with a ping between", code: "WS_ERR_INVALID_UTF8", closeCode: 1007, prefix: (r) => concat(to(r, { opcode: OP.text, payload: hex("f0 9d"), fin: false }), to(r, { opcode: OP.ping })), trigger: textCutAt(hex("84 41"), 1, false, OP.cont) },
  { name: "a message ending inside a sequence", code: "WS_ERR_INVALID_UTF8", closeCode: 1007, trigger: (r) => to(r, { opcode: OP.text, payload: hex("41 e2 82") }) },
  { name: "a fragmented message ending inside a sequence (empty last fragment)", code: "WS_ERR_INVALID_UTF8", closeCode: 1007, prefix: (r) => to(r, { opcode: OP.text, payload: hex("f0 9d 84"), fin: false }), trigger: (r) => to(r, { opcode: OP.cont }) },
  { name: "a streamed message ending inside a sequence", code: "WS_ERR_INVALID_UTF8", closeCode: 1007, streaming: true, trigger: (r) => to(r, { opcode: OP.text, payload: hex("c3") }) },
  { name: "overlong encoding c0 80", code: "WS_ERR_INVALID_UTF8", closeCode: 1007, trigger: textCutAt(hex("c0 80"), 0) },
  { name: "overlong encoding e0 80 af", code: "WS_ERR_INVALID_UTF8", closeCode: 1007, trigger: textCutAt(hex("e0 80 af"), 1) },
  { name: "UTF-16 surrogate ed a0 80", code: "WS_ERR_INVALID_UTF8", closeCode: 1007, trigger: textCutAt(hex("ed a0 80"), 1) },
  { name: "code point over U+10FFFF (f4 90 80 80)", code: "WS_ERR_INVALID_UTF8", closeCode: 1007, trigger: textCutAt(hex("f4 90 80 80"), 1) },
  { name: "byte f5", code: "WS_ERR_INVALID_UTF8", closeCode: 1007, trigger: textCutAt(hex("f5 80 80 80"), 0) },
  { name: "lone continuation byte", code: "WS_ERR_INVALID_UTF8", closeCode: 1007, trigger: textCutAt(hex("41 bf"), 1) },
];

export const connectionErrorCases: VectorCase[] = [
  ...violations.map(violationCase),
  {
    name: "protocol errors: each code fails with its RFC 6455 §7.4.1 close code",
    run() {
      const expected: Record<ProtocolErrorCode, number> = {
        WS_ERR_UNEXPECTED_RSV: 1002,
        WS_ERR_INVALID_OPCODE: 1002,
        WS_ERR_FRAGMENTED_CONTROL: 1002,
        WS_ERR_CONTROL_TOO_LONG: 1002,
        WS_ERR_UNEXPECTED_CONTINUATION: 1002,
        WS_ERR_EXPECTED_CONTINUATION: 1002,
        WS_ERR_EXPECTED_MASK: 1002,
        WS_ERR_UNEXPECTED_MASK: 1002,
        WS_ERR_INVALID_LENGTH: 1002,
        WS_ERR_FRAME_TOO_BIG: 1009,
        WS_ERR_MESSAGE_TOO_BIG: 1009,
        WS_ERR_TOO_MANY_FRAGMENTS: 1008,
        WS_ERR_BUDGET_EXCEEDED: 1013,
        WS_ERR_INVALID_UTF8: 1007,
        WS_ERR_INVALID_CLOSE_PAYLOAD: 1002,
        WS_ERR_INVALID_CLOSE_CODE: 1002,
        WS_ERR_INVALID_CLOSE_REASON: 1007,
        WS_ERR_OPEN_TIMEOUT: 1006,
        WS_ERR_PING_TIMEOUT: 1006,
        WS_ERR_TRANSPORT: 1006,
      };
      for (const code of Object.keys(expected) as ProtocolErrorCode[]) {
        equal(closeCodeOf(code), expected[code], `closeCodeOf(${code})`);
        equal(new ProtocolError(code).closeCode, expected[code], `new ProtocolError(${code}).closeCode`);
      }
      // Every code that a peer's bytes can cause has a vector above; the close-payload and timeout codes have theirs in the close, handshake and keepalive files, the transport code in test/transport/socket-driver.spec.ts.
      // The budget code has its vectors in message-assembler.vectors.ts and connection-paths.vectors.ts.
      const covered = new Set<string>(violations.map((v) => v.code));
      covered.add("WS_ERR_BUDGET_EXCEEDED");
      for (const code of Object.keys(expected)) {
        if (!/CLOSE|TIMEOUT|TRANSPORT/.test(code)) check(covered.has(code as ProtocolErrorCode), `no vector for ${code}`);
      }
    },
  },
  {
    name: "protocol errors: the limits are inclusive (a frame of maxFrameSize, a message of maxMessageSize)",
    run() {
      const pair = openPair({ limits: { maxMessageSize: 1000, maxFrameSize: 600 } });
      pair.server.receive(concat(encodeFrame({ opcode: OP.binary, payload: pattern(600), fin: false, key: KEY }), encodeFrame({ opcode: OP.cont, payload: pattern(400), key: KEY })));
      equal(pair.s.log.join(" "), "binary:1000", "server events");
      pair.client.receive(encodeFrame({ opcode: OP.text, payload: encodeUtf8("é".repeat(300)) }));
      equal(pair.c.log.join(" "), "text:300", "600 bytes of UTF-8");
      pair.client.receive(encodeFrame({ opcode: OP.text, payload: hex("ef bf bf f4 8f bf bf") }));
      equal(pair.c.texts[1], "\uffff\udbff\udfff", "U+FFFF and U+10FFFF are valid");
    },
  },
  {
    name: "protocol errors: messages before the violation are delivered, nothing after it",
    run() {
      const pair = openPair();
      pair.client.receive(concat(encodeFrame({ opcode: OP.text, payload: ascii("before") }), hex("83 00"), encodeFrame({ opcode: OP.text, payload: ascii("after") })));
      equal(pair.c.log.join(" "), "text:6 error:WS_ERR_INVALID_OPCODE closeTransport", "events");
      pair.client.receive(hex("91 00"));
      equal(pair.c.errors.length, 1, "one error, however much more bad input comes");
      expectFailure(pair.client, pair.c, "WS_ERR_INVALID_OPCODE", 1002);
    },
  },
  {
    name: "protocol errors: a failure after our close frame sends no second close frame",
    run() {
      const pair = openPair();
      pair.client.close(3001, "done");
      pair.client.receive(hex("c1 00"));
      const frames = takeFrames(pair.client);
      equal(frames.length, 1, "only the first close frame");
      equal(frames[0]!.payload[1], 3001 & 0xff, "it is ours");
      equal(pair.c.log.join(" "), "error:WS_ERR_UNEXPECTED_RSV closeTransport", "events");
    },
  },
  {
    name: "protocol errors: fail() from the host sends the error's close code; an abnormal one sends none",
    run() {
      const pair = openPair();
      pair.server.fail(new ProtocolError("WS_ERR_MESSAGE_TOO_BIG", "app limit"));
      expectFailure(pair.server, pair.s, "WS_ERR_MESSAGE_TOO_BIG", 1009);
      pair.server.fail(new ProtocolError("WS_ERR_INVALID_UTF8"));
      equal(pair.s.errors.length, 1, "a second fail() is ignored");
      equal(take(pair.server).length, 0, "and writes nothing");
      pair.client.fail(new ProtocolError("WS_ERR_PING_TIMEOUT"));
      expectFailure(pair.client, pair.c, "WS_ERR_PING_TIMEOUT", undefined);
    },
  },
];
