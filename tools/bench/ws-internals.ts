/**
 * The `ws` contenders of the bench, two of them in this one process:
 *
 * - "ws"     ws (pure JS): loaded with `WS_NO_BUFFER_UTIL` and
 *            `WS_NO_UTF_8_VALIDATE` set, so it masks with its own JS loop;
 * - "ws+bu"  ws + bufferutil/utf-8-validate: loaded with both optional
 *            addons installed and allowed, as ws's README recommends.
 *
 * ws reads those variables once, when its lib/buffer-util.js and
 * lib/validation.js are first loaded, so each variant is its own module
 * instance: its files are dropped from the CommonJS cache, loaded under the
 * variant's environment, and dropped again (the instance lives on through
 * the references kept here). {@link loadedAddons} says what each instance
 * really uses: with Node ≥ 18.14 ws validates UTF-8 with the built-in
 * `buffer.isUtf8` and never loads utf-8-validate, whatever is installed.
 *
 * Also typed access to the parts of ws that `@types/ws` does not describe
 * (its `Receiver`, `Sender.frame`, and the `unmask` its receiver uses), read
 * from `node_modules/ws/lib/receiver.js`, `sender.js` and `buffer-util.js`.
 */
import { createRequire } from "node:module";
import { dirname, join, sep } from "node:path";
import type { EventEmitter } from "node:events";
import type * as WsModule from "ws";

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

/** Which ws build: pure JS, or with the optional native addons. */
export type WsKind = "pure" | "addons";

/** One loaded ws instance. */
export interface WsVariant {
  readonly kind: WsKind;
  /** Short name for tables: "ws" or "ws+bu". */
  readonly name: string;
  /** The label for legends: "ws (pure JS)" or "ws + bufferutil/utf-8-validate". */
  readonly label: string;
  readonly WebSocket: typeof WsModule.WebSocket;
  readonly WebSocketServer: typeof WsModule.WebSocketServer;
  /** ws's frame parser. */
  readonly Receiver: new (options?: WsReceiverOptions) => WsReceiver;
  /** ws's frame serializer: returns the buffers to write (`[frame]` or `[header, maskedData]`). */
  readonly frame: (data: Buffer, options: WsFrameOptions) => Buffer[];
  /** The `unmask` this instance's receiver uses. */
  readonly unmask: (buffer: Buffer, mask: Buffer) => void;
  /** How this instance masks and validates UTF-8, from what it loaded. */
  readonly masking: string;
  readonly utf8: string;
}

const require = createRequire(import.meta.url);
const wsDir = dirname(require.resolve("ws"));
const addonDirs = ["bufferutil", "utf-8-validate"].map((name) => dirname(require.resolve(name)));

/** The installed ws version. */
export const wsVersion: string = (require(join(wsDir, "package.json")) as { version: string }).version;

function forgetWs(): void {
  for (const key of Object.keys(require.cache)) {
    if (key.startsWith(wsDir + sep) || addonDirs.some((dir) => key.startsWith(dir + sep))) delete require.cache[key];
  }
}

function cachedUnder(dir: string, suffix: string): boolean {
  return Object.keys(require.cache).some((key) => key.startsWith(dir + sep) && key.endsWith(suffix));
}

const variants = new Map<WsKind, WsVariant>();

/** The ws instance of `kind` (loaded once). */
export function wsVariant(kind: WsKind): WsVariant {
  const known = variants.get(kind);
  if (known !== undefined) return known;
  const saved = { bu: process.env.WS_NO_BUFFER_UTIL, utf8: process.env.WS_NO_UTF_8_VALIDATE };
  forgetWs();
  if (kind === "pure") {
    process.env.WS_NO_BUFFER_UTIL = "1";
    process.env.WS_NO_UTF_8_VALIDATE = "1";
  } else {
    delete process.env.WS_NO_BUFFER_UTIL;
    delete process.env.WS_NO_UTF_8_VALIDATE;
  }
  try {
    const lib = require(join(wsDir, "index.js")) as typeof WsModule & {
      Receiver: WsVariant["Receiver"];
      Sender: { frame(data: Buffer, options: WsFrameOptions): Buffer[] };
    };
    const bufferUtil = require(join(wsDir, "lib", "buffer-util.js")) as { unmask(buffer: Buffer, mask: Buffer): void };
    const nativeHttpMask = typeof (require("node:http") as { websocketMask?: unknown }).websocketMask === "function";
    const bufferutilNative = cachedUnder(addonDirs[0]!, ".node");
    const bufferutilFallback = cachedUnder(addonDirs[0]!, "fallback.js");
    const utf8Native = cachedUnder(addonDirs[1]!, ".node");
    const isUtf8 = typeof (require("node:buffer") as { isUtf8?: unknown }).isUtf8 === "function";
    const masking = nativeHttpMask
      ? "node:http websocketMask (native)"
      : bufferutilNative
        ? "bufferutil native addon (payloads ≥ 32 B; JS loop below)"
        : bufferutilFallback
          ? "bufferutil's JS fallback (its native addon did not load)"
          : "ws's JS per-byte loop";
    const utf8 = isUtf8 ? "Node's buffer.isUtf8 (native; ws prefers it to utf-8-validate)" : utf8Native ? "utf-8-validate native addon" : "ws's JS validator";
    if (kind === "addons" && !bufferutilNative && !nativeHttpMask) throw new Error(`ws + bufferutil: the bufferutil native addon did not load (${masking})`);
    if (kind === "pure" && bufferutilNative) throw new Error("ws (pure JS): bufferutil was loaded despite WS_NO_BUFFER_UTIL");
    const variant: WsVariant = {
      kind,
      name: kind === "pure" ? "ws" : "ws+bu",
      label: kind === "pure" ? "ws (pure JS)" : "ws + bufferutil/utf-8-validate",
      WebSocket: lib.WebSocket,
      WebSocketServer: lib.WebSocketServer,
      Receiver: lib.Receiver,
      frame: (data, options) => lib.Sender.frame(data, options),
      unmask: bufferUtil.unmask,
      masking,
      utf8,
    };
    variants.set(kind, variant);
    return variant;
  } finally {
    for (const [name, value] of [["WS_NO_BUFFER_UTIL", saved.bu], ["WS_NO_UTF_8_VALIDATE", saved.utf8]] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    forgetWs();
  }
}

/** Both instances, pure JS first. */
export function wsVariants(): [WsVariant, WsVariant] {
  return [wsVariant("pure"), wsVariant("addons")];
}

/**
 * Whether the two addons load as native code here (each package ships
 * prebuilt binaries; nothing is downloaded): one line for the section headers.
 */
export function addonReport(): string {
  const parts = ["bufferutil", "utf-8-validate"].map((name, i) => {
    const dir = addonDirs[i]!;
    require(name);
    const binary = Object.keys(require.cache).find((key) => key.startsWith(dir + sep) && key.endsWith(".node"));
    forgetWs();
    return `${name} ${binary !== undefined ? `loads native (${binary.slice(dir.length + 1)})` : "did NOT load native (JS fallback)"}`;
  });
  return parts.join(", ");
}
