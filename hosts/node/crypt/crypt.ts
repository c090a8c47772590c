/**
 * Host simulator for the SDK's `crypt` module, `Digest` class only
 * (modules/crypt/digest/crypt.js + modCrypt.c), backed by node:crypto.
 * See hosts/moddable/types/crypt.d.ts.
 */
import { createHash, type Hash } from "node:crypto";

type DigestType = "MD5" | "SHA1" | "SHA224" | "SHA256" | "SHA384" | "SHA512";
type Message = string | ArrayBuffer | ArrayBufferView;

/** Node algorithm, block size and output size of each device digest. */
const DIGESTS: Readonly<Record<DigestType, readonly [string, number, number]>> = {
  MD5: ["md5", 64, 16],
  SHA1: ["sha1", 64, 20],
  SHA224: ["sha224", 64, 28],
  SHA256: ["sha256", 64, 32],
  SHA384: ["sha384", 128, 48],
  SHA512: ["sha512", 128, 64],
};

/** Incremental message digest, as the device's `Digest`. */
export class Digest {
  readonly #spec: readonly [string, number, number];
  #hash: Hash | undefined;

  /** `type`: "MD5", "SHA1", "SHA224", "SHA256", "SHA384" or "SHA512"; else Error("crypt: unsupported digest"). */
  constructor(type: DigestType) {
    const spec = Object.hasOwn(DIGESTS, type) ? DIGESTS[type] : undefined;
    if (spec === undefined) throw new Error("crypt: unsupported digest");
    this.#spec = spec;
    this.#hash = createHash(spec[0]);
  }

  /** Add bytes: a buffer, or a string as UTF-8 (up to its first NUL, as the device's C string). */
  write(message: Message): void {
    const hash = this.#live();
    if (typeof message === "string") {
      const nul = message.indexOf("\0");
      hash.update(nul < 0 ? message : message.slice(0, nul), "utf8");
    } else if (message instanceof ArrayBuffer || message instanceof SharedArrayBuffer) {
      hash.update(new Uint8Array(message));
    } else if (ArrayBuffer.isView(message)) {
      hash.update(new Uint8Array(message.buffer, message.byteOffset, message.byteLength));
    } else throw new TypeError("invalid buffer");
  }

  /** Same as `write`. */
  update(message: Message): void {
    this.write(message);
  }

  /**
   * The digest as an ArrayBuffer. With `more` truthy the running state is
   * kept and writing may continue; otherwise the digest is finished and only
   * `reset()` makes it usable again.
   */
  close(more?: boolean): ArrayBuffer {
    const hash = this.#live();
    const result = (more ? hash.copy() : hash).digest();
    if (!more) this.#hash = undefined;
    return Uint8Array.from(result).buffer;
  }

  /** Start over with no data. */
  reset(): void {
    this.#hash = createHash(this.#spec[0]);
  }

  /** `reset()`, `write()` each argument, `close()`. */
  process(...messages: Message[]): ArrayBuffer {
    this.reset();
    for (const message of messages) this.write(message);
    return this.close();
  }

  /** Input block size in bytes. */
  get blockSize(): number {
    return this.#spec[1];
  }

  /** Digest size in bytes. */
  get outputSize(): number {
    return this.#spec[2];
  }

  #live(): Hash {
    if (this.#hash === undefined) throw new Error("crypt: can't call digest write after close");
    return this.#hash;
  }
}

/** The module's default export: the classes it provides. */
export default Object.freeze({ Digest });
