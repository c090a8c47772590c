/**
 * Bench inputs, engine-neutral (V8 and XS): payloads, and byte streams of
 * masked client→server frames split into socket-sized chunks.
 *
 * Frames are built with the core's own serializer; the V8 part feeds the
 * same bytes to `ws`, whose parser thereby cross-checks them.
 */
import { firstByte, serializeFrame } from "../../modules/websocket/core/frame-serializer";
import { Opcode } from "../../modules/websocket/core/opcode";

/** A small deterministic PRNG (xorshift32) for payloads and masking keys: reproducible inputs, not security. */
export function xorshift(seed = 0x9e3779b9): () => number {
  let s = seed | 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return s >>> 0;
  };
}

/** A random-source function (`RandomSource` shape) over {@link xorshift}: fills `target`. */
export function fillPseudoRandom(next: () => number): (target: Uint8Array) => void {
  return (target) => {
    for (let i = 0; i < target.length; i++) target[i] = next() & 0xff;
  };
}

/** `size` pseudo-random bytes. */
export function binaryPayload(size: number, seed = 1): Uint8Array {
  const out = new Uint8Array(size);
  fillPseudoRandom(xorshift(seed))(out);
  return out;
}

/**
 * Exactly `size` bytes of valid UTF-8 mixing 1-, 2-, 3- and 4-byte sequences
 * ("aé€😀", 10 bytes per turn), padded with ASCII where a sequence would not fit.
 */
export function utf8Payload(size: number): Uint8Array {
  const pattern = [0x61, 0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80];
  const out = new Uint8Array(size);
  let o = 0;
  while (o + pattern.length <= size) {
    out.set(pattern, o);
    o += pattern.length;
  }
  out.fill(0x61, o);
  return out;
}

/** A stream of frames and its description. */
export interface FrameStream {
  /** The wire bytes, pristine (never handed to a parser: copy them first). */
  readonly wire: Uint8Array;
  /** Frames (= messages: every frame has FIN) in the stream. */
  readonly frames: number;
  /** Payload bytes in the stream. */
  readonly payloadBytes: number;
}

/**
 * `frames` masked, final frames of `opcode` carrying `payload`, each with
 * its own pseudo-random masking key, back to back.
 */
export function maskedFrameStream(opcode: number, payload: Uint8Array, frames: number, seed = 7): FrameStream {
  const random = fillPseudoRandom(xorshift(seed));
  const key = new Uint8Array(4);
  const first = firstByte(true, opcode);
  const one = serializeFrame(first, payload, key); // for its length
  const wire = new Uint8Array(one.length * frames);
  for (let f = 0; f < frames; f++) {
    random(key);
    wire.set(serializeFrame(first, payload, key), f * one.length);
  }
  return { wire, frames, payloadBytes: payload.length * frames };
}

/** How many frames of `payload` bytes make a stream of about `targetBytes` (at least `min`). */
export function framesFor(payload: number, targetBytes: number, min = 1): number {
  return Math.max(min, Math.ceil(targetBytes / (payload + 14)));
}

/**
 * A reusable receive buffer for `stream`: `reset()` copies the pristine wire
 * bytes into it (parsers unmask in place, so do it before every pass), and
 * `chunks` are fixed views of it `chunkSize` bytes long, as a socket would
 * deliver them. `Make` builds the buffer (a Node `Buffer` for `ws`).
 */
export function chunkedCopy(stream: FrameStream, chunkSize: number, make: (length: number) => Uint8Array = (n) => new Uint8Array(n)) {
  const work = make(stream.wire.length);
  const chunks: Uint8Array[] = [];
  for (let o = 0; o < work.length; o += chunkSize) chunks.push(work.subarray(o, Math.min(o + chunkSize, work.length)));
  return {
    chunks,
    reset(): void {
      work.set(stream.wire);
    },
  };
}

/** The opcodes the codec bench uses. */
export const TEXT = Opcode.Text;
export const BINARY = Opcode.Binary;
