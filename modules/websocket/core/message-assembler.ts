/**
 * Turns frames into messages (RFC 6455 §5.4, §5.6, §8.1): enforces the
 * fragmentation rules and the message size limit, validates text as UTF-8
 * piece by piece, and collects control frame payloads.
 *
 * Whole-message delivery copies as little as it can: a single-frame binary
 * message that arrived in one chunk is handed on as a view of that chunk;
 * one that spanned chunks is copied once, into a buffer of its announced
 * length. Streaming delivery hands on every piece as it arrives.
 */
import { concatBytes } from "./bytes";
import { ProtocolError } from "./errors";
import type { FrameHeader, FrameSink } from "./frame-parser";
import { Opcode, isControlOpcode } from "./opcode";
import { textCodec, type Utf8Decoder } from "./utf8";

/**
 * Where messages go (the connection's handler itself: one object, no
 * closures per connection). Views may be kept: they point into chunks the
 * connection owns.
 */
export interface MessageEvents {
  /** A whole text message. */
  onText?(text: string): void;
  /** A whole binary message. */
  onBinary?(data: Uint8Array): void;
  /** Streaming mode: the next piece of a message; `last` on its final piece. */
  onChunk?(data: string | Uint8Array, binary: boolean, last: boolean): void;
}

/**
 * Where whole control frames (close, ping or pong) go: the connection itself,
 * through this method, so that no closure is made per connection.
 */
export interface ControlFrameSink {
  onControlFrame(opcode: number, payload: Uint8Array): void;
}

const EMPTY = new Uint8Array(0);
/** No text yet. A constant, not a literal in per-connection code: XS copies a string literal into the heap each time it is evaluated, unless the module is preloaded. */
const NO_TEXT = "";

/** See the module comment. Helpers are TS-`private`, not `#` methods: XS gives every instance a slot per `#` method. */
export class MessageAssembler implements FrameSink {
  readonly #events: MessageEvents;
  readonly #control: ControlFrameSink;
  readonly #maxMessageSize: number;
  readonly #streaming: boolean;
  /** Opcode of the message in progress (text or binary), or 0 when none. */
  #messageOpcode = 0;
  #messageSize = 0;
  #frameReceived = 0;
  #decoder: Utf8Decoder | undefined;
  #text = NO_TEXT;
  /** Binary pieces of the message in progress; made for the first one (an idle connection has none). */
  #parts: Uint8Array[] | undefined;
  /** A frame payload being copied together, when it spans chunks. */
  #frameBuffer: Uint8Array | undefined;

  constructor(maxMessageSize: number, streaming: boolean, events: MessageEvents, control: ControlFrameSink) {
    this.#maxMessageSize = maxMessageSize;
    this.#streaming = streaming;
    this.#events = events;
    this.#control = control;
  }

  /** Whether a fragmented message is in progress. */
  get inMessage(): boolean {
    return this.#messageOpcode !== 0;
  }

  onFrameStart(header: FrameHeader): void {
    this.#frameReceived = 0;
    this.#frameBuffer = undefined;
    if (isControlOpcode(header.opcode)) return;
    if (header.opcode === Opcode.Continuation) {
      // §5.4: a continuation needs a message to continue.
      if (this.#messageOpcode === 0) throw new ProtocolError("WS_ERR_UNEXPECTED_CONTINUATION");
    } else {
      // §5.4: the fragments of one message are not interleaved with another's.
      if (this.#messageOpcode !== 0) throw new ProtocolError("WS_ERR_EXPECTED_CONTINUATION");
      this.#messageOpcode = header.opcode;
      this.#messageSize = 0;
      if (header.opcode === Opcode.Text) this.#decoder ??= textCodec().createDecoder();
    }
    if (this.#messageSize + header.length > this.#maxMessageSize) {
      throw new ProtocolError("WS_ERR_MESSAGE_TOO_BIG", `${this.#messageSize + header.length} > ${this.#maxMessageSize}`);
    }
    this.#messageSize += header.length;
  }

  onFramePayload(chunk: Uint8Array, header: FrameHeader): void {
    const offset = this.#frameReceived;
    this.#frameReceived += chunk.length;
    const frameDone = this.#frameReceived === header.length;
    if (isControlOpcode(header.opcode)) {
      this.collect(chunk, offset, header.length);
      return;
    }
    if (this.#messageOpcode === Opcode.Text) {
      const text = this.decode(chunk);
      if (this.#streaming) {
        const last = header.fin && frameDone;
        this.#events.onChunk?.(last ? text + this.endText() : text, false, last);
      } else {
        this.#text += text;
      }
    } else if (this.#streaming) {
      this.#events.onChunk?.(chunk, true, header.fin && frameDone);
    } else {
      this.collect(chunk, offset, header.length);
    }
  }

  onFrameEnd(header: FrameHeader): void {
    const payload = this.#frameBuffer ?? EMPTY;
    this.#frameBuffer = undefined;
    if (isControlOpcode(header.opcode)) {
      this.#control.onControlFrame(header.opcode, payload);
      return;
    }
    if (this.#messageOpcode === Opcode.Binary && !this.#streaming && header.length > 0) (this.#parts ??= []).push(payload);
    if (!header.fin) return;
    const opcode = this.#messageOpcode;
    this.#messageOpcode = 0;
    if (this.#streaming) {
      // A final frame with no payload: its pieces never came, so say "last" here.
      if (header.length === 0) this.#events.onChunk?.(opcode === Opcode.Text ? this.endText() : EMPTY, opcode === Opcode.Binary, true);
    } else if (opcode === Opcode.Text) {
      const text = this.#text + this.endText();
      this.#text = NO_TEXT;
      this.#events.onText?.(text);
    } else {
      const parts = this.#parts;
      this.#parts = undefined;
      // An empty message has no parts: a new empty array, as a copy would be (never the shared EMPTY).
      this.#events.onBinary?.(parts === undefined ? new Uint8Array(0) : parts.length === 1 ? parts[0]! : concatBytes(parts, this.#messageSize));
    }
  }

  /** Gathers a frame payload: a view when it arrives whole, else one copy into a buffer of its length. */
  private collect(chunk: Uint8Array, offset: number, length: number): void {
    if (offset === 0 && chunk.length === length) {
      this.#frameBuffer = chunk;
      return;
    }
    this.#frameBuffer ??= new Uint8Array(length);
    this.#frameBuffer.set(chunk, offset);
  }

  private decode(chunk: Uint8Array): string {
    const text = this.#decoder!.write(chunk);
    // §8.1: fail as soon as an invalid sequence arrives.
    if (text === null) throw new ProtocolError("WS_ERR_INVALID_UTF8");
    return text;
  }

  private endText(): string {
    const tail = this.#decoder!.end();
    if (tail === null) throw new ProtocolError("WS_ERR_INVALID_UTF8", "message ends inside a sequence");
    return tail;
  }
}
