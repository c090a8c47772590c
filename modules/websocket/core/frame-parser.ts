/**
 * The incremental frame parser (RFC 6455 §5.2): bytes in any chunking in,
 * frame headers and unmasked payload views out.
 *
 * An explicit state machine with one loop. Header bytes are read in place
 * when the header is whole in a chunk, and gather in an 8-byte buffer when it
 * is split across chunks; payload bytes are never copied: each piece is
 * unmasked in place in the caller's chunk and handed on as a view. The parser
 * takes ownership of the chunks it is given.
 *
 * Frame-level rules are enforced here, as soon as the byte that breaks them
 * arrives, and always before anything is allocated for a frame. Rules that
 * need the message context (continuations, message size, UTF-8) belong to
 * the message assembler.
 */
import { ProtocolError } from "./errors";
import { applyMask } from "./mask";
import { isControlOpcode, isKnownOpcode } from "./opcode";

/** A parsed frame header. The parser reuses one object: copy what you keep. */
export interface FrameHeader {
  fin: boolean;
  /** The three RSV bits, as the top bits of the first byte (`0x70` mask). */
  rsv: number;
  opcode: number;
  masked: boolean;
  /** Payload length in bytes (at most 2^53 - 1; checked against the limit). */
  length: number;
}

/** Receives what the parser finds. A view handed to `onFramePayload` is valid only during the call. */
export interface FrameSink {
  onFrameStart(header: FrameHeader): void;
  onFramePayload(chunk: Uint8Array, header: FrameHeader): void;
  onFrameEnd(header: FrameHeader): void;
}

/** Options of a {@link FrameParser}. */
export interface FrameParserOptions {
  /** True at a server (every client frame is masked, §5.1), false at a client. */
  expectMasked: boolean;
  /** The largest payload one frame may announce, in bytes (→ 1009 past it). */
  maxFrameSize: number;
  /** RSV bits that a negotiated extension gives a meaning; 0 when none (§5.2). */
  allowedRsv?: number;
}

/** The parser's named states. */
export const ParserState = {
  Header: 0,
  Length16: 1,
  Length64: 2,
  MaskKey: 3,
  Payload: 4,
  /** Stopped for good: after an error or {@link FrameParser.halt}. */
  Halted: 5,
} as const;
export type ParserState = (typeof ParserState)[keyof typeof ParserState];

const TWO_TO_32 = 0x100000000;

/** See the module comment. */
export class FrameParser {
  #state: ParserState = ParserState.Header;
  readonly #sink: FrameSink;
  readonly #expectMasked: boolean;
  readonly #maxFrameSize: number;
  readonly #allowedRsv: number;
  /**
   * Header bytes split across chunks (up to the 8 of a 64-bit length), and
   * then, in bytes 0–3, the mask key of the frame whose payload is being read
   * (the mask functions read only the first four bytes of a key). The two
   * uses never overlap: a header is complete before its payload starts.
   * Made on first need, so an idle connection has none (and a client, whose
   * frames are unmasked, only when a header straddles two chunks).
   */
  #bytes: Uint8Array | undefined;
  /** Header bytes gathered in {@link #bytes}. */
  #gathered = 0;
  readonly #header: FrameHeader = { fin: false, rsv: 0, opcode: 0, masked: false, length: 0 };
  #received = 0;

  constructor(options: FrameParserOptions, sink: FrameSink) {
    this.#sink = sink;
    this.#expectMasked = options.expectMasked;
    this.#maxFrameSize = options.maxFrameSize;
    this.#allowedRsv = options.allowedRsv ?? 0;
  }

  /** The current state (for tests and diagnostics). */
  get state(): ParserState {
    return this.#state;
  }

  /** Between frames, holding no part of one: what it has been given is all parsed. */
  get idle(): boolean {
    return this.#state === ParserState.Header && this.#gathered === 0;
  }

  /** Stops parsing for good; later input is ignored. */
  halt(): void {
    this.#state = ParserState.Halted;
  }

  /**
   * Parses `chunk`, calling the sink for each header, payload piece and frame
   * end. Throws a {@link ProtocolError} at the first rule broken, after which
   * the parser is halted.
   */
  push(chunk: Uint8Array): void {
    try {
      this.run(chunk);
    } catch (error) {
      this.#state = ParserState.Halted;
      throw error;
    }
  }

  private run(chunk: Uint8Array): void {
    let pos = 0;
    const end = chunk.length;
    while (pos < end) {
      switch (this.#state) {
        case ParserState.Header:
          if (this.#gathered === 0 && end - pos >= 2) {
            pos = this.readWholeHeader(chunk, pos);
            break;
          }
          pos = this.gather(chunk, pos, 2);
          if (this.#gathered === 2) this.readFirstTwoBytes(this.#bytes![0]!, this.#bytes![1]!);
          break;
        case ParserState.Length16:
          pos = this.gather(chunk, pos, 2);
          if (this.#gathered === 2) this.setLength((this.#bytes![0]! << 8) | this.#bytes![1]!);
          break;
        case ParserState.Length64:
          pos = this.gather(chunk, pos, 8);
          if (this.#gathered === 8) this.readLength64(this.#bytes!, 0);
          break;
        case ParserState.MaskKey:
          pos = this.gather(chunk, pos, 4);
          if (this.#gathered === 4) this.startPayload(); // the key is in place, in bytes 0–3
          break;
        case ParserState.Payload: {
          const header = this.#header;
          const take = Math.min(header.length - this.#received, end - pos);
          const piece = chunk.subarray(pos, pos + take);
          if (header.masked) applyMask(piece, this.#bytes!, this.#received & 3);
          this.#received += take;
          pos += take;
          this.#sink.onFramePayload(piece, header);
          if (this.#state === ParserState.Payload && this.#received === header.length) this.endFrame();
          break;
        }
        default:
          return; // halted: the rest of the input is ignored
      }
    }
  }

  /** Copies bytes into {@link #bytes} until it holds `want`; returns the new position. */
  private gather(chunk: Uint8Array, pos: number, want: number): number {
    const bytes = (this.#bytes ??= new Uint8Array(8));
    let filled = this.#gathered;
    while (filled < want && pos < chunk.length) bytes[filled++] = chunk[pos++]!;
    this.#gathered = filled;
    return pos;
  }

  /**
   * The fast path: the first two bytes are in the chunk, so read them in
   * place, and the rest of the header too when it is all there (the common
   * case), gathering nothing. Returns the new position.
   */
  private readWholeHeader(chunk: Uint8Array, pos: number): number {
    this.readFirstTwoBytes(chunk[pos]!, chunk[pos + 1]!);
    pos += 2;
    const state = this.#state;
    const extra = state === ParserState.Length16 ? 2 : state === ParserState.Length64 ? 8 : 0;
    const keyLength = this.#header.masked ? 4 : 0;
    if (extra === 0 && keyLength === 0) return pos; // already in Payload (or done, for an empty frame)
    if (chunk.length - pos < extra + keyLength) return pos; // the slow path gathers the rest
    if (extra === 2) {
      this.setLength((chunk[pos]! << 8) | chunk[pos + 1]!);
      pos += 2;
    } else if (extra === 8) {
      this.readLength64(chunk, pos);
      pos += 8;
    }
    if (keyLength === 4) {
      const key = (this.#bytes ??= new Uint8Array(8));
      key[0] = chunk[pos]!;
      key[1] = chunk[pos + 1]!;
      key[2] = chunk[pos + 2]!;
      key[3] = chunk[pos + 3]!;
      this.startPayload();
      pos += 4;
    }
    return pos;
  }

  private readFirstTwoBytes(b0: number, b1: number): void {
    const header = this.#header;
    header.fin = (b0 & 0x80) !== 0;
    header.rsv = b0 & 0x70;
    header.opcode = b0 & 0x0f;
    header.masked = (b1 & 0x80) !== 0;
    const length7 = b1 & 0x7f;
    // §5.2: RSV bits must be 0 unless an extension defines them.
    if ((header.rsv & ~this.#allowedRsv) !== 0) throw new ProtocolError("WS_ERR_UNEXPECTED_RSV", `0x${header.rsv.toString(16)}`);
    if (!isKnownOpcode(header.opcode)) throw new ProtocolError("WS_ERR_INVALID_OPCODE", `0x${header.opcode.toString(16)}`);
    if (isControlOpcode(header.opcode)) {
      // §5.5: control frames are never fragmented and carry at most 125 bytes.
      if (!header.fin) throw new ProtocolError("WS_ERR_FRAGMENTED_CONTROL");
      if (length7 > 125) throw new ProtocolError("WS_ERR_CONTROL_TOO_LONG");
    }
    // §5.1: a client masks every frame; a server masks none.
    if (header.masked !== this.#expectMasked) {
      throw new ProtocolError(this.#expectMasked ? "WS_ERR_EXPECTED_MASK" : "WS_ERR_UNEXPECTED_MASK");
    }
    this.#gathered = 0;
    if (length7 === 126) this.#state = ParserState.Length16;
    else if (length7 === 127) this.#state = ParserState.Length64;
    else this.setLength(length7);
  }

  /** Reads the 64-bit length at `at` in `s` (the chunk, or the gathered bytes). */
  private readLength64(s: Uint8Array, at: number): void {
    const high = ((s[at]! << 24) | (s[at + 1]! << 16) | (s[at + 2]! << 8) | s[at + 3]!) >>> 0;
    const low = ((s[at + 4]! << 24) | (s[at + 5]! << 16) | (s[at + 6]! << 8) | s[at + 7]!) >>> 0;
    // §5.2: the most significant bit of a 64-bit length must be 0.
    if (high >= 0x80000000) throw new ProtocolError("WS_ERR_INVALID_LENGTH");
    // Lengths past 2^53 cannot be represented, and are over any limit anyway.
    this.setLength(high > 0x1fffff ? Number.MAX_SAFE_INTEGER + 1 : high * TWO_TO_32 + low);
  }

  private setLength(length: number): void {
    if (length > this.#maxFrameSize) {
      throw new ProtocolError("WS_ERR_FRAME_TOO_BIG", `${length} > ${this.#maxFrameSize}`);
    }
    this.#header.length = length;
    this.#gathered = 0;
    if (this.#header.masked) this.#state = ParserState.MaskKey;
    else this.startPayload();
  }

  private startPayload(): void {
    this.#gathered = 0;
    this.#received = 0;
    this.#state = ParserState.Payload;
    this.#sink.onFrameStart(this.#header);
    if (this.#state === ParserState.Payload && this.#header.length === 0) this.endFrame();
  }

  private endFrame(): void {
    this.#state = ParserState.Header;
    this.#sink.onFrameEnd(this.#header);
  }
}

/**
 * The connection's fast path (see `Connection.receive`) asks this of the
 * frame at `pos`: is it one it may take whole, in place? That is a final
 * frame with no RSV bits, of a text, binary or control opcode, whose mask bit
 * is `masked`, whose length is in the 7- or 16-bit form, at most `maxLength`
 * (and 125 for a control frame, §5.5), and whose bytes are all in `chunk`.
 * Returns the offset of its payload, or -1 for any other frame: the parser
 * reads that one, and reports whatever rule it breaks.
 */
export function wholeFramePayload(chunk: Uint8Array, pos: number, masked: boolean, maxLength: number): number {
  const b0 = chunk[pos]!;
  const b1 = chunk[pos + 1]!;
  if ((b0 & 0xf0) !== 0x80 || (b1 & 0x80) !== (masked ? 0x80 : 0)) return -1;
  const opcode = b0 & 0x0f;
  let length = b1 & 0x7f;
  if (opcode >= 0x8 ? opcode > 0xa || length > 125 : opcode === 0 || opcode > 2) return -1;
  let at = pos + 2;
  if (length === 126) {
    if (chunk.length < at + 2) return -1;
    length = (chunk[at]! << 8) | chunk[at + 1]!;
    at += 2;
  } else if (length === 127) {
    return -1;
  }
  if (masked) at += 4;
  return length <= maxLength && at + length <= chunk.length ? at : -1;
}
