/**
 * The device binding's fast paths (hosts/moddable/fast-paths.ts): masking on
 * a native `xor` with `Logical.xor`'s semantics, and the text codec over the
 * SDK's native `TextDecoder` made to fail at the first invalid byte. Run on
 * V8, and on XS, where xsnap's decoder is the SDK's own C code.
 */
import assert from "node:assert/strict";
import type { TextDecoderClass } from "../../modules/websocket/core/utf8";
import { runOnXs } from "../xs/run-on-xs";
import { checkHeldBack, checkMask, checkTextCodec } from "./fast-paths-cases";

describe("device: fast paths", function () {
  it("Logical.xor masking equals the reference at every phase, alignment and length", () => {
    assert.deepEqual(checkMask(), []);
  });

  it("the held-back tail check follows the UTF-8 table", () => {
    assert.deepEqual(checkHeldBack(), []);
  });

  it("the native-decoder codec fails where the pure decoder fails (V8's TextDecoder)", () => {
    assert.deepEqual(checkTextCodec(TextDecoder as unknown as TextDecoderClass, TextEncoder), []);
  });

  it("…and on XS, with the SDK's C TextDecoder (xsnap)", async function () {
    this.timeout(120_000);
    const { value } = await runOnXs<{ mask: string[]; heldBack: string[]; text: string[] }>("test/device/xs-fast-paths-entry.ts", "runFastPathChecks");
    assert.deepEqual(value.mask, []);
    assert.deepEqual(value.heldBack, []);
    assert.deepEqual(value.text, []);
  });
});
