/**
 * UTF-8 (RFC 3629, RFC 6455 §8.1): valid text decodes identically whole and
 * cut anywhere; invalid sequences fail at the first byte that makes them so.
 * The pure decoder is checked always, the platform `TextDecoder` (through
 * `nativeTextCodec`) wherever the engine has one.
 */
import { nativeTextCodec, pureEncodeUtf8, pureTextCodec, type TextCodec } from "../../modules/websocket/core/utf8";
import { bytesEqual, check, equal, hex, type VectorCase } from "./harness";
import { chunkings } from "./support/split";

declare const TextDecoder: (new (label: string, options: { fatal: boolean; ignoreBOM: boolean }) => { decode(b?: Uint8Array, o?: { stream?: boolean }): string }) | undefined;
declare const TextEncoder: (new () => { encode(s: string): Uint8Array }) | undefined;

/** The pure codec, and the platform's where it exists and fails fast (V8's does; xsnap's holds a bad byte back). */
function codecs(): Array<[string, TextCodec]> {
  const list: Array<[string, TextCodec]> = [["pure", pureTextCodec]];
  const native = typeof TextDecoder === "function" && typeof TextEncoder === "function" ? nativeTextCodec(TextDecoder, TextEncoder) : undefined;
  if (native !== undefined) list.push(["native", native]);
  return list;
}

function decodeChunks(codec: TextCodec, chunks: Uint8Array[]): string | null {
  const decoder = codec.createDecoder();
  let out = "";
  for (const chunk of chunks) {
    const piece = decoder.write(chunk);
    if (piece === null) return null;
    out += piece;
  }
  const tail = decoder.end();
  return tail === null ? null : out + tail;
}

const valid: Array<[string, string]> = [
  ["", ""],
  ["48656c6c6f", "Hello"],
  ["cebae1bdb9cf83cebcceb5", "\u03ba\u1f79\u03c3\u03bc\u03b5"],
  ["efbbbf41", "\ufeffA"], // a leading U+FEFF is content, not a BOM to strip
  ["f09f9880", "\u{1F600}"],
  ["c280", "\u0080"],
  ["dfbf", "\u07ff"],
  ["e0a080", "\u0800"],
  ["ed9fbf", "\ud7ff"],
  ["ee8080", "\ue000"],
  ["efbfbf", "\uffff"],
  ["f0908080", "\u{10000}"],
  ["f48fbfbf", "\u{10FFFF}"],
];

/** Invalid input, and how many bytes can be fed before it is known to be invalid (the failing byte is the next one). */
const invalid: Array<[string, string, number]> = [
  ["lone continuation byte", "41 80", 1],
  ["0xFF", "ff", 0],
  ["0xC0 (overlong lead)", "c0 80", 0],
  ["0xC1 (overlong lead)", "c1 bf", 0],
  ["overlong 3-byte", "e0 80 80", 1],
  ["overlong 4-byte", "f0 80 80 80", 1],
  ["surrogate U+D800", "ed a0 80", 1],
  ["surrogate U+DFFF", "ed bf bf", 1],
  ["past U+10FFFF", "f4 90 80 80", 1],
  ["0xF5 lead", "f5 80 80 80", 0],
  ["lead then ASCII", "e2 82 41", 2],
  ["kosme then U+D800 (Autobahn 6.4.1 style)", "cebae1bdb9cf83cebcceb5 eda080 656469746564", 12],
];

const truncated: Array<[string, string]> = [
  ["2-byte sequence cut", "c2"],
  ["3-byte sequence cut", "e2 82"],
  ["4-byte sequence cut", "f0 9f 98"],
];

export const utf8Cases: VectorCase[] = [
  {
    name: "utf8: valid text decodes the same whole, cut at every offset, and byte by byte",
    run() {
      for (const [codecName, codec] of codecs()) {
        for (const [bytes, expected] of valid) {
          for (const [label, chunks] of chunkings(hex(bytes))) equal(decodeChunks(codec, chunks), expected, `${codecName} ${bytes} ${label}`);
        }
      }
    },
  },
  {
    name: "utf8: invalid sequences fail at the first byte that makes them invalid, not at the end",
    run() {
      for (const [codecName, codec] of codecs()) {
        for (const [what, bytes, okPrefix] of invalid) {
          const all = hex(bytes);
          const decoder = codec.createDecoder();
          check(decoder.write(all.subarray(0, okPrefix)) !== null, `${codecName} ${what}: prefix of ${okPrefix} bytes accepted`);
          equal(decoder.write(all.subarray(okPrefix, okPrefix + 1)), null, `${codecName} ${what}: byte ${okPrefix} rejected`);
          for (const [label, chunks] of chunkings(all)) equal(decodeChunks(codec, chunks), null, `${codecName} ${what} ${label}`);
        }
      }
    },
  },
  {
    name: "utf8: a sequence cut off at the end of the stream is invalid",
    run() {
      for (const [codecName, codec] of codecs()) {
        for (const [what, bytes] of truncated) {
          const decoder = codec.createDecoder();
          equal(decoder.write(hex(bytes)), "", `${codecName} ${what}: held, not yet an error`);
          equal(decoder.end(), null, `${codecName} ${what}: invalid at the end`);
        }
      }
    },
  },
  {
    name: "utf8: a whole message decodes at once (the codec's shared one-shot decode): its text, or null when invalid or cut off, with no state left behind",
    run() {
      for (const [codecName, codec] of codecs()) {
        for (const [bytes, expected] of valid) equal(codec.decode(hex(bytes)), expected, `${codecName} ${bytes}`);
        for (const [what, bytes] of invalid) {
          equal(codec.decode(hex(bytes)), null, `${codecName} ${what}`);
          equal(codec.decode(hex("41")), "A", `${codecName} after ${what}: the shared decoder starts clean`);
        }
        for (const [what, bytes] of truncated) {
          equal(codec.decode(hex(bytes)), null, `${codecName} ${what}`);
          equal(codec.decode(hex("42")), "B", `${codecName} after ${what}: nothing held back`);
        }
      }
    },
  },
  {
    name: "utf8: encoder matches the table and turns lone surrogates into U+FFFD",
    run() {
      for (const [bytes, text] of valid) bytesEqual(pureEncodeUtf8(text), hex(bytes), `encode ${bytes}`);
      bytesEqual(pureEncodeUtf8("a\ud800b"), hex("61efbfbd62"), "lone high surrogate");
      bytesEqual(pureEncodeUtf8("\udc00"), hex("efbfbd"), "lone low surrogate");
    },
  },
  {
    name: "utf8: long text (over the decoder's flush size) round-trips",
    run() {
      let text = "";
      for (let i = 0; i < 3000; i++) text += String.fromCodePoint(0x41 + (i % 26), 0x3b1 + (i % 20), 0x1f600 + (i % 50));
      for (const [codecName, codec] of codecs()) equal(decodeChunks(codec, [codec.encode(text)]), text, `${codecName} long text`);
    },
  },
];
