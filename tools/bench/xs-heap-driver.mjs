#!/usr/bin/env node
/**
 * Heap figures of XS itself, step by step: the `device` bench section's
 * driver (tools/bench/device.ts starts it; `runOnXs` cannot, as it runs one
 * export in one crank and xsnap reports heap figures only between cranks).
 *
 *   node tools/bench/xs-heap-driver.mjs <entry.ts> [--out <file>] [--config <json>]
 *
 * The entry is bundled from source with esbuild (as test/xs/driver.mjs does)
 * and evaluated in a fresh `@agoric/xsnap` worker. The SDK modules it may
 * reach (`timer`, `crypt`, `rng`, `mc/config`, `embedded:io/socket/listener`,
 * `embedded:io/socket/tcp`) are bundled from the bench's stand-ins in
 * tools/bench/xs-standins/. `--config JSON` sets `globalThis.__benchConfig`
 * before the entry runs. It must set
 * `globalThis.__deviceBench = { steps: string[], run(name) }`, where `run`
 * does one step, calls `gc()` and reports a JSON value with `issueCommand`.
 * Each step runs in its own crank (`worker.evaluate`); after it the driver
 * records:
 *   - `heapSlots`: live XS slots, `meterUsage.currentHeapCount` of the crank
 *     (xsnap-worker.c `fxWriteOkay`: `the->currentHeapCount`, recounted by
 *     the GC's sweep);
 *   - `snapshotBytes`: the size of a heap snapshot (`makeSnapshotStream`):
 *     XS collects garbage, then writes every live slot and every chunk they
 *     own (strings, ArrayBuffer data, array items, Map tables), so deltas
 *     between steps are live bytes, slots and chunks together (64-bit sizes).
 * The report, to `--out` (or stdout), is `{ ok, slotBytes, steps: [{name, value, heapSlots, snapshotBytes}] }`
 * or `{ ok: false, error }`, where `error` is the error's name and message,
 * then its stack when it has one (SES lockdown leaves `stack` empty). Loads `@endo/init` (SES lockdown) as xsnap's API
 * requires: never import this file, spawn it.
 */
import "@endo/init";
import * as esbuild from "esbuild";
import { xsnap } from "@agoric/xsnap";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import { writeFile } from "node:fs/promises";
import { type as osType } from "node:os";
import { resolve as resolvePath } from "node:path";
import { fileURLToPath } from "node:url";

const args = process.argv.slice(2);
const optionValue = (name) => {
  const index = args.indexOf(name);
  return index >= 0 ? args[index + 1] : undefined;
};
const out = optionValue("--out");
const config = optionValue("--config");
const entry = args.find((a, i) => !a.startsWith("--") && (i === 0 || !["--out", "--config"].includes(args[i - 1])));
if (entry === undefined) {
  process.stderr.write("usage: node tools/bench/xs-heap-driver.mjs <entry.ts> [--out <file>]\n");
  process.exit(2);
}

/** SDK specifiers → the bench's stand-ins. */
const STAND_INS = {
  timer: "timer.ts",
  crypt: "crypt.ts",
  rng: "rng.ts",
  "embedded:io/socket/listener": "listener.ts",
  "embedded:io/socket/tcp": "tcp.ts",
  "mc/config": "mc-config.ts",
};
const standInPlugin = {
  name: "xs-bench-stand-ins",
  setup(build) {
    build.onResolve({ filter: /^(timer|crypt|rng|mc\/config|embedded:io\/socket\/(listener|tcp))$/ }, (args) => ({
      path: fileURLToPath(new URL(`./xs-standins/${STAND_INS[args.path]}`, import.meta.url)),
    }));
  },
};

/** An error as one line or more: name and message, then the stack when there is one. */
function describe(error) {
  if (!(error instanceof Error)) return String(error);
  const head = `${error.name}: ${error.message}`;
  const stack = typeof error.stack === "string" ? error.stack : "";
  return stack === "" ? head : stack.includes(error.message) ? stack : `${head}\n${stack}`;
}

async function bundle(file) {
  const result = await esbuild.build({
    entryPoints: [resolvePath(file)],
    bundle: true,
    write: false,
    format: "iife",
    target: "es2022",
    platform: "neutral",
    resolveExtensions: [".ts", ".js", ".mjs", ".json"],
    plugins: [standInPlugin],
    charset: "utf8",
    legalComments: "none",
    logLevel: "silent",
  });
  return result.outputFiles[0].text;
}

async function snapshotSize(worker) {
  let bytes = 0;
  for await (const chunk of worker.makeSnapshotStream("device-bench")) bytes += chunk.byteLength;
  return bytes;
}

async function main() {
  const code = await bundle(entry);
  const replies = [];
  const decoder = new TextDecoder();
  const worker = await xsnap({
    os: osType(),
    spawn: (command, argv, options) => {
      const child = spawn(command, argv, options);
      child.stdout?.pipe(process.stderr);
      return child;
    },
    fs: { ...fs, ...fs.promises },
    name: "xs-websocket-heap",
    stdout: "pipe",
    stderr: "inherit",
    meteringLimit: 0,
    handleCommand: async (message) => {
      replies.push(decoder.decode(message));
      return new Uint8Array(0);
    },
  });
  try {
    if (config !== undefined) await worker.evaluate(`globalThis.__benchConfig = ${JSON.stringify(JSON.parse(config))};`);
    await worker.evaluate(code);
    await worker.evaluate(`issueCommand(new TextEncoder().encode(JSON.stringify(globalThis.__deviceBench.steps)).buffer)`);
    const names = JSON.parse(replies.pop());
    const steps = [];
    for (const name of names) {
      replies.length = 0;
      const { meterUsage } = await worker.evaluate(`globalThis.__deviceBench.run(${JSON.stringify(name)})`);
      const value = replies.length > 0 ? JSON.parse(replies[replies.length - 1]) : null;
      steps.push({ name, value, heapSlots: meterUsage.currentHeapCount, compute: meterUsage.compute, allocate: meterUsage.allocate, snapshotBytes: await snapshotSize(worker) });
    }
    // txSlot is 4 pointer-sized words on a 64-bit build (32 bytes), 16 bytes on the ESP32.
    return { ok: true, slotBytes: 32, steps };
  } finally {
    await worker.close().catch(() => worker.terminate());
  }
}

let report;
try {
  report = await main();
} catch (error) {
  report = { ok: false, error: describe(error) };
}
const json = JSON.stringify(report);
if (out !== undefined) await writeFile(out, json);
else process.stdout.write(json + "\n");
