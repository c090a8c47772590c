/**
 * A correctness check run before masking is timed: a masking function must
 * agree with the per-byte reference at every alignment, length and phase.
 */
import { maskBytewise } from "../../modules/websocket/core/mask";

/** Throws unless `fn` masks like the per-byte reference for every phase and a few odd offsets and lengths. */
export function checkMaskFunction(name: string, fn: (data: Uint8Array, key: Uint8Array, phase: number) => void): void {
  const key = Uint8Array.of(0x12, 0x84, 0xf6, 0x9a);
  const source = new Uint8Array(300);
  for (let i = 0; i < source.length; i++) source[i] = (i * 37 + 11) & 0xff;
  for (const offset of [0, 1, 2, 3]) {
    for (const length of [0, 5, 31, 32, 33, 64, 77, 200, 296]) {
      for (let phase = 0; phase < 4; phase++) {
        const a = source.slice();
        const b = source.slice();
        fn(a.subarray(offset, offset + length), key, phase);
        maskBytewise(b.subarray(offset, offset + length), key, phase);
        for (let i = 0; i < a.length; i++) {
          if (a[i] !== b[i]) throw new Error(`${name} masks wrongly (offset ${offset}, length ${length}, phase ${phase}, byte ${i})`);
        }
      }
    }
  }
}
