/**
 * The fragments of one `sendBinaryStream` message: the bytes of a
 * {@link BinarySource} cut into copied pieces of at most the fragment size,
 * read one piece ahead so that the last fragment is known when it is sent.
 */
import { ConnectionState, type Connection } from "../core/connection";
import type { BinarySource } from "./channel-types";

const EMPTY = new Uint8Array(0);

/** One binary message read from its source fragment by fragment, as the send queue drains. */
export class BinaryStream {
  /** The next fragment-sized piece, or undefined at the end. */
  readonly #pull: () => Uint8Array | undefined;
  /** A piece read ahead (to know whether the one before it is the last). */
  #held: Uint8Array | undefined;
  /** Whether the fragment last read is the message's last. */
  #finished = false;

  /** Reads `source` in fragments of at most `fragmentSize` bytes, at most `length` bytes in all (default: to its end). */
  constructor(source: BinarySource, fragmentSize: number, length?: number) {
    this.#pull = pieces(source, fragmentSize, length);
  }

  /**
   * Sends fragments on `connection` while `stillSending()` (its channel has
   * not dropped this stream), the connection is open and fewer than
   * `highWater` bytes are queued. Calls `ended` once the last fragment is
   * sent, or when the source fails: the connection is then closed with 1011
   * and what the source threw is rethrown unless it is an Error.
   */
  pump(connection: Connection, highWater: number, stillSending: () => boolean, ended: () => void): void {
    try {
      while (stillSending() && connection.state === ConnectionState.Open && connection.bufferedAmount < highWater) {
        const fragment = this.nextFragment();
        const last = this.#finished;
        connection.sendBinary(fragment, last);
        if (last) ended();
      }
    } catch (error) {
      ended();
      if (connection.state === ConnectionState.Open) connection.close(1011, "stream failed");
      if (!(error instanceof Error)) throw error;
    }
  }

  /** The next fragment (empty only for an empty source), and whether it is the last in {@link #finished}. */
  private nextFragment(): Uint8Array {
    const current = this.#held ?? this.#pull();
    this.#held = undefined;
    const next = current === undefined ? undefined : this.#pull();
    this.#held = next;
    this.#finished = next === undefined;
    return current ?? EMPTY;
  }
}

/** A chunk of a source as bytes (a view of an ArrayBuffer, not a copy). */
function toBytes(chunk: Uint8Array | ArrayBuffer): Uint8Array {
  return chunk instanceof Uint8Array ? chunk : new Uint8Array(chunk);
}

/** Turns a {@link BinarySource} into a puller of copied pieces of at most `size` bytes, `limit` bytes in all. */
function pieces(source: BinarySource, size: number, limit = Number.POSITIVE_INFINITY): () => Uint8Array | undefined {
  let fetch: (max: number) => Uint8Array | undefined;
  if (typeof (source as { read?: unknown }).read === "function") {
    const reader = source as { read(max: number): Uint8Array | ArrayBuffer | undefined };
    fetch = (max) => {
      const chunk = reader.read(max);
      return chunk === undefined ? undefined : toBytes(chunk);
    };
  } else {
    const iterator: Iterator<Uint8Array | ArrayBuffer> =
      typeof (source as Iterable<unknown>)[Symbol.iterator] === "function"
        ? (source as Iterable<Uint8Array | ArrayBuffer>)[Symbol.iterator]()
        : (source as Iterator<Uint8Array | ArrayBuffer>);
    fetch = () => {
      const step = iterator.next();
      return step.done === true ? undefined : toBytes(step.value);
    };
  }
  let remaining = limit;
  let residual: Uint8Array = EMPTY;
  let ended = false;
  return () => {
    if (remaining <= 0) return undefined;
    while (residual.length === 0) {
      if (ended) return undefined;
      const chunk = fetch(Math.min(size, remaining));
      if (chunk === undefined) {
        ended = true;
        return undefined;
      }
      residual = chunk;
    }
    const piece = residual.slice(0, Math.min(size, remaining)); // a copy: the source may reuse its buffer
    residual = residual.subarray(piece.length);
    remaining -= piece.length;
    return piece;
  };
}
