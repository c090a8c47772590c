/**
 * What the core needs from the host, built from the SDK's own modules:
 * SHA-1 from `crypt`'s `Digest`, random bytes from `rng`, the clock, and the
 * one {@link DeadlineScheduler} every connection of this host shares.
 * On the device these are the SDK's; on Node, the host simulator's.
 */
import { Digest } from "crypt";
import config from "mc/config";
import RNG from "rng";
import { MemoryBudget } from "../core/memory-budget";
import type { RandomSource, Sha1 } from "../core/handshake";
import { nativeTextCodec, useTextCodec, type TextDecoderClass, type TextEncoderLike } from "../core/utf8";
import { DeadlineScheduler } from "./deadline-scheduler";

/**
 * The platform's `TextDecoder`, when it has one that is fatal and fails at the
 * first invalid byte of a stream (V8's is: 3–4× the pure decoder on text);
 * otherwise the core keeps its pure decoder.
 */
const platform = globalThis as { TextDecoder?: TextDecoderClass; TextEncoder?: new () => TextEncoderLike };
if (platform.TextDecoder !== undefined && platform.TextEncoder !== undefined) {
  const codec = nativeTextCodec(platform.TextDecoder, platform.TextEncoder);
  if (codec !== undefined) useTextCodec(codec);
}

/** SHA-1 through the SDK's digest. */
export const sha1: Sha1 = (data) => {
  const digest = new Digest("SHA1");
  digest.write(data);
  return new Uint8Array(digest.close());
};

/**
 * Cryptographically strong random bytes from the SDK's random source, or
 * from the filler a host plugged in with {@link useRandomFill}.
 */
export const random: RandomSource = (target) => {
  if (randomFill !== undefined) randomFill(target);
  else target.set(new Uint8Array(RNG.get(target.length)));
};

/** See {@link useRandomFill}. */
let randomFill: RandomSource | undefined;

/**
 * Plugs a filler of cryptographically strong random bytes in place of
 * `RNG.get`, for a host whose engine pays for each `ArrayBuffer` that
 * `RNG.get` must return (V8: about a microsecond, more than the bytes cost);
 * `undefined` goes back to `RNG.get`. Call once at start-up.
 */
export function useRandomFill(fill: RandomSource | undefined): void {
  randomFill = fill;
}

/** The clock, in milliseconds. */
export const now: () => number = Date.now; // the native function: no JS call between

export { CONNECTION_COST } from "../core/memory-budget";

let scheduler: DeadlineScheduler | undefined;
let budget: MemoryBudget | undefined;

/**
 * The device's one memory budget (made on first use): `config.websocket.memoryBudget`
 * bytes from the manifest (the library's manifest sets the ESP32 default,
 * an app's own `config` overrides it); without a manifest (Node), no limit
 * until {@link setMemoryBudget}.
 */
export function sharedBudget(): MemoryBudget {
  const configured = config.websocket?.memoryBudget;
  budget ??= new MemoryBudget(configured ?? Number.MAX_SAFE_INTEGER);
  return budget;
}

/**
 * Sets the device-wide memory budget, in bytes, for connections made from
 * now on (those already made keep reserving from the budget they were given).
 */
export function setMemoryBudget(limit: number): MemoryBudget {
  budget = new MemoryBudget(limit);
  return budget;
}

/** The host's one deadline scheduler (made on first use). */
export function sharedScheduler(): DeadlineScheduler {
  scheduler ??= new DeadlineScheduler({ now });
  return scheduler;
}
