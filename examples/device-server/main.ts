/**
 * A device server with its own page: `GET /` serves a small page whose
 * script opens a WebSocket to `/ws` on the same device; the ws-style Server
 * echoes what it receives and pushes the device's uptime every second.
 *
 *   mcconfig -d -m -p esp32 ssid="…" password="…"     (see docs/device.md)
 *
 * The device prints its address (`open http://192.168.1.23/`) once Wi-Fi is up.
 */
import Net from "net";
import Timer from "timer";
import { HttpListener, Server, type ServerConnection } from "xs-websocket/server";

const PORT = 80;

const PAGE = `<!doctype html><meta charset="utf-8"><title>device</title>
<p>uptime: <b id="up">…</b> s <p><input id="t" value="hello"><button id="b">send</button><pre id="log"></pre>
<script>
const ws = new WebSocket("ws://" + location.host + "/ws");
const log = (s) => { const p = document.getElementById("log"); p.textContent += s + "\\n"; };
ws.onmessage = (e) => e.data.startsWith("uptime ") ? (document.getElementById("up").textContent = e.data.slice(7)) : log("< " + e.data);
ws.onclose = (e) => log("closed " + e.code);
document.getElementById("b").onclick = () => { ws.send(document.getElementById("t").value); log("> " + document.getElementById("t").value); };
</script>`;

// One listener per port: the page and the WebSocket endpoint share it, routed by path.
const http = HttpListener.acquire(PORT);
http.addPage("/", (_head, path) =>
  path === "/" ? { headers: [["Content-Type", "text/html; charset=utf-8"]], body: PAGE } : undefined,
);

const server = new Server({ port: PORT, path: "/ws", backlog: 4, maxPayload: 4096, pingInterval: 30, pingTimeout: 10 });
const started = Date.now();

server.on("connection", (conn, request) => {
  trace(`ws: ${request.url} from ${request.remoteAddress ?? "?"}\n`);
  conn.on("message", (data, isBinary) => conn.send(isBinary ? data : `echo: ${String(data)}`));
  conn.on("close", (code, reason) => trace(`ws: closed ${code} ${reason}\n`));
});
server.on("error", (error) => trace(`server error: ${String(error)}\n`));

Timer.repeat(() => {
  const text = `uptime ${Math.round((Date.now() - started) / 1000)}`;
  for (const conn of server.clients) sendIfOpen(conn, text);
}, 1000);

function sendIfOpen(conn: ServerConnection, text: string): void {
  if (conn.readyState === 1) conn.send(text);
}

trace(`open http://${Net.get("IP") ?? "?"}/\n`);
