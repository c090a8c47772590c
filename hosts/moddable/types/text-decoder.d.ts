/**
 * `text/decoder` — the Moddable SDK's TextDecoder module
 * (modules/data/text/decoder/textdecoder.js + textdecoder.c; include
 * $(MODDABLE)/modules/data/text/decoder/manifest.json). Not a global on the
 * device: import it. The SDK's own typing (typings/text/decoder.d.ts) is
 * right; this copy lets the library's device code type-check without the SDK.
 *
 * Behaviour (textdecoder.c), UTF-8 only:
 * - `fatal: true`: an invalid complete sequence throws TypeError. With
 *   `{stream: true}` an incomplete last sequence is held back for the next
 *   call WITHOUT being checked — even one no byte can complete (0xFF, E0 80):
 *   see hosts/moddable/fast-paths.ts `streamingTextCodec`.
 * - `decode()` with no argument ends the stream: held bytes throw in fatal mode.
 * - `ignoreBOM: false` (default) drops a leading U+FEFF.
 * - A NUL byte decodes to U+0000 (kept as C0 80 inside XS strings).
 * Native: construct and decode at run time, not while preloading.
 */
declare module "text/decoder" {
  export interface TextDecoderOptions {
    fatal?: boolean;
    ignoreBOM?: boolean;
  }
  export interface TextDecodeOptions {
    stream?: boolean;
  }
  export default class TextDecoder {
    /** Only "utf-8" (the default); typed so, as in the SDK's typing. */
    constructor(label?: "utf-8", options?: TextDecoderOptions);
    decode(input?: ArrayBuffer | ArrayBufferView, options?: TextDecodeOptions): string;
    readonly encoding: string;
    readonly fatal: boolean;
    readonly ignoreBOM: boolean;
  }
}
