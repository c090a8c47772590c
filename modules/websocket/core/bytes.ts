/** Byte-string helpers shared by the core. */

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
