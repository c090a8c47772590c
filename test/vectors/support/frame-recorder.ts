/** A frame sink that records what a parser finds, payload pieces joined. */
import { FrameParser, type FrameHeader, type FrameSink } from "../../../modules/websocket/core/frame-parser";
import { concatAll } from "./split";

/** One frame as a parser reported it. */
export interface RecordedFrame {
  fin: boolean;
  rsv: number;
  opcode: number;
  masked: boolean;
  length: number;
  payload: Uint8Array;
}

/** Records frames; checks that the payload pieces add up to the announced length. */
export class FrameRecorder implements FrameSink {
  readonly frames: RecordedFrame[] = [];
  #pieces: Uint8Array[] = [];

  onFrameStart(): void {
    this.#pieces = [];
  }

  onFramePayload(chunk: Uint8Array): void {
    this.#pieces.push(chunk.slice());
  }

  onFrameEnd(header: FrameHeader): void {
    const payload = concatAll(this.#pieces);
    if (payload.length !== header.length) throw new Error(`payload of ${payload.length} bytes for a length of ${header.length}`);
    this.frames.push({ fin: header.fin, rsv: header.rsv, opcode: header.opcode, masked: header.masked, length: header.length, payload });
  }
}

/** Parses `chunks` with a fresh parser; returns the recorder. */
export function parseChunks(chunks: Uint8Array[], expectMasked: boolean, maxFrameSize = 1 << 20): FrameRecorder {
  const recorder = new FrameRecorder();
  const parser = new FrameParser({ expectMasked, maxFrameSize }, recorder);
  for (const chunk of chunks) parser.push(chunk);
  return recorder;
}
