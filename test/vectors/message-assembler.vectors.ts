/**
 * The message assembler on its own, behind a frame parser: text and binary
 * messages cut at every offset and into many fragments, memory that does not
 * grow with the frame count, the fragment limit (1008), and the device-wide
 * memory budget driven to its limit (1013), with every reservation given
 * back on delivery, on failure and at dispose.
 */
import { closeCodeOf } from "../../modules/websocket/core/errors";
import { FrameParser } from "../../modules/websocket/core/frame-parser";
import { defaultLimits } from "../../modules/websocket/core/limits";
import { MemoryBudget } from "../../modules/websocket/core/memory-budget";
import { MessageAssembler, MIN_BLOCK, type AssemblerOptions } from "../../modules/websocket/core/message-assembler";
import { bytesEqual, check, equal, hex, throwsCode, type VectorCase } from "./harness";
import { concat, encodeFrame, join, OP, pattern, utf8Text } from "./support/frames";
import { chunkings } from "./support/split";

/** What the assembler delivered, in order. */
class Sink {
  readonly log: string[] = [];
  readonly texts: string[] = [];
  readonly binaries: Uint8Array[] = [];
  /** Budget `used` seen from inside each handler call. */
  readonly usedInHandler: number[] = [];
  budget: MemoryBudget | undefined;
  throwInHandler = false;

  onText(text: string): void {
    this.log.push(`text:${text.length}`);
    this.texts.push(text);
    this.seen();
  }

  onBinary(data: Uint8Array): void {
    this.log.push(`binary:${data.length}`);
    this.binaries.push(data);
    this.seen();
  }

  onControlFrame(opcode: number, payload: Uint8Array): void {
    this.log.push(`control:${opcode}:${payload.length}`);
  }

  private seen(): void {
    if (this.budget !== undefined) this.usedInHandler.push(this.budget.used);
    if (this.throwInHandler) throw new Error("handler failed");
  }
}

interface Rig {
  sink: Sink;
  assembler: MessageAssembler;
  parser: FrameParser;
  push(bytes: Uint8Array): void;
}

/** An assembler behind a client-side parser (unmasked frames), fed whole chunks the rig never touches again. */
function rig(maxMessageSize: number, options: AssemblerOptions = {}): Rig {
  const sink = new Sink();
  sink.budget = options.budget;
  const assembler = new MessageAssembler(maxMessageSize, false, sink, sink, options);
  // The frame limit well above the message limit, so that the assembler's own checks are the ones met.
  const parser = new FrameParser({ expectMasked: false, maxFrameSize: 1 << 20 }, assembler);
  return { sink, assembler, parser, push: (bytes) => parser.push(bytes) };
}

const frame = (opcode: number, payload: Uint8Array, fin = true): Uint8Array => encodeFrame({ opcode, payload, fin });

/** `payload` as a message in frames of `sizes` bytes (the last frame takes the rest). */
function fragmented(opcode: number, payload: Uint8Array, size: number): Uint8Array {
  const frames: Uint8Array[] = [];
  for (let at = 0; at === 0 || at < payload.length; at += size) {
    const end = Math.min(payload.length, at + size);
    frames.push(frame(at === 0 ? opcode : OP.cont, payload.subarray(at, end), end === payload.length));
  }
  return join(frames);
}

export const messageAssemblerCases: VectorCase[] = [
  {
    name: "assembler: a fragmented text with sequences split across fragments, cut at every offset, decoded once",
    run() {
      const { text, bytes } = utf8Text(40, 3);
      const wire = concat(fragmented(OP.text, bytes, 7), frame(OP.ping, hex("01")), frame(OP.binary, pattern(5)));
      for (const [label, chunks] of chunkings(wire)) {
        const r = rig(1000);
        for (const chunk of chunks) r.push(chunk);
        equal(r.sink.log.join(" "), `text:${text.length} control:9:1 binary:5`, `${label}: events`);
        equal(r.sink.texts[0], text, `${label}: text`);
        bytesEqual(r.sink.binaries[0]!, pattern(5), `${label}: binary`);
        check(!r.assembler.inMessage, `${label}: no message left in progress`);
      }
    },
  },
  {
    name: "assembler: a binary message in fragments of 1, 7, 1000 and 3000 bytes, cut at every offset of the first 50 bytes",
    run() {
      const payload = pattern(5000, 9);
      for (const size of [1, 7, 1000, 3000]) {
        const wire = fragmented(OP.binary, payload, size);
        for (let cut = 0; cut < 50; cut++) {
          const r = rig(8000);
          if (cut > 0) r.push(wire.slice(0, cut));
          r.push(wire.slice(cut));
          equal(r.sink.log.join(" "), "binary:5000", `fragments of ${size}, cut at ${cut}: events`);
          bytesEqual(r.sink.binaries[0]!, payload, `fragments of ${size}, cut at ${cut}: payload`);
        }
      }
    },
  },
  {
    name: "assembler: empty messages, whole or in empty fragments, each a fresh empty array",
    run() {
      const r = rig(100);
      r.push(concat(frame(OP.binary, new Uint8Array(0)), frame(OP.binary, new Uint8Array(0), false), frame(OP.cont, new Uint8Array(0)), frame(OP.text, new Uint8Array(0), false), frame(OP.cont, new Uint8Array(0))));
      equal(r.sink.log.join(" "), "binary:0 binary:0 text:0", "events");
      check(r.sink.binaries[0] !== r.sink.binaries[1], "not one shared empty array");
      equal(r.sink.texts[0], "", "empty text");
    },
  },
  {
    name: "assembler: a whole single frame in one chunk is handed on as a view of that chunk, a large fragment too; one spanning chunks is copied once into a buffer of its own length",
    run() {
      const payload = pattern(3000, 1);
      const r = rig(10_000);
      const chunk = frame(OP.binary, payload);
      r.push(chunk);
      check(r.sink.binaries[0]!.buffer === chunk.buffer, "single frame: a view of the chunk");
      const wire = frame(OP.binary, payload);
      r.push(wire.slice(0, 1000));
      r.push(wire.slice(1000));
      const copied = r.sink.binaries[1]!;
      equal(copied.byteOffset === 0 && copied.buffer.byteLength === 3000, true, "spanning chunks: one buffer of exactly the payload");
      bytesEqual(copied, payload, "spanning chunks: payload");
      // A large fragment that arrives whole stays a view; the message is then joined once.
      const big = frame(OP.binary, pattern(2000, 2), false);
      r.push(big);
      r.push(frame(OP.cont, pattern(10, 3)));
      bytesEqual(r.sink.binaries[2]!, concat(pattern(2000, 2), pattern(10, 3)), "large fragment + small one: joined");
      equal(r.sink.binaries[2]!.buffer.byteLength, 2010, "the join is a buffer of exactly the message");
    },
  },
  {
    name: "assembler: 16,384 one-byte fragments cost blocks of MIN_BLOCK bytes, not one object per frame; the budget never holds more than twice the payload and one block",
    run() {
      const count = defaultLimits.maxFragments;
      const budget = new MemoryBudget(1 << 20);
      const r = rig(64 * 1024, { budget });
      const payload = pattern(count, 4);
      const parts: Uint8Array[] = [];
      for (let i = 0; i < count; i++) parts.push(frame(i === 0 ? OP.binary : OP.cont, payload.subarray(i, i + 1), i === count - 1));
      let peak = 0;
      for (let i = 0; i < count; i++) {
        r.push(parts[i]!);
        if (budget.used > peak) peak = budget.used;
      }
      equal(r.sink.log.join(" "), `binary:${count}`, "one message");
      bytesEqual(r.sink.binaries[0]!, payload, "payload");
      check(peak <= 2 * count + MIN_BLOCK, `peak reservation ${peak} > ${2 * count + MIN_BLOCK}`);
      equal(budget.used, 0, "released after delivery");
    },
  },
  {
    name: "assembler: the fragment limit — maxFragments frames pass, one more fails with WS_ERR_TOO_MANY_FRAGMENTS (1008), empty fragments counted, streaming too",
    run() {
      equal(closeCodeOf("WS_ERR_TOO_MANY_FRAGMENTS"), 1008, "close code");
      for (const streaming of [false, true]) {
        const sink = new Sink();
        const budget = new MemoryBudget(10_000);
        const assembler = new MessageAssembler(1000, streaming, sink, sink, { maxFragments: 4, budget });
        const parser = new FrameParser({ expectMasked: false, maxFrameSize: 1000 }, assembler);
        parser.push(concat(frame(OP.binary, pattern(3), false), frame(OP.cont, new Uint8Array(0), false), frame(OP.cont, pattern(3), false), frame(OP.cont, pattern(3))));
        equal(sink.log.length, streaming ? 0 : 1, `streaming ${streaming}: four fragments delivered`);
        parser.push(concat(frame(OP.text, new Uint8Array(0), false), frame(OP.cont, new Uint8Array(0), false), frame(OP.cont, new Uint8Array(0), false), frame(OP.cont, hex("41"), false)));
        throwsCode(() => parser.push(frame(OP.cont, new Uint8Array(0))), "WS_ERR_TOO_MANY_FRAGMENTS", 1008);
        equal(budget.used, 0, `streaming ${streaming}: nothing held after the failure`);
      }
    },
  },
];

export const memoryBudgetCases: VectorCase[] = [
  {
    name: "memory budget: reserves up to its limit, refuses past it without reserving, releases, and refuses a release of more than is reserved",
    run() {
      const budget = new MemoryBudget(100);
      equal(budget.limit, 100, "limit");
      check(budget.tryReserve(60), "60 of 100");
      check(!budget.tryReserve(41), "41 more refused");
      equal(budget.used, 60, "a refusal reserves nothing");
      check(budget.tryReserve(40), "exactly to the limit");
      equal(budget.available, 0, "available");
      check(budget.tryReserve(0), "zero always fits");
      budget.release(100);
      equal(budget.used, 0, "all released");
      equal(budget.peak, 100, "peak");
      let threw = false;
      try {
        budget.release(1);
      } catch (error) {
        threw = error instanceof RangeError;
      }
      check(threw, "over-release throws RangeError");
      for (const bad of [-1, 1.5, Number.NaN]) {
        let refused = false;
        try {
          budget.tryReserve(bad);
        } catch (error) {
          refused = error instanceof RangeError;
        }
        check(refused, `tryReserve(${bad}) throws RangeError`);
      }
      check(new MemoryBudget().limit > 0, "a default limit");
    },
  },
  {
    name: "memory budget: a message the device cannot afford now fails with WS_ERR_BUDGET_EXCEEDED (1013) when its frame is announced; one over the message limit stays 1009",
    run() {
      equal(closeCodeOf("WS_ERR_BUDGET_EXCEEDED"), 1013, "close code");
      const budget = new MemoryBudget(1000);
      const r = rig(5000, { budget });
      r.push(frame(OP.binary, pattern(1000)));
      equal(r.sink.log.join(" "), "binary:1000", "exactly the budget: delivered");
      equal(r.sink.usedInHandler[0], 1000, "held while the handler runs");
      equal(budget.used, 0, "released once the handler returned");
      // The refusal comes with the header, before any payload byte.
      throwsCode(() => r.push(hex("827e03e9")), "WS_ERR_BUDGET_EXCEEDED", 1013);
      equal(budget.used, 0, "nothing held after the refusal");
      // Text needs its bytes and its string: 500 bytes of text fit, 501 do not.
      const t = rig(5000, { budget });
      t.push(frame(OP.text, utf8Text(500).bytes));
      equal(t.sink.log.length, 1, "500 bytes of text delivered");
      equal(t.sink.usedInHandler[0], 500, "text: only the string held while the handler runs (the bytes are garbage once decoded)");
      throwsCode(() => t.push(frame(OP.text, utf8Text(501).bytes)), "WS_ERR_BUDGET_EXCEEDED", 1013);
      // Over the per-message limit is 1009, whatever the budget.
      const small = rig(100, { budget });
      throwsCode(() => small.push(frame(OP.binary, pattern(101))), "WS_ERR_MESSAGE_TOO_BIG", 1009);
      equal(budget.used, 0, "still nothing held");
    },
  },
  {
    name: "memory budget: shared by several assemblers; one message in progress makes another's refused until it is delivered or disposed",
    run() {
      const budget = new MemoryBudget(8000);
      const a = rig(10_000, { budget });
      const b = rig(10_000, { budget });
      a.push(frame(OP.binary, pattern(1500, 1), false));
      a.push(frame(OP.cont, pattern(1500, 2), false));
      const heldByA = budget.used;
      equal(heldByA, 6000, "a holds its two fragments and their join");
      equal(a.assembler.heldBytes, heldByA, "heldBytes");
      throwsCode(() => b.push(frame(OP.binary, pattern(2500))), "WS_ERR_BUDGET_EXCEEDED", 1013);
      equal(budget.used, heldByA, "b's refusal leaves a's reservation");
      a.assembler.dispose();
      equal(budget.used, 0, "a's dispose releases it");
      check(!a.assembler.inMessage, "a has no message in progress");
      const c = rig(10_000, { budget });
      c.push(frame(OP.binary, pattern(2000)));
      equal(c.sink.log.join(" "), "binary:2000", "now affordable");
      equal(budget.used, 0, "released");
      // A multi-part message reserves its join as its parts are announced: 3 × 1024 bytes of fragments need 6144.
      const tight = new MemoryBudget(5120);
      const d = rig(10_000, { budget: tight });
      d.push(frame(OP.binary, pattern(MIN_BLOCK), false));
      d.push(frame(OP.cont, pattern(MIN_BLOCK), false));
      equal(tight.used, 4 * MIN_BLOCK, "two parts and their join");
      throwsCode(() => d.push(frame(OP.cont, pattern(MIN_BLOCK))), "WS_ERR_BUDGET_EXCEEDED", 1013);
      equal(tight.used, 0, "the failure released the parts");
    },
  },
  {
    name: "memory budget: released when the handler throws, and after a UTF-8 failure mid-message",
    run() {
      const budget = new MemoryBudget(10_000);
      const r = rig(5000, { budget });
      r.sink.throwInHandler = true;
      let threw = false;
      try {
        r.push(frame(OP.binary, pattern(700)));
      } catch (error) {
        threw = (error as Error).message === "handler failed";
      }
      check(threw, "the handler's error propagates");
      equal(budget.used, 0, "released anyway");
      const t = rig(5000, { budget });
      t.push(frame(OP.text, utf8Text(900).bytes, false));
      check(budget.used > 0, "held mid-message");
      throwsCode(() => t.push(frame(OP.cont, hex("41 ff"))), "WS_ERR_INVALID_UTF8", 1007);
      equal(budget.used, 0, "released by the failure");
    },
  },
];
