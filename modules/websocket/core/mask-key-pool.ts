/**
 * Masking keys for a client (RFC 6455 §5.3: a fresh, unpredictable key per
 * frame). Keys are taken four bytes at a time from a pool filled in one call
 * to the host's random source, so a frame costs no call into the host.
 */
import type { RandomSource } from "./handshake";

/** Sixteen keys a refill: small enough for a device's heap, few enough calls into the host. */
const POOL_SIZE = 64;

/** See the module comment. */
export class MaskKeyPool {
  /** The host's random source (the connection takes its handshake key from it too). */
  readonly random: RandomSource;
  /** Made at the first key: an open client that has sent nothing holds no pool. */
  #pool: Uint8Array | undefined;
  #offset = POOL_SIZE;
  /** The key {@link next} returns, made at its first call. */
  #scratch: Uint8Array | undefined;

  constructor(random: RandomSource) {
    this.random = random;
  }

  /**
   * The next key, in a 4-byte array of the pool's that the next call
   * overwrites: for a frame masked at once, whose key is not kept.
   */
  next(): Uint8Array {
    return this.nextInto((this.#scratch ??= new Uint8Array(4)));
  }

  /** Writes the next key into `target` (4 bytes) and returns it; no allocation. */
  nextInto(target: Uint8Array): Uint8Array {
    if (this.#offset === POOL_SIZE) {
      this.random((this.#pool ??= new Uint8Array(POOL_SIZE)));
      this.#offset = 0;
    }
    const pool = this.#pool!;
    const o = this.#offset;
    target[0] = pool[o]!;
    target[1] = pool[o + 1]!;
    target[2] = pool[o + 2]!;
    target[3] = pool[o + 3]!;
    this.#offset = o + 4;
    return target;
  }
}
