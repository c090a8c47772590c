/**
 * Runs an XS bench entry step by step in xsnap through `xs-heap-driver.mjs`
 * (a child process: the driver loads SES, which must not touch this one)
 * and reads XS's heap figures per step. Shared by the `device` and `soak`
 * sections.
 */
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { projectRoot } from "../../test/xs/run-on-xs";

/** xsnap is a 64-bit build: a slot is 32 bytes there, 16 on the ESP32. */
export const SLOT_BYTES_XSNAP = 32;
export const SLOT_BYTES_ESP32 = 16;

/** One step's figures, after it ran and XS collected garbage. */
export interface Step {
  name: string;
  value: unknown;
  heapSlots: number;
  /** XS's metering of the crank: computrons (its count of executed steps) and bytes allocated. */
  compute: number | null;
  allocate: number | null;
  snapshotBytes: number;
}

/** What the driver writes. */
export interface HeapReport {
  ok: boolean;
  error?: string;
  slotBytes: number;
  steps: Step[];
}

/** Live memory between two steps. */
export interface Delta {
  slots: number;
  snapshotBytes: number;
  chunkBytes: number;
  esp32Bytes: number;
}

/**
 * `to` − `from`, divided by `per`: slots, snapshot bytes, chunk bytes
 * (snapshot bytes − slots × 32) and the ESP32 estimate (slots × 16 + chunk bytes).
 */
export function delta(from: Step, to: Step, per = 1): Delta {
  const slots = (to.heapSlots - from.heapSlots) / per;
  const snapshotBytes = (to.snapshotBytes - from.snapshotBytes) / per;
  const chunkBytes = snapshotBytes - slots * SLOT_BYTES_XSNAP;
  return { slots, snapshotBytes, chunkBytes, esp32Bytes: slots * SLOT_BYTES_ESP32 + chunkBytes };
}

/** The step named `name` of `report`; throws if it is missing. */
export function stepOf(report: HeapReport, name: string): Step {
  const step = report.steps.find((s) => s.name === name);
  if (step === undefined) throw new Error(`no step ${name}`);
  return step;
}

/**
 * Runs `entry` (a path under tools/bench) with `config` as
 * `globalThis.__benchConfig`; rejects with the driver's own message when it
 * fails (a child's failure is never reported as an empty string).
 */
export async function runHeapDriver(entry: string, config?: unknown, timeoutMs = 300_000): Promise<HeapReport> {
  const scratch = await mkdtemp(join(tmpdir(), "xs-heap-"));
  const out = join(scratch, "report.json");
  try {
    const driver = join(projectRoot, "tools", "bench", "xs-heap-driver.mjs");
    const argv = [driver, join(projectRoot, "tools", "bench", entry), "--out", out];
    if (config !== undefined) argv.push("--config", JSON.stringify(config));
    const { code, signal, output } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }>((resolve, reject) => {
      const child = spawn(process.execPath, argv, { cwd: projectRoot, stdio: ["ignore", "pipe", "pipe"] });
      let text = "";
      child.stdout.on("data", (chunk: Buffer) => (text += chunk.toString()));
      child.stderr.on("data", (chunk: Buffer) => (text += chunk.toString()));
      const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
      child.once("error", reject);
      child.once("close", (exit, killedBy) => {
        clearTimeout(timer);
        resolve({ code: exit, signal: killedBy, output: text });
      });
    });
    const tail = output.trim() === "" ? "(no output)" : output.trim();
    if (code !== 0) throw new Error(`xs-heap-driver ${entry} exited with ${code ?? signal}${signal === "SIGKILL" ? ` (killed after ${timeoutMs / 1000} s)` : ""}: ${tail}`);
    const report = JSON.parse(await readFile(out, "utf8")) as HeapReport;
    if (!report.ok) throw new Error(`xs-heap-driver ${entry} failed: ${report.error === undefined || report.error === "" ? "(no message)" : report.error}${output.trim() === "" ? "" : `\n${tail}`}`);
    return report;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
