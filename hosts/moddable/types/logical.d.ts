/**
 * `logical` — the Moddable SDK's logical operations on buffers
 * (modules/data/logical/logical.js + modLogical.c). There is no manifest
 * for it in the SDK: map it with `"*": "$(MODULES)/data/logical/*"`, as the
 * SDK's own websocket examples do. The SDK ships no typing for it.
 *
 * Behaviour (modLogical.c `xs_logical_op`):
 * - `dst` is any writable buffer: an ArrayBuffer or a view (its bytes from
 *   `byteOffset`, `byteLength` of them); it is changed in place.
 * - `src` is a byte value (number), a string (its UTF-8 bytes), or a buffer
 *   or view; it is repeated from its first byte as often as needed.
 * - `count`, when given, limits the operation to the first `count` bytes of
 *   `dst`; 0, negative or more than `dst`'s length throws RangeError("invalid count").
 * - Any other `src` throws Error("unsupported source").
 * Native: may not be called while preloading.
 */
declare module "logical" {
  export type Source = number | string | ArrayBuffer | ArrayBufferView;

  export default class Logical {
    private constructor();
    /** `dst[i] ^= src[i % src.length]` for the first `count` (default all) bytes. */
    static xor(dst: ArrayBuffer | ArrayBufferView, src: Source, count?: number): void;
    /** `dst[i] &= src[i % src.length]`. */
    static and(dst: ArrayBuffer | ArrayBufferView, src: Source, count?: number): void;
    /** `dst[i] |= src[i % src.length]`. */
    static or(dst: ArrayBuffer | ArrayBufferView, src: Source, count?: number): void;
    /** `xor` with 0xFF. */
    static not(dst: ArrayBuffer | ArrayBufferView, count?: number): void;
  }
}
