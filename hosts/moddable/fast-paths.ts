/**
 * The device's native fast paths, as plain functions over what the SDK
 * provides, with no SDK import of their own, so they run (and are tested)
 * anywhere: on V8 with stand-ins, and on XS (xsnap, whose `TextDecoder` is
 * the SDK's own C code, modules/data/text/decoder/textdecoder.c).
 * `device-platform.ts` plugs them into the core with the SDK's modules.
 *
 * - {@link logicalMask}: masking on `Logical.xor` (modules/data/logical).
 * - {@link streamingTextCodec}: the SDK's native `TextDecoder` (fatal,
 *   streaming), made to fail at the first invalid byte of a stream.
 */
import { maskBytewise, type MaskFunction } from "../../modules/websocket/core/mask";
import { wholeDecoder, type TextCodec, type TextDecoderClass, type TextEncoderLike, type Utf8Decoder } from "../../modules/websocket/core/utf8";

/**
 * `Logical.xor(dst, src[, count])` of the SDK (modLogical.c): XORs `dst` in
 * place with `src` repeated from its first byte (`src` a buffer, a view, a
 * string or a byte value). `count` must be 1…dst length (RangeError
 * otherwise, so never pass 0).
 */
export type XorFunction = (dst: ArrayBuffer | ArrayBufferView, src: ArrayBuffer | ArrayBufferView | number | string, count?: number) => void;

/** Below this many bytes the JS byte loop costs less than a native call (and its key rotation). */
const NATIVE_MASK_THRESHOLD = 8;

/**
 * A {@link MaskFunction} on a native `xor`. The key is rotated by the mask
 * phase into a 4-byte scratch key made here, at run time, not at module
 * load (a preloaded module's typed arrays are read-only on the device).
 */
export function logicalMask(xor: XorFunction): MaskFunction {
  const rotated = new Uint8Array(4);
  return (data, key, phase) => {
    const length = data.length;
    if (length < NATIVE_MASK_THRESHOLD) {
      maskBytewise(data, key, phase);
      return;
    }
    if (phase === 0 && key.length === 4) {
      xor(data, key); // the key as it is: nothing to rotate
      return;
    }
    rotated[0] = key[phase & 3]!;
    rotated[1] = key[(phase + 1) & 3]!;
    rotated[2] = key[(phase + 2) & 3]!;
    rotated[3] = key[(phase + 3) & 3]!;
    xor(data, rotated);
  };
}

/**
 * Whether the bytes a streaming decoder holds back at the end of the stream
 * so far (an incomplete last sequence) can still become valid UTF-8.
 * `tail` holds the last `n` (≤ 3) bytes of the stream. Complete sequences
 * are the native decoder's to check (in fatal mode it throws on them).
 *
 * The held-back part starts at the earliest byte of the tail that is a lead
 * (0xC0–0xFF, as the SDK's decoder classifies them) of a sequence longer
 * than what follows it: any earlier position is inside a complete sequence,
 * which the decoder has checked, and a lead there would have made it throw.
 */
export function heldBackIsValid(tail: Uint8Array, n: number): boolean {
  for (let k = 0; k < n; k++) {
    const lead = tail[k]!;
    if (lead < 0xc0) continue;
    const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2;
    const have = n - k;
    if (have >= need) continue; // complete: the native decoder has checked it
    if (lead < 0xc2 || lead > 0xf4) return false; // no valid sequence starts with it
    if (have >= 2) {
      const second = tail[k + 1]!;
      let lower = 0x80;
      let upper = 0xbf;
      if (lead === 0xe0) lower = 0xa0; // overlong
      else if (lead === 0xed) upper = 0x9f; // surrogates
      else if (lead === 0xf0) lower = 0x90; // overlong
      else if (lead === 0xf4) upper = 0x8f; // past U+10FFFF
      if (second < lower || second > upper) return false;
    }
    return have < 3 || (tail[k + 2]! & 0xc0) === 0x80;
  }
  return true; // nothing is held back
}

/**
 * A text codec over the SDK's native `TextDecoder` and `TextEncoder`.
 *
 * The SDK's decoder (modules/data/text/decoder/textdecoder.c) in fatal mode
 * throws on an invalid complete sequence, but with `{stream: true}` it holds
 * back an incomplete last sequence without checking it, even one no byte can
 * complete (a lone 0xFF, or E0 80). §8.1 wants the connection failed at
 * once, so after each piece the held-back bytes (at most 3) are checked here
 * ({@link heldBackIsValid}); the native decoder does all the rest.
 * Construct at run time (it calls the native constructor).
 */
export function streamingTextCodec(Decoder: TextDecoderClass, Encoder: new () => TextEncoderLike): TextCodec {
  const encoder = new Encoder();
  return {
    createDecoder(): Utf8Decoder {
      let decoder = new Decoder("utf-8", { fatal: true, ignoreBOM: true });
      const tail = new Uint8Array(3);
      let tailLength = 0;
      let failed = false;
      return {
        write(bytes) {
          if (failed) return null;
          let text: string;
          try {
            text = decoder.decode(bytes, { stream: true });
          } catch {
            failed = true;
            return null;
          }
          const length = bytes.length;
          if (length >= 3) {
            tail[0] = bytes[length - 3]!;
            tail[1] = bytes[length - 2]!;
            tail[2] = bytes[length - 1]!;
            tailLength = 3;
          } else {
            for (let i = 0; i < length; i++) {
              if (tailLength === 3) {
                tail[0] = tail[1]!;
                tail[1] = tail[2]!;
                tailLength = 2;
              }
              tail[tailLength++] = bytes[i]!;
            }
          }
          if (!heldBackIsValid(tail, tailLength)) {
            failed = true;
            return null;
          }
          return text;
        },
        end() {
          tailLength = 0;
          if (failed) {
            failed = false;
            decoder = new Decoder("utf-8", { fatal: true, ignoreBOM: true });
            return null;
          }
          try {
            return decoder.decode();
          } catch {
            decoder = new Decoder("utf-8", { fatal: true, ignoreBOM: true });
            return null;
          }
        },
      };
    },
    // A whole message is not streamed: the native decoder checks all of it, its end included.
    decode: wholeDecoder(Decoder),
    encode: encoder.encode.bind(encoder),
  };
}
