/**
 * The sending half of a connection: frames messages and control frames into
 * the {@link OutboundQueue}, masking at a client (RFC 6455 §5.3), keeps the
 * state of a fragmented message being sent (§5.4), and enforces the queue's
 * byte limit. The connection decides whether sending is allowed at all.
 */
import { UsageError } from "./errors";
import { firstByte, frameHeaderLength, serializeFrame, writeFrameHeader } from "./frame-serializer";
import type { MaskKeyPool } from "./mask-key-pool";
import type { MemoryBudget } from "./memory-budget";
import { Opcode } from "./opcode";
import { OutboundQueue } from "./outbound-queue";
import { encodeUtf8, utf8Length } from "./utf8";

/** Payloads up to this size are sent as one buffer with their header; larger ones are queued as views. */
const COALESCE_LIMIT = 1024;

/** See the module comment. */
export class FrameWriter {
  readonly #queue = new OutboundQueue();
  /** Masking keys: present at a client, absent at a server. */
  readonly #keys: MaskKeyPool | undefined;
  /** The queue's byte limit (set anew when a connection is configured before it opens). */
  maxQueuedBytes: number;
  /** The key of a small frame, masked at once: reused, never kept (a client's only, made for its first frame). */
  #key: Uint8Array | undefined;
  /** Opcode of the fragmented message being sent, or 0. */
  #sendingOpcode = 0;
  readonly #budget: MemoryBudget | undefined;
  /** Bytes of the queue reserved in the budget (messages; control frames are never refused), released as the queue drains. */
  #reserved = 0;

  constructor(keys: MaskKeyPool | undefined, maxQueuedBytes: number, budget?: MemoryBudget) {
    this.#keys = keys;
    this.maxQueuedBytes = maxQueuedBytes;
    this.#budget = budget;
  }

  /** The masking key pool (a client's), or `undefined` (a server's). */
  get keys(): MaskKeyPool | undefined {
    return this.#keys;
  }

  /** Bytes queued and not yet taken by the transport. */
  get queuedBytes(): number {
    return this.#queue.queuedBytes;
  }

  /** Whether a frame with `length` bytes of payload fits under the queue limit. */
  fits(length: number): boolean {
    return this.#queue.queuedBytes + frameHeaderLength(length, this.#keys !== undefined) + length <= this.maxQueuedBytes;
  }

  /**
   * Queues a text or binary message, or the next fragment of one when `fin`
   * is false. Refuses a fragment of the other type, and a frame that would
   * pass the queue limit (leaving the queue as it was).
   */
  message(opcode: number, payload: Uint8Array, fin: boolean): void {
    this.checkMessage(opcode, payload.length);
    // What the library allocates for the frame: its header, and a small payload copied in with it;
    // a large payload is queued as the caller's own bytes.
    const header = frameHeaderLength(payload.length, this.#keys !== undefined);
    this.reserve(payload.length <= COALESCE_LIMIT ? header + payload.length : header);
    this.queueMessage(opcode, payload, fin);
  }

  /**
   * Queues a text message, or a fragment of one: as {@link message}, with
   * its UTF-8 bytes reserved in the budget before they are made (an echo the
   * device cannot afford is refused, never allocated).
   */
  text(text: string, fin: boolean): void {
    if (this.#budget === undefined) {
      this.message(Opcode.Text, encodeUtf8(text), fin);
      return;
    }
    // At most 3 bytes per UTF-16 unit: when that fits, reserve it, encode natively, and give back the rest;
    // only near the budget's limit is the exact length counted first (a loop over the string, slow on XS).
    const masked = this.#keys !== undefined;
    const bound = text.length * 3;
    const upTo = frameHeaderLength(bound, masked) + bound;
    if (this.#budget.available >= upTo) {
      this.checkMessage(Opcode.Text, text.length); // the UTF-8 is at least this long
      this.reserve(upTo);
      let payload: Uint8Array;
      try {
        payload = encodeUtf8(text);
        this.checkMessage(Opcode.Text, payload.length);
      } catch (error) {
        this.release(upTo);
        throw error;
      }
      this.release(upTo - (frameHeaderLength(payload.length, masked) + payload.length));
      this.queueMessage(Opcode.Text, payload, fin);
      return;
    }
    const length = utf8Length(text);
    this.checkMessage(Opcode.Text, length);
    this.reserve(frameHeaderLength(length, masked) + length);
    this.queueMessage(Opcode.Text, encodeUtf8(text), fin);
  }

  /** Refuses a fragment of the other type, and a frame that would pass the queue limit. */
  private checkMessage(opcode: number, length: number): void {
    if (this.#sendingOpcode !== 0 && this.#sendingOpcode !== opcode) {
      throw new UsageError("WS_ERR_INVALID_STATE", "a fragmented message of the other type is in progress");
    }
    if (!this.fits(length)) {
      throw new UsageError("WS_ERR_SEND_QUEUE_FULL", `${this.#queue.queuedBytes} bytes already queued; the limit is ${this.maxQueuedBytes}`);
    }
  }

  /** Reserves `size` bytes in the budget, if there is one, or refuses with `WS_ERR_BUDGET_EXCEEDED`. */
  private reserve(size: number): void {
    const budget = this.#budget;
    if (budget === undefined) return;
    if (!budget.tryReserve(size)) {
      throw new UsageError("WS_ERR_BUDGET_EXCEEDED", `the device's memory budget cannot hold ${size} more bytes (${budget.available} of ${budget.limit} free)`);
    }
    this.#reserved += size;
  }

  private queueMessage(opcode: number, payload: Uint8Array, fin: boolean): void {
    const wireOpcode = this.#sendingOpcode === 0 ? opcode : Opcode.Continuation;
    this.#sendingOpcode = fin ? 0 : opcode;
    this.queueFrame(wireOpcode, payload, fin, true);
  }

  /** Queues a control frame (the caller has checked its size). */
  control(opcode: number, payload: Uint8Array): void {
    this.queueFrame(opcode, payload, true, false);
  }

  /** Queues raw bytes (an HTTP head or body). */
  bytes(bytes: Uint8Array): void {
    this.#queue.push(bytes);
  }

  /** The next bytes to write, at most `max`. */
  peek(max?: number): Uint8Array | undefined {
    return this.#queue.peek(max);
  }

  /** Marks `count` bytes as written. */
  consume(count: number): void {
    this.#queue.consume(count);
    this.release(this.#queue.queuedBytes === 0 ? this.#reserved : Math.min(count, this.#reserved));
  }

  /** Drops everything queued. */
  clear(): void {
    this.#queue.clear();
    this.release(this.#reserved);
  }

  private release(bytes: number): void {
    if (bytes === 0) return;
    this.#reserved -= bytes;
    this.#budget!.release(bytes); // reserved only with a budget
  }

  /** `mayAlias`: a large payload may be queued as a view of the caller's bytes. */
  private queueFrame(opcode: number, payload: Uint8Array, fin: boolean, mayAlias: boolean): void {
    const first = firstByte(fin, opcode);
    const keys = this.#keys;
    if (!mayAlias || payload.length <= COALESCE_LIMIT) {
      this.bytes(serializeFrame(first, payload, keys === undefined ? null : keys.nextInto((this.#key ??= new Uint8Array(4)))));
      return;
    }
    // A key of its own: the queued payload is masked later, piece by piece.
    const key = keys === undefined ? null : keys.nextInto(new Uint8Array(4));
    const header = new Uint8Array(frameHeaderLength(payload.length, key !== null));
    writeFrameHeader(header, 0, first, payload.length, key);
    this.#queue.push(header);
    this.#queue.push(payload, key);
  }
}
