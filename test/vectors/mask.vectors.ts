/** Masking (RFC 6455 §5.3): the word-wise path agrees with the per-byte reference everywhere. */
import { applyMask, maskBytewise, maskWordwise } from "../../modules/websocket/core/mask";
import { bytesEqual, hex, type VectorCase } from "./harness";
import { pattern } from "./support/split";

const key = hex("37fa213d");

export const maskCases: VectorCase[] = [
  {
    name: "mask: RFC 6455 §5.7 masked 'Hello'",
    run() {
      const data = hex("7f9f4d5158");
      applyMask(data, key, 0);
      bytesEqual(data, hex("48656c6c6f"), "unmasked payload");
    },
  },
  {
    name: "mask: word-wise equals per-byte for lengths 0–200, every buffer alignment and phase",
    run() {
      const backing = pattern(260, 3);
      for (let length = 0; length <= 200; length++) {
        for (let start = 0; start < 4; start++) {
          for (let phase = 0; phase < 4; phase++) {
            const a = backing.slice(0, start + length).subarray(start);
            const b = backing.slice(0, start + length).subarray(start);
            maskBytewise(a, key, phase);
            maskWordwise(b, key, phase);
            bytesEqual(b, a, `length ${length}, start ${start}, phase ${phase}`);
          }
        }
      }
    },
  },
  {
    name: "mask: masking twice restores the data; pieces masked by phase equal the whole",
    run() {
      const original = pattern(1000, 9);
      const whole = original.slice();
      applyMask(whole, key, 0);
      const pieces = original.slice();
      for (const [from, to] of [[0, 3], [3, 517], [517, 518], [518, 1000]] as const) applyMask(pieces.subarray(from, to), key, from & 3);
      bytesEqual(pieces, whole, "masked in pieces");
      applyMask(whole, key, 0);
      bytesEqual(whole, original, "masked twice");
    },
  },
];
