/** Frame serialization (RFC 6455 §5.2): minimal length forms, masking, round trips through the parser. */
import { firstByte, frameHeaderLength, serializeFrame, writeFrameHeader } from "../../modules/websocket/core/frame-serializer";
import { bytesEqual, equal, hex, toHex, type VectorCase } from "./harness";
import { parseChunks } from "./support/frame-recorder";
import { encodeFrame } from "./support/frames";
import { pattern } from "./support/split";

const key = hex("37fa213d");

function header(length: number, masked: boolean): string {
  const out = new Uint8Array(14);
  const n = writeFrameHeader(out, 0, firstByte(true, 2), length, masked ? key : null);
  equal(n, frameHeaderLength(length, masked), `header length for ${length}`);
  return toHex(out.subarray(0, n));
}

export const frameSerializerCases: VectorCase[] = [
  {
    name: "serializer: §5.7 unmasked and masked 'Hello'",
    run() {
      const hello = Uint8Array.from("Hello", (c) => c.charCodeAt(0));
      bytesEqual(serializeFrame(firstByte(true, 1), hello, null), hex("810548656c6c6f"), "unmasked");
      bytesEqual(serializeFrame(firstByte(true, 1), hello, key), hex("818537fa213d7f9f4d5158"), "masked");
      bytesEqual(hello, Uint8Array.from("Hello", (c) => c.charCodeAt(0)), "the caller's payload is not modified");
    },
  },
  {
    name: "serializer: the minimal length form at every boundary",
    run() {
      equal(header(0, false), "8200", "0");
      equal(header(125, false), "827d", "125");
      equal(header(126, false), "827e007e", "126");
      equal(header(65535, false), "827effff", "65535");
      equal(header(65536, false), "827f0000000000010000", "65536");
      equal(header(2 ** 32 + 5, false), "827f0000000100000005", "2^32+5 (no shift by 32)");
      equal(header(2 ** 53 - 1, false), "827f001fffffffffffff", "2^53-1");
      equal(header(126, true), "82fe007e37fa213d", "126 masked");
    },
  },
  {
    name: "serializer: frames of 0, 125, 126, 65535, 65536 bytes round-trip through the parser, both roles",
    run() {
      for (const length of [0, 1, 125, 126, 127, 65535, 65536]) {
        for (const masked of [false, true]) {
          const payload = pattern(length, length);
          const frame = serializeFrame(firstByte(false, 2, 0), payload, masked ? key : null);
          const [parsed] = parseChunks([frame], masked).frames;
          equal(parsed?.fin, false, `${length}/${masked}: fin`);
          equal(parsed?.length, length, `${length}/${masked}: length`);
          bytesEqual(parsed!.payload, payload, `${length}/${masked}: payload`);
        }
      }
    },
  },
  {
    name: "serializer: a masked payload of each length from 0 to 70 bytes (copied and masked four bytes a round, then the tail; past 64, copied then masked) is the reference framing, and the payload is left as it was",
    run() {
      for (let length = 0; length <= 70; length++) {
        const payload = pattern(length, length);
        const frame = serializeFrame(firstByte(true, 2), payload, key);
        bytesEqual(frame, encodeFrame({ opcode: 2, payload, key }), `${length} bytes`);
        bytesEqual(payload, pattern(length, length), `${length} bytes: the payload is not masked in place`);
      }
    },
  },
];
