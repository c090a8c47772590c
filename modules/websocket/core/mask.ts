/**
 * Masking (RFC 6455 §5.3): XOR of the payload with a 4-byte key, in place.
 *
 * One function does it, for both directions. The implementation is chosen
 * once: by default a word-wise loop in plain JS; a host may plug a native
 * one (the device's `Logical.xor`) with {@link setMaskImplementation}.
 */

/**
 * XORs `data` in place with `key`, as if `data` started at byte `phase` of the
 * masked payload (so a payload that arrives in pieces unmasks piece by piece).
 * The key is the first four bytes of `key`; an implementation must not read
 * past them (the frame parser keeps a key in the first half of an 8-byte buffer).
 */
export type MaskFunction = (data: Uint8Array, key: Uint8Array, phase: number) => void;

/** Below this many bytes the per-byte loop beats setting up a word view (measured on XS: from 8 bytes up, words win). */
const WORD_THRESHOLD = 8;

/**
 * The key word's scratch bytes, made on first use rather than at module load:
 * on the device a preloaded module's typed arrays are read-only (the XS
 * linker puts them in flash), so a scratch buffer made while preloading
 * could not be written.
 */
let keyScratch: Uint8Array | undefined;
let keyWord: Int32Array | undefined;

/** The reference implementation: one byte at a time. */
export function maskBytewise(data: Uint8Array, key: Uint8Array, phase: number): void {
  for (let i = 0; i < data.length; i++) data[i]! ^= key[(phase + i) & 3]!;
}

/**
 * Word-wise masking: bytes up to a 4-byte boundary of the underlying buffer,
 * then 32-bit words (eight per turn of the loop), then the tail. The words
 * are signed (`Int32Array`): XS keeps signed 32-bit values as integers but
 * turns unsigned ones of 2^31 and up into doubles, which costs 10–15%. The
 * key word is built in the platform's byte order through a scratch view, so
 * it is right on any endianness.
 */
export function maskWordwise(data: Uint8Array, key: Uint8Array, phase: number): void {
  const length = data.length;
  if (length < WORD_THRESHOLD) {
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
  if (keyScratch === undefined) {
    keyScratch = new Uint8Array(4);
    keyWord = new Int32Array(keyScratch.buffer);
  }
  keyScratch[0] = key[rotation & 3]!;
  keyScratch[1] = key[(rotation + 1) & 3]!;
  keyScratch[2] = key[(rotation + 2) & 3]!;
  keyScratch[3] = key[(rotation + 3) & 3]!;
  const m = keyWord![0]!;
  const view = new Int32Array(data.buffer, start + i, words);
  const unrolled = words - (words & 7);
  let w = 0;
  for (; w < unrolled; w += 8) {
    view[w]! ^= m;
    view[w + 1]! ^= m;
    view[w + 2]! ^= m;
    view[w + 3]! ^= m;
    view[w + 4]! ^= m;
    view[w + 5]! ^= m;
    view[w + 6]! ^= m;
    view[w + 7]! ^= m;
  }
  for (; w < words; w++) view[w]! ^= m;
  for (i += words << 2; i < length; i++) data[i]! ^= key[(phase + i) & 3]!;
}

/**
 * The plugged implementation, or `undefined` for {@link maskWordwise}. Not
 * initialised with a function: when the device build preloads this module,
 * the XS linker turns a module variable that holds a function into a
 * constant (xsl's freeze step), and plugging one in would throw
 * "set implementation: const".
 */
let implementation: MaskFunction | undefined;

/** XORs `data` in place with `key` from mask phase `phase` (0–3), with the chosen implementation. */
export function applyMask(data: Uint8Array, key: Uint8Array, phase: number): void {
  (implementation ?? maskWordwise)(data, key, phase);
}

/**
 * Plugs a faster masking function (for example one built on the device's
 * native `Logical.xor`). Call once at start-up, before any connection exists.
 */
export function setMaskImplementation(fn: MaskFunction): void {
  implementation = fn;
}
