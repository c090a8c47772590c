/**
 * Turns frames into messages (RFC 6455 §5.4, §5.6, §8.1): enforces the
 * fragmentation rules, the message size limit and the fragment limit,
 * validates text as UTF-8 piece by piece, and collects control frame payloads.
 *
 * Memory is proportional to the payload, whatever the number of frames:
 * - A single-frame message that arrived in one chunk is handed on as a view
 *   of that chunk (the connection owns its chunks, so views may be kept).
 *   One that spanned chunks is copied once, into a buffer of its length.
 * - Fragments are coalesced: small fragments are copied into blocks of at
 *   least {@link MIN_BLOCK} bytes, so a message costs about one block per
 *   KiB, not one object per frame; a large fragment that arrives whole is
 *   kept as a view. A message of several parts is joined once at its end
 *   (the join needs the payload twice for a moment).
 * - Text is kept as its UTF-8 bytes, validated as they arrive (§8.1 fails
 *   at the first bad byte), and decoded once at the end: bytes plus the
 *   string, never a string grown piece by piece. (Bytes plus string is the
 *   floor for making one string of bytes that came in pieces.) A
 *   single-frame text that arrives in one piece is decoded once, at once.
 * - A fragment limit (`maxFragments`, → 1008 as ws does) remains although
 *   fragments cost no memory: empty fragments never reach the size limit, so
 *   without it a peer could keep one message open for ever.
 *
 * With a {@link MemoryBudget}, every byte the assembler will hold for a
 * message is reserved when a frame announces its length, before anything is
 * allocated: its part of a block, the join of a message of several parts,
 * and, for text, the decoded string. A device that cannot afford it refuses
 * with `WS_ERR_BUDGET_EXCEEDED` (1013, Try Again Later); 1009 stays for a
 * message over the per-message limit. The reservation is released once the
 * message has been delivered (the handler has returned), when the assembler
 * fails, and at {@link MessageAssembler.dispose}. Control frames (at most
 * 125 bytes, §5.5) and streamed pieces (handed on at once) are not counted.
 */
import { concatBytes } from "./bytes";
import { ProtocolError, type ProtocolErrorCode } from "./errors";
import type { FrameHeader, FrameSink } from "./frame-parser";
import { defaultLimits } from "./limits";
import type { MemoryBudget } from "./memory-budget";
import { Opcode, isControlOpcode } from "./opcode";
import { textCodec, type Utf8Decoder } from "./utf8";

/**
 * Where messages go (the connection's handler itself: one object, no
 * closures per connection). Views may be kept: they point into chunks the
 * connection owns, or into buffers made for that message alone.
 */
export interface MessageEvents {
  /** A whole text message. */
  onText?(text: string): void;
  /** A whole binary message. */
  onBinary?(data: Uint8Array): void;
  /** Streaming mode: the next piece of a message; `last` on its final piece. */
  onChunk?(data: string | Uint8Array, binary: boolean, last: boolean): void;
}

/**
 * Where whole control frames (close, ping or pong) go: the connection itself,
 * through this method, so that no closure is made per connection.
 */
export interface ControlFrameSink {
  onControlFrame(opcode: number, payload: Uint8Array): void;
}

/** Optional settings of a {@link MessageAssembler}. */
export interface AssemblerOptions {
  /** The most frames of one data message (→ 1008); `defaultLimits.maxFragments` when omitted. */
  maxFragments?: number | undefined;
  /** The device-wide budget to reserve assembly memory from; none: nothing is counted. */
  budget?: MemoryBudget | undefined;
}

/** The smallest block small fragments are copied into. */
export const MIN_BLOCK = 1024;

const EMPTY = new Uint8Array(0);
const NO_OPTIONS: AssemblerOptions = {};

/** See the module comment. */
export class MessageAssembler implements FrameSink {
  readonly #events: MessageEvents;
  readonly #control: ControlFrameSink;
  readonly #maxMessageSize: number;
  readonly #maxFragments: number;
  readonly #streaming: boolean;
  readonly #budget: MemoryBudget | undefined;
  /** Opcode of the message in progress (text or binary), or 0 when none. */
  #messageOpcode = 0;
  #messageSize = 0;
  #fragments = 0;
  #frameReceived = 0;
  #decoder: Utf8Decoder | undefined;
  /** The first part of the message in progress (most messages have only one). */
  #first: Uint8Array | undefined;
  /** All its parts once it has a second, each exactly filled but the open block. */
  #parts: Uint8Array[] | undefined;
  /** The block the current frame is copied into (the last part), and how much of it is filled. */
  #block: Uint8Array | undefined;
  #blockUsed = 0;
  /** Size of a block reserved for the current frame and not yet made (the frame may still arrive whole, as a view). */
  #pendingBlock = 0;
  /** Whether the message has several parts, so its join is reserved too. */
  #joined = false;
  /** The text of a single-frame message decoded as it arrived whole, until its frame ends. */
  #text: string | undefined;
  /** Bytes reserved in the budget for the message in progress. */
  #held = 0;
  /** A control frame payload being copied together, when it spans chunks. */
  #frameBuffer: Uint8Array | undefined;

  constructor(maxMessageSize: number, streaming: boolean, events: MessageEvents, control: ControlFrameSink, options: AssemblerOptions = NO_OPTIONS) {
    this.#maxMessageSize = maxMessageSize;
    this.#maxFragments = options.maxFragments ?? defaultLimits.maxFragments;
    this.#streaming = streaming;
    this.#events = events;
    this.#control = control;
    this.#budget = options.budget;
  }

  /** Whether a fragmented message is in progress. */
  get inMessage(): boolean {
    return this.#messageOpcode !== 0;
  }

  /** Bytes reserved in the budget for the message in progress (0 without a budget). */
  get heldBytes(): number {
    return this.#held;
  }

  /**
   * Drops the message in progress and releases its reservation. The
   * connection calls it when it closes or fails; the assembler may be used
   * again afterwards, from a new message.
   */
  dispose(): void {
    this.#messageOpcode = 0;
    this.#messageSize = 0;
    this.#fragments = 0;
    this.#first = undefined;
    this.#parts = undefined;
    this.#block = undefined;
    this.#blockUsed = 0;
    this.#pendingBlock = 0;
    this.#joined = false;
    this.#frameBuffer = undefined;
    this.#text = undefined;
    this.#decoder?.end();
    const held = this.#held;
    this.#held = 0;
    if (held > 0) this.#budget!.release(held);
  }

  onFrameStart(header: FrameHeader): void {
    this.#frameReceived = 0;
    this.#frameBuffer = undefined;
    if (isControlOpcode(header.opcode)) return;
    if (header.opcode === Opcode.Continuation) {
      // §5.4: a continuation needs a message to continue.
      if (this.#messageOpcode === 0) this.fail("WS_ERR_UNEXPECTED_CONTINUATION");
    } else {
      // §5.4: the fragments of one message are not interleaved with another's.
      if (this.#messageOpcode !== 0) this.fail("WS_ERR_EXPECTED_CONTINUATION");
      this.#messageOpcode = header.opcode;
      this.#messageSize = 0;
      this.#fragments = 0;
      if (header.opcode === Opcode.Text) this.#decoder ??= textCodec().createDecoder();
    }
    if (++this.#fragments > this.#maxFragments) this.fail("WS_ERR_TOO_MANY_FRAGMENTS", `over ${this.#maxFragments}`);
    const before = this.#messageSize;
    const length = header.length;
    if (before + length > this.#maxMessageSize) this.fail("WS_ERR_MESSAGE_TOO_BIG", `${before + length} > ${this.#maxMessageSize}`);
    this.#messageSize = before + length;
    if (!this.#streaming && length > 0) this.prepare(before, length, header.fin);
  }

  onFramePayload(chunk: Uint8Array, header: FrameHeader): void {
    const offset = this.#frameReceived;
    this.#frameReceived += chunk.length;
    if (isControlOpcode(header.opcode)) {
      this.collect(chunk, offset, header.length);
      return;
    }
    const text = this.#messageOpcode === Opcode.Text;
    if (this.#streaming) {
      if (!text) {
        this.#events.onChunk?.(chunk, true, header.fin && this.#frameReceived === header.length);
        return;
      }
      const piece = this.decode(chunk);
      const last = header.fin && this.#frameReceived === header.length;
      this.#events.onChunk?.(last ? piece + this.endText() : piece, false, last);
      return;
    }
    if (text) {
      // A single-frame text that arrived in one piece: its one decode is both the check and the text.
      if (header.fin && this.#first === undefined && offset === 0 && chunk.length === header.length) {
        this.#pendingBlock = 0;
        this.#text = this.decode(chunk);
        return;
      }
      // §8.1: validate as the bytes arrive; the text itself is made once, at the end.
      this.decode(chunk);
    }
    this.store(chunk, offset, header.length);
  }

  onFrameEnd(header: FrameHeader): void {
    if (isControlOpcode(header.opcode)) {
      const payload = this.#frameBuffer ?? EMPTY;
      this.#frameBuffer = undefined;
      this.#control.onControlFrame(header.opcode, payload);
      return;
    }
    if (!header.fin) return;
    const opcode = this.#messageOpcode;
    this.#messageOpcode = 0;
    if (this.#streaming) {
      // A final frame with no payload: its pieces never came, so say "last" here.
      if (header.length === 0) this.#events.onChunk?.(opcode === Opcode.Text ? this.endText() : EMPTY, opcode === Opcode.Binary, true);
      return;
    }
    if (opcode === Opcode.Text) {
      this.deliver(this.wholeText(), undefined);
    } else {
      this.deliver(undefined, this.take());
    }
  }

  /**
   * The text of the finished message. A function of its own, so that the
   * bytes it decodes are unreachable once it returns: while the handler runs
   * (and perhaps echoes the text) only the string is held.
   */
  private wholeText(): string {
    const decoded = this.#text;
    if (decoded !== undefined) {
      this.#text = undefined;
      return joinTail(decoded, this.endText());
    }
    this.endText();
    const bytes = this.take();
    return bytes.length === 0 ? "" : joinTail(this.decode(bytes), this.endText());
  }

  /**
   * Reserves what a frame of `length` bytes will cost and chooses where its
   * payload goes: the open block, when it has room; else a new block of at
   * least MIN_BLOCK bytes (exactly `length` for a final or a large frame),
   * made when the payload arrives unless it arrives whole.
   */
  private prepare(before: number, length: number, fin: boolean): void {
    const text = this.#messageOpcode === Opcode.Text;
    const block = this.#block;
    const fits = block !== undefined && block.length - this.#blockUsed >= length;
    const size = fits ? 0 : fin ? length : Math.min(Math.max(length, MIN_BLOCK), this.#maxMessageSize - before);
    // The join of a message of several parts: the bytes so far once, when the second part is opened, then each frame's.
    let join = 0;
    if (this.#joined) join = length;
    else if (!fits && this.#first !== undefined) join = before + length;
    this.reserve(size + join + (text ? length : 0));
    if (join > 0) this.#joined = true;
    if (fits) return;
    if (block !== undefined) this.setLast(block.subarray(0, this.#blockUsed));
    this.#block = undefined;
    this.#blockUsed = 0;
    this.#pendingBlock = size;
  }

  /** Copies payload bytes into the frame's block, or keeps a whole frame that has a block of its exact size as a view. */
  private store(chunk: Uint8Array, offset: number, length: number): void {
    const pending = this.#pendingBlock;
    if (pending > 0) {
      this.#pendingBlock = 0;
      if (offset === 0 && chunk.length === length && pending === length) {
        this.addPart(chunk);
        return;
      }
      this.#block = new Uint8Array(pending);
      this.addPart(this.#block);
    }
    this.#block!.set(chunk, this.#blockUsed);
    this.#blockUsed += chunk.length;
  }

  private addPart(part: Uint8Array): void {
    if (this.#first === undefined) {
      this.#first = part;
      return;
    }
    (this.#parts ??= [this.#first]).push(part);
  }

  /** Replaces the last part (the open block) with the view of what it holds. */
  private setLast(part: Uint8Array): void {
    const parts = this.#parts;
    if (parts === undefined) this.#first = part;
    else parts[parts.length - 1] = part;
  }

  /** The whole message as one view: its only part, or the parts joined. */
  private take(): Uint8Array {
    const block = this.#block;
    if (block !== undefined) this.setLast(block.subarray(0, this.#blockUsed));
    const first = this.#first;
    const parts = this.#parts;
    this.#first = undefined;
    this.#parts = undefined;
    this.#block = undefined;
    this.#blockUsed = 0;
    this.#joined = false;
    if (parts !== undefined) return concatBytes(parts, this.#messageSize);
    // An empty message has no parts: a new empty array, as a copy would be (never the shared EMPTY).
    return first ?? new Uint8Array(0);
  }

  /**
   * Hands a whole message on, then releases its reservation (the handler has
   * had it; a handler that throws releases it too). A text's bytes are
   * garbage once decoded, so only its string stays reserved while the
   * handler runs (room for an echo to encode it again).
   */
  private deliver(text: string | undefined, data: Uint8Array | undefined): void {
    let held = this.#held;
    this.#held = 0;
    if (text !== undefined && held > this.#messageSize) {
      this.#budget!.release(held - this.#messageSize);
      held = this.#messageSize;
    }
    try {
      if (text !== undefined) this.#events.onText?.(text);
      else this.#events.onBinary?.(data!);
    } finally {
      if (held > 0) this.#budget!.release(held);
    }
  }

  private reserve(bytes: number): void {
    const budget = this.#budget;
    if (budget === undefined || bytes === 0) return;
    if (!budget.tryReserve(bytes)) this.fail("WS_ERR_BUDGET_EXCEEDED", `${bytes} bytes wanted, ${budget.available} of ${budget.limit} available`);
    this.#held += bytes;
  }

  /** Gathers a control frame payload: a view when it arrives whole, else one copy into a buffer of its length. */
  private collect(chunk: Uint8Array, offset: number, length: number): void {
    if (offset === 0 && chunk.length === length) {
      this.#frameBuffer = chunk;
      return;
    }
    this.#frameBuffer ??= new Uint8Array(length);
    this.#frameBuffer.set(chunk, offset);
  }

  private decode(chunk: Uint8Array): string {
    const text = this.#decoder!.write(chunk);
    // §8.1: fail as soon as an invalid sequence arrives.
    if (text === null) this.fail("WS_ERR_INVALID_UTF8");
    return text;
  }

  private endText(): string {
    const tail = this.#decoder!.end();
    if (tail === null) this.fail("WS_ERR_INVALID_UTF8", "message ends inside a sequence");
    return tail;
  }

  /** Releases what the message in progress holds, then throws: the connection fails with the error's close code. */
  private fail(code: ProtocolErrorCode, detail?: string): never {
    this.dispose();
    throw new ProtocolError(code, detail);
  }
}

/** `text` with `tail` after it; `text` itself when the tail is empty (no copy of a large string for nothing). */
function joinTail(text: string, tail: string): string {
  return tail === "" ? text : text + tail;
}
