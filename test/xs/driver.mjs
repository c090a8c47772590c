#!/usr/bin/env node
/**
 * Runs one export of a TypeScript module on the XS engine (an `@agoric/xsnap`
 * worker) and reports the outcome as JSON.
 *
 *   node test/xs/driver.mjs <entry.ts> <exportName> [--out <file>]
 *
 * The entry is bundled from source with esbuild into one classic script and
 * evaluated in a fresh xsnap worker. On the XS side the named export is read;
 * a function is called (and awaited), any other value is taken as is. The
 * value travels back JSON-encoded through `issueCommand`.
 *
 * The report, written to `--out` (or stdout), is one JSON object:
 *   { ok: true,  value, engine, timings }      the export ran (or was read)
 *   { ok: false, error, stage, engine?, timings }  bundling, XS or the export failed
 * The exit code is 0 whenever a report was written. XS `print` output goes to
 * stderr so stdout carries the report alone.
 *
 * XS stack frames `(#0:LINE)` in the report are mapped to `(source.ts:line)`.
 *
 * This is a plain .mjs on purpose: it loads `@endo/init` (SES lockdown), which
 * `@agoric/xsnap`'s API requires and which must never enter the mocha process
 * or the project's type program. Call it through `run-on-xs.ts`.
 */
import "@endo/init";
import * as esbuild from "esbuild";
import { xsnap } from "@agoric/xsnap";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import { writeFile } from "node:fs/promises";
import { type as osType } from "node:os";
import { resolve as resolvePath } from "node:path";

const ENTRY_GLOBAL = "__xsRunnerEntry";

function parseArgs(argv) {
  const positional = [];
  let out;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--out") out = argv[++i];
    else positional.push(argv[i]);
  }
  if (positional.length !== 2 || !/^[A-Za-z_$][\w$]*$/.test(positional[1] ?? "")) {
    process.stderr.write("usage: node test/xs/driver.mjs <entry.ts> <exportName> [--out <file>]\n");
    process.exit(2);
  }
  return { entry: resolvePath(positional[0]), exportName: positional[1], out };
}

/**
 * Bundles `entry` into one script whose top-level `var ENTRY_GLOBAL` holds the
 * module namespace. Returns the script and a function mapping a script line
 * (1-based) to `source.ts:line`.
 */
async function bundle(entry) {
  const result = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    outfile: resolvePath("xs-bundle.js"), // names the outputs; nothing is written
    sourcemap: "external",
    format: "iife",
    globalName: ENTRY_GLOBAL,
    target: "es2022",
    platform: "neutral",
    // Extensionless relative imports (`./harness`) resolve to .ts sources.
    resolveExtensions: [".ts", ".js", ".mjs", ".json"],
    charset: "utf8",
    legalComments: "none",
    logLevel: "silent",
  });
  const code = result.outputFiles.find((f) => f.path.endsWith(".js")).text;
  const map = JSON.parse(result.outputFiles.find((f) => f.path.endsWith(".map")).text);
  return { code, lineOf: lineMapper(map) };
}

const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** Decodes a source map's mappings into: generated line → first mapped `source:line`. */
function lineMapper(map) {
  const byLine = [];
  let source = 0;
  let line = 0;
  let column = 0;
  map.mappings.split(";").forEach((segments, generatedLine) => {
    for (const segment of segments.split(",")) {
      if (segment === "") continue;
      const fields = [];
      let value = 0;
      let shift = 0;
      for (const ch of segment) {
        const digit = BASE64.indexOf(ch);
        value += (digit & 31) << shift;
        if (digit & 32) shift += 5;
        else {
          fields.push(value & 1 ? -(value >>> 1) : value >>> 1);
          value = 0;
          shift = 0;
        }
      }
      if (fields.length < 4) continue;
      source += fields[1];
      line += fields[2];
      column += fields[3];
      byLine[generatedLine] ??= `${map.sources[source]}:${line + 1}`;
    }
  });
  return (generatedLine) => byLine[generatedLine - 1];
}

/** Rewrites XS stack frames `(#0:LINE)` of the bundle into `(source.ts:line)`. */
function mapStacks(text, lineOf) {
  return text.replace(/\(#0:(\d+)\)/g, (frame, line) => {
    const original = lineOf(Number(line));
    return original === undefined ? frame : `(${original})`;
  });
}

/** The XS-side epilogue: runs the export, reports `{ok, value|error, engine}` once via issueCommand. */
function epilogue(exportName) {
  return `
;(function () {
  "use strict";
  var g = globalThis;
  var engine = {
    issueCommand: typeof g.issueCommand,
    Compartment: typeof g.Compartment,
    ModuleSource: typeof g.ModuleSource,
    currentMeterLimit: typeof g.currentMeterLimit,
    print: typeof g.print,
  };
  function describe(error) {
    if (error instanceof Error) {
      return { name: error.name, message: error.message, stack: typeof error.stack === "string" ? error.stack : undefined };
    }
    var text;
    try { text = String(error); } catch (_) { text = Object.prototype.toString.call(error); }
    return { name: "NonError", message: "thrown value: " + text };
  }
  function send(report) {
    var json;
    try {
      json = JSON.stringify(report);
    } catch (error) {
      json = JSON.stringify({ ok: false, stage: "encode", engine: engine, error: describe(error) });
    }
    if (json === undefined) json = JSON.stringify({ ok: true, engine: engine, value: null });
    issueCommand(new TextEncoder().encode(json).buffer);
  }
  Promise.resolve()
    .then(function () {
      // Lexical, not globalThis: xsnap evaluates like a (strict) eval, so the
      // bundle's top-level var need not become a property of the global.
      var ns = typeof ${ENTRY_GLOBAL} === "undefined" ? undefined : ${ENTRY_GLOBAL};
      if (!ns || !(${JSON.stringify(exportName)} in ns)) {
        throw new Error("the entry has no export named " + ${JSON.stringify(JSON.stringify(exportName))});
      }
      var v = ns[${JSON.stringify(exportName)}];
      return typeof v === "function" ? v() : v;
    })
    .then(
      function (value) { send({ ok: true, engine: engine, value: value }); },
      function (error) { send({ ok: false, stage: "export", engine: engine, error: describe(error) }); }
    );
})();
`;
}

async function runOnXs(entry, exportName) {
  const timings = { bundleMs: 0, xsMs: 0 };
  let t = performance.now();
  let code, lineOf;
  try {
    ({ code, lineOf } = await bundle(entry));
  } catch (error) {
    const messages = error?.errors?.length
      ? (await esbuild.formatMessages(error.errors, { kind: "error", color: false })).join("")
      : String(error?.stack ?? error);
    return { ok: false, stage: "bundle", error: { name: "BundleError", message: messages }, timings };
  }
  timings.bundleMs = performance.now() - t;

  const reports = [];
  const decoder = new TextDecoder();
  // xsnap's stdout goes to our stderr: our stdout is the report channel.
  const spawnWorker = (command, args, options) => {
    const child = spawn(command, args, options);
    child.stdout?.pipe(process.stderr);
    return child;
  };
  t = performance.now();
  const worker = await xsnap({
    os: osType(),
    spawn: spawnWorker,
    fs: { ...fs, ...fs.promises },
    name: "xs-websocket-runner",
    stdout: "pipe",
    stderr: "inherit",
    meteringLimit: 0, // no per-crank computron limit: benchmarks run long cranks
    handleCommand: async (message) => {
      reports.push(decoder.decode(message));
      return new Uint8Array(0);
    },
  });
  try {
    await worker.evaluate(code + epilogue(exportName));
  } catch (error) {
    await worker.terminate();
    return { ok: false, stage: "xs", error: { name: "XsError", message: String(error?.message ?? error) }, timings };
  }
  timings.xsMs = performance.now() - t;
  await worker.close().catch(() => {});

  if (reports.length !== 1) {
    const why = reports.length === 0 ? "the export did not settle before the XS worker went idle" : `the XS side reported ${reports.length} times`;
    return { ok: false, stage: "xs", error: { name: "XsError", message: why }, timings };
  }
  return { ...JSON.parse(mapStacks(reports[0], lineOf)), timings, bundleBytes: Buffer.byteLength(code) };
}

const { entry, exportName, out } = parseArgs(process.argv.slice(2));
const report = await runOnXs(entry, exportName);
const json = JSON.stringify(report);
if (out !== undefined) await writeFile(out, json);
else process.stdout.write(json + "\n");
