/**
 * The sending half of a connection, and the base class of `Connection`, so
 * that one object holds a socket's whole state (docs/device.md, "Device heap
 * habits"). It frames messages and control frames (RFC 6455 §5.2), masks
 * them at a client (§5.3), keeps the state of a fragmented message being
 * sent (§5.4), and queues the bytes for the transport under the queue's
 * byte limit and the device's memory budget. The connection decides whether
 * sending is allowed at all; the host takes the bytes with
 * {@link FrameWriter.peekOutput} and {@link FrameWriter.consumeOutput}, or,
 * for a whole message with nothing queued before it whose frame the
 * transport takes at once, is handed that frame by
 * {@link FrameWriter.writeNow} (a host that keeps `writableNow`).
 *
 * The queue holds views, never copies: a large payload a server sends is
 * queued as the caller's own bytes; a client's large payload is queued with
 * its masking key and masked a piece at a time as the transport takes it, so
 * no masked copy of the whole message is made. A small payload is copied
 * into one buffer with its header.
 */
import { frameBytes } from "./bytes";
import { UsageError } from "./errors";
import { firstByte, frameHeaderLength, serializeFrame, writeFrameHeader } from "./frame-serializer";
import { applyMask } from "./mask";
import type { MaskKeyPool } from "./mask-key-pool";
import type { MemoryBudget } from "./memory-budget";
import { Opcode } from "./opcode";
import { encodeUtf8, utf8Length } from "./utf8";

/** Payloads up to this size are sent as one buffer with their header; larger ones are queued as views. */
const COALESCE_LIMIT = 1024;

/**
 * Texts of up to this many UTF-16 units are framed at once: at most 3 UTF-8
 * bytes a unit, so the payload fits the 7-bit length form (§5.2).
 */
const SMALL_TEXT = 41;

/** The most bytes of a masked entry prepared for one write. */
const MASKED_PIECE = 4096;

/** Bytes queued behind others. */
interface Entry {
  bytes: Uint8Array;
  /** Masking key to apply on the way out, or null. */
  key: Uint8Array | null;
  /** Bytes of this entry already written. */
  sent: number;
}

/** See the module comment. */
export class FrameWriter {
  /**
   * Nothing (an idle connection holds no array); a lone unmasked entry as its
   * bytes alone, with {@link #head} counting what of it is written (the
   * common case, a message written as soon as it is queued, makes no entry
   * object and no array); or the entries, from the first push behind another.
   */
  #entries: Entry[] | Uint8Array | undefined;
  /** The index of the front entry; for a lone entry held as bytes, the bytes of it written. */
  #head = 0;
  #queued = 0;
  /** Masking keys: present at a client, absent at a server. */
  readonly #keys: MaskKeyPool | undefined;
  /** Opcode of the fragmented message being sent, or 0. */
  #sendingOpcode = 0;
  readonly #budget: MemoryBudget | undefined;
  /** Bytes of the queue reserved in the budget (messages; control frames are never refused), released as the queue drains. */
  #reserved = 0;
  /** The queue's byte limit (set anew when a connection is configured before it opens). */
  protected queueLimit: number;
  /**
   * How many bytes the host's transport takes at once now: kept by a host
   * that writes as it goes (see {@link writeNow}); 0 otherwise, and then
   * everything is queued for the host to pull.
   */
  protected writableNow = 0;

  constructor(keys: MaskKeyPool | undefined, queueLimit: number, budget: MemoryBudget | undefined) {
    this.#keys = keys;
    this.queueLimit = queueLimit;
    this.#budget = budget;
  }

  /** Bytes queued for the transport and not yet taken (the W3C `bufferedAmount`). */
  get bufferedAmount(): number {
    return this.#queued;
  }

  /**
   * The next bytes to write, at most `max` of them, or `undefined` when
   * nothing is queued. Nothing is consumed until {@link consumeOutput}.
   */
  peekOutput(max = Number.MAX_SAFE_INTEGER): Uint8Array | undefined {
    const entries = this.#entries;
    if (entries instanceof Uint8Array) {
      if (!(max >= 1)) return undefined; // also refuses NaN
      const sent = this.#head;
      const end = max >= entries.length - sent ? entries.length : sent + Math.floor(max);
      return sent === 0 && end === entries.length ? entries : entries.subarray(sent, end);
    }
    const entry = entries?.[this.#head];
    if (entry === undefined || !(max >= 1)) return undefined;
    const end = Math.min(entry.bytes.length, entry.sent + Math.floor(max));
    if (entry.key === null) return entry.sent === 0 && end === entry.bytes.length ? entry.bytes : entry.bytes.subarray(entry.sent, end);
    // A copy made explicitly: `slice` of a Uint8Array subclass may share memory (Node's does),
    // and the caller's payload must never be masked in place.
    const piece = new Uint8Array(Math.min(end, entry.sent + MASKED_PIECE) - entry.sent);
    piece.set(entry.bytes.subarray(entry.sent, entry.sent + piece.length));
    applyMask(piece, entry.key, entry.sent & 3);
    return piece;
  }

  /** Marks `count` bytes from {@link peekOutput} as written. */
  consumeOutput(count: number): void {
    const lone = this.#entries;
    if (lone instanceof Uint8Array) {
      if (count > lone.length - this.#head) throw new RangeError("consumed more than was queued");
      this.#head += count;
      this.#queued -= count;
      if (this.#head === lone.length) this.clearOutput();
      else this.releaseQueued(Math.min(count, this.#reserved));
      return;
    }
    let left = count;
    while (left > 0) {
      const entry = (this.#entries as Entry[] | undefined)?.[this.#head];
      if (entry === undefined) throw new RangeError("consumed more than was queued");
      const take = Math.min(left, entry.bytes.length - entry.sent);
      entry.sent += take;
      left -= take;
      this.#queued -= take;
      if (entry.sent === entry.bytes.length) this.dropFront();
    }
    if (this.#queued === 0) this.clearOutput();
    else this.releaseQueued(Math.min(count, this.#reserved));
  }

  /** The masking key pool (a client's), or `undefined` (a server's). */
  protected get maskKeys(): MaskKeyPool | undefined {
    return this.#keys;
  }

  /** For a host that extends the connection: the device's memory budget, if it was given one. */
  protected get budget(): MemoryBudget | undefined {
    return this.#budget;
  }

  /** Whether a frame with `length` bytes of payload fits under the queue limit. */
  protected fitsQueue(length: number): boolean {
    return this.#queued + frameHeaderLength(length, this.#keys !== undefined) + length <= this.queueLimit;
  }

  /**
   * Queues a text or binary message, or the next fragment of one when `fin`
   * is false. Refuses a fragment of the other type, and a frame that would
   * pass the queue limit or the budget (leaving everything as it was).
   */
  protected queueMessage(opcode: number, payload: Uint8Array, fin: boolean): void {
    const length = payload.length;
    if (length <= 125 && fin && this.#sendingOpcode === 0) {
      // A small whole message: one buffer with its header, written at once when it can be (nothing is
      // held, so nothing reserved), else reserved exactly (the general path below refuses one that does not fit).
      const size = (this.#keys === undefined ? 2 : 6) + length;
      if (this.#entries === undefined && size <= this.writableNow) {
        this.writeNow(this.smallFrame(0x80 | opcode, payload, size));
        return;
      }
      if (this.#queued + size <= this.queueLimit && (this.#budget === undefined || this.#budget.tryReserve(size))) {
        this.queueSmall(0x80 | opcode, payload, size);
        return;
      }
    } else if (fin && this.#sendingOpcode === 0 && this.#entries === undefined) {
      // A larger whole message whose frame the socket takes at once: framed and written now, reserved only meanwhile.
      const size = frameHeaderLength(length, this.#keys !== undefined) + length;
      const budget = this.#budget;
      if (size <= this.writableNow && size <= this.queueLimit && (budget === undefined || budget.tryReserve(size))) {
        this.writeHeld(0x80 | opcode, payload, budget === undefined ? 0 : size);
        return;
      }
    }
    this.checkMessage(opcode, length);
    // What the library allocates for the frame: its header, and a small payload copied in with it;
    // a large payload is queued as the caller's own bytes.
    const header = frameHeaderLength(payload.length, this.#keys !== undefined);
    this.reserveQueued(payload.length <= COALESCE_LIMIT ? header + payload.length : header);
    this.queueData(opcode, payload, fin);
  }

  /**
   * Queues a text message, or a fragment of one: as {@link queueMessage},
   * with its UTF-8 bytes reserved in the budget before they are made (an
   * echo the device cannot afford is refused, never allocated).
   */
  protected queueText(text: string, fin: boolean): void {
    const budget = this.#budget;
    const units = text.length; // read once: on XS each read is a native lookup (the UTF-8 counted, then cached)
    if (units <= SMALL_TEXT && fin && this.#sendingOpcode === 0) {
      // A small whole text: written at once when it can be, as in queueMessage; else its frame's
      // largest size is reserved, the text encoded, the rest given back.
      const bound = (this.#keys === undefined ? 2 : 6) + 3 * units;
      if (this.#entries === undefined && bound <= this.writableNow) {
        const payload = encodeUtf8(text);
        this.writeNow(this.smallFrame(0x80 | Opcode.Text, payload, bound - 3 * units + payload.length));
        return;
      }
      if (this.#queued + bound <= this.queueLimit && (budget === undefined || budget.tryReserve(bound))) {
        let payload: Uint8Array;
        try {
          payload = encodeUtf8(text);
        } catch (error) {
          budget?.release(bound);
          throw error;
        }
        const size = bound - 3 * units + payload.length;
        if (budget !== undefined && bound > size) budget.release(bound - size);
        this.queueSmall(0x80 | Opcode.Text, payload, size);
        return;
      }
    }
    if (budget === undefined) {
      this.queueMessage(Opcode.Text, encodeUtf8(text), fin);
      return;
    }
    // At most 3 bytes per UTF-16 unit: when that fits, reserve it, encode natively, and give back the rest;
    // only near the budget's limit is the exact length counted first (a loop over the string, slow on XS).
    const masked = this.#keys !== undefined;
    const bound = units * 3;
    const upTo = frameHeaderLength(bound, masked) + bound;
    if (!budget.tryReserve(upTo)) {
      const length = utf8Length(text);
      this.checkMessage(Opcode.Text, length);
      this.reserveQueued(frameHeaderLength(length, masked) + length);
      this.queueData(Opcode.Text, encodeUtf8(text), fin);
      return;
    }
    let payload: Uint8Array;
    let size: number;
    let direct: boolean;
    try {
      payload = encodeUtf8(text);
      size = frameHeaderLength(payload.length, masked) + payload.length;
      direct = fin && this.#sendingOpcode === 0 && this.#entries === undefined && size <= this.writableNow && size <= this.queueLimit;
      if (!direct) this.checkMessage(Opcode.Text, payload.length);
    } catch (error) {
      budget.release(upTo);
      throw error;
    }
    if (direct) {
      // A whole text whose frame fits the socket now: written at once. Its reservation stays this send's, apart
      // from the queue's (#reserved), until the socket has its copy: a write that fails the connection releases
      // the queue's, and must not release this one too.
      this.writeHeld(0x80 | Opcode.Text, payload, upTo);
      return;
    }
    // Queued: from here the queue holds the frame's exact size.
    this.#reserved += size;
    if (upTo > size) budget.release(upTo - size);
    this.queueData(Opcode.Text, payload, fin);
  }

  /** Queues a whole frame of `size` bytes (payload up to 125 bytes), already reserved. */
  private queueSmall(first: number, payload: Uint8Array, size: number): void {
    if (this.#budget !== undefined) this.#reserved += size;
    this.queueBytes(this.smallFrame(first, payload, size));
  }

  /** A whole frame of `size` bytes (payload up to 125 bytes) in one buffer, masked at once at a client. */
  private smallFrame(first: number, payload: Uint8Array, size: number): Uint8Array {
    const keys = this.#keys;
    if (keys !== undefined) return serializeFrame(first, payload, keys.next());
    // A server's: the two header bytes written here (§5.2, the 7-bit length form), then the payload.
    const frame = frameBytes(size);
    frame[0] = first;
    frame[1] = payload.length;
    frame.set(payload, 2);
    return frame;
  }

  /**
   * Frames a whole message and hands it to {@link writeNow}; then gives back
   * the `held` bytes of the budget the caller reserved so that the frame was
   * accounted for before it was made (0 without a budget): once written, the
   * frame is the socket's copy.
   */
  private writeHeld(first: number, payload: Uint8Array, held: number): void {
    const keys = this.#keys;
    this.writeNow(serializeFrame(first, payload, keys === undefined ? null : keys.next()));
    if (held > 0) this.#budget!.release(held);
  }

  /**
   * For a host that writes as it goes: takes a whole frame of at most
   * {@link writableNow} bytes, with nothing queued before it, straight to the
   * transport, and sets `writableNow` to the room left. A frame written so is
   * the transport's (its copy) when this returns: the connection holds
   * nothing of it, so the budget is not asked. Never called while
   * `writableNow` is 0.
   */
  protected writeNow(_frame: Uint8Array): void {}

  /** Queues a control frame (the caller has checked its size). */
  protected queueControl(opcode: number, payload: Uint8Array): void {
    this.queueFrame(opcode, payload, true, false);
  }

  /** Queues raw bytes (an HTTP head or body). */
  protected queueBytes(bytes: Uint8Array, key: Uint8Array | null = null): void {
    if (bytes.length === 0) return;
    this.#queued += bytes.length;
    const entries = this.#entries;
    if (entries === undefined) {
      if (key === null) {
        this.#entries = bytes;
        this.#head = 0;
        return;
      }
      this.#entries = [{ bytes, key, sent: 0 }];
    } else if (entries instanceof Uint8Array) {
      this.#entries = [{ bytes: entries, key: null, sent: this.#head }, { bytes, key, sent: 0 }];
      this.#head = 0;
    } else {
      entries.push({ bytes, key, sent: 0 });
    }
  }

  /** Drops everything queued, and its reservation. */
  protected clearOutput(): void {
    this.#entries = undefined;
    this.#head = 0;
    this.#queued = 0;
    this.releaseQueued(this.#reserved);
  }

  /** Refuses a fragment of the other type, and a frame that would pass the queue limit. */
  private checkMessage(opcode: number, length: number): void {
    if (this.#sendingOpcode !== 0 && this.#sendingOpcode !== opcode) {
      throw new UsageError("WS_ERR_INVALID_STATE", "a fragmented message of the other type is in progress");
    }
    if (!this.fitsQueue(length)) {
      throw new UsageError("WS_ERR_SEND_QUEUE_FULL", `${this.#queued} bytes already queued; the limit is ${this.queueLimit}`);
    }
  }

  /** Reserves `size` bytes in the budget, if there is one, or refuses with `WS_ERR_BUDGET_EXCEEDED`. */
  private reserveQueued(size: number): void {
    const budget = this.#budget;
    if (budget === undefined) return;
    if (!budget.tryReserve(size)) {
      throw new UsageError("WS_ERR_BUDGET_EXCEEDED", `the device's memory budget cannot hold ${size} more bytes (${budget.available} of ${budget.limit} free)`);
    }
    this.#reserved += size;
  }

  private releaseQueued(bytes: number): void {
    if (bytes === 0) return;
    this.#reserved -= bytes;
    this.#budget!.release(bytes); // reserved only with a budget
  }

  private queueData(opcode: number, payload: Uint8Array, fin: boolean): void {
    const wireOpcode = this.#sendingOpcode === 0 ? opcode : Opcode.Continuation;
    this.#sendingOpcode = fin ? 0 : opcode;
    this.queueFrame(wireOpcode, payload, fin, true);
  }

  /** `mayAlias`: a large payload may be queued as a view of the caller's bytes. */
  private queueFrame(opcode: number, payload: Uint8Array, fin: boolean, mayAlias: boolean): void {
    const first = firstByte(fin, opcode);
    const keys = this.#keys;
    if (!mayAlias || payload.length <= COALESCE_LIMIT) {
      this.queueBytes(serializeFrame(first, payload, keys === undefined ? null : keys.next()));
      return;
    }
    // A key of its own: the queued payload is masked later, piece by piece.
    const key = keys === undefined ? null : keys.nextInto(new Uint8Array(4));
    const header = frameBytes(frameHeaderLength(payload.length, key !== null));
    writeFrameHeader(header, 0, first, payload.length, key);
    this.queueBytes(header);
    this.queueBytes(payload, key);
  }

  /** Drops the front entry (which `consumeOutput` has just found, so the array exists). */
  private dropFront(): void {
    const entries = this.#entries as Entry[];
    entries[this.#head++] = undefined as unknown as Entry;
    if (this.#head === entries.length) {
      this.#entries = undefined;
      this.#head = 0;
    } else if (this.#head >= 64 && this.#head * 2 >= entries.length) {
      entries.splice(0, this.#head);
      this.#head = 0;
    }
  }
}
