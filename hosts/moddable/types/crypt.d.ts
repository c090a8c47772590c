/**
 * `crypt` — the Moddable SDK's crypt module (modules/crypt/digest/crypt.js
 * + modCrypt.c; map it with modules/crypt/digest/manifest.json). Only
 * `Digest` is declared: the host simulator provides only that (node:crypto).
 */
declare module "crypt" {
  export type DigestType = "MD5" | "SHA1" | "SHA224" | "SHA256" | "SHA384" | "SHA512";
  export type Message = string | ArrayBuffer | ArrayBufferView;

  /** Incremental message digest. */
  export class Digest {
    /** Other names throw Error("crypt: unsupported digest"). */
    constructor(type: DigestType);
    /** Add data; a string is hashed as its UTF-8 bytes (up to a NUL character). */
    write(message: Message): void;
    /** Same as `write`. */
    update(message: Message): void;
    /**
     * The digest (an ArrayBuffer of `outputSize` bytes). Without `more`, the
     * calculation is finished: call `reset()` before using the object again
     * (the simulator throws; the device returns garbage). With `more` true,
     * the state is kept and writing may continue.
     */
    close(more?: boolean): ArrayBuffer;
    /** Start over. */
    reset(): void;
    /** `reset()`, `write()` each argument, `close()`. */
    process(...messages: Message[]): ArrayBuffer;
    /** Block size in bytes (64 or 128). */
    readonly blockSize: number;
    /** Digest size in bytes. */
    readonly outputSize: number;
  }

  const Crypt: { readonly Digest: typeof Digest };
  export default Crypt;
}
