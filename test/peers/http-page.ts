/**
 * A tiny static HTTP server on 127.0.0.1 for browser tests: serves fixed
 * bodies by path, 404 otherwise.
 */
import { createServer } from "node:http";
import { listenOnLoopback } from "./types";

/** A running page server. */
export interface PageServer {
  readonly port: number;
  /** `http://127.0.0.1:<port>/`. */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Serves `pages` (path → HTML body, e.g. `{"/": "<!doctype html>…"}`) as
 * `text/html` on 127.0.0.1, port 0. Closes itself after `lifetimeMs` (default 120 s).
 */
export async function servePages(pages: Readonly<Record<string, string>>, options: { lifetimeMs?: number } = {}): Promise<PageServer> {
  const server = createServer((request, response) => {
    const body = pages[new URL(request.url ?? "/", "http://x").pathname];
    response.writeHead(body === undefined ? 404 : 200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
    response.end(body ?? "not found");
  });
  const port = await listenOnLoopback(server);
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= new Promise<void>((resolve) => {
      clearTimeout(lifetime);
      server.closeAllConnections();
      server.close(() => resolve());
    }));
  const lifetime = setTimeout(close, options.lifetimeMs ?? 120_000);
  lifetime.unref();
  return { port, url: `http://127.0.0.1:${port}/`, close };
}
