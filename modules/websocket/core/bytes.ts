/** Byte-string helpers shared by the core. */

/**
 * The plugged allocator for frames on their way to the socket, or
 * `undefined` for `new Uint8Array`. Not initialised with a function (see
 * mask.ts: the XS linker would make it a constant).
 */
let frameAllocator: ((length: number) => Uint8Array) | undefined;

/**
 * A zero-filled buffer of `length` bytes for a frame the connection queues
 * for its socket (never one handed to the application, which may keep it).
 * The device makes each with `new Uint8Array`; a host whose engine pays more
 * for many small arrays than for views of a large one plugs a slab in with
 * {@link useFrameAllocator}.
 */
export function frameBytes(length: number): Uint8Array {
  return frameAllocator === undefined ? new Uint8Array(length) : frameAllocator(length);
}

/**
 * Plugs an allocator for {@link frameBytes}: it must return `length`
 * zero-filled bytes that nothing else writes; `undefined` goes back to
 * `new Uint8Array`. Call once at start-up.
 */
export function useFrameAllocator(allocate: ((length: number) => Uint8Array) | undefined): void {
  frameAllocator = allocate;
}

/** The bytes of `parts` one after another, in one new buffer (`length` when the caller knows the total). */
export function concatBytes(parts: readonly Uint8Array[], length?: number): Uint8Array {
  let total = length ?? 0;
  if (length === undefined) for (const part of parts) total += part.length;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
