/**
 * XS entry of the codec bench: `runOnXs("tools/bench/xs-codec-entry.ts", "runCodecXs")`
 * bundles this file with the core and runs it in an xsnap worker. It uses
 * only the language and the core (no Node API) and returns its figures as
 * JSON: the same receive and send tests as on V8 (core only: there is no ws
 * on XS), and masking alone against the per-byte loop.
 *
 * XS is an interpreter, so passes are smaller than on V8; timing is still
 * time-boxed, so a 1 MiB payload simply gets fewer runs (at least one).
 * The clock is `performance.now()` (microsecond resolution in xsnap;
 * `Date.now()` has only milliseconds).
 */
import { maskBytewise, maskWordwise } from "../../modules/websocket/core/mask";
import { nativeTextCodec, pureTextCodec, type TextDecoderClass, type TextEncoderLike } from "../../modules/websocket/core/utf8";
import { coreReceiver, coreSender, maskContender, repeatsFor } from "./core-contenders";
import { PAYLOAD_SIZES, rowsOf, type TestResult } from "./figures";
import { checkMaskFunction } from "./mask-check";
import { BINARY, binaryPayload, fillPseudoRandom, framesFor, maskedFrameStream, TEXT, utf8Payload, xorshift } from "./streams";
import { measure, type Clock, type TimeboxOptions } from "./timebox";

const CHUNK_SIZE = 16 * 1024;
const RECEIVE_TARGET = 32 * 1024;
const SEND_TARGET = 32 * 1024;
const MASK_TARGET = 16 * 1024;

/** What the XS side returns. */
export interface XsCodecFigures {
  readonly tests: TestResult[];
  /** Smallest step of the clock seen, in ms. */
  readonly clockStepMs: number;
  /** Whether XS's TextDecoder is fail-fast (else the core must use its pure decoder on XS). */
  readonly nativeDecoderUsable: boolean;
  /** Milliseconds the whole run took inside XS. */
  readonly elapsedMs: number;
}

interface XsGlobals {
  performance?: { now(): number };
  TextDecoder?: TextDecoderClass;
  TextEncoder?: new () => TextEncoderLike;
}

function pickClock(): Clock {
  const perf = (globalThis as XsGlobals).performance;
  return perf !== undefined ? () => perf.now() : () => Date.now();
}

function clockStep(clock: Clock): number {
  let step = Number.POSITIVE_INFINITY;
  for (let k = 0; k < 10; k++) {
    const a = clock();
    let b = clock();
    while (b === a) b = clock();
    step = Math.min(step, b - a);
  }
  return step;
}

/** Runs the XS codec tests (see the module comment). */
export function runCodecXs(quick = false): XsCodecFigures {
  const clock = pickClock();
  const started = clock();
  const timing: TimeboxOptions = quick
    ? { clock, repMs: 30, reps: 2, warmMs: 5, maxWallMs: 100 }
    : { clock, repMs: 100, reps: 3, warmMs: 20, maxWallMs: 400 };
  const g = globalThis as XsGlobals;
  const native = g.TextDecoder !== undefined && g.TextEncoder !== undefined ? nativeTextCodec(g.TextDecoder, g.TextEncoder) : undefined;
  const receiveNote = `${CHUNK_SIZE / 1024} KiB chunks, ~${RECEIVE_TARGET / 1024} KiB of frames per pass (at least one frame); input re-copied outside the timed part`;
  const tests: TestResult[] = [];

  const binary: TestResult = {
    engine: "xs",
    id: "receive-binary",
    title: "receive binary: parse + unmask",
    contenders: [{ name: "core", label: "server Connection.receive → onBinary" }],
    baseline: "core",
    primary: "core",
    notes: [receiveNote],
    rows: [],
  };
  for (const size of PAYLOAD_SIZES) {
    const stream = maskedFrameStream(BINARY, binaryPayload(size), framesFor(size, RECEIVE_TARGET));
    binary.rows.push(...rowsOf(size, measure([coreReceiver("core", stream, { chunkSize: CHUNK_SIZE })], timing)));
  }
  tests.push(binary);

  const text: TestResult = {
    engine: "xs",
    id: "receive-text",
    title: "receive text: parse + unmask + UTF-8 validate (multi-byte)",
    contenders: [
      { name: "core", label: "server Connection, pure UTF-8 decoder → string" },
      ...(native !== undefined ? [{ name: "core+TD", label: "same with XS's TextDecoder (nativeTextCodec)" }] : []),
    ],
    baseline: "core",
    primary: "core",
    notes: [
      receiveNote,
      native === undefined ? "XS's TextDecoder does not fail fast on a stream (nativeTextCodec refuses it): the pure decoder is the only choice" : "",
    ].filter((n) => n !== ""),
    rows: [],
  };
  for (const size of PAYLOAD_SIZES) {
    const stream = maskedFrameStream(TEXT, utf8Payload(size), framesFor(size, RECEIVE_TARGET));
    const contenders = [coreReceiver("core", stream, { chunkSize: CHUNK_SIZE, codec: pureTextCodec })];
    if (native !== undefined) contenders.push(coreReceiver("core+TD", stream, { chunkSize: CHUNK_SIZE, codec: native }));
    text.rows.push(...rowsOf(size, measure(contenders, timing)));
  }
  tests.push(text);

  const send: TestResult = {
    engine: "xs",
    id: "send-binary",
    title: "send binary: serialize + mask (client)",
    contenders: [{ name: "core", label: "client Connection.sendBinary + peekOutput/consumeOutput drain" }],
    baseline: "core",
    primary: "core",
    notes: [`~${SEND_TARGET / 1024} KiB of payload per timed run; keys from a JS xorshift (XS has no crypto here)`],
    rows: [],
  };
  const random = fillPseudoRandom(xorshift(42));
  for (const size of PAYLOAD_SIZES) {
    const contender = coreSender("core", binaryPayload(size), repeatsFor(size, SEND_TARGET), random);
    send.rows.push(...rowsOf(size, measure([contender], timing)));
  }
  tests.push(send);

  checkMaskFunction("maskWordwise", maskWordwise);
  const mask: TestResult = {
    engine: "xs",
    id: "mask",
    title: "masking alone, in place",
    contenders: [
      { name: "wordwise", label: "core maskWordwise (default applyMask): Int32Array words, 8× unrolled" },
      { name: "bytewise", label: "core maskBytewise: per-byte loop" },
    ],
    baseline: "bytewise",
    primary: "wordwise",
    notes: [`~${MASK_TARGET / 1024} KiB masked per timed run (at least one call); aligned buffer, phase 0`],
    rows: [],
  };
  for (const size of PAYLOAD_SIZES) {
    const calls = repeatsFor(size, MASK_TARGET);
    const contenders = [
      maskContender("wordwise", maskWordwise, size, calls),
      maskContender("bytewise", maskBytewise, size, calls),
    ];
    mask.rows.push(...rowsOf(size, measure(contenders, { ...timing, repMs: timing.repMs * 0.6 })));
  }
  tests.push(mask);

  return { tests, clockStepMs: clockStep(clock), nativeDecoderUsable: native !== undefined, elapsedMs: clock() - started };
}

/** {@link runCodecXs} with shorter timings (`npm run bench -- codec --quick`). */
export function runCodecXsQuick(): XsCodecFigures {
  return runCodecXs(true);
}
