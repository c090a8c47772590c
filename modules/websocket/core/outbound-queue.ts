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

  /** Bytes queued and not yet taken by the socket. */
  get queuedBytes(): number {
    return this.#queued;
  }

  /** Appends `bytes`, to be masked with `key` on the way out when it is given. */
  push(bytes: Uint8Array, key: Uint8Array | null = null): void {
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

  /**
   * The next bytes to write, at most `max` of them, or `undefined` when the
   * queue is empty. Nothing is consumed until {@link consume}.
   */
  peek(max = Number.MAX_SAFE_INTEGER): Uint8Array | undefined {
    const entries = this.#entries;
    if (entries instanceof Uint8Array) {
      if (!(max >= 1)) return undefined;
      const sent = this.#head;
      const end = Math.min(entries.length, sent + Math.floor(max));
      return sent === 0 && end === entries.length ? entries : entries.subarray(sent, end);
    }
    const entry = entries?.[this.#head];
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
    const lone = this.#entries;
    if (lone instanceof Uint8Array) {
      if (count > lone.length - this.#head) throw new RangeError("consumed more than was queued");
      this.#head += count;
      this.#queued -= count;
      if (this.#head === lone.length) this.clear();
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
