/**
 * Masking variants measured next to the core's, engine-neutral. Same
 * contract as the core's `MaskFunction`: XOR `data` in place with `key`,
 * starting at byte `phase` of the masked payload.
 *
 * Nothing here is used by the library: these rows exist to tell whether a
 * different pure-JS loop would serve XS better than `maskWordwise`.
 */
import { maskBytewise } from "../../modules/websocket/core/mask";

const keyScratch = new Uint8Array(4);
const keyInt = new Int32Array(keyScratch.buffer);

/**
 * Word-wise over an `Int32Array` view, eight words per turn.
 *
 * Differs from the core's `maskWordwise` (a `Uint32Array`, four per turn) in
 * two ways that matter to XS: XS keeps 32-bit signed integers unboxed, while
 * a `Uint32Array` element at or above 2^31 reads as a double (as does the key
 * word half of the time); and a longer unroll spends fewer loop bytecodes
 * per word.
 */
export function maskInt32x8(data: Uint8Array, key: Uint8Array, phase: number): void {
  const length = data.length;
  if (length < 32) {
    maskBytewise(data, key, phase);
    return;
  }
  const start = data.byteOffset;
  let i = 0;
  while (((start + i) & 3) !== 0) {
    data[i]! ^= key[(phase + i) & 3]!;
    i++;
  }
  const words = (length - i) >>> 2;
  const rotation = phase + i;
  keyScratch[0] = key[rotation & 3]!;
  keyScratch[1] = key[(rotation + 1) & 3]!;
  keyScratch[2] = key[(rotation + 2) & 3]!;
  keyScratch[3] = key[(rotation + 3) & 3]!;
  const m = keyInt[0]!;
  const v = new Int32Array(data.buffer, start + i, words);
  const unrolled = words - (words & 7);
  let w = 0;
  for (; w < unrolled; w += 8) {
    v[w]! ^= m;
    v[w + 1]! ^= m;
    v[w + 2]! ^= m;
    v[w + 3]! ^= m;
    v[w + 4]! ^= m;
    v[w + 5]! ^= m;
    v[w + 6]! ^= m;
    v[w + 7]! ^= m;
  }
  for (; w < words; w++) v[w]! ^= m;
  for (i += words << 2; i < length; i++) data[i]! ^= key[(phase + i) & 3]!;
}

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
