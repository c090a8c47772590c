/**
 * The codec bench on XS, Node side: runs `tools/bench/xs-codec-entry.ts` in
 * an xsnap worker through the project's XS runner and returns its figures
 * with facts about the run.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { isXsEngine, projectRoot, runOnXs } from "../../test/xs/run-on-xs";
import type { XsCodecFigures } from "./xs-codec-entry";

/** The XS entry file, relative to the project root (bundled from source). */
export const XS_ENTRY = "tools/bench/xs-codec-entry.ts";

/** The XS figures and how they were obtained. */
export interface XsCodecRun extends XsCodecFigures {
  /** "XS (xsnap from @agoric/xsnap x.y.z)". */
  readonly engineName: string;
  /** Whether the global the entry ran in was XS's (not V8's). */
  readonly onXs: boolean;
  /** Bundle size, and wall times of bundling and of the XS run. */
  readonly bundleBytes: number;
  readonly bundleMs: number;
  readonly xsMs: number;
  readonly totalMs: number;
}

function xsnapVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(join(projectRoot, "node_modules", "@agoric", "xsnap", "package.json"), "utf8")) as { version?: string };
    return pkg.version ?? "?";
  } catch {
    return "?";
  }
}

/** Runs the XS part (see the module comment); `quick` for shorter timings. Rejects if XS cannot run it. */
export async function runCodecXs(quick = false, timeoutMs = 180_000): Promise<XsCodecRun> {
  const result = await runOnXs<XsCodecFigures>(XS_ENTRY, quick ? "runCodecXsQuick" : "runCodecXs", { timeoutMs });
  return {
    ...result.value,
    engineName: `XS (xsnap worker, @agoric/xsnap ${xsnapVersion()})`,
    onXs: isXsEngine(result.engine),
    bundleBytes: result.bundleBytes,
    bundleMs: result.timings.bundleMs,
    xsMs: result.timings.xsMs,
    totalMs: result.timings.totalMs,
  };
}
