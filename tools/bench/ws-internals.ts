/**
 * Typed access to the parts of `ws` the codec bench compares against, which
 * `@types/ws` does not describe: its `Receiver` (a Writable stream that
 * parses frames), `Sender.frame` (serialize + mask), and the `unmask` its
 * receiver uses. Signatures are those of the installed ws (8.x), read from
 * `node_modules/ws/lib/receiver.js`, `sender.js` and `buffer-util.js`.
 */
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { EventEmitter } from "node:events";
import * as ws from "ws";

/** `new Receiver(options)` (receiver.js). */
export interface WsReceiverOptions {
  isServer?: boolean;
  maxPayload?: number;
  skipUTF8Validation?: boolean;
  binaryType?: "nodebuffer" | "arraybuffer" | "fragments" | "blob";
  allowSynchronousEvents?: boolean;
}

/** The receiver: `write(chunk)` parses; `'message'` (data, isBinary) per message. */
export interface WsReceiver extends EventEmitter {
  write(chunk: Buffer): boolean;
}

/** Options of `Sender.frame` (sender.js). */
export interface WsFrameOptions {
  fin: boolean;
  mask: boolean;
  opcode: number;
  readOnly: boolean;
  rsv1: boolean;
  maskBuffer?: Buffer;
  generateMask?: (mask: Buffer) => void;
}

const lib = ws as unknown as {
  Receiver: new (options?: WsReceiverOptions) => WsReceiver;
  Sender: { frame(data: Buffer, options: WsFrameOptions): Buffer[] };
};

/** ws's frame parser. */
export const Receiver = lib.Receiver;

/** ws's frame serializer: returns the buffers to write (`[frame]` or `[header, maskedData]`). */
export const frame: (data: Buffer, options: WsFrameOptions) => Buffer[] = (data, options) => lib.Sender.frame(data, options);

const require = createRequire(import.meta.url);
const wsDir = dirname(require.resolve("ws"));
const bufferUtil = require(join(wsDir, "lib", "buffer-util.js")) as { unmask(buffer: Buffer, mask: Buffer): void };

/** The `unmask` ws's receiver uses in this installation. */
export const wsUnmask: (buffer: Buffer, mask: Buffer) => void = bufferUtil.unmask;

/** Which masking ws uses here: Node's built-in, the `bufferutil` addon, or its plain JS per-byte loop. */
export function wsMaskingKind(): string {
  if (typeof (require("node:http") as { websocketMask?: unknown }).websocketMask === "function") return "node:http websocketMask (native)";
  try {
    require.resolve("bufferutil", { paths: [wsDir] });
    return "bufferutil (native addon)";
  } catch {
    return "plain JS per-byte loop (no bufferutil)";
  }
}

/** The installed ws version. */
export const wsVersion: string = (require(join(wsDir, "package.json")) as { version: string }).version;
