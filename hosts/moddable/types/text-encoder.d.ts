/**
 * `text/encoder` — the Moddable SDK's TextEncoder module
 * (modules/data/text/encoder; include its manifest.json). Not a global on
 * the device: import it. The SDK's typing (typings/text/encoder.d.ts) is
 * right; this copy lets the device code type-check without the SDK.
 */
declare module "text/encoder" {
  export interface TextEncoderEncodeIntoResult {
    read: number;
    written: number;
  }
  export default class TextEncoder {
    constructor();
    /** The UTF-8 bytes of `input`. */
    encode(input: string): Uint8Array;
    encodeInto(source: string, destination: Uint8Array): TextEncoderEncodeIntoResult;
  }
}
