/**
 * wsc — a command-line WebSocket client (and, with `--listen`, server) over
 * the library, run on Node through the host simulator:
 *
 *   npx wsc [options] URL                                  (the package's bin)
 *   npm run --silent wsc -- [options] URL                  (in this repository)
 *   node --import ./build/hosts/node/register.js build/tools/wsc.js [options] URL
 *
 * See `wsc --help` (tools/wsc/args.ts) for the options. Each stdin line is
 * sent as a message; each message received is printed on stdout, a binary
 * one as `[binary N bytes] HEX`. On stderr: `open URI PROTOCOL` when open,
 * `closed CODE REASON` when it ends after opening, `failed: MESSAGE` when it
 * could not open or something was refused. Exit status 0 only after a clean
 * close with 1000 or 1005; 2 for a usage error. SIGINT and SIGTERM close
 * with 1000 first.
 */
import { readFileSync } from "node:fs";
import { parseArguments, USAGE, UsageFailure, type Arguments } from "./wsc/args";
import { runClient } from "./wsc/client";
import { exit } from "./wsc/io";
import { runServer } from "./wsc/listen";

/** The package's version, from its package.json (build/tools/ → the package root). */
function version(): string {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version?: string };
  return pkg.version ?? "unknown";
}

function main(): void {
  let args: Arguments;
  try {
    args = parseArguments(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageFailure)) throw error;
    process.stderr.write(`failed: ${error.message}\n`);
    exit(2);
    return;
  }
  if (args.answer === "help") {
    process.stdout.write(USAGE + "\n");
    exit(0);
  } else if (args.answer === "version") {
    process.stdout.write(`wsc ${version()}\n`);
    exit(0);
  } else if (args.listen !== undefined) runServer(args);
  else runClient(args);
}

main();
