/**
 * Frame serialization (RFC 6455 §5.2): headers in the shortest length form,
 * and whole frames with the payload masked when the sender is a client.
 */
import { frameBytes } from "./bytes";
import { applyMask } from "./mask";

/** The largest header: 2 bytes, an 8-byte length, a 4-byte masking key. */
export const MAX_HEADER_LENGTH = 14;

const TWO_TO_32 = 0x100000000;

/** The length of a frame header for a payload of `length` bytes. */
export function frameHeaderLength(length: number, masked: boolean): number {
  const base = length < 126 ? 2 : length < 0x10000 ? 4 : 10;
  return masked ? base + 4 : base;
}

/**
 * Writes a frame header into `target` at `offset` and returns its length.
 * The length uses the minimal form (§5.2); 64-bit lengths are written as two
 * 32-bit words, never with a shift by 32 or more.
 *
 * @param first - FIN (0x80) | RSV bits | opcode: the whole first byte.
 * @param key - the masking key, or `null` for an unmasked frame.
 */
export function writeFrameHeader(target: Uint8Array, offset: number, first: number, length: number, key: Uint8Array | null): number {
  let o = offset;
  target[o++] = first;
  const maskBit = key === null ? 0 : 0x80;
  if (length < 126) {
    target[o++] = maskBit | length;
  } else if (length < 0x10000) {
    target[o++] = maskBit | 126;
    target[o++] = length >>> 8;
    target[o++] = length & 0xff;
  } else {
    const high = Math.floor(length / TWO_TO_32);
    const low = length >>> 0;
    target[o++] = maskBit | 127;
    target[o++] = high >>> 24;
    target[o++] = (high >>> 16) & 0xff;
    target[o++] = (high >>> 8) & 0xff;
    target[o++] = high & 0xff;
    target[o++] = low >>> 24;
    target[o++] = (low >>> 16) & 0xff;
    target[o++] = (low >>> 8) & 0xff;
    target[o++] = low & 0xff;
  }
  if (key !== null) {
    target[o++] = key[0]!;
    target[o++] = key[1]!;
    target[o++] = key[2]!;
    target[o++] = key[3]!;
  }
  return o - offset;
}

/**
 * A whole frame in one buffer of its own ({@link frameBytes}): header, then
 * the payload (masked with `key` when given; the caller's payload is never
 * modified).
 */
export function serializeFrame(first: number, payload: Uint8Array, key: Uint8Array | null): Uint8Array {
  const length = payload.length;
  const headerLength = frameHeaderLength(length, key !== null);
  const frame = frameBytes(headerLength + length);
  writeFrameHeader(frame, 0, first, length, key);
  if (key === null) {
    frame.set(payload, headerLength);
  } else if (length <= SMALL_PAYLOAD) {
    // Copy and mask in one loop, four bytes a round with the key in locals: cheaper than a copy, a view
    // and a masking pass for a few bytes, and than a key lookup per byte.
    const k0 = key[0]!;
    const k1 = key[1]!;
    const k2 = key[2]!;
    const k3 = key[3]!;
    const whole = length & ~3;
    let i = 0;
    for (let o = headerLength; i < whole; i += 4, o += 4) {
      frame[o] = payload[i]! ^ k0;
      frame[o + 1] = payload[i + 1]! ^ k1;
      frame[o + 2] = payload[i + 2]! ^ k2;
      frame[o + 3] = payload[i + 3]! ^ k3;
    }
    for (; i < length; i++) frame[headerLength + i] = payload[i]! ^ key[i & 3]!;
  } else {
    frame.set(payload, headerLength);
    applyMask(frame.subarray(headerLength), key, 0);
  }
  return frame;
}

/** Payloads up to this size are masked while they are copied. */
const SMALL_PAYLOAD = 64;

/** The first byte of a frame: FIN, the RSV bits, the opcode. */
export function firstByte(fin: boolean, opcode: number, rsv = 0): number {
  return (fin ? 0x80 : 0) | rsv | opcode;
}
