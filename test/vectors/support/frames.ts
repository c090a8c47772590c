/**
 * An independent, deliberately simple frame codec for the vectors (RFC 6455
 * §5.2): `encodeFrame` builds any frame, including invalid ones, to feed a
 * connection; `decodeFrames` reads back what a connection wrote. It shares no
 * code with the core, so the core's bytes are checked against a second
 * reading of the RFC, not against themselves.
 */

/** Opcodes, spelled out here rather than imported. */
export const OP = { cont: 0x0, text: 0x1, binary: 0x2, close: 0x8, ping: 0x9, pong: 0xa } as const;

/** What to put in a frame. Every field can be set to a value the RFC forbids. */
export interface FrameSpec {
  opcode: number;
  payload?: Uint8Array;
  /** Default true. */
  fin?: boolean;
  /** RSV bits as the top bits of the first byte (0x40, 0x20, 0x10). */
  rsv?: number;
  /** Masking key (the frame is masked), or null/absent for an unmasked frame. */
  key?: Uint8Array | null;
  /** Announce this length instead of the payload's (the payload bytes are still the given ones). */
  length?: number;
  /** Force a length form: 7-bit, 16-bit (126) or 64-bit (127). Default: the shortest. */
  form?: 7 | 16 | 64;
}

/** The bytes of one frame. */
export function encodeFrame(spec: FrameSpec): Uint8Array {
  const payload = spec.payload ?? new Uint8Array(0);
  const length = spec.length ?? payload.length;
  const key = spec.key ?? null;
  const form = spec.form ?? (length < 126 ? 7 : length < 0x10000 ? 16 : 64);
  const header: number[] = [((spec.fin ?? true) ? 0x80 : 0) | (spec.rsv ?? 0) | spec.opcode];
  const maskBit = key === null ? 0 : 0x80;
  if (form === 7) {
    header.push(maskBit | length);
  } else if (form === 16) {
    header.push(maskBit | 126, (length >> 8) & 0xff, length & 0xff);
  } else {
    header.push(maskBit | 127);
    const high = Math.floor(length / 0x100000000);
    const low = length % 0x100000000;
    for (let shift = 24; shift >= 0; shift -= 8) header.push(Math.floor(high / 2 ** shift) & 0xff);
    for (let shift = 24; shift >= 0; shift -= 8) header.push(Math.floor(low / 2 ** shift) & 0xff);
  }
  if (key !== null) header.push(key[0]!, key[1]!, key[2]!, key[3]!);
  const out = new Uint8Array(header.length + payload.length);
  out.set(header);
  for (let i = 0; i < payload.length; i++) out[header.length + i] = key === null ? payload[i]! : payload[i]! ^ key[i % 4]!;
  return out;
}

/** A frame as read back from bytes. `payload` is unmasked. */
export interface WireFrame {
  fin: boolean;
  rsv: number;
  opcode: number;
  masked: boolean;
  key: Uint8Array | null;
  /** The length form the frame used: 7, 16 or 64. */
  form: 7 | 16 | 64;
  payload: Uint8Array;
}

/** Reads every frame of `bytes`; fails if the bytes end inside a frame. */
export function decodeFrames(bytes: Uint8Array): WireFrame[] {
  const frames: WireFrame[] = [];
  let pos = 0;
  const need = (n: number): void => {
    if (pos + n > bytes.length) throw new Error(`decodeFrames: ${bytes.length - pos} bytes left, a frame needs ${n} more at offset ${pos}`);
  };
  while (pos < bytes.length) {
    need(2);
    const b0 = bytes[pos]!;
    const b1 = bytes[pos + 1]!;
    pos += 2;
    let length = b1 & 0x7f;
    let form: 7 | 16 | 64 = 7;
    if (length === 126) {
      need(2);
      length = bytes[pos]! * 256 + bytes[pos + 1]!;
      pos += 2;
      form = 16;
    } else if (length === 127) {
      need(8);
      length = 0;
      for (let i = 0; i < 8; i++) length = length * 256 + bytes[pos + i]!;
      pos += 8;
      form = 64;
    }
    const masked = (b1 & 0x80) !== 0;
    let key: Uint8Array | null = null;
    if (masked) {
      need(4);
      key = bytes.slice(pos, pos + 4);
      pos += 4;
    }
    need(length);
    const payload = bytes.slice(pos, pos + length);
    if (key !== null) for (let i = 0; i < payload.length; i++) payload[i]! ^= key[i % 4]!;
    pos += length;
    frames.push({ fin: (b0 & 0x80) !== 0, rsv: b0 & 0x70, opcode: b0 & 0x0f, masked, key, form, payload });
  }
  return frames;
}

/** The status code of a close frame's payload, or undefined for an empty one. */
export function closeCodeOfFrame(frame: WireFrame): number | undefined {
  return frame.payload.length >= 2 ? frame.payload[0]! * 256 + frame.payload[1]! : undefined;
}

/** A close payload: 2-byte code then the reason bytes. */
export function closePayload(code: number, reason: Uint8Array = new Uint8Array(0)): Uint8Array {
  return concat(new Uint8Array([code >> 8, code & 0xff]), reason);
}

/** Concatenates byte arrays. */
export function concat(...parts: Uint8Array[]): Uint8Array {
  return join(parts);
}

/** Concatenates an array of byte arrays (no spread: thousands of arguments overflow the XS stack). */
export function join(parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/**
 * The bytes of a string of code points below 256 (HTTP heads, ASCII text).
 * Walks the string with its iterator: on XS, whose strings are UTF-8 inside,
 * `charCodeAt(i)` costs O(i) and a loop over it is quadratic.
 */
export function ascii(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  let i = 0;
  for (const ch of text) {
    const c = ch.charCodeAt(0);
    if (c > 0xff || ch.length !== 1) throw new Error(`ascii: code unit ${c} at ${i}`);
    out[i++] = c;
  }
  return out;
}

/** Bytes read as Latin-1 characters. */
export function latin1(bytes: Uint8Array): string {
  const parts: string[] = [];
  for (let i = 0; i < bytes.length; i += 1024) parts.push(String.fromCharCode.apply(null, Array.from(bytes.subarray(i, i + 1024))));
  return parts.join("");
}

/** `length` bytes of a recognisable pattern (offset-dependent, so misplaced bytes show). */
export function pattern(length: number, salt = 0): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = (i * 31 + (i >> 8) * 7 + salt) & 0xff;
  return out;
}

/** A string of `length` ASCII characters with a recognisable pattern. */
export function asciiText(length: number, salt = 0): string {
  const codes: number[] = [];
  for (let i = 0; i < length; i++) codes.push(0x20 + ((i * 7 + salt) % 95));
  return latin1(Uint8Array.from(codes));
}

/**
 * A text of exactly `byteLength` bytes of UTF-8, mostly 3-byte characters
 * (U+0800 and up), and its UTF-8 bytes, built here without the core's encoder.
 */
export function utf8Text(byteLength: number, salt = 0): { text: string; bytes: Uint8Array } {
  const bytes = new Uint8Array(byteLength);
  const parts: string[] = [];
  let o = 0;
  for (let i = 0; o + 3 <= byteLength; i++) {
    const cp = 0x800 + ((i * 37 + salt) % 0x7000); // U+0800–U+77FF: no surrogates
    bytes[o++] = 0xe0 | (cp >> 12);
    bytes[o++] = 0x80 | ((cp >> 6) & 0x3f);
    bytes[o++] = 0x80 | (cp & 0x3f);
    parts.push(String.fromCharCode(cp));
  }
  if (byteLength - o === 2) {
    bytes.set([0xc3, 0xa9], o); // é
    parts.push("é");
  } else if (byteLength - o === 1) {
    bytes[o] = 0x61;
    parts.push("a");
  }
  return { text: parts.join(""), bytes };
}

/** Whether two byte arrays are equal (for use inside checks). */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
