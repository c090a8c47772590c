/**
 * The demo app, the same file on the device and on Node: a device dashboard.
 *
 * - `GET /` serves the dashboard page (live telemetry, an echo box, connection state).
 * - `/echo` echoes every message back unchanged (text as text, binary as binary).
 * - `/telemetry` pushes a simulated sensor reading (JSON) every second to every client (one Timer).
 *
 * On Node (`npm start`) it reads `--host`, `--port` (0 for an ephemeral port),
 * env `PORT`, `--max-payload BYTES`, `--ping-interval SECONDS`,
 * `--ping-timeout SECONDS`; it prints `listening on http://HOST:PORT` once
 * ready, and on SIGINT/SIGTERM closes every connection with 1001 and exits 0.
 *
 * On the device the settings come from `config.websocket` of manifest.json
 * (`port`, `connections` for all endpoints together, `maxPayload`,
 * `pingInterval`, `pingTimeout`); on Node that config is empty.
 */
import Timer from "timer";
import manifestConfig from "mc/config";
import { Server, type ServerConnection } from "./modules/websocket/server/server";
import { HttpListener } from "./modules/websocket/server/http-listener";
import { DEMO_PAGE } from "./modules/websocket/server/demo-page";
import { echoMessages } from "./modules/websocket/server/demo-echo";

interface NodeLike {
  argv: string[];
  env: Record<string, string | undefined>;
  on(signal: string, listener: () => void): void;
  exit(code: number): void;
}
interface Console {
  log(...args: unknown[]): void;
}
const host = globalThis as { process?: NodeLike; console?: Console; trace?: (text: string) => void };

/** The settings, from the command line on Node, defaults on the device. */
function settings(): { host: string; port: number; maxPayload: number | undefined; pingInterval: number; pingTimeout: number; connections: number | undefined } {
  const device = manifestConfig.websocket ?? {};
  const result = {
    host: "127.0.0.1",
    port: device.port ?? 8080,
    maxPayload: device.maxPayload,
    pingInterval: device.pingInterval ?? 0,
    pingTimeout: device.pingTimeout ?? 0,
    connections: device.connections,
  };
  const proc = host.process;
  if (proc === undefined) return result;
  if (proc.env.PORT !== undefined && proc.env.PORT !== "") result.port = Number(proc.env.PORT);
  const args = proc.argv.slice(2);
  for (let i = 0; i < args.length; i++) {
    const value = args[i + 1];
    const number = Number(value);
    switch (args[i]) {
      case "--host": result.host = String(value); i++; break;
      case "--port": result.port = number; i++; break;
      case "--max-payload": result.maxPayload = number; i++; break;
      case "--ping-interval": result.pingInterval = number; i++; break;
      case "--ping-timeout": result.pingTimeout = number; i++; break;
      default: throw new Error(`unknown argument ${args[i]}`);
    }
  }
  if (!Number.isInteger(result.port) || result.port < 0 || result.port > 65535) throw new Error(`invalid port ${result.port}`);
  return result;
}

function log(text: string): void {
  if (host.console !== undefined) host.console.log(text);
  else host.trace?.(text + "\n");
}

const config = settings();
const common = {
  port: config.port,
  host: config.host,
  maxPayload: config.maxPayload,
  pingInterval: config.pingInterval,
  pingTimeout: config.pingTimeout,
};

// `connections` is for both endpoints together: /telemetry gets a third of it.
const telemetryBacklog = config.connections === undefined ? undefined : Math.max(1, Math.floor(config.connections / 3));
const echoBacklog = config.connections === undefined ? undefined : Math.max(1, config.connections - telemetryBacklog!);

const echo = new Server({ ...common, path: "/echo", backlog: echoBacklog });
echo.on("connection", echoMessages);
echo.on("error", (error: unknown) => {
  log(`cannot listen: ${error instanceof Error ? error.message : String(error)}`);
  host.process?.exit(1);
});

// The other endpoints share the echo server's port (port 0: the one it got).
const port = echo.port;
if (port === 0) {
  // Binding failed (port in use): report it and stop.
  log(`cannot listen on port ${config.port}`);
  host.process?.exit(1);
  throw new Error(`cannot listen on port ${config.port}`);
}
const telemetry = new Server({ ...common, port, path: "/telemetry", backlog: telemetryBacklog });
telemetry.on("connection", (conn: ServerConnection) => conn.on("error", () => {}));
const http = HttpListener.acquire(port);
http.addPage("/", (_head, path) =>
  path === "/" || path === "/index.html" ? { body: DEMO_PAGE, headers: [["Content-Type", "text/html; charset=utf-8"]] } : undefined,
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
    try {
      conn.send(reading);
    } catch {
      // closing or congested: skip this reading
    }
  }
}, 1000);

echo.once("listening", () => log(`listening on http://${config.host}:${port}`));

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
