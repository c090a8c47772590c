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
    const bytes = new Uint8Array(new ArrayBuffer(length));
    fillRandom(bytes);
    return bytes.buffer;
  },
  init(_seed?: ArrayBuffer): void {},
});

/**
 * Fills `target` with random bytes from the pool (not part of the SDK's
 * `rng`): what `register.js` plugs in as the platform's random source, so a
 * client's masking keys cost no `ArrayBuffer` (see `useRandomFill`).
 */
export function fillRandom(target: Uint8Array): void {
  const length = target.length;
  if (length > POOL_SIZE / 4) {
    randomFillSync(target);
    return;
  }
  if (used + length > POOL_SIZE) {
    randomFillSync((pool ??= new Uint8Array(POOL_SIZE)));
    used = 0;
  }
  const from = pool!;
  for (let i = 0; i < length; i++) {
    target[i] = from[used + i]!;
    from[used + i] = 0; // served bytes are not kept
  }
  used += length;
}

export default RNG;
