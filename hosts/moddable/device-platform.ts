/**
 * The device binding's fast paths, plugged into the protocol core with the
 * SDK's own modules:
 *
 * - masking on `Logical.xor` (modules/data/logical, native C), through
 *   {@link setMaskImplementation};
 * - UTF-8 on the native `TextDecoder` / `TextEncoder`
 *   (modules/data/text/decoder, …/encoder: fatal, streaming), through
 *   {@link useTextCodec}, with the tail check of {@link streamingTextCodec}
 *   that makes it fail at the first invalid byte.
 *
 * - the device-wide memory budget (`config.websocket.memoryBudget` from the
 *   manifest, or {@link ESP32_MEMORY_BUDGET_BYTES}), through
 *   {@link setMemoryBudget}: on Node there is no limit unless one is set.
 *
 * The SHA-1 (`crypt` Digest "SHA1"), the random source (`rng`), the timer
 * and the sockets need no glue: `modules/websocket/transport/platform.ts`
 * and the adapters import them by their SDK specifiers.
 *
 * Call {@link installDevicePlatform} once at start-up, at run time: it calls
 * native functions, which cannot run while the linker preloads modules. The
 * device entry (`hosts/moddable/main.ts` through `install.ts`) does it
 * before the app's module body runs. This module itself may be preloaded.
 */
import config from "mc/config";
import Logical from "logical";
import TextDecoder from "text/decoder";
import TextEncoder from "text/encoder";
import { setMaskImplementation } from "../../modules/websocket/core/mask";
import { useTextCodec, type TextDecoderClass } from "../../modules/websocket/core/utf8";
import { ESP32_MEMORY_BUDGET_BYTES } from "../../modules/websocket/core/memory-budget";
import { setMemoryBudget } from "../../modules/websocket/transport/platform";
import { logicalMask, streamingTextCodec, type XorFunction } from "./fast-paths";

/** What {@link installDevicePlatform} plugged in. */
export interface DevicePlatform {
  readonly mask: "Logical.xor";
  readonly text: "native";
  /** The memory budget's limit, in bytes. */
  readonly memoryBudget: number;
}

let installed: DevicePlatform | undefined;

/** Plugs the native masking and text codec into the core (once; later calls return the first result). */
export function installDevicePlatform(): DevicePlatform {
  if (installed !== undefined) return installed;
  setMaskImplementation(logicalMask(Logical.xor as XorFunction)); // the native function itself: no JS call between
  // The SDK types the label as "utf-8" only; the core passes exactly that.
  useTextCodec(streamingTextCodec(TextDecoder as unknown as TextDecoderClass, TextEncoder));
  const memoryBudget = config.websocket?.memoryBudget ?? ESP32_MEMORY_BUDGET_BYTES;
  setMemoryBudget(memoryBudget);
  installed = { mask: "Logical.xor", text: "native", memoryBudget };
  return installed;
}
