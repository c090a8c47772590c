/**
 * A device-wide memory accountant: one per device for the bytes the library
 * holds across all its connections, clients and servers alike (each
 * connection's fixed cost, receive assembly, send queues, HTTP head buffers).
 *
 * It allocates nothing itself. A holder asks {@link MemoryBudget.tryReserve}
 * before it allocates, and gives the bytes back with
 * {@link MemoryBudget.release} when it lets them go. When the answer is no,
 * the holder refuses what it was asked to do (HTTP 503 for a connection,
 * close code 1013 for a message, an error for a send): the device declines
 * what it cannot afford instead of exhausting its heap.
 *
 * Pure: no host API, so the same accountant runs on XS and on Node.
 */

/**
 * The default limit, for an ESP32 with the Moddable SDK's fixed XS heap
 * (`creation.chunk` 78,848 bytes, `creation.heap` 4,928 slots of 16 bytes).
 * Assumed, not yet measured on a device: the library's bytes (array buffers
 * and strings) live in the 78,848-byte chunk heap, of which about 10 KiB is
 * left to the application, the SDK's modules and XS itself, so the library
 * may hold 68 KiB. Replace it with the figure measured on the device
 * (docs/device.md).
 */
export const ESP32_MEMORY_BUDGET_BYTES = 68 * 1024;

/**
 * What one connection costs the budget for its own objects before any
 * message (the ESP32 estimate of an open connection with its socket
 * objects, after one echo, from `npm run bench -- device`, rounded up).
 */
export const CONNECTION_COST = 2560;

/** See the module comment. */
export class MemoryBudget {
  /** The most bytes that may be reserved at once. */
  readonly limit: number;
  #used = 0;
  #peak = 0;

  /** `limit` in bytes, a non-negative safe integer; the ESP32 default when omitted. */
  constructor(limit: number = ESP32_MEMORY_BUDGET_BYTES) {
    if (!Number.isSafeInteger(limit) || limit < 0) throw new RangeError(`memory budget must be a non-negative integer, got ${String(limit)}`);
    this.limit = limit;
  }

  /** Bytes reserved now. */
  get used(): number {
    return this.#used;
  }

  /** Bytes that may still be reserved. */
  get available(): number {
    return this.limit - this.#used;
  }

  /** The most bytes ever reserved at once (for benches and device reports). */
  get peak(): number {
    return this.#peak;
  }

  /**
   * Reserves `bytes` if they fit under the limit and returns true; otherwise
   * reserves nothing and returns false. Zero always fits.
   */
  tryReserve(bytes: number): boolean {
    if (bytes >>> 0 !== bytes) checkCount(bytes); // the common case, a count under 2^32, needs no call
    const used = this.#used + bytes;
    if (used > this.limit) return false;
    this.#used = used;
    if (used > this.#peak) this.#peak = used;
    return true;
  }

  /**
   * Gives back `bytes` reserved earlier. Releasing more than is reserved is
   * a bookkeeping bug of the caller, and throws rather than hide it.
   */
  release(bytes: number): void {
    if (bytes >>> 0 !== bytes) checkCount(bytes);
    if (bytes > this.#used) throw new RangeError(`memory budget: releasing ${bytes} bytes, only ${this.#used} reserved`);
    this.#used -= bytes;
  }
}

function checkCount(bytes: number): void {
  if (!Number.isSafeInteger(bytes) || bytes < 0) throw new RangeError(`memory budget: byte count must be a non-negative integer, got ${String(bytes)}`);
}
