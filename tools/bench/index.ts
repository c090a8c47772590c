/**
 * The bench runner: `npm run bench [-- [section…] [--json FILE] [--quick] [--list]]`.
 *
 * Runs the named sections (all, in the order below, when none is named),
 * printing a header that names the machine and then each section's tables.
 * `--json FILE` also writes the raw figures of every section run.
 * A bench prints figures: it exits non-zero only on a usage error or when a
 * section cannot measure at all, never because of a time.
 *
 * Adding a section is one line in {@link sections}: a module whose default
 * export is a {@link Section}, loaded only when it runs.
 */
import { writeFile } from "node:fs/promises";
import { arch, cpus, loadavg, platform, totalmem } from "node:os";
import type { BenchContext, SectionLoader } from "./section";

/** Every section, in run order. */
const sections: Record<string, SectionLoader> = {
  codec: () => import("./codec"),
  client: () => import("./client"),
  server: () => import("./server"),
  device: () => import("./device"),
  power: () => import("./power"),
  soak: () => import("./soak"),
};

interface Args {
  readonly names: string[];
  readonly json: string | undefined;
  readonly quick: boolean;
  readonly list: boolean;
}

const USAGE = `usage: npm run bench -- [section…] [--json FILE] [--quick] [--list]
sections: ${Object.keys(sections).join(", ")}`;

function parseArgs(argv: readonly string[]): Args {
  const names: string[] = [];
  let json: string | undefined;
  let quick = false;
  let list = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--json") {
      json = argv[++i];
      if (json === undefined || json.startsWith("--")) throw new Error("--json needs a file name");
    } else if (arg.startsWith("--json=")) json = arg.slice("--json=".length);
    else if (arg === "--quick") quick = true;
    else if (arg === "--list") list = true;
    else if (arg === "--help" || arg === "-h") throw new Error("help");
    else if (arg.startsWith("-")) throw new Error(`unknown option ${arg}`);
    else if (!(arg in sections)) throw new Error(`unknown section "${arg}"`);
    else if (!names.includes(arg)) names.push(arg);
  }
  return { names: names.length > 0 ? names : Object.keys(sections), json, quick, list };
}

/** Facts about the machine, for the header and the JSON. */
function machine() {
  const cpu = cpus();
  return {
    node: process.version,
    v8: process.versions.v8,
    cpu: cpu[0]?.model.trim() ?? "unknown CPU",
    cores: cpu.length,
    platform: `${platform()} ${arch()}`,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    /** 1-minute load average at the start: other work on the machine shows here. */
    load: Number(loadavg()[0]!.toFixed(2)),
    date: new Date().toISOString(),
  };
}

/** An error as text: name and message, then the stack when it has one. */
function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const head = `${error.name}: ${error.message}`;
  const stack = error.stack ?? "";
  return stack === "" ? head : stack.includes(error.message) ? stack : `${head}\n${stack}`;
}

async function main(): Promise<void> {
  let args: Args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(message === "help" ? `${USAGE}\n` : `bench: ${message}\n${USAGE}\n`);
    process.exitCode = message === "help" ? 0 : 2;
    return;
  }
  if (args.list) {
    for (const name of Object.keys(sections)) process.stdout.write(`${name}: ${(await sections[name]!()).default.title}\n`);
    return;
  }
  const print = (line = ""): void => {
    process.stdout.write(line + "\n");
  };
  const context: BenchContext = { print, quick: args.quick };
  const m = machine();
  print(`xs-websocket bench — ${m.date}`);
  print(`machine: ${m.cpu} (${m.cores} cores), ${m.platform}, ${m.memoryGiB} GiB, load ${m.load}; node ${m.node} (V8 ${m.v8})${args.quick ? "; --quick" : ""}`);
  const figures: Record<string, unknown> = {};
  const failed: string[] = [];
  const started = performance.now();
  for (const name of args.names) {
    const section = (await sections[name]!()).default;
    print();
    print(`=== ${name}: ${section.title} ===`);
    const t = performance.now();
    try {
      figures[name] = await section.run(context);
      print(`=== ${name}: ${((performance.now() - t) / 1000).toFixed(1)} s ===`);
    } catch (error) {
      // The other sections still run; the bench exits non-zero at the end.
      failed.push(name);
      figures[name] = { error: describeError(error) };
      print(`=== ${name}: FAILED after ${((performance.now() - t) / 1000).toFixed(1)} s: ${describeError(error)}`);
    }
  }
  print();
  print(`total: ${((performance.now() - started) / 1000).toFixed(1)} s (load now ${loadavg()[0]!.toFixed(2)})`);
  if (failed.length > 0) {
    print(`sections that could not measure: ${failed.join(", ")}`);
    process.exitCode = 1;
  }
  if (args.json !== undefined) {
    await writeFile(args.json, JSON.stringify({ machine: m, quick: args.quick, sections: figures }, null, 2) + "\n");
    print(`figures written to ${args.json}`);
  }
}

await main();
