/**
 * A seeded, reproducible random source (xorshift32, Marsaglia 2003) for the
 * vectors: client keys and masking keys become predictable, so the exact
 * bytes a client writes can be checked. Never use it outside tests.
 */
import type { RandomSource } from "../../../modules/websocket/core/handshake";

/** A xorshift32 generator. Bytes come one per step, from the top 8 bits of the state. */
export class Xorshift32 {
  #state: number;

  constructor(seed: number) {
    // The all-zero state is a fixed point: replace it.
    this.#state = seed >>> 0 === 0 ? 0x9e3779b9 : seed >>> 0;
  }

  /** The next 32-bit value. */
  nextU32(): number {
    let x = this.#state;
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    this.#state = x;
    return x;
  }

  /** The next byte. */
  byte(): number {
    return this.nextU32() >>> 24;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + (this.nextU32() % (max - min + 1));
  }

  /** Fills `target` with the next bytes of the stream. */
  fill(target: Uint8Array): void {
    for (let i = 0; i < target.length; i++) target[i] = this.byte();
  }

  /** The next `count` bytes of the stream, as a new array. */
  bytes(count: number): Uint8Array {
    const out = new Uint8Array(count);
    this.fill(out);
    return out;
  }
}

/** A {@link RandomSource} that also reports how many bytes each call asked for. */
export interface DeterministicRandom extends RandomSource {
  readonly calls: number[];
}

/**
 * A {@link RandomSource} over a {@link Xorshift32} seeded with `seed`. The
 * bytes form one stream whatever the sizes of the calls, so
 * `new Xorshift32(seed).bytes(n)` predicts the first `n` bytes handed out.
 */
export function deterministicRandom(seed: number): DeterministicRandom {
  const generator = new Xorshift32(seed);
  const calls: number[] = [];
  const random = (target: Uint8Array): void => {
    calls.push(target.length);
    generator.fill(target);
  };
  return Object.assign(random, { calls });
}
