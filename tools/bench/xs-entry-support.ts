/**
 * What the XS bench entries (`xs-device-entry.ts`, `xs-server-entry.ts`)
 * share: a JS stand-in for the device's `Logical.xor`, garbage collection
 * before a reading, and the report a step sends back to its driver. Only the
 * language: these run inside xsnap.
 */
import type { XorFunction } from "../../hosts/moddable/fast-paths";

interface XsGlobals {
  gc?: () => void;
  issueCommand?: (message: ArrayBuffer) => ArrayBuffer;
}
const g = globalThis as unknown as XsGlobals;

/** `Logical.xor` semantics in JS (the benches measure memory, not speed). */
export const xorStandIn: XorFunction = (dst, src, count) => {
  const d = dst instanceof ArrayBuffer ? new Uint8Array(dst) : new Uint8Array(dst.buffer, dst.byteOffset, dst.byteLength);
  const s = typeof src === "number" ? Uint8Array.of(src) : typeof src === "string" ? new TextEncoder().encode(src) : src instanceof ArrayBuffer ? new Uint8Array(src) : new Uint8Array(src.buffer, src.byteOffset, src.byteLength);
  const n = count ?? d.length;
  for (let i = 0; i < n; i++) d[i]! ^= s[i % s.length]!;
};

/** Collects garbage (twice: XS finalizes in the first pass what the second frees). */
export function collect(): void {
  g.gc?.();
  g.gc?.();
}

/** What the driver calls. */
export interface DeviceBench {
  readonly steps: readonly string[];
  run(name: string): void;
}

/**
 * Hands the driver (xs-heap-driver.mjs) the entry's steps, in order, as
 * `globalThis.__deviceBench`: each runs in its own crank, then garbage is
 * collected and the step's value reported.
 */
export function exposeSteps(steps: Record<string, () => unknown>): void {
  (globalThis as { __deviceBench?: DeviceBench }).__deviceBench = {
    steps: Object.keys(steps),
    run(name: string): void {
      const step = steps[name];
      if (step === undefined) throw new Error(`no step ${name}`);
      const value = step();
      collect();
      report(value);
    },
  };
}

/** Sends a step's figures to the driver, as JSON. */
export function report(value: unknown): void {
  g.issueCommand?.(new TextEncoder().encode(JSON.stringify(value ?? null)).buffer as ArrayBuffer);
}
