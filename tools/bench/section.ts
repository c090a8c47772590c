/**
 * What a bench section is: a module whose default export is a
 * {@link Section}. The runner (`index.ts`) lists sections by name and loads
 * only those asked for.
 */

/** What the runner hands a section. */
export interface BenchContext {
  /** Writes one line to stdout. */
  print(line?: string): void;
  /** Shorter timings (a smoke run: figures are noisier). */
  readonly quick: boolean;
}

/** One bench section (codec, client, server, …). */
export interface Section {
  /** One line: what it measures. */
  readonly title: string;
  /**
   * Measures and prints its tables; resolves to its raw figures (JSON-
   * serialisable, written by `--json`). A bench prints: it never fails on a
   * time, only when it cannot measure at all.
   */
  run(context: BenchContext): Promise<unknown>;
}

/** A lazily loaded section module. */
export type SectionLoader = () => Promise<{ default: Section }>;
