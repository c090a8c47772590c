/**
 * The demo app, the same file on the device and on Node: a device dashboard.
 *
 * - `GET /` serves the dashboard page (live telemetry, an echo box, connection state).
 * - `/echo` echoes every message back unchanged (text as text, binary as binary).
 * - `/telemetry` pushes a simulated sensor reading (JSON) every second to every client (one Timer).
 *
 * On Node (`npm start`) it reads its command line (`--help`; see
 * app/demo-args.ts): it binds 127.0.0.1 unless `--host` says otherwise,
 * prints a banner whose first line is `listening on http://HOST:PORT` once
 * ready, and on SIGINT/SIGTERM closes every connection with 1001 and exits 0.
 * A bad argument prints one line and exits 2; a port it cannot bind, 1.
 *
 * On the device the settings come from `config.websocket` of manifest.json
 * (`port`, `connections` for all endpoints together, `maxPayload`,
 * `pingInterval`, `pingTimeout`); on Node that config is empty. The device
 * binds every interface.
 */
import Timer from "timer";
import manifestConfig from "mc/config";
import { defaultLimits } from "./modules/websocket/core/limits";
import { CloseCode } from "./modules/websocket/core/close-code";
import { ReadyState, Server, type ServerConnection } from "./modules/websocket/server/server";
import { HttpListener } from "./modules/websocket/server/http-listener";
import { demoPage } from "./app/demo-page";
import { echoMessages } from "./app/demo-echo";
import { parseDemoArguments, urlHost, type DemoSettings } from "./app/demo-args";

interface NodeLike {
  argv: string[];
  env: Record<string, string | undefined>;
  on(signal: string, listener: () => void): void;
  exit(code: number): never;
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}
const host = globalThis as { process?: NodeLike; trace?: (text: string) => void };

/** The settings: the manifest's on the device, then the command line on Node (which may print and exit). */
function settings(): DemoSettings {
  const device = manifestConfig.websocket ?? {};
  const defaults: DemoSettings = {
    host: "127.0.0.1",
    port: device.port ?? 8080,
    maxPayload: device.maxPayload,
    pingInterval: device.pingInterval ?? 0,
    pingTimeout: device.pingTimeout ?? 0,
    connections: device.connections,
  };
  const proc = host.process;
  if (proc === undefined) return defaults;
  const command = parseDemoArguments(proc.argv.slice(2), proc.env.PORT, defaults);
  if ("run" in command) return command.run;
  if ("help" in command) {
    proc.stdout.write(command.help + "\n");
    return proc.exit(0);
  }
  proc.stderr.write(`error: ${command.error}\n`);
  return proc.exit(2);
}

function log(text: string): void {
  if (host.process !== undefined) host.process.stdout.write(text + "\n");
  else host.trace?.(text + "\n");
}

const config = settings();
const common = {
  port: config.port,
  // The device binds every interface; on Node the listener binds this address.
  host: host.process === undefined ? undefined : config.host,
  maxPayload: config.maxPayload,
  pingInterval: config.pingInterval,
  pingTimeout: config.pingTimeout,
};
const maxPayload = config.maxPayload ?? defaultLimits.maxMessageSize;

// `connections` is for both endpoints together: /telemetry gets a third of it.
const telemetryBacklog = config.connections === undefined ? undefined : Math.max(1, Math.floor(config.connections / 3));
const echoBacklog = config.connections === undefined ? undefined : Math.max(1, config.connections - telemetryBacklog!);

const echo = new Server({ ...common, path: "/echo", backlog: echoBacklog });
echo.on("connection", echoMessages);

// The other endpoints share the echo server's port (port 0: the one it got).
const port = echo.port;
if (port === 0) {
  // The listener could not bind: report it and stop.
  const where = `${urlHost(config.host)}:${config.port}`;
  const text =
    host.process === undefined
      ? `cannot listen on port ${config.port}`
      : config.port === 0
        ? `cannot listen on ${urlHost(config.host)}: the address is not on this host; choose another with --host ADDRESS`
        : `cannot listen on ${where}: the port is in use (or the address is not on this host); choose another port with --port N or PORT=N (0 picks a free one)`;
  if (host.process !== undefined) {
    host.process.stderr.write(`error: ${text}\n`);
    host.process.exit(1);
  }
  host.trace?.(text + "\n");
  throw new Error(text);
}
echo.on("error", (error: unknown) => log(`echo: ${error instanceof Error ? error.message : String(error)}`));
const telemetry = new Server({ ...common, port, path: "/telemetry", backlog: telemetryBacklog });
telemetry.on("connection", (conn: ServerConnection) => conn.on("error", ignoreError));

function ignoreError(): void {
  // A telemetry client's close event says how it ended; there is nothing to answer.
}

const http = HttpListener.acquire(port);
http.addPage("/", (_head, path) =>
  path === "/" || path === "/index.html" ? { body: demoPage(maxPayload), headers: [["Content-Type", "text/html; charset=utf-8"], ["Cache-Control", "no-store"]] } : undefined,
);

const started = Date.now();
const ticker = Timer.repeat(() => {
  if (telemetry.clients.size === 0) return;
  const uptime = (Date.now() - started) / 1000;
  const reading = JSON.stringify({
    temperature: 22 + 3 * Math.sin(uptime / 30) + Math.random() * 0.2,
    humidity: 45 + 5 * Math.cos(uptime / 45),
    uptime,
  });
  for (const conn of telemetry.clients) {
    // A client still holding the last reading in its queue gets the next one instead: a reading is superseded, not queued up.
    if (conn.readyState !== ReadyState.OPEN || conn.bufferedAmount > 0) continue;
    try {
      conn.send(reading);
    } catch (error) {
      log(`telemetry refused (${error instanceof Error ? error.message : String(error)}): closing with 1013`);
      conn.close(CloseCode.TryAgainLater, "send queue full");
    }
  }
}, 1000);

echo.once("listening", () => log(banner()));

/** What is served and how to try it. Wildcard addresses are tried on loopback. */
function banner(): string {
  if (host.process === undefined) return `listening on port ${port} (every interface): page /, WebSocket /echo and /telemetry`;
  const bound = urlHost(config.host);
  const local = config.host === "0.0.0.0" ? "127.0.0.1" : config.host === "::" ? "[::1]" : bound;
  const every = local === bound ? "" : " (every interface)";
  return [
    `listening on http://${bound}:${port}${every}`,
    `  page        http://${local}:${port}/  (open it in a browser)`,
    `  /echo       ws://${local}:${port}/echo  (echoes each message, up to ${maxPayload} bytes)`,
    `  /telemetry  ws://${local}:${port}/telemetry  (a JSON reading every second)`,
    `try it:  npx wsc ws://${local}:${port}/echo   (in this repository: npm run --silent wsc -- ws://${local}:${port}/echo)`,
    `Ctrl-C stops the server.`,
  ].join("\n");
}

function shutdown(): void {
  Timer.clear(ticker);
  http.removePage("/");
  let open = 2;
  const done = (): void => {
    if (--open === 0) host.process?.exit(0);
  };
  echo.close(done);
  telemetry.close(done);
  Timer.set(() => host.process?.exit(0), 3000); // bounded: a peer that never answers our close
}

host.process?.on("SIGINT", shutdown);
host.process?.on("SIGTERM", shutdown);
