/**
 * What the core needs from the host, built from the SDK's own modules:
 * SHA-1 from `crypt`'s `Digest`, random bytes from `rng`, the clock, and the
 * one {@link DeadlineScheduler} every connection of this host shares.
 * On the device these are the SDK's; on Node, the host simulator's.
 */
import { Digest } from "crypt";
import RNG from "rng";
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

/** Cryptographically strong random bytes from the SDK's random source. */
export const random: RandomSource = (target) => {
  target.set(new Uint8Array(RNG.get(target.length)));
};

/** The clock, in milliseconds. */
export const now = (): number => Date.now();

let scheduler: DeadlineScheduler | undefined;

/** The host's one deadline scheduler (made on first use). */
export function sharedScheduler(): DeadlineScheduler {
  scheduler ??= new DeadlineScheduler({ now });
  return scheduler;
}
