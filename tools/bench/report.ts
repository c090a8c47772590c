/**
 * Prints codec {@link TestResult}s: one aligned table per test (a row per
 * payload size and contender: MB/s, messages/s, ratio to the baseline), its
 * legend and notes, and a one-line summary of the primary contender's ratio.
 */
import { sizeLabel, type Row, type TestResult } from "./figures";
import { formatNumber, formatRatio, formatTable } from "./table";

/** The ratio of `contender` to the test's baseline at each size, in size order. */
export function ratios(test: TestResult, contender = test.primary, baseline = test.baseline): Array<{ payload: number; ratio: number }> {
  const sizes = [...new Set(test.rows.map((r) => r.payload))];
  return sizes.map((payload) => {
    const find = (name: string): Row | undefined => test.rows.find((r) => r.payload === payload && r.contender === name);
    const a = find(contender);
    const b = find(baseline);
    return { payload, ratio: a !== undefined && b !== undefined && b.mbps > 0 ? a.mbps / b.mbps : Number.NaN };
  });
}

/** "core/ws: 16 B 0.91× · 125 B 1.20× · …". */
export function summaryLine(test: TestResult, contender = test.primary, baseline = test.baseline): string {
  const parts = ratios(test, contender, baseline).map((r) => `${sizeLabel(r.payload)} ${formatRatio(r.ratio)}`);
  return `${contender}/${baseline}: ${parts.join(" · ")}`;
}

/** The lines that show one test. */
export function formatTest(test: TestResult): string[] {
  const engine = test.engine === "v8" ? "V8" : "XS";
  const out = [`[${engine}] ${test.title}`];
  for (const c of test.contenders) out.push(`  ${c.name.padEnd(11)} ${c.label}`);
  const hasBaseline = test.contenders.length > 1;
  const columns = [
    { header: "payload" },
    { header: "contender" },
    { header: "MB/s", right: true },
    { header: "msg/s", right: true },
    ...(hasBaseline ? [{ header: `vs ${test.baseline}`, right: true }] : []),
    ...(hasBaseline && test.alsoVs !== undefined ? [{ header: `vs ${test.alsoVs}`, right: true }] : []),
  ];
  const rows: Array<string[] | null> = [];
  let lastPayload = -1;
  for (const row of test.rows) {
    if (lastPayload !== -1 && row.payload !== lastPayload && hasBaseline) rows.push(null);
    lastPayload = row.payload;
    const base = test.rows.find((r) => r.payload === row.payload && r.contender === test.baseline);
    const cells = [sizeLabel(row.payload), row.contender, formatNumber(row.mbps), formatNumber(row.msgps)];
    if (hasBaseline) cells.push(base !== undefined && base.mbps > 0 ? formatRatio(row.mbps / base.mbps) : "—");
    if (hasBaseline && test.alsoVs !== undefined) {
      const also = test.rows.find((r) => r.payload === row.payload && r.contender === test.alsoVs);
      cells.push(also !== undefined && also.mbps > 0 ? formatRatio(row.mbps / also.mbps) : "—");
    }
    rows.push(cells);
  }
  out.push(...formatTable(columns, rows).map((l) => "  " + l));
  for (const note of test.notes) out.push(`  note: ${note}`);
  if (hasBaseline) out.push(`  summary: ${summaryLine(test)}${test.alsoVs !== undefined ? `; ${summaryLine(test, test.primary, test.alsoVs)}` : ""}`);
  return out;
}

/** The spread of a primary/baseline ratio over sizes: "0.8–1.3×". */
export function ratioRange(test: TestResult, contender = test.primary, baseline = test.baseline): string {
  const values = ratios(test, contender, baseline)
    .map((r) => r.ratio)
    .filter((v) => Number.isFinite(v));
  if (values.length === 0) return "—";
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  return lo.toFixed(2) === hi.toFixed(2) ? formatRatio(lo) : `${lo.toFixed(2)}–${formatRatio(hi)}`;
}

/** The ratio at one payload size, formatted. */
export function ratioAt(test: TestResult, payload: number, contender = test.primary, baseline = test.baseline): string {
  return formatRatio(ratios(test, contender, baseline).find((r) => r.payload === payload)?.ratio ?? Number.NaN);
}
