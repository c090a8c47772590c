/**
 * Host simulator for the SDK's `rng` module (modules/crypt/etc/rng.js, the
 * random source the SDK's TLS uses), backed by node:crypto's CSPRNG.
 * See hosts/moddable/types/rng.d.ts.
 */
import { randomFillSync } from "node:crypto";

/** `RNG.get(count)`: a new ArrayBuffer of `count` random bytes. `RNG.init(seed)`: accepted, no effect here. */
const RNG = Object.freeze({
  get(count: number): ArrayBuffer {
    const length = Number(count) | 0;
    if (length < 0) throw new RangeError("invalid length");
    const buffer = new ArrayBuffer(length);
    randomFillSync(new Uint8Array(buffer));
    return buffer;
  },
  init(_seed?: ArrayBuffer): void {},
});

export default RNG;
