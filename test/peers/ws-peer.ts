/**
 * npm `ws` peers: an echo server (plain or TLS) and a scripted client with the
 * same shapes as the Python ones (see `types.ts`).
 */
import { createServer as createHttpServer, type IncomingMessage, type Server } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { WebSocket, WebSocketServer, type RawData } from "ws";
import type { ClientOptions, ClientResult, EchoServer, PeerMessage, ServerConnectionLog } from "./types";
import { listenOnLoopback, waitForClosed } from "./types";

/** Options of {@link startWsEchoServer}. */
export interface WsServerOptions {
  /** Subprotocols accepted, in the server's order of preference; none offered in common: no subprotocol. */
  subprotocols?: readonly string[];
  /** Largest incoming message in bytes (ws default: 100 MiB). */
  maxPayload?: number;
  /** Accept permessage-deflate when offered (default false). */
  perMessageDeflate?: boolean;
  /** PEM certificate and key: serve `wss://` from an https server (see `makeCertificate()`). */
  tls?: { cert: string; key: string };
  /** The server closes itself after this many ms (default 120 s). */
  lifetimeMs?: number;
}

function toMessage(data: RawData, isBinary: boolean): PeerMessage {
  const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as Buffer);
  return isBinary ? { binary: bytes.toString("base64") } : { text: bytes.toString("utf8") };
}

function headerPairs(request: IncomingMessage): [string, string][] {
  const pairs: [string, string][] = [];
  for (let i = 0; i < request.rawHeaders.length; i += 2) pairs.push([request.rawHeaders[i]!, request.rawHeaders[i + 1]!]);
  return pairs;
}

/**
 * Starts a `ws` echo server on 127.0.0.1, port 0, following the echo
 * convention of `types.ts` (`!close <code> <reason>`), logging each connection.
 */
export async function startWsEchoServer(options: WsServerOptions = {}): Promise<EchoServer> {
  const server: Server = options.tls ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key }) : createHttpServer();
  const accepted = options.subprotocols ?? [];
  const wss = new WebSocketServer({
    server,
    maxPayload: options.maxPayload ?? 100 * 1024 * 1024,
    perMessageDeflate: options.perMessageDeflate ?? false,
    handleProtocols: (offered) => accepted.find((p) => offered.has(p)) ?? false,
  });
  const connections: ServerConnectionLog[] = [];
  wss.on("connection", (socket, request) => {
    const log: ServerConnectionLog = { path: request.url ?? "", headers: headerPairs(request), subprotocol: socket.protocol || null };
    connections.push(log);
    socket.on("message", (data, isBinary) => {
      const message = toMessage(data, isBinary);
      if ("text" in message && message.text.startsWith("!close")) {
        const [, code, ...reason] = message.text.split(" ");
        socket.close(code ? Number(code) : 1000, reason.join(" "));
      } else {
        socket.send(data, { binary: isBinary });
      }
    });
    socket.on("error", () => {}); // protocol errors end in "close" with the code
    socket.on("close", (code, reason) => Object.assign(log, { closeCode: code, closeReason: reason.toString("utf8") }));
  });
  const port = await listenOnLoopback(server);
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= new Promise<void>((resolve) => {
      clearTimeout(lifetime);
      for (const client of wss.clients) client.terminate();
      wss.close();
      server.closeAllConnections?.();
      server.close(() => resolve());
    }));
  const lifetime = setTimeout(close, options.lifetimeMs ?? 120_000);
  lifetime.unref();
  return {
    port,
    url: `${options.tls ? "wss" : "ws"}://127.0.0.1:${port}/`,
    connections,
    waitForClosed: (count, timeoutMs) => waitForClosed(connections, count, timeoutMs),
    close,
  };
}

/**
 * Runs a scripted `ws` client against `url`, with the same semantics and
 * result as `runPythonClient`: sends `messages`, collects `expectReplies`
 * replies, closes as `options.close` says. Resolves even when the connection
 * fails (see `error`); the whole run is bounded by `timeoutMs` (default 10 s).
 */
export function runWsClient(url: string, messages: readonly PeerMessage[], options: ClientOptions = {}): Promise<ClientResult> {
  const result: ClientResult = { opened: false, subprotocol: null, replies: [], closeCode: null, closeReason: "", error: null };
  const expect = options.expectReplies ?? messages.length;
  const close = options.close ?? { code: 1000 };
  const ws = new WebSocket(url, [...(options.subprotocols ?? [])], {
    perMessageDeflate: false,
    handshakeTimeout: options.timeoutMs ?? 10_000,
    ...(options.ca !== undefined ? { ca: options.ca } : {}),
    ...(options.maxSize !== undefined ? { maxPayload: options.maxSize } : {}),
  });
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      result.error ??= "timeout";
      ws.terminate();
      resolve(result);
    }, options.timeoutMs ?? 10_000);
    const maybeClose = () => {
      if (close !== "wait" && result.replies.length === expect) ws.close(close.code, close.reason);
    };
    ws.on("open", () => {
      result.opened = true;
      result.subprotocol = ws.protocol || null;
      for (const m of messages) ws.send("text" in m ? m.text : Buffer.from(m.binary, "base64"));
      maybeClose();
    });
    ws.on("message", (data, isBinary) => {
      result.replies.push(toMessage(data, isBinary));
      maybeClose();
    });
    ws.on("unexpected-response", (_request, response) => {
      result.error = `server rejected WebSocket connection: HTTP ${response.statusCode}`;
      ws.terminate();
    });
    ws.on("error", (error) => (result.error ??= `${error.name}: ${error.message}`));
    ws.on("close", (code, reason) => {
      clearTimeout(timer);
      if (result.opened) Object.assign(result, { closeCode: code, closeReason: reason.toString("utf8") });
      resolve(result);
    });
  });
}
