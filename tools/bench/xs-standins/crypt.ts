/**
 * Stand-in for the SDK's `crypt` module in the XS bench bundles: `Digest`
 * with "SHA1" only, over the test suite's pure-JS SHA-1 (on the device the
 * digest is native C and holds no JS heap between calls).
 */
import { sha1 } from "../../../test/vectors/support/sha1";

export class Digest {
  private parts: Uint8Array[] = [];

  constructor(algorithm: string) {
    if (algorithm !== "SHA1") throw new Error(`stand-in Digest: ${algorithm} not supported`);
  }

  write(data: string | ArrayBuffer | ArrayBufferView): void {
    if (typeof data === "string") this.parts.push(new TextEncoder().encode(data));
    else if (data instanceof ArrayBuffer) this.parts.push(new Uint8Array(data.slice(0)));
    else this.parts.push(new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength)));
  }

  close(): ArrayBuffer {
    let length = 0;
    for (const part of this.parts) length += part.length;
    const all = new Uint8Array(length);
    let at = 0;
    for (const part of this.parts) {
      all.set(part, at);
      at += part.length;
    }
    this.parts = [];
    return sha1(all).slice().buffer as ArrayBuffer;
  }
}
