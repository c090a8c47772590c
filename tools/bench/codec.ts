/**
 * Bench section "codec": the protocol core's frame codec (receive: parse +
 * unmask + validate; send: serialize + mask; masking alone) on V8 against
 * `ws`, then on XS (xsnap) against the per-byte masking loop.
 *
 * Prints tables as it goes and resolves to the raw figures.
 */
import { runCodecV8 } from "./codec-v8";
import { runCodecXs, type XsCodecRun } from "./codec-xs";
import { formatRatio } from "./table";
import type { TestResult } from "./figures";
import { formatTest, ratioAt, ratioRange } from "./report";
import type { BenchContext, Section } from "./section";
import { addonReport, wsVersion } from "./ws-internals";

const KIB64 = 64 * 1024;

/** Raw figures of the section (the `--json` output). */
export interface CodecFigures {
  readonly v8: { readonly ws: string; readonly tests: TestResult[]; readonly wallMs: number };
  readonly xs: (XsCodecRun & { readonly wallMs: number }) | { readonly error: string };
  readonly summary: string;
}

function find(tests: readonly TestResult[], id: string): TestResult | undefined {
  return tests.find((t) => t.id === id);
}

/** The one-line summary of ratios. */
function summarize(v8: readonly TestResult[], xs: readonly TestResult[] | undefined): string {
  const parts: string[] = [];
  const rb = find(v8, "receive-binary");
  const rt = find(v8, "receive-text");
  const sb = find(v8, "send-binary");
  const mv = find(v8, "mask");
  if (rb) parts.push(`V8 core/ws receive binary ${ratioRange(rb)} (vs ws+bu ${ratioRange(rb, "core", "ws+bu")})`);
  if (rt) parts.push(`text ${ratioRange(rt)} (core+TD ${ratioRange(rt, "core+TD")}) vs ws+str (vs ws+bu+str ${ratioRange(rt, "core", "ws+bu+str")})`);
  if (sb) parts.push(`send ${ratioRange(sb)} (vs ws+bu ${ratioRange(sb, "core", "ws+bu")})`);
  if (mv) parts.push(`mask@64KiB wordwise/ws ${ratioAt(mv, KIB64)} (vs ws+bu ${ratioAt(mv, KIB64, "wordwise", "ws+bu")})`);
  const mx = xs ? find(xs, "mask") : undefined;
  if (mx) parts.push(`XS mask@64KiB wordwise/bytewise ${ratioAt(mx, KIB64)} (aim ≥ 4×)`);
  return parts.join("; ");
}

/** "XS is N× slower than V8" for the core at 64 KiB, per test. */
function engineGap(v8: readonly TestResult[], xs: readonly TestResult[]): string {
  const parts: string[] = [];
  for (const id of ["receive-binary", "receive-text", "send-binary"]) {
    const a = find(v8, id)?.rows.find((r) => r.payload === KIB64 && r.contender === "core");
    const b = find(xs, id)?.rows.find((r) => r.payload === KIB64 && r.contender === "core");
    if (a && b && b.mbps > 0) parts.push(`${id} ${formatRatio(a.mbps / b.mbps)}`);
  }
  return parts.length > 0 ? `V8/XS speed, core at 64 KiB: ${parts.join(" · ")}` : "";
}

const section: Section = {
  title: "protocol core frame codec vs ws (V8) and vs the per-byte loop (XS)",
  async run(context: BenchContext): Promise<CodecFigures> {
    const { print, quick } = context;
    print(`ws ${wsVersion} twice: "ws" = ws (pure JS: WS_NO_BUFFER_UTIL/WS_NO_UTF_8_VALIDATE set when it loaded), "ws+bu" = ws + bufferutil/utf-8-validate (${addonReport()})`);
    print(`units: MB/s = 10^6 payload bytes per second (headers not counted); msg/s = messages (mask: calls) per second;`);
    print(`       each figure is the best of ${quick ? 2 : 3} time-boxed repetitions after warm-up, contenders interleaved; "vs X" = MB/s ÷ X's MB/s at that size`);
    print();
    const v8Start = performance.now();
    const v8 = await runCodecV8({
      repMs: quick ? 40 : 130,
      reps: quick ? 2 : 3,
      warmMs: quick ? 10 : 40,
      onTest: (test) => {
        for (const line of formatTest(test)) print(line);
        print();
      },
    });
    const v8Ms = performance.now() - v8Start;
    print(`V8 part: ${(v8Ms / 1000).toFixed(1)} s (ws ${wsVersion})`);
    print();

    let xs: CodecFigures["xs"];
    const xsStart = performance.now();
    try {
      const run = await runCodecXs(quick);
      xs = { ...run, wallMs: performance.now() - xsStart };
      print(`engine: ${run.engineName}${run.onXs ? "" : " — WARNING: the entry did not run on XS"}; clock performance.now(), step ${run.clockStepMs.toPrecision(2)} ms`);
      print(`        xsnap is XS built for this host CPU (with xsnap's metering hooks), not an ESP32: compare ratios, not absolute figures`);
      print();
      for (const test of run.tests) {
        for (const line of formatTest(test)) print(line);
        print();
      }
      print(`XS part: ${(xs.wallMs / 1000).toFixed(1)} s (bundle ${(run.bundleBytes / 1024).toFixed(0)} KiB in ${run.bundleMs.toFixed(0)} ms, in XS ${(run.elapsedMs / 1000).toFixed(1)} s)`);
      const gap = engineGap(v8, run.tests);
      if (gap) print(gap);
    } catch (error) {
      xs = { error: error instanceof Error ? error.message : String(error) };
      print(`XS part skipped: ${xs.error}`);
    }
    const summary = summarize(v8, "tests" in xs ? xs.tests : undefined);
    print(`summary: ${summary}`);
    // A part that cannot measure is a broken bench, not a figure: fail the section (after printing what was measured).
    if ("error" in xs) throw new Error(`codec: the XS part could not measure: ${xs.error}`);
    return { v8: { ws: wsVersion, tests: v8, wallMs: v8Ms }, xs, summary };
  },
};

export default section;
