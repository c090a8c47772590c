/**
 * Bytes waiting for the socket. Entries are views, never copies: a large
 * payload a server sends is queued as the caller's own bytes. A client's
 * large payload is queued with its masking key and masked a piece at a time
 * as the socket takes it, so no masked copy of the whole message is made.
 */
import { applyMask } from "./mask";

/** The most bytes of a masked entry prepared for one write. */
const MASKED_PIECE = 4096;

interface Entry {
  bytes: Uint8Array;
  /** Masking key to apply on the way out, or null. */
  key: Uint8Array | null;
  /** Bytes of this entry already written. */
  sent: number;
}

/** See the module comment. */
export class OutboundQueue {
  /** Made for the first entry and dropped once drained: an idle connection holds no array. */
  #entries: Entry[] | undefined;
  #head = 0;
  #queued = 0;

  /** Bytes queued and not yet taken by the socket. */
  get queuedBytes(): number {
    return this.#queued;
  }

  /** Appends `bytes`, to be masked with `key` on the way out when it is given. */
  push(bytes: Uint8Array, key: Uint8Array | null = null): void {
    if (bytes.length === 0) return;
    (this.#entries ??= []).push({ bytes, key, sent: 0 });
    this.#queued += bytes.length;
  }

  /**
   * The next bytes to write, at most `max` of them, or `undefined` when the
   * queue is empty. Nothing is consumed until {@link consume}.
   */
  peek(max = Number.MAX_SAFE_INTEGER): Uint8Array | undefined {
    const entry = this.#entries?.[this.#head];
    if (entry === undefined || !(max >= 1)) return undefined; // also refuses NaN
    max = Math.floor(max);
    const end = Math.min(entry.bytes.length, entry.sent + max);
    if (entry.key === null) return entry.sent === 0 && end === entry.bytes.length ? entry.bytes : entry.bytes.subarray(entry.sent, end);
    // A copy made explicitly: `slice` of a Uint8Array subclass may share memory (Node's does),
    // and the caller's payload must never be masked in place.
    const piece = new Uint8Array(Math.min(end, entry.sent + MASKED_PIECE) - entry.sent);
    piece.set(entry.bytes.subarray(entry.sent, entry.sent + piece.length));
    applyMask(piece, entry.key, entry.sent & 3);
    return piece;
  }

  /** Marks `count` bytes from the front as written. */
  consume(count: number): void {
    let left = count;
    while (left > 0) {
      const entry = this.#entries?.[this.#head];
      if (entry === undefined) throw new RangeError("consumed more than was queued");
      const take = Math.min(left, entry.bytes.length - entry.sent);
      entry.sent += take;
      left -= take;
      this.#queued -= take;
      if (entry.sent === entry.bytes.length) this.advance();
    }
  }

  /** Drops everything queued. */
  clear(): void {
    this.#entries = undefined;
    this.#head = 0;
    this.#queued = 0;
  }

  /** Drops the front entry (which `consume` has just found, so the array exists). */
  private advance(): void {
    const entries = this.#entries!;
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
