/**
 * Node side of the XS runner: runs one export of a TypeScript module on the
 * XS engine and returns its JSON value. Usable from tests and from `tools/`.
 *
 *   const { value, engine, timings } = await runOnXs("test/xs/vector-entry.ts", "runVectors");
 *
 * The work happens in a child process (`driver.mjs`), which bundles the entry
 * from source with esbuild, evaluates it in an `@agoric/xsnap` worker, and
 * reports back. The child is needed because xsnap's API requires SES
 * lockdown (`@endo/init`) in the driving process; this module never loads it.
 *
 * On the XS side the export is read from the module; a function is called
 * with no arguments (and awaited if it returns a promise), any other value is
 * used as is. The result must be JSON-serialisable. The code runs on XS alone:
 * it may use the language, TextEncoder/TextDecoder, Date.now, performance.now,
 * gc and print (to stderr), but no Node API.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** Facts about the global object the code ran in (`typeof` of XS-only globals). */
export interface XsEngineInfo {
  readonly issueCommand: string;
  readonly Compartment: string;
  readonly ModuleSource: string;
  readonly currentMeterLimit: string;
  readonly print: string;
}

export interface XsTimings {
  /** esbuild bundling, in the driver. */
  readonly bundleMs: number;
  /** Worker start, evaluation of the bundle, and the export's run. */
  readonly xsMs: number;
  /** The whole call, child process start included. */
  readonly totalMs: number;
}

export interface XsRunResult<T> {
  /** The export's value (or its function's result), as JSON round-tripped. */
  readonly value: T;
  readonly engine: XsEngineInfo;
  readonly timings: XsTimings;
  /** Size of the evaluated script. */
  readonly bundleBytes: number;
  /** What the XS side printed, and the driver's diagnostics. */
  readonly stderr: string;
}

export interface RunOnXsOptions {
  /** Kill the run after this long (default 120 s). */
  readonly timeoutMs?: number;
  /** Copy XS `print` output and diagnostics to this process's stderr as well (default false). */
  readonly echoStderr?: boolean;
}

/** Thrown when the entry does not bundle, XS fails, or the export throws. */
export class XsRunError extends Error {
  override readonly name = "XsRunError";
  constructor(
    message: string,
    /** "bundle", "xs", "export", "encode" or "driver". */
    readonly stage: string,
    readonly xsStack: string | undefined,
    readonly stderr: string,
  ) {
    super(message);
  }
}

/** The project root: the nearest ancestor folder of this file holding `test/xs/driver.mjs` (works from `build/` too). */
export const projectRoot: string = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, "test", "xs", "driver.mjs")) && existsSync(join(dir, "package.json"))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`run-on-xs: cannot find test/xs/driver.mjs above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
})();

/** The driver script that `runOnXs` starts. */
export const driverPath: string = join(projectRoot, "test", "xs", "driver.mjs");

interface DriverReport {
  ok: boolean;
  value?: unknown;
  engine?: XsEngineInfo;
  stage?: string;
  error?: { name?: string; message?: string; stack?: string };
  timings: { bundleMs: number; xsMs: number };
  bundleBytes?: number;
}

/**
 * Runs `exportName` of `entryFile` (a .ts source path, absolute or relative to
 * the project root) on the XS engine and resolves to its value.
 * Rejects with `XsRunError` if bundling, XS, or the export itself fails.
 */
export async function runOnXs<T = unknown>(entryFile: string, exportName: string, options: RunOnXsOptions = {}): Promise<XsRunResult<T>> {
  const { timeoutMs = 120_000, echoStderr = false } = options;
  const entry = resolve(projectRoot, entryFile);
  const started = performance.now();
  const scratch = await mkdtemp(join(tmpdir(), "xs-run-"));
  const out = join(scratch, "report.json");
  try {
    const { code, signal, stderr, timedOut } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string; timedOut: boolean }>((done, fail) => {
      // Neither this process's execArgv (mocha's --import hook) nor stdin goes to the driver.
      const child = spawn(process.execPath, [driverPath, entry, exportName, "--out", out], {
        cwd: projectRoot,
        stdio: ["ignore", "pipe", "pipe"],
        // Own process group, so a timeout can stop the xsnap worker with the driver.
        detached: true,
      });
      let text = "";
      let timedOut = false;
      const onData = (chunk: Buffer): void => {
        text += chunk.toString("utf8");
        if (echoStderr) process.stderr.write(chunk);
      };
      child.stdout.on("data", onData);
      child.stderr.on("data", onData);
      const timer = setTimeout(() => {
        timedOut = true;
        try {
          process.kill(-child.pid!, "SIGKILL");
        } catch {
          child.kill("SIGKILL");
        }
      }, timeoutMs);
      child.once("error", (error) => {
        clearTimeout(timer);
        fail(error);
      });
      child.once("close", (code, signal) => {
        clearTimeout(timer);
        done({ code, signal, stderr: text, timedOut });
      });
    });
    if (timedOut) throw new XsRunError(`XS run of ${entryFile}#${exportName} timed out after ${timeoutMs} ms`, "driver", undefined, stderr);
    if (code !== 0) {
      throw new XsRunError(`XS driver exited with ${signal ?? `code ${code}`}${stderr ? `:\n${stderr}` : ""}`, "driver", undefined, stderr);
    }
    const report = JSON.parse(await readFile(out, "utf8")) as DriverReport;
    if (!report.ok) {
      const e = report.error ?? {};
      const stage = report.stage ?? "driver";
      throw new XsRunError(`XS run of ${entryFile}#${exportName} failed (${stage}): ${e.name ?? "Error"}: ${e.message ?? ""}`, stage, e.stack, stderr);
    }
    return {
      value: report.value as T,
      engine: report.engine!,
      timings: { ...report.timings, totalMs: performance.now() - started },
      bundleBytes: report.bundleBytes ?? 0,
      stderr,
    };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** True when `engine` describes an xsnap (XS) global, not V8's. */
export function isXsEngine(engine: XsEngineInfo | undefined): boolean {
  return (
    engine !== undefined &&
    engine.issueCommand === "function" &&
    engine.Compartment === "function" &&
    engine.ModuleSource === "function" &&
    engine.currentMeterLimit === "function"
  );
}
