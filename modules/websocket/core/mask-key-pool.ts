/**
 * Masking keys for a client (RFC 6455 §5.3: a fresh, unpredictable key per
 * frame). Keys are taken four bytes at a time from a pool filled in one call
 * to the host's random source, so a frame costs no call into the host.
 */
import type { RandomSource } from "./handshake";

const POOL_SIZE = 256;

/** See the module comment. */
export class MaskKeyPool {
  readonly #random: RandomSource;
  readonly #pool = new Uint8Array(POOL_SIZE);
  #offset = POOL_SIZE;

  constructor(random: RandomSource) {
    this.#random = random;
  }

  /** The next key, as a view that stays valid until the pool is refilled 64 keys later; copy it to keep it longer. */
  next(): Uint8Array {
    if (this.#offset === POOL_SIZE) {
      this.#random(this.#pool);
      this.#offset = 0;
    }
    const key = this.#pool.subarray(this.#offset, this.#offset + 4);
    this.#offset += 4;
    return key;
  }
}
