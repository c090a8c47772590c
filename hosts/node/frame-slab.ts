/**
 * The Node host's allocator for frames on their way to the socket (plugged
 * into the core by `register.ts`, see `useFrameAllocator`): views of 8 KiB
 * slabs, as Node's own Buffer pool hands out. V8 gives a typed array of
 * more than 64 bytes a backing store of its own, about a microsecond each; a
 * view of a slab costs tens of nanoseconds. A slab is never written twice:
 * once it is used up the next frame starts a new one, and the old one goes
 * with the last frame that views it. The device makes each frame with
 * `new Uint8Array`, which XS does cheaply and which pins nothing.
 */

const SLAB_SIZE = 8 * 1024;
let slab: ArrayBuffer | undefined;
let used = SLAB_SIZE;

/** `length` zero-filled bytes that nothing else writes: a view of the current slab, or an array of their own when large. */
export function slabFrameBytes(length: number): Uint8Array {
  if (length > SLAB_SIZE / 4) return new Uint8Array(length);
  if (used + length > SLAB_SIZE) {
    slab = new ArrayBuffer(SLAB_SIZE);
    used = 0;
  }
  const bytes = new Uint8Array(slab!, used, length); // as Node's pool does: a view made directly is cheaper than `subarray`
  used = (used + length + 7) & ~7; // the next frame starts on an 8-byte boundary: word-wise masking needs no lead-in
  return bytes;
}
