/** Stand-in for the SDK's `rng` module in the XS bench bundles: xorshift32 (memory is measured, not randomness). */
let seed = 0x2545f491;

export default class RNG {
  /** `count` pseudo-random bytes in a new ArrayBuffer, as `RNG.get` returns. */
  static get(count: number): ArrayBuffer {
    const bytes = new Uint8Array(count);
    for (let i = 0; i < count; i++) {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      bytes[i] = seed & 0xff;
    }
    return bytes.buffer as ArrayBuffer;
  }
}
