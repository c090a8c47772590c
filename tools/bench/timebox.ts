/**
 * Time-boxed throughput measurement, engine-neutral: it runs on V8 (the
 * bench process) and on XS (bundled into the XS entry), so it uses only the
 * language and a clock handed in by the caller.
 *
 * Each contender is warmed up, then measured in `reps` repetitions that are
 * interleaved across contenders (A B C A B C …) so that a slow phase of the
 * machine hurts all of them alike. A repetition calls `run()` until its timed
 * part adds up to `repMs`; `prepare()` (e.g. restoring input that `run()`
 * changes in place) is called before every run, outside the timed part.
 * The figure kept is the best repetition (other load on the machine only
 * ever slows a run down, so the fastest is the least disturbed); all of
 * them are kept too.
 */

/** A clock in milliseconds (fractional when the engine allows). */
export type Clock = () => number;

/** One thing to time. */
export interface Contender {
  /** Short label, unique within a measurement (e.g. "core", "ws"). */
  readonly name: string;
  /** Payload bytes that one `run()` processes. */
  readonly bytes: number;
  /** Messages (or frames, or calls) that one `run()` processes. */
  readonly messages: number;
  /** Untimed: called before every run. */
  prepare?(): void;
  /** Timed: the work. */
  run(): void;
  /** Untimed: called after every run; throw if the run did not do its work (a bench bug, never a time). */
  check?(): void;
}

/** Timing options. */
export interface TimeboxOptions {
  readonly clock: Clock;
  /** Timed milliseconds per repetition. */
  readonly repMs: number;
  /** Repetitions per contender. */
  readonly reps: number;
  /** Timed milliseconds of warm-up per contender (at least one run). */
  readonly warmMs: number;
  /** Give up a repetition after this many wall milliseconds (prepare included), once it has one run. */
  readonly maxWallMs?: number;
}

/** The outcome for one contender. */
export interface Measurement {
  readonly name: string;
  /** Best throughput, payload megabytes (10^6 bytes) per second. */
  readonly mbps: number;
  /** Messages per second at that throughput. */
  readonly msgps: number;
  /** Throughput of every repetition, MB/s, in the order run. */
  readonly repsMbps: number[];
  /** Runs in all timed repetitions. */
  readonly runs: number;
}

interface Rep {
  readonly ms: number;
  readonly runs: number;
}

/** Runs `contender` for about `budgetMs` timed milliseconds (at least once). */
function timeRuns(contender: Contender, budgetMs: number, clock: Clock, maxWallMs: number): Rep {
  let timed = 0;
  let runs = 0;
  const wallStart = clock();
  do {
    contender.prepare?.();
    const t0 = clock();
    contender.run();
    timed += clock() - t0;
    runs++;
    contender.check?.();
  } while (timed < budgetMs && clock() - wallStart < maxWallMs);
  return { ms: timed, runs };
}

/** Measures every contender (see the module comment); results in the order given. */
export function measure(contenders: readonly Contender[], options: TimeboxOptions): Measurement[] {
  const { clock, repMs, reps, warmMs } = options;
  const maxWallMs = options.maxWallMs ?? Math.max(4 * repMs, 50);
  for (const c of contenders) timeRuns(c, warmMs, clock, maxWallMs);
  const perContender: Rep[][] = contenders.map(() => []);
  for (let r = 0; r < reps; r++) {
    contenders.forEach((c, i) => perContender[i]!.push(timeRuns(c, repMs, clock, maxWallMs)));
  }
  return contenders.map((c, i) => {
    const list = perContender[i]!;
    // A run below the clock's resolution counts as a thousandth of a millisecond.
    const mbps = list.map((rep) => (rep.runs * c.bytes) / Math.max(rep.ms, 1e-3) / 1000);
    const m = Math.max(...mbps);
    return {
      name: c.name,
      mbps: m,
      msgps: c.bytes > 0 ? (m * 1e6 * c.messages) / c.bytes : 0,
      repsMbps: mbps,
      runs: list.reduce((sum, rep) => sum + rep.runs, 0),
    };
  });
}
