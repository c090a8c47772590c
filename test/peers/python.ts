/**
 * Python `websockets` peers: an echo server and a scripted client, both run
 * with Debian's `/usr/bin/python3` and its `python3-websockets` package
 * (installed by `.ci/run`). Scripts live in `test/peers/python/`.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { startProcess } from "./process";
import type { ClientOptions, ClientResult, EchoServer, PeerMessage, ServerConnectionLog } from "./types";
import { waitForClosed } from "./types";

/** Debian's Python, the one that has `python3-websockets` (the `python3` first on PATH may not). */
export const PYTHON = "/usr/bin/python3";

const missing = "is missing: .ci/run installs it (apt-get install python3 python3-websockets)";

/** The source folder of the Python scripts (this file is compiled to `build/test/peers/`). */
const scripts = fileURLToPath(new URL("../../../test/peers/python/", import.meta.url));

function checkPython(): void {
  if (!existsSync(PYTHON)) throw new Error(`${PYTHON} ${missing}`);
  if (!existsSync(scripts + "echo_server.py")) throw new Error(`Python peer scripts not found in ${scripts}`);
}

/** Options of {@link startPythonEchoServer}. */
export interface PythonServerOptions {
  /** Subprotocols the server accepts (websockets picks one the client offers). */
  subprotocols?: readonly string[];
  /** Largest incoming message in bytes; `null` for no limit; unset: websockets' default (1 MiB). */
  maxSize?: number | null;
  /** Accept permessage-deflate when offered (default false). */
  compression?: boolean;
  /** PEM certificate and key: serve `wss://` (see `makeCertificate()`). */
  tls?: { cert: string; key: string };
  /** The server exits by itself after this many ms (default 120 s). */
  lifetimeMs?: number;
}

/**
 * Starts a Python `websockets` echo server on 127.0.0.1, port 0. Pings are
 * off. Follows the echo convention of `types.ts` (`!close <code> <reason>`)
 * and logs each connection (path, headers, subprotocol, received close).
 */
export async function startPythonEchoServer(options: PythonServerOptions = {}): Promise<EchoServer> {
  checkPython();
  const lifetimeMs = options.lifetimeMs ?? 120_000;
  const config: Record<string, unknown> = { lifetime: lifetimeMs / 1000, compression: options.compression ?? false };
  if (options.subprotocols) config.subprotocols = options.subprotocols;
  if (options.maxSize !== undefined) config.max_size = options.maxSize;
  if (options.tls) Object.assign(config, { cert: options.tls.cert, key: options.tls.key });
  const proc = startProcess(PYTHON, [scripts + "echo_server.py", JSON.stringify(config)], { lifetimeMs: lifetimeMs + 5_000 });
  const connections: ServerConnectionLog[] = [];
  const byId = new Map<number, ServerConnectionLog>();
  let buffered = "";
  proc.child.stdout!.on("data", (chunk: string) => {
    buffered += chunk;
    let nl: number;
    while ((nl = buffered.indexOf("\n")) >= 0) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      let event: { event: string; id: number; path: string; headers: [string, string][]; subprotocol: string | null; code: number; reason: string };
      try {
        event = JSON.parse(line);
      } catch {
        continue; // not one of the script's event lines
      }
      if (event.event === "open") {
        const log: ServerConnectionLog = { path: event.path, headers: event.headers, subprotocol: event.subprotocol };
        byId.set(event.id, log);
        connections.push(log);
      } else if (event.event === "closed") {
        Object.assign(byId.get(event.id)!, { closeCode: event.code, closeReason: event.reason });
      }
    }
  });
  let port: number;
  try {
    const match = await proc.waitFor("stdout", /"listening", "port": (\d+)/, 10_000, "Python websockets echo server");
    port = Number(match[1]);
  } catch (error) {
    await proc.stop();
    if (proc.stderr().includes("python3-websockets is missing")) throw new Error(`python3-websockets ${missing}`);
    throw error;
  }
  const scheme = options.tls ? "wss" : "ws";
  return {
    port,
    url: `${scheme}://127.0.0.1:${port}/`,
    connections,
    waitForClosed: (count, timeoutMs) => waitForClosed(connections, count, timeoutMs),
    close: () => proc.stop(),
  };
}

/**
 * Runs the Python `websockets` client script against `url`: sends `messages`
 * in order, collects `expectReplies` replies (default one per message),
 * closes as `options.close` says, and returns what it saw. Resolves even when
 * the connection fails (see `error`); rejects only if the script itself
 * misbehaves or outlives `timeoutMs` + 5 s.
 */
export async function runPythonClient(url: string, messages: readonly PeerMessage[], options: ClientOptions = {}): Promise<ClientResult> {
  checkPython();
  const timeoutMs = options.timeoutMs ?? 10_000;
  const config: Record<string, unknown> = { url, messages, timeout: timeoutMs / 1000 };
  if (options.subprotocols) config.subprotocols = options.subprotocols;
  if (options.ca) config.ca = options.ca;
  if (options.expectReplies !== undefined) config.expect_replies = options.expectReplies;
  if (options.close !== undefined) config.close = options.close;
  if (options.maxSize !== undefined) config.max_size = options.maxSize;
  const proc = startProcess(PYTHON, [scripts + "client.py"], { lifetimeMs: timeoutMs + 5_000 });
  proc.child.stdin!.end(JSON.stringify(config));
  const status = await proc.exited;
  const out = proc.stdout().trim();
  if (status === 3 && proc.stderr().includes("python3-websockets is missing")) throw new Error(`python3-websockets ${missing}`);
  if (status !== 0 || out === "") {
    throw new Error(`Python websockets client exited with ${status}\n--- stdout ---\n${out}\n--- stderr ---\n${proc.stderr()}`);
  }
  return JSON.parse(out.slice(out.lastIndexOf("\n") + 1)) as ClientResult;
}
