/**
 * The frame parser (RFC 6455 §5.2): the §5.7 examples and the three length
 * forms, each whole, cut at every offset and byte by byte; and every frame
 * level error, by string code and close code.
 */
import { FrameParser, ParserState } from "../../modules/websocket/core/frame-parser";
import { bytesEqual, check, equal, hex, throwsCode, type VectorCase } from "./harness";
import { parseChunks, type RecordedFrame } from "./support/frame-recorder";
import { chunkings, concatAll, pattern } from "./support/split";

interface Fixture {
  name: string;
  bytes: Uint8Array;
  /** True when the frames are masked (sent by a client). */
  masked: boolean;
  frames: Array<Partial<RecordedFrame> & { payload: Uint8Array }>;
}

const text = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));
const payload256 = pattern(256, 1);
const payload64k = pattern(65536, 2);

const fixtures: Fixture[] = [
  { name: "§5.7 unmasked text 'Hello'", bytes: hex("810548656c6c6f"), masked: false, frames: [{ fin: true, opcode: 1, payload: text("Hello") }] },
  { name: "§5.7 masked text 'Hello'", bytes: hex("818537fa213d7f9f4d5158"), masked: true, frames: [{ fin: true, opcode: 1, masked: true, payload: text("Hello") }] },
  {
    name: "§5.7 fragmented unmasked text 'Hel' + 'lo'",
    bytes: hex("010348656c 80026c6f"),
    masked: false,
    frames: [{ fin: false, opcode: 1, payload: text("Hel") }, { fin: true, opcode: 0, payload: text("lo") }],
  },
  { name: "§5.7 unmasked ping 'Hello'", bytes: hex("890548656c6c6f"), masked: false, frames: [{ opcode: 9, payload: text("Hello") }] },
  { name: "§5.7 masked pong 'Hello'", bytes: hex("8a8537fa213d7f9f4d5158"), masked: true, frames: [{ opcode: 10, payload: text("Hello") }] },
  { name: "empty binary frame", bytes: hex("8200"), masked: false, frames: [{ opcode: 2, payload: new Uint8Array(0) }] },
  { name: "empty masked close frame", bytes: hex("888001020304"), masked: true, frames: [{ opcode: 8, payload: new Uint8Array(0) }] },
  { name: "125-byte payload, 7-bit length", bytes: concatAll([hex("827d"), pattern(125)]), masked: false, frames: [{ length: 125, payload: pattern(125) }] },
  { name: "126-byte payload, 16-bit length", bytes: concatAll([hex("827e007e"), pattern(126)]), masked: false, frames: [{ length: 126, payload: pattern(126) }] },
  { name: "§5.7 256-byte binary, 16-bit length", bytes: concatAll([hex("827e0100"), payload256]), masked: false, frames: [{ length: 256, payload: payload256 }] },
  {
    name: "three frames in one write, masked",
    bytes: hex("818537fa213d7f9f4d5158 8980aabbccdd 8a8037fa213d"),
    masked: true,
    frames: [{ opcode: 1, payload: text("Hello") }, { opcode: 9, payload: new Uint8Array(0) }, { opcode: 10, payload: new Uint8Array(0) }],
  },
];

function checkFrames(label: string, actual: RecordedFrame[], expected: Fixture["frames"]): void {
  equal(actual.length, expected.length, `${label}: frame count`);
  expected.forEach((want, i) => {
    const got = actual[i]!;
    for (const field of ["fin", "opcode", "masked", "length", "rsv"] as const) {
      if (want[field] !== undefined) equal(got[field], want[field], `${label}: frame ${i} ${field}`);
    }
    bytesEqual(got.payload, want.payload, `${label}: frame ${i} payload`);
  });
}

const fixtureCases: VectorCase[] = fixtures.map((fixture) => ({
  name: `frame parser: ${fixture.name}, split at every offset`,
  run() {
    for (const [label, chunks] of chunkings(fixture.bytes)) checkFrames(label, parseChunks(chunks, fixture.masked).frames, fixture.frames);
  },
}));

/** Frame-level errors: bytes, whether the parser expects masks, code, close code. */
const errors: Array<[string, string, boolean, string, number, number?]> = [
  ["RSV1 set", "c100", false, "WS_ERR_UNEXPECTED_RSV", 1002],
  ["RSV2 set", "a100", false, "WS_ERR_UNEXPECTED_RSV", 1002],
  ["RSV3 set", "9100", false, "WS_ERR_UNEXPECTED_RSV", 1002],
  ["opcode 3", "8300", false, "WS_ERR_INVALID_OPCODE", 1002],
  ["opcode 7", "8700", false, "WS_ERR_INVALID_OPCODE", 1002],
  ["opcode 0xB", "8b00", false, "WS_ERR_INVALID_OPCODE", 1002],
  ["opcode 0xF", "8f00", false, "WS_ERR_INVALID_OPCODE", 1002],
  ["fragmented ping", "0900", false, "WS_ERR_FRAGMENTED_CONTROL", 1002],
  ["fragmented close", "0800", false, "WS_ERR_FRAGMENTED_CONTROL", 1002],
  ["ping of 126 bytes", "897e007e", false, "WS_ERR_CONTROL_TOO_LONG", 1002],
  ["unmasked frame at a server", "8100", true, "WS_ERR_EXPECTED_MASK", 1002],
  ["masked frame at a client", "818001020304", false, "WS_ERR_UNEXPECTED_MASK", 1002],
  ["64-bit length with the top bit set", "827f8000000000000000", false, "WS_ERR_INVALID_LENGTH", 1002],
  ["frame over the frame limit (16-bit)", "827e0401", false, "WS_ERR_FRAME_TOO_BIG", 1009, 1024],
  ["frame over the frame limit (64-bit, 2^32+5)", "827f0000000100000005", false, "WS_ERR_FRAME_TOO_BIG", 1009, 1024],
  ["frame over 2^53 bytes", "827f7fffffffffffffff", false, "WS_ERR_FRAME_TOO_BIG", 1009, Number.MAX_SAFE_INTEGER],
];

const errorCases: VectorCase[] = errors.map(([what, bytes, expectMasked, code, closeCode, limit]) => ({
  name: `frame parser error: ${what} → ${code} (${closeCode}), at every split`,
  run() {
    for (const [label, chunks] of chunkings(hex(bytes))) {
      const parser = new FrameParser({ expectMasked, maxFrameSize: limit ?? 1 << 20 }, { onFrameStart() {}, onFramePayload() {}, onFrameEnd() {} });
      throwsCode(() => chunks.forEach((chunk) => parser.push(chunk)), code, closeCode);
      equal(parser.state, ParserState.Halted, `${label}: halted after the error`);
    }
  },
}));

export const frameParserCases: VectorCase[] = [
  ...fixtureCases,
  ...errorCases,
  {
    name: "frame parser: §5.7 64 KiB binary with a 64-bit length, in 1000-byte chunks",
    run() {
      const bytes = concatAll([hex("827f0000000000010000"), payload64k]);
      const chunks: Uint8Array[] = [];
      for (let i = 0; i < bytes.length; i += 1000) chunks.push(bytes.slice(i, i + 1000));
      checkFrames("64 KiB", parseChunks(chunks, false).frames, [{ length: 65536, payload: payload64k }]);
    },
  },
  {
    name: "frame parser: a 2^32+5 length is read exactly (no shift by 32)",
    run() {
      let announced = -1;
      const parser = new FrameParser({ expectMasked: false, maxFrameSize: 2 ** 40 }, {
        onFrameStart: (h) => (announced = h.length),
        onFramePayload() {},
        onFrameEnd() {},
      });
      parser.push(hex("827f0000000100000005"));
      equal(announced, 2 ** 32 + 5, "announced length");
    },
  },
  {
    name: "frame parser: the limit is checked on the header, before any payload byte",
    run() {
      let started = false;
      const parser = new FrameParser({ expectMasked: false, maxFrameSize: 100 }, { onFrameStart: () => (started = true), onFramePayload() {}, onFrameEnd() {} });
      throwsCode(() => parser.push(hex("827e0065")), "WS_ERR_FRAME_TOO_BIG", 1009);
      check(!started, "no frame was started");
    },
  },
  {
    name: "frame parser: payload views point into the input chunk (no copy)",
    run() {
      const chunk = hex("820401020304");
      let view: Uint8Array | undefined;
      new FrameParser({ expectMasked: false, maxFrameSize: 10 }, { onFrameStart() {}, onFramePayload: (c) => (view = c), onFrameEnd() {} }).push(chunk);
      check(view !== undefined && view.buffer === chunk.buffer && view.byteOffset === 2, "payload is a view of the chunk");
    },
  },
  {
    name: "frame parser: halt() stops at once; later input is ignored",
    run() {
      const recorder = { frames: 0, onFrameStart() {}, onFramePayload() {}, onFrameEnd() { this.frames++; parser.halt(); } };
      const parser = new FrameParser({ expectMasked: false, maxFrameSize: 10 }, recorder);
      parser.push(hex("8100 8100 ff"));
      equal(recorder.frames, 1, "frames before the halt");
    },
  },
];
