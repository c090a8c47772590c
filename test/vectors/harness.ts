/**
 * A tiny assertion kit for the vector suite. The vectors run unchanged on
 * V8 (mocha) and on the XS engine (xsnap), so this file and every vector use
 * only the language and the protocol core: no Node API, no mocha.
 */

/** One named check of the protocol core. `run` throws on failure. */
export interface VectorCase {
  readonly name: string;
  run(): void;
}

/** Fails with `message` unless `condition` holds. */
export function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

/** Fails unless `actual === expected`. */
export function equal<T>(actual: T, expected: T, what: string): void {
  if (actual !== expected) throw new Error(`${what}: expected ${show(expected)}, got ${show(actual)}`);
}

/** Fails unless the two byte sequences are identical. */
export function bytesEqual(actual: Uint8Array, expected: Uint8Array, what: string): void {
  if (actual.length !== expected.length || actual.some((b, i) => b !== expected[i])) {
    throw new Error(`${what}: expected ${toHex(expected)}, got ${toHex(actual)}`);
  }
}

/** Parses `"81 05 48 65"` (spaces optional) into bytes. */
export function hex(text: string): Uint8Array {
  const clean = text.replace(/\s+/g, "");
  if (clean.length % 2 !== 0) throw new Error(`odd hex length: ${text}`);
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.substr(i * 2, 2), 16);
  return out;
}

/** Formats bytes as lower-case hex, two digits a byte, no separators. */
export function toHex(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i++) s += (bytes[i]! < 16 ? "0" : "") + bytes[i]!.toString(16);
  return s;
}

/** Calls `fn` and fails unless it throws an error whose `code` is `code` (and `closeCode`, when given). */
export function throwsCode(fn: () => unknown, code: string, closeCode?: number): void {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  check(caught !== undefined, `expected an error with code ${code}, none was thrown`);
  const e = caught as { code?: unknown; closeCode?: unknown; message?: unknown };
  equal(e.code, code, `error code (message: ${String(e.message)})`);
  if (closeCode !== undefined) equal(e.closeCode, closeCode, `close code of ${code}`);
}

function show(value: unknown): string {
  return typeof value === "string" ? JSON.stringify(value) : String(value);
}
