/**
 * Plain aligned text tables and number formatting for bench output.
 */

/** A column: its header and whether its cells are right-aligned (numbers). */
export interface Column {
  readonly header: string;
  readonly right?: boolean;
}

/** The lines of a table: header, rule, rows. A row of `null` prints as a blank line. */
export function formatTable(columns: readonly Column[], rows: ReadonlyArray<readonly string[] | null>): string[] {
  const widths = columns.map((c, i) => Math.max(c.header.length, ...rows.map((r) => (r === null ? 0 : [...(r[i] ?? "")].length))));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, i) => {
        const pad = " ".repeat(Math.max(0, widths[i]! - [...cell].length));
        return columns[i]!.right ? pad + cell : cell + pad;
      })
      .join("  ")
      .trimEnd();
  return [line(columns.map((c) => c.header)), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map((r) => (r === null ? "" : line(r)))];
}

/** A throughput or rate with about three significant digits and thousands separators: "1,234", "56.7", "0.891". */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const digits = value >= 100 ? 0 : value >= 10 ? 1 : value >= 1 ? 2 : 3;
  return value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** A ratio as "1.23×". */
export function formatRatio(value: number): string {
  if (!Number.isFinite(value)) return "—";
  return `${value >= 10 ? value.toFixed(1) : value.toFixed(2)}×`;
}
