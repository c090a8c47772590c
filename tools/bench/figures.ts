/**
 * The shape of the codec figures, shared by the V8 part, the XS entry (which
 * returns them as JSON) and the report. Engine-neutral: language only.
 */
import type { Measurement } from "./timebox";

/** The payload sizes of every codec test, in bytes. */
export const PAYLOAD_SIZES: readonly number[] = [16, 125, 4 * 1024, 64 * 1024, 1024 * 1024];

/** One contender at one payload size. */
export interface Row {
  readonly contender: string;
  /** Payload bytes per message (or per masking call). */
  readonly payload: number;
  /** Best MB/s of the repetitions (10^6 bytes of payload per second). */
  readonly mbps: number;
  /** Messages (or calls) per second at that throughput. */
  readonly msgps: number;
  /** MB/s of each repetition. */
  readonly repsMbps: readonly number[];
  /** Timed runs, all repetitions together. */
  readonly runs: number;
}

/** One table: a test on one engine, every contender at every size. */
export interface TestResult {
  readonly engine: "v8" | "xs";
  /** "receive-binary", "receive-text", "send-binary", "mask". */
  readonly id: string;
  /** What is timed, in a few words. */
  readonly title: string;
  /** Contender names and their longer descriptions, in table order. */
  readonly contenders: ReadonlyArray<{ readonly name: string; readonly label: string }>;
  /** The contender every ratio is taken against. */
  readonly baseline: string;
  /** A second contender to show ratios against (its own column and summary), if any. */
  readonly alsoVs?: string;
  /** The contender the summary line speaks of ("ours"). */
  readonly primary: string;
  /** Notes printed under the table (method, caveats). */
  readonly notes: readonly string[];
  readonly rows: Row[];
}

/** Rows for one payload size from a set of measurements. */
export function rowsOf(payload: number, measurements: readonly Measurement[]): Row[] {
  return measurements.map((m) => ({
    contender: m.name,
    payload,
    mbps: round(m.mbps, 4),
    msgps: round(m.msgps, 4),
    repsMbps: m.repsMbps.map((v) => round(v, 4)),
    runs: m.runs,
  }));
}

/** `value` to `digits` significant digits (keeps the JSON short). */
export function round(value: number, digits: number): number {
  if (value === 0 || !Number.isFinite(value)) return value;
  return Number(value.toPrecision(digits));
}

/** "16 B", "4 KiB", "1 MiB". */
export function sizeLabel(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} B`;
}
