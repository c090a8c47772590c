/**
 * The core's side of the codec bench, engine-neutral (used on V8 and inside
 * XS): contenders that receive a frame stream through a server
 * `Connection`, send binary messages through a client `Connection`, or mask
 * a buffer with a given function.
 */
import { Connection } from "../../modules/websocket/core/connection";
import type { RandomSource } from "../../modules/websocket/core/handshake";
import { textCodec, useTextCodec, type TextCodec } from "../../modules/websocket/core/utf8";
import { binaryPayload, chunkedCopy, maskedFrameStream, TEXT, type FrameStream } from "./streams";
import type { Contender } from "./timebox";

/** Limits large enough for every size the bench sends or receives. */
const BIG = 4 * 1024 * 1024;

/** Options of {@link coreReceiver}. */
export interface ReceiverOptions {
  /** Socket read size: the stream reaches the connection in chunks this long. */
  readonly chunkSize: number;
  /** Builds the receive buffer (default `Uint8Array`). */
  readonly make?: (length: number) => Uint8Array;
  /** The text codec this connection's decoder comes from (default: the one in use). */
  readonly codec?: TextCodec;
}

/**
 * Feeds `stream` (a fresh copy each run, made outside the timed part) in
 * socket-sized chunks to a server `Connection` that is already open, and
 * counts the messages it delivers: parse + unmask + (for text) validate and
 * decode to a string.
 */
export function coreReceiver(name: string, stream: FrameStream, options: ReceiverOptions): Contender {
  const input = chunkedCopy(stream, options.chunkSize, options.make);
  let delivered = 0;
  let units = 0;
  const previous = textCodec();
  if (options.codec !== undefined) useTextCodec(options.codec);
  const connection = new Connection({
    role: "server",
    open: true,
    limits: { maxMessageSize: BIG, maxFrameSize: BIG },
    events: {
      onBinary: (data) => {
        delivered++;
        units += data.length;
      },
      onText: (text) => {
        delivered++;
        units += text.length;
      },
      onError: (error) => {
        throw error;
      },
    },
  });
  try {
    // The decoder is made at the first text message, from the codec in use then: make it now.
    connection.receive(maskedFrameStream(TEXT, Uint8Array.of(0x61), 1).wire.slice());
  } finally {
    useTextCodec(previous);
  }
  return {
    name,
    bytes: stream.payloadBytes,
    messages: stream.frames,
    prepare() {
      input.reset();
      delivered = 0;
    },
    run() {
      const chunks = input.chunks;
      for (let i = 0; i < chunks.length; i++) connection.receive(chunks[i]!);
    },
    check() {
      if (delivered !== stream.frames || units <= 0) throw new Error(`${name}: ${delivered} of ${stream.frames} messages delivered`);
    },
  };
}

/**
 * Sends `payload` `sends` times as binary messages through an open client
 * `Connection` (serialize + mask) and drains the output as a socket would
 * (`peekOutput`/`consumeOutput`), touching each piece: its length and first
 * byte are summed, nothing is copied.
 */
export function coreSender(name: string, payload: Uint8Array, sends: number, random: RandomSource): Contender {
  const connection = new Connection({ role: "client", open: true, random, limits: { maxQueuedBytes: BIG }, events: {} });
  let written = 0;
  let sum = 0;
  const headerLength = payload.length < 126 ? 6 : payload.length < 0x10000 ? 8 : 14;
  const expected = sends * (headerLength + payload.length);
  return {
    name,
    bytes: payload.length * sends,
    messages: sends,
    prepare() {
      written = 0;
    },
    run() {
      for (let k = 0; k < sends; k++) {
        connection.sendBinary(payload);
        for (let piece = connection.peekOutput(); piece !== undefined; piece = connection.peekOutput()) {
          written += piece.length;
          sum += piece[0]!;
          connection.consumeOutput(piece.length);
        }
      }
    },
    check() {
      if (written !== expected || sum < 0) throw new Error(`${name}: wrote ${written} bytes, expected ${expected}`);
    },
  };
}

/** A masking function with the core's contract. */
export type MaskFn = (data: Uint8Array, key: Uint8Array, phase: number) => void;

/**
 * Masks a `size`-byte buffer in place with `fn`, `calls` times per run (phase
 * 0, buffer start word-aligned, as a payload copied into its own buffer is).
 * `make` builds the buffer (e.g. a Node `Buffer` for ws's function).
 */
export function maskContender(name: string, fn: MaskFn, size: number, calls: number, make?: (length: number) => Uint8Array): Contender {
  const data = make === undefined ? binaryPayload(size, 3) : make(size);
  data.set(binaryPayload(size, 3));
  const key = Uint8Array.of(0x12, 0x84, 0xf6, 0x9a);
  return {
    name,
    bytes: size * calls,
    messages: calls,
    run() {
      for (let k = 0; k < calls; k++) fn(data, key, 0);
    },
  };
}

/** How many repetitions of `size` bytes make about `targetBytes` (at least one). */
export function repeatsFor(size: number, targetBytes: number): number {
  return Math.max(1, Math.floor(targetBytes / size));
}
