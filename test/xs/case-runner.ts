/**
 * Runs a list of vector cases and records each outcome instead of stopping at
 * the first failure. Runs on XS (bundled by `driver.mjs`), so it uses only the
 * language: no Node API.
 */
import type { VectorCase } from "../vectors/harness";

/** The outcome of one case; `error` is null when it passed. */
export interface CaseResult {
  readonly name: string;
  readonly ok: boolean;
  readonly error: string | null;
  /** The engine's stack text, when the thrown value had one. */
  readonly stack: string | null;
}

export function runCases(cases: readonly VectorCase[]): CaseResult[] {
  const results: CaseResult[] = [];
  for (const c of cases) {
    try {
      c.run();
      results.push({ name: c.name, ok: true, error: null, stack: null });
    } catch (error) {
      results.push({ name: c.name, ok: false, error: describe(error), stack: error instanceof Error && typeof error.stack === "string" ? error.stack : null });
    }
  }
  return results;
}

function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  try {
    return `non-Error thrown: ${String(error)}`;
  } catch {
    return `non-Error thrown: ${Object.prototype.toString.call(error)}`;
  }
}
