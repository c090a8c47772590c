/**
 * The demo server's command line (Node only: the device takes its settings
 * from the manifest). Pure string handling, so it also compiles for the
 * device, where it is never called.
 */

/** The demo's settings. */
export interface DemoSettings {
  host: string;
  port: number;
  maxPayload: number | undefined;
  pingInterval: number;
  pingTimeout: number;
  connections: number | undefined;
}

/** What the command line asks for: run with settings, print the usage, or a one-line error. */
export type DemoCommand = { run: DemoSettings } | { help: string } | { error: string };

export const DEMO_USAGE = `usage: npm start -- [options]     (or: node --import ./build/hosts/node/register.js build/main.js [options])
  --host ADDRESS           IP address to bind (default 127.0.0.1, loopback only;
                           0.0.0.0 or :: for every interface)
  --port N                 TCP port (default 8080, or env PORT; 0 picks a free one)
  --max-payload BYTES      largest message accepted (default 65536); more closes with 1009
  --ping-interval SECONDS  keepalive ping after this much silence (default 0: off)
  --ping-timeout SECONDS   close when a ping is not answered in time (default 0: wait forever)
  -h, --help               this help
Serves the dashboard page at /, an echo endpoint at /echo and a telemetry feed at /telemetry.`;

/** Parses `args` (argv after the script) over `defaults`; `portFromEnv` is env PORT. */
export function parseDemoArguments(args: readonly string[], portFromEnv: string | undefined, defaults: DemoSettings): DemoCommand {
  const settings: DemoSettings = { ...defaults };
  if (portFromEnv !== undefined && portFromEnv !== "") {
    const port = portNumber(portFromEnv);
    if (port === undefined) return { error: `PORT needs an integer 0–65535, got ${JSON.stringify(portFromEnv)}` };
    settings.port = port;
  }
  for (let i = 0; i < args.length; i++) {
    let name = args[i]!;
    let value: string | undefined;
    const equals = name.indexOf("=");
    if (name.startsWith("--") && equals > 0) {
      value = name.slice(equals + 1);
      name = name.slice(0, equals);
    }
    if (name === "-h" || name === "--help") return { help: DEMO_USAGE };
    if (name !== "--host" && name !== "--port" && name !== "--max-payload" && name !== "--ping-interval" && name !== "--ping-timeout") {
      return { error: name.startsWith("-") ? `unknown option ${name} (see --help)` : `unexpected argument ${JSON.stringify(name)} (see --help)` };
    }
    if (value === undefined) {
      value = args[++i];
      if (value === undefined) return { error: `${name} needs a value (see --help)` };
    }
    switch (name) {
      case "--host": {
        const host = value === "localhost" ? "127.0.0.1" : value;
        if (!isIpLiteral(host)) return { error: `--host needs an IP address such as 127.0.0.1, ::1 or 0.0.0.0, got ${JSON.stringify(value)}` };
        settings.host = host;
        break;
      }
      case "--port": {
        const port = portNumber(value);
        if (port === undefined) return { error: `--port needs an integer 0–65535, got ${JSON.stringify(value)}` };
        settings.port = port;
        break;
      }
      case "--max-payload": {
        const bytes = /^\d+$/.test(value) ? Number(value) : NaN;
        if (!Number.isSafeInteger(bytes) || bytes < 1) return { error: `--max-payload needs a whole number of bytes ≥ 1, got ${JSON.stringify(value)}` };
        settings.maxPayload = bytes;
        break;
      }
      default: {
        const seconds = /^\d+(\.\d+)?$/.test(value) ? Number(value) : NaN;
        if (!Number.isFinite(seconds)) return { error: `${name} needs a number of seconds ≥ 0, got ${JSON.stringify(value)}` };
        if (name === "--ping-interval") settings.pingInterval = seconds;
        else settings.pingTimeout = seconds;
      }
    }
  }
  return { run: settings };
}

function portNumber(text: string): number | undefined {
  if (!/^\d{1,5}$/.test(text)) return undefined;
  const port = Number(text);
  return port <= 65535 ? port : undefined;
}

/** Whether `text` is an IPv4 dotted quad or an IPv6 literal (RFC 4291 §2.2 text forms, no zone). */
export function isIpLiteral(text: string): boolean {
  return isIPv4(text) || isIPv6(text);
}

function isIPv4(text: string): boolean {
  const parts = text.split(".");
  return parts.length === 4 && parts.every((part) => /^(0|[1-9]\d{0,2})$/.test(part) && Number(part) <= 255);
}

function isIPv6(text: string): boolean {
  if (!/^[0-9A-Fa-f:.]+$/.test(text) || !text.includes(":")) return false;
  const halves = text.split("::");
  if (halves.length > 2) return false;
  const groups = (half: string): string[] => (half === "" ? [] : half.split(":"));
  const all = halves.flatMap(groups);
  let count = all.length;
  const last = all[all.length - 1];
  if (last !== undefined && last.includes(".")) {
    if (!isIPv4(last)) return false;
    all.pop();
    count++; // an embedded IPv4 address stands for two groups
  }
  if (!all.every((group) => /^[0-9A-Fa-f]{1,4}$/.test(group))) return false;
  return halves.length === 2 ? count <= 7 : count === 8;
}

/** `host` as it goes in a URL: IPv6 literals in brackets (RFC 3986 §3.2.2). */
export function urlHost(host: string): string {
  return host.includes(":") ? `[${host}]` : host;
}
