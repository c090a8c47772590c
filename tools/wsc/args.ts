/**
 * wsc's command line: the options, their checks and the usage text. Every
 * mistake is one `UsageFailure` line; `--help` and `--version` are answers,
 * not failures.
 */
import { readFileSync } from "node:fs";
import { isIP } from "node:net";
import type { ChannelOptions } from "../../modules/websocket/client/channel";

export const USAGE = `usage: wsc [options] URL          connect to a WebSocket server
       wsc [options] --listen PORT  be a WebSocket server
Each line of stdin is sent as a message; each message received goes to stdout.
  --protocol NAME          offer a subprotocol (repeatable)
  --origin URL             send an Origin header
  --header 'Name: value'   add a request header (repeatable)
  --auth USER:PASS         send Basic authorization (RFC 7617)
  -x, --execute TEXT       send TEXT once open (repeatable), wait, close; stdin is not read
  -w, --wait SECONDS       stay open this long after the last message before closing
                           (default 2 after --execute, 0 after stdin ends)
  --ping-interval SECONDS  keepalive ping after this much silence (0: off)
  --ping-timeout SECONDS   fail when a ping is not answered in time (0: wait forever)
  --max-redirects N        redirects followed at most (default 10)
  --open-timeout SECONDS   limit on opening (default 30)
  --ca FILE                trust this PEM CA certificate (wss:)
  --insecure               accept any certificate (wss:)
  --binary                 send each line as a binary message; a line larger than the
                           send queue goes as a fragmented message
  -l, --listen PORT        serve on PORT (0: a free one): print what clients send,
                           send stdin lines to every client
  --host ADDRESS           with --listen: the IP address to bind (default 127.0.0.1)
  --slash / --no-slash     commands on input lines (default: on when stdin is a terminal):
                             /ping                  send a ping
                             /close [CODE [REASON]] close (default 1000)
  -h, --help               this help
  -V, --version            wsc's version
On a terminal, sent lines are marked "> " and received ones "< ".
stderr: "open URL PROTOCOL", then "closed CODE REASON"; or "failed: WHY".
Exit status: 0 after a close with 1000 or 1005, 1 otherwise, 2 for a usage error.`;

/** A mistake on the command line: one line, exit status 2. */
export class UsageFailure extends Error {}

/** What the command line asks for. */
export interface Arguments {
  /** "--help" or "--version": print and exit 0. */
  answer?: "help" | "version";
  url: string;
  protocols: string[];
  origin: string;
  headers: Array<[string, string]>;
  execute: string[];
  /** Seconds; undefined: the default of the mode. */
  wait: number | undefined;
  pingInterval: number;
  pingTimeout: number;
  binary: boolean;
  /** undefined: client mode. */
  listen: number | undefined;
  host: string;
  /** undefined: on when stdin is a terminal. */
  slash: boolean | undefined;
  options: ChannelOptions;
}

/** Parses argv (after the script); throws {@link UsageFailure}. */
export function parseArguments(argv: readonly string[]): Arguments {
  const parsed: Arguments = {
    url: "", protocols: [], origin: "", headers: [], execute: [], wait: undefined,
    pingInterval: 0, pingTimeout: 0, binary: false, listen: undefined, host: "127.0.0.1", slash: undefined, options: {},
  };
  const seconds = (name: string, text: string): number => {
    const value = /^\d+(\.\d+)?$/.test(text.trim()) ? Number(text) : NaN;
    if (!Number.isFinite(value)) throw new UsageFailure(`${name} needs a number of seconds ≥ 0, got ${JSON.stringify(text)}`);
    return value;
  };
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i]!;
    let inline: string | undefined;
    const equals = arg.indexOf("=");
    if (arg.startsWith("--") && equals > 0) {
      inline = arg.slice(equals + 1);
      arg = arg.slice(0, equals);
    }
    const value = (): string => {
      if (inline !== undefined) return inline;
      const next = argv[++i];
      if (next === undefined) throw new UsageFailure(`${arg} needs a value (see wsc --help)`);
      return next;
    };
    switch (arg) {
      case "--protocol": parsed.protocols.push(value()); break;
      case "--origin": parsed.origin = value(); break;
      case "--header": {
        const header = value();
        const colon = header.indexOf(":");
        if (colon <= 0) throw new UsageFailure(`--header needs 'Name: value', got ${JSON.stringify(header)}`);
        parsed.headers.push([header.slice(0, colon).trim(), header.slice(colon + 1).trim()]);
        break;
      }
      case "--auth": {
        const credentials = value();
        if (!credentials.includes(":")) throw new UsageFailure(`--auth needs USER:PASS, got ${JSON.stringify(credentials)}`);
        parsed.headers.push(["Authorization", `Basic ${Buffer.from(credentials, "utf8").toString("base64")}`]);
        break;
      }
      case "-x":
      case "--execute": parsed.execute.push(value()); break;
      case "-w":
      case "--wait": parsed.wait = seconds(arg, value()); break;
      case "--ping-interval": parsed.pingInterval = seconds(arg, value()); break;
      case "--ping-timeout": parsed.pingTimeout = seconds(arg, value()); break;
      case "--max-redirects": {
        const text = value();
        const n = /^\d+$/.test(text) ? Number(text) : NaN;
        if (!Number.isSafeInteger(n)) throw new UsageFailure(`--max-redirects needs an integer ≥ 0, got ${JSON.stringify(text)}`);
        parsed.options.maxRedirects = n;
        break;
      }
      case "--open-timeout": parsed.options.openTimeout = seconds(arg, value()); break;
      case "--ca": parsed.options.ca = pemToDer(readCa(value())); break;
      case "--insecure": parsed.options.insecure = true; break;
      case "--binary": parsed.binary = true; break;
      case "-l":
      case "--listen": {
        const text = value();
        const port = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
        if (!(port <= 65535)) throw new UsageFailure(`--listen needs a port 0–65535, got ${JSON.stringify(text)}`);
        parsed.listen = port;
        break;
      }
      case "--host": {
        const host = value();
        if (isIP(host) === 0) throw new UsageFailure(`--host needs an IP address such as 127.0.0.1, ::1 or 0.0.0.0, got ${JSON.stringify(host)}`);
        parsed.host = host;
        break;
      }
      case "--slash": parsed.slash = true; break;
      case "--no-slash": parsed.slash = false; break;
      case "-h":
      case "--help": return { ...parsed, answer: "help" };
      case "-V":
      case "--version": return { ...parsed, answer: "version" };
      default:
        if (arg.startsWith("-") && arg !== "-") throw new UsageFailure(`unknown option ${arg} (see wsc --help)`);
        if (parsed.url !== "") throw new UsageFailure(`one URL only, got ${JSON.stringify(parsed.url)} and ${JSON.stringify(arg)}`);
        parsed.url = arg;
    }
  }
  if (parsed.listen !== undefined && parsed.url !== "") throw new UsageFailure("--listen takes no URL");
  if (parsed.listen !== undefined && parsed.execute.length > 0) throw new UsageFailure("--execute is for a client, not with --listen");
  if (parsed.listen === undefined && parsed.url === "") throw new UsageFailure("a URL is needed, e.g. wsc ws://127.0.0.1:8080/echo (see wsc --help)");
  return parsed;
}

function readCa(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    throw new UsageFailure(`--ca: cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

/** The first certificate of a PEM file, as DER. */
function pemToDer(pem: string): Uint8Array {
  const match = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/.exec(pem);
  if (match === null) throw new UsageFailure("--ca: no PEM certificate in the file");
  return new Uint8Array(Buffer.from(match[1]!.replace(/\s+/g, ""), "base64"));
}
