/**
 * Ways to cut a byte string into chunks, so that every fixture is parsed
 * whole, cut at every offset, and one byte at a time. Each chunk is a fresh
 * copy: parsers own (and may unmask in place) what they are given.
 */

/** Every chunking of `bytes` used by the split tests, with a label for messages. */
export function* chunkings(bytes: Uint8Array): Generator<[label: string, chunks: Uint8Array[]]> {
  yield ["whole", [bytes.slice()]];
  for (let cut = 1; cut < bytes.length; cut++) yield [`cut at ${cut}`, [bytes.slice(0, cut), bytes.slice(cut)]];
  if (bytes.length > 2) yield ["byte by byte", Array.from(bytes, (b) => Uint8Array.of(b))];
}

/** Concatenates byte strings. */
export function concatAll(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** `length` bytes of a repeating pattern, for payloads. */
export function pattern(length: number, seed = 0): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = (i * 31 + seed * 7 + (i >> 8)) & 0xff;
  return out;
}
