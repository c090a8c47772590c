/**
 * XS entry of `fast-paths.spec.ts`: `runOnXs("test/device/xs-fast-paths-entry.ts", "runFastPathChecks")`.
 * xsnap's `TextDecoder` and `TextEncoder` are the Moddable SDK's C modules
 * (textdecoder.c, textencoder.c), so this runs the device's decoder.
 */
import type { TextDecoderClass, TextEncoderLike } from "../../modules/websocket/core/utf8";
import { checkHeldBack, checkMask, checkTextCodec } from "./fast-paths-cases";

export function runFastPathChecks(): { mask: string[]; heldBack: string[]; text: string[]; decoder: string } {
  const g = globalThis as { TextDecoder?: TextDecoderClass; TextEncoder?: new () => TextEncoderLike };
  if (g.TextDecoder === undefined || g.TextEncoder === undefined) throw new Error("no TextDecoder/TextEncoder on this XS");
  return { mask: checkMask(), heldBack: checkHeldBack(), text: checkTextCodec(g.TextDecoder, g.TextEncoder), decoder: String(g.TextDecoder) };
}
