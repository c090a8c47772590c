/**
 * Checks of the device fast paths (hosts/moddable/fast-paths.ts) that run
 * unchanged on V8 and on XS: only the language, the core and the fast paths.
 * `fast-paths.spec.ts` runs them here and inside an xsnap worker, whose
 * `TextDecoder` is the Moddable SDK's own C decoder (textdecoder.c), the one
 * the device uses.
 *
 * Each check returns a list of failures (empty when all is well).
 */
import { maskBytewise } from "../../modules/websocket/core/mask";
import { PureUtf8Decoder, pureDecodeUtf8, type TextDecoderClass, type TextEncoderLike, type Utf8Decoder } from "../../modules/websocket/core/utf8";
import { heldBackIsValid, logicalMask, streamingTextCodec, type XorFunction } from "../../hosts/moddable/fast-paths";

/** `Logical.xor` semantics (modLogical.c) in JS: `src` repeats from its first byte; `count` limits `dst`. */
export const xorLikeLogical: XorFunction = (dst, src, count) => {
  const d = dst instanceof ArrayBuffer ? new Uint8Array(dst) : new Uint8Array(dst.buffer, dst.byteOffset, dst.byteLength);
  if (typeof src === "number" || typeof src === "string") throw new Error("not used by the mask");
  const s = src instanceof ArrayBuffer ? new Uint8Array(src) : new Uint8Array(src.buffer, src.byteOffset, src.byteLength);
  if (count !== undefined && (count <= 0 || count > d.length)) throw new RangeError("invalid count");
  const n = count ?? d.length;
  for (let i = 0; i < n; i++) d[i]! ^= s[i % s.length]!;
};

function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state;
  };
}

/** The native-xor mask equals the byte-wise reference at every phase, offset and length (0–80). */
export function checkMask(): string[] {
  const failures: string[] = [];
  const mask = logicalMask(xorLikeLogical);
  const next = lcg(7);
  const key = Uint8Array.of(0x12, 0x9a, 0xfe, 0x01);
  for (let length = 0; length <= 80; length++) {
    for (let offset = 0; offset < 4; offset++) {
      for (let phase = 0; phase < 4; phase++) {
        const base = new Uint8Array(length + offset);
        for (let i = 0; i < base.length; i++) base[i] = next() & 0xff;
        const a = base.slice().subarray(offset);
        const b = base.slice().subarray(offset);
        mask(a, key, phase);
        maskBytewise(b, key, phase);
        for (let i = 0; i < length; i++) {
          if (a[i] !== b[i]) {
            failures.push(`mask length ${length} offset ${offset} phase ${phase}: byte ${i}`);
            break;
          }
        }
      }
    }
  }
  return failures;
}

/** Pieces that must fail at once (the piece's write returns null), after optional valid pieces. */
const FAIL_AT_ONCE: ReadonlyArray<readonly (readonly number[])[]> = [
  [[0xff]],
  [[0xe0, 0x80]],
  [[0x61, 0xe0], [0x80]],
  [[0xed, 0xa0]], // surrogate
  [[0xf4, 0x90]], // past U+10FFFF
  [[0xf0, 0x80]], // overlong
  [[0xc0]],
  [[0xc1]],
  [[0xf5]],
  [[0xf0, 0x90, 0x41]],
  [[0xe2, 0x82], [0x41]],
  [[0x80]],
  [[0x41, 0x42, 0xc3], [0xc3]],
];

/** Valid streams, split as given: the text must come out whole. */
const VALID: ReadonlyArray<readonly (readonly number[])[]> = [
  [[0xf0], [0x9f, 0x98, 0x80]],
  [[0xf0, 0x9f], [0x98, 0x80]],
  [[0xf0, 0x9f, 0x98], [0x80]],
  [[0xe2], [0x82], [0xac]],
  [[0xc3], [0xa9, 0x41]],
  [[0xef, 0xbb, 0xbf, 0x41]], // a BOM is content
  [[0x00, 0x41]],
  [[]],
];

function run(decoder: Utf8Decoder, pieces: readonly (readonly number[])[]): { at: number; text: string | null } {
  let text = "";
  for (let i = 0; i < pieces.length; i++) {
    const out = decoder.write(Uint8Array.from(pieces[i]!));
    if (out === null) return { at: i, text: null };
    text += out;
  }
  const tail = decoder.end();
  return { at: tail === null ? pieces.length : -1, text: tail === null ? null : text + tail };
}

/**
 * The native-decoder codec fails exactly where the pure decoder does (the
 * same piece), and decodes what it decodes, on fixed cases and on random
 * streams cut at random places.
 */
export function checkTextCodec(Decoder: TextDecoderClass, Encoder: new () => TextEncoderLike): string[] {
  const failures: string[] = [];
  const codec = streamingTextCodec(Decoder, Encoder);
  const compare = (label: string, pieces: readonly (readonly number[])[]): void => {
    const native = run(codec.createDecoder(), pieces);
    const pure = run(new PureUtf8Decoder(), pieces);
    if (native.at !== pure.at || native.text !== pure.text) {
      failures.push(`${label} ${JSON.stringify(pieces)}: native ${JSON.stringify(native)} vs pure ${JSON.stringify(pure)}`);
    }
    // The same bytes as one whole message: the one-shot decode agrees with the pure decoder.
    const whole = Uint8Array.from(pieces.flat());
    const once = codec.decode(whole);
    const pureOnce = pureDecodeUtf8(whole);
    if (once !== pureOnce) failures.push(`${label} whole ${JSON.stringify(pieces)}: native ${JSON.stringify(once)} vs pure ${JSON.stringify(pureOnce)}`);
  };
  for (const pieces of FAIL_AT_ONCE) {
    const native = run(codec.createDecoder(), pieces);
    if (native.at !== pieces.length - 1 || native.text !== null) failures.push(`must fail at the last piece: ${JSON.stringify(pieces)} → ${JSON.stringify(native)}`);
    compare("fixed", pieces);
  }
  for (const pieces of VALID) compare("valid", pieces);
  const incomplete = run(codec.createDecoder(), [[0xe2, 0x82]]);
  if (incomplete.at !== 1 || incomplete.text !== null) failures.push(`an incomplete end must fail at end(): ${JSON.stringify(incomplete)}`);
  // Random streams: mostly valid text with some invalid bytes, cut at random places.
  const next = lcg(2026);
  const alphabet = [[0x41], [0x7a], [0xc3, 0xa9], [0xe2, 0x82, 0xac], [0xf0, 0x9f, 0x98, 0x80], [0xed, 0x9f, 0xbf], [0xf4, 0x8f, 0xbf, 0xbf]];
  const bad = [[0xff], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xe0, 0x9f, 0x80], [0xf4, 0x90, 0x80, 0x80], [0x80], [0xe2, 0x82]];
  for (let round = 0; round < 400; round++) {
    const bytes: number[] = [];
    const items = 1 + (next() % 24);
    for (let i = 0; i < items; i++) {
      const pool = next() % 10 === 0 ? bad : alphabet;
      bytes.push(...pool[next() % pool.length]!);
    }
    const pieces: number[][] = [];
    for (let at = 0; at < bytes.length; ) {
      const size = 1 + (next() % 5);
      pieces.push(bytes.slice(at, at + size));
      at += size;
    }
    compare(`random ${round}`, pieces);
  }
  return failures;
}

/** The tail check alone, against its definition. */
export function checkHeldBack(): string[] {
  const failures: string[] = [];
  const cases: Array<[number[], boolean]> = [
    [[], true],
    [[0x41], true],
    [[0xc2], true],
    [[0xc1], false],
    [[0xe0, 0xa0], true],
    [[0xe0, 0x9f], false],
    [[0xed, 0x9f], true],
    [[0xed, 0xa0], false],
    [[0xf0, 0x90, 0x80], true],
    [[0xf0, 0x90, 0x41], false],
    [[0xf4, 0x8f], true],
    [[0xf4, 0x90], false],
    [[0xf5], false],
    [[0x80, 0x80, 0x80], true],
  ];
  for (const [bytes, expected] of cases) {
    if (heldBackIsValid(Uint8Array.from([...bytes, 0, 0, 0]).subarray(0, 3), bytes.length) !== expected) failures.push(`heldBackIsValid(${JSON.stringify(bytes)}) should be ${expected}`);
  }
  return failures;
}
