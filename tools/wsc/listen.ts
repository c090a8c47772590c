/**
 * wsc as a server (`--listen PORT`), on the library's ws-style Server: what
 * clients send goes to stdout, stdin lines go to every client.
 */
import { Server, type ServerConnection, type ServerRequest } from "../../modules/websocket/server/server";
import type { Arguments } from "./args";
import { MAX_MESSAGE } from "./client";
import { exit, formatMessage, parseSlash, Terminal } from "./io";

/** Serves on `args.listen` until SIGINT or SIGTERM; exits the process. */
export function runServer(args: Arguments): void {
  const host = args.host;
  const hostInUrl = host.includes(":") ? `[${host}]` : host;
  const server = new Server({ port: args.listen, host, maxPayload: MAX_MESSAGE, maxQueuedBytes: MAX_MESSAGE + 14, backlog: 64, pingInterval: args.pingInterval, pingTimeout: args.pingTimeout });
  if (server.port === 0) {
    process.stderr.write(`failed: cannot listen on ${hostInUrl}:${args.listen}: the port is in use or the address is not on this host\n`);
    exit(1);
    return;
  }
  const names = new Map<ServerConnection, string>();
  const slash = args.slash ?? process.stdin.isTTY === true;
  const ui = new Terminal(
    (line) => {
      const item = slash ? parseSlash(line) : line;
      if (typeof item !== "string" && "error" in item) return ui.status(`failed: ${item.error}`);
      if (names.size === 0) return ui.status("failed: no client connected; not sent");
      for (const [conn, name] of names) {
        try {
          if (typeof item === "string") conn.send(args.binary ? new Uint8Array(Buffer.from(item, "utf8")) : item);
          else if (item.command === "ping") conn.ping();
          else conn.close(item.code, item.reason);
        } catch (error) {
          ui.status(`failed: ${name}: ${(error as Error).message}`);
        }
      }
      if (typeof item === "string") ui.sent(item, true);
    },
    () => undefined, // a server goes on serving when its input ends
  );
  server.on("listening", () => {
    ui.status(`listening on ws://${hostInUrl}:${server.port}/ (Ctrl-C to stop)`);
    ui.ready();
  });
  server.on("error", (error: unknown) => ui.status(`failed: ${error instanceof Error ? error.message : String(error)}`));
  server.on("connection", (conn: ServerConnection, request: ServerRequest | undefined) => {
    const address = request?.remoteAddress ?? "?";
    const name = `${address.includes(":") ? `[${address}]` : address}:${request?.remotePort ?? "?"}`;
    names.set(conn, name);
    ui.status(`connected ${name} ${request?.url ?? ""} ${conn.protocol}`.trimEnd());
    conn.on("message", (data: string | Uint8Array) => ui.received(formatMessage(data)));
    conn.on("pong", () => ui.status(`pong from ${name}`));
    conn.on("error", (error: Error) => ui.status(`error ${name}: ${error.message}`));
    conn.on("close", (code: number, reason: string) => {
      names.delete(conn);
      ui.status(`disconnected ${name} ${code} ${reason}`);
    });
  });
  let stopping = false;
  const stop = (): void => {
    if (stopping) process.exit(130);
    stopping = true;
    ui.close();
    server.close(() => exit(0)); // every client gets 1001 (going away)
    setTimeout(() => exit(0), 3000).unref(); // bounded: a client that never answers the close
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}
