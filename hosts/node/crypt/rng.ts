/**
 * Host simulator for the SDK's `rng` module (modules/crypt/etc/rng.js, the
 * random source the SDK's TLS uses), backed by node:crypto's CSPRNG.
 * See hosts/moddable/types/rng.d.ts.
 *
 * Bytes come from a pool refilled 8 KiB at a time, as ws does for its
 * masking keys: one `randomFillSync` costs microseconds however few bytes it
 * fills, and a client asks for 64 bytes (sixteen keys) at a time.
 */
import { randomFillSync } from "node:crypto";

const POOL_SIZE = 8 * 1024;
let pool: Uint8Array | undefined;
let used = POOL_SIZE;

/** `RNG.get(count)`: a new ArrayBuffer of `count` random bytes. `RNG.init(seed)`: accepted, no effect here. */
const RNG = Object.freeze({
  get(count: number): ArrayBuffer {
    const length = Number(count) | 0;
    if (length < 0) throw new RangeError("invalid length");
    const bytes = new Uint8Array(length);
    if (length > POOL_SIZE / 4) {
      randomFillSync(bytes);
      return bytes.buffer;
    }
    if (used + length > POOL_SIZE) {
      randomFillSync((pool ??= new Uint8Array(POOL_SIZE)));
      used = 0;
    }
    bytes.set(pool!.subarray(used, used + length));
    pool!.fill(0, used, used + length); // served bytes are not kept
    used += length;
    return bytes.buffer;
  },
  init(_seed?: ArrayBuffer): void {},
});

export default RNG;
