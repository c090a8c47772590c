/**
 * The codec bench on V8: the core against `ws` (the installed version, pure
 * JS and with bufferutil/utf-8-validate: see ws-internals.ts) on the same
 * bytes, in this process.
 *
 * - receive: parse + unmask + validate of masked client→server frames fed in
 *   16 KiB chunks (a fresh copy per pass, made outside the timed part) to a
 *   server `Connection` and to ws's `Receiver`;
 * - send: serialize + mask through a client `Connection` (drained with
 *   `peekOutput`/`consumeOutput`) and through ws's `Sender.frame`;
 * - mask: the masking functions alone, in place.
 */
import { random } from "../../modules/websocket/transport/platform";
import { maskBytewise, maskWordwise } from "../../modules/websocket/core/mask";
import { nativeTextCodec, pureTextCodec } from "../../modules/websocket/core/utf8";
import { coreReceiver, coreSender, maskContender, repeatsFor } from "./core-contenders";
import { PAYLOAD_SIZES, rowsOf, type TestResult } from "./figures";
import { checkMaskFunction } from "./mask-check";
import { BINARY, binaryPayload, chunkedCopy, framesFor, maskedFrameStream, TEXT, utf8Payload, type FrameStream } from "./streams";
import { measure, type Contender, type TimeboxOptions } from "./timebox";
import { wsVariants, type WsFrameOptions, type WsVariant } from "./ws-internals";

/** Socket read size for the receive tests. */
export const CHUNK_SIZE = 16 * 1024;
/** Wire bytes per receive pass, send batch, and masking batch. */
const RECEIVE_TARGET = 1024 * 1024;
const SEND_TARGET = 256 * 1024;
const MASK_TARGET = 256 * 1024;

const makeBuffer = (length: number): Uint8Array => Buffer.allocUnsafe(length);
const hrtimeMs = (): number => Number(process.hrtime.bigint()) / 1e6;

/** Timing of the V8 part. */
export interface V8Options {
  readonly repMs: number;
  readonly reps: number;
  readonly warmMs: number;
  /** Called as each table is finished (for progress output). */
  readonly onTest?: (test: TestResult) => void;
}

/** ws's `Receiver` fed the same chunks; `toString` also decodes text messages to strings. */
function wsReceiver(ws: WsVariant, name: string, stream: FrameStream, toString: boolean): Contender {
  const input = chunkedCopy(stream, CHUNK_SIZE, makeBuffer);
  const receiver = new ws.Receiver({ isServer: true, maxPayload: 4 * 1024 * 1024, skipUTF8Validation: false, binaryType: "nodebuffer" });
  let delivered = 0;
  let units = 0;
  receiver.on("message", (data: Buffer, isBinary: boolean) => {
    delivered++;
    units += toString && !isBinary ? data.toString().length : data.length;
  });
  receiver.on("error", (error: Error) => {
    throw error;
  });
  return {
    name,
    bytes: stream.payloadBytes,
    messages: stream.frames,
    prepare() {
      input.reset();
      delivered = 0;
    },
    run() {
      // Writable.write runs _write synchronously while nothing is buffered, and ws's
      // parse loop emits every message in that call; check() confirms it.
      const chunks = input.chunks;
      for (let i = 0; i < chunks.length; i++) receiver.write(chunks[i] as Buffer);
    },
    check() {
      if (delivered !== stream.frames || units <= 0) throw new Error(`${name}: ${delivered} of ${stream.frames} messages delivered synchronously`);
    },
  };
}

/** ws's `Sender.frame` on `payload`, `sends` times, touching the output as {@link coreSender} does. */
function wsSender(ws: WsVariant, name: string, payload: Uint8Array, sends: number, readOnly: boolean): Contender {
  const data = Buffer.from(payload); // a copy: readOnly false masks it in place
  const options: WsFrameOptions = { fin: true, mask: true, opcode: 2, readOnly, rsv1: false, maskBuffer: Buffer.alloc(4) };
  let written = 0;
  let sum = 0;
  const headerLength = payload.length < 126 ? 6 : payload.length < 0x10000 ? 8 : 14;
  return {
    name,
    bytes: payload.length * sends,
    messages: sends,
    prepare() {
      written = 0;
    },
    run() {
      for (let k = 0; k < sends; k++) {
        const list = ws.frame(data, options);
        for (let i = 0; i < list.length; i++) {
          const piece = list[i]!;
          written += piece.length;
          sum += piece[0]!;
        }
      }
    },
    check() {
      if (written !== sends * (headerLength + payload.length) || sum < 0) throw new Error(`${name}: wrote ${written} bytes`);
    },
  };
}

/** Runs every V8 codec test; one {@link TestResult} per table. */
export async function runCodecV8(options: V8Options): Promise<TestResult[]> {
  const [ws, wsBu] = wsVariants();
  const timing: TimeboxOptions = { clock: hrtimeMs, repMs: options.repMs, reps: options.reps, warmMs: options.warmMs };
  const native = nativeTextCodec(TextDecoder, TextEncoder);
  const results: TestResult[] = [];
  const finish = async (test: TestResult): Promise<void> => {
    results.push(test);
    options.onTest?.(test);
    await new Promise((resolve) => setImmediate(resolve)); // let ws's deferred stream callbacks run
  };
  const receiveNote = `${CHUNK_SIZE / 1024} KiB chunks, ~${RECEIVE_TARGET / 1024 / 1024} MiB of frames per pass, each frame its own key; input re-copied outside the timed part`;

  const binary: TestResult = {
    engine: "v8",
    id: "receive-binary",
    title: "receive binary: parse + unmask",
    contenders: [
      { name: "core", label: "server Connection.receive → onBinary" },
      { name: "ws", label: `${ws.label}: Receiver.write → 'message' (unmask: ${ws.masking})` },
      { name: "ws+bu", label: `${wsBu.label}: the same (unmask: ${wsBu.masking})` },
    ],
    baseline: "ws",
    alsoVs: "ws+bu",
    primary: "core",
    notes: [receiveNote],
    rows: [],
  };
  for (const size of PAYLOAD_SIZES) {
    const stream = maskedFrameStream(BINARY, binaryPayload(size), framesFor(size, RECEIVE_TARGET, 2));
    const contenders = [coreReceiver("core", stream, { chunkSize: CHUNK_SIZE, make: makeBuffer }), wsReceiver(ws, "ws", stream, false), wsReceiver(wsBu, "ws+bu", stream, false)];
    binary.rows.push(...rowsOf(size, measure(contenders, timing)));
  }
  await finish(binary);

  const text: TestResult = {
    engine: "v8",
    id: "receive-text",
    title: "receive text: parse + unmask + UTF-8 validate (multi-byte)",
    contenders: [
      { name: "core", label: "server Connection, pure UTF-8 decoder (the default) → string" },
      { name: "core+TD", label: "same, with the host's fail-fast TextDecoder plugged in (nativeTextCodec) → string" },
      { name: "ws", label: `${ws.label} Receiver: ${ws.utf8} → Buffer (no string made)` },
      { name: "ws+str", label: `${ws.label} Receiver, then data.toString() as an app would → string` },
      { name: "ws+bu+str", label: `${wsBu.label} Receiver (UTF-8: ${wsBu.utf8}), then data.toString() → string` },
    ],
    baseline: "ws+str",
    alsoVs: "ws+bu+str",
    primary: "core",
    notes: [
      receiveNote,
      "payload: 'aé€😀' repeated (1- to 4-byte sequences), ASCII padding",
      ...(native === undefined ? ["core+TD: Node's TextDecoder is not fail-fast here, so this row uses the pure decoder"] : []),
    ],
    rows: [],
  };
  for (const size of PAYLOAD_SIZES) {
    const stream = maskedFrameStream(TEXT, utf8Payload(size), framesFor(size, RECEIVE_TARGET, 2));
    const contenders = [
      coreReceiver("core", stream, { chunkSize: CHUNK_SIZE, make: makeBuffer, codec: pureTextCodec }),
      coreReceiver("core+TD", stream, { chunkSize: CHUNK_SIZE, make: makeBuffer, codec: native ?? pureTextCodec }),
      wsReceiver(ws, "ws", stream, false),
      wsReceiver(ws, "ws+str", stream, true),
      wsReceiver(wsBu, "ws+bu+str", stream, true),
    ];
    text.rows.push(...rowsOf(size, measure(contenders, timing)));
  }
  await finish(text);

  const send: TestResult = {
    engine: "v8",
    id: "send-binary",
    title: "send binary: serialize + mask (client)",
    contenders: [
      { name: "core", label: "client Connection.sendBinary + peekOutput/consumeOutput drain" },
      { name: "ws", label: `${ws.label} Sender.frame, readOnly: true (what ws.send(buffer) does: mask into a new frame)` },
      { name: "ws+bu", label: `${wsBu.label} Sender.frame, readOnly: true (mask: ${wsBu.masking})` },
      { name: "ws-inplace", label: `${ws.label} Sender.frame, readOnly: false (masks the caller's buffer in place)` },
    ],
    baseline: "ws",
    alsoVs: "ws+bu",
    primary: "core",
    notes: [`~${SEND_TARGET / 1024} KiB of payload per timed run; output touched (length + first byte), not copied; keys from the platform's random source (on Node, the simulator's rng: crypto.randomFillSync into an 8 KiB pool, as ws's)`],
    rows: [],
  };
  for (const size of PAYLOAD_SIZES) {
    const payload = binaryPayload(size);
    const sends = repeatsFor(size, SEND_TARGET);
    const contenders = [
      coreSender("core", payload, sends, random),
      wsSender(ws, "ws", payload, sends, true),
      wsSender(wsBu, "ws+bu", payload, sends, true),
      wsSender(ws, "ws-inplace", payload, sends, false),
    ];
    send.rows.push(...rowsOf(size, measure(contenders, timing)));
  }
  await finish(send);

  checkMaskFunction("maskWordwise", maskWordwise);
  const mask: TestResult = {
    engine: "v8",
    id: "mask",
    title: "masking alone, in place",
    contenders: [
      { name: "wordwise", label: "core maskWordwise (default applyMask): Int32Array words, 8× unrolled" },
      { name: "bytewise", label: "core maskBytewise: per-byte loop" },
      { name: "ws", label: `${ws.label} unmask: ${ws.masking}` },
      { name: "ws+bu", label: `${wsBu.label} unmask: ${wsBu.masking}` },
    ],
    baseline: "ws",
    alsoVs: "ws+bu",
    primary: "wordwise",
    notes: [`~${MASK_TARGET / 1024} KiB masked per timed run; aligned buffer, phase 0`],
    rows: [],
  };
  const wsKey = Buffer.from([0x12, 0x84, 0xf6, 0x9a]);
  for (const size of PAYLOAD_SIZES) {
    const calls = repeatsFor(size, MASK_TARGET);
    const contenders = [
      maskContender("wordwise", maskWordwise, size, calls),
      maskContender("bytewise", maskBytewise, size, calls),
      maskContender("ws", (data) => ws.unmask(data as Buffer, wsKey), size, calls, makeBuffer),
      maskContender("ws+bu", (data) => wsBu.unmask(data as Buffer, wsKey), size, calls, makeBuffer),
    ];
    mask.rows.push(...rowsOf(size, measure(contenders, { ...timing, repMs: timing.repMs / 2 })));
  }
  await finish(mask);
  return results;
}
