/**
 * The device dashboard page served at `GET /` by the demo app (`main.ts`):
 * live telemetry from `/telemetry`, an echo box talking to `/echo`, and the
 * state of both connections, with close codes explained, stale readings
 * marked, and reconnection shown as it happens.
 *
 * The page is a string constant (in flash on the device); the one number it
 * must learn from the server, the largest message `/echo` accepts, is put in
 * when it is served.
 */

/** The page with the server's message limit in it. */
export function demoPage(maxPayload: number): string {
  return DEMO_PAGE.replace("__MAX_PAYLOAD__", String(maxPayload));
}

const DEMO_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>ESP32 WebSocket dashboard</title>
<style>
body { font-family: system-ui, sans-serif; margin: 1.5rem; max-width: 42rem; }
section { border: 1px solid #ccc; border-radius: 6px; padding: .75rem 1rem; margin-bottom: 1rem; }
h2 { font-size: 1.15rem; margin: .25rem 0 .5rem; }
.state { font-weight: bold; }
.state.open { color: #1a7f37; }
.state.closed, .state.connecting { color: #9a6700; }
.note { color: #555; font-size: .9rem; margin: .25rem 0; min-height: 1.2em; }
#readings-box.stale { color: #888; }
#stale { color: #b35900; font-weight: bold; }
#log { font-family: monospace; white-space: pre-wrap; overflow-wrap: anywhere; height: 12rem; overflow: auto; background: #f6f8fa; padding: .25rem .5rem; margin-top: .5rem; }
#log .sys { color: #666; font-style: italic; }
button:disabled, input:disabled { opacity: .5; }
</style>
</head>
<body>
<h1>Device dashboard</h1>
<section>
<h2>Telemetry <small>(<span id="telemetry-state" class="state connecting">connecting</span>)</small></h2>
<div id="readings-box">
<p>Temperature: <span id="temperature">–</span> °C · Humidity: <span id="humidity">–</span> % · Uptime: <span id="uptime">–</span> s</p>
<p>Readings received: <span id="readings">0</span> <span id="stale"></span></p>
</div>
<p id="telemetry-note" class="note"></p>
</section>
<section>
<h2>Echo <small>(<span id="echo-state" class="state connecting">connecting</span>)</small></h2>
<form id="echo-form"><input id="echo-input" value="hello device" size="30" disabled> <button id="echo-send" disabled>Send</button></form>
<p class="note">The device accepts messages of up to <span id="limit"></span> bytes.</p>
<p id="echo-note" class="note"></p>
<div id="log" aria-live="polite"></div>
</section>
<script>
"use strict";
const MAX_PAYLOAD = __MAX_PAYLOAD__;
const base = (location.protocol === "https:" ? "wss://" : "ws://") + location.host;
const $ = (id) => document.getElementById(id);
const dashboard = window.dashboard = { readings: [], echoes: [], closes: [], telemetryState: "connecting", echoState: "connecting", maxPayload: MAX_PAYLOAD, lastReadingAt: 0 };
$("limit").textContent = MAX_PAYLOAD.toLocaleString("en");
const MEANINGS = {
  1000: "closed normally",
  1001: "the device is going away (restarting or stopping)",
  1002: "protocol error",
  1003: "the device cannot take this kind of data",
  1005: "closed without a status code",
  1006: "the connection was lost (no close frame): the device is unreachable or stopped",
  1007: "the message was not valid UTF-8",
  1008: "refused by the device's policy",
  1009: "the message was over the device's limit of " + MAX_PAYLOAD.toLocaleString("en") + " bytes",
  1011: "the device hit an internal error",
  1013: "the device is busy: try again later",
  1015: "the TLS handshake failed",
};
function explain(event) {
  const meaning = MEANINGS[event.code] || (event.code >= 4000 ? "application code" : "unknown code");
  return event.code + ": " + meaning + (event.reason ? " (\\u201c" + event.reason + "\\u201d)" : "");
}
function setState(key, stateId, text, cls) {
  dashboard[key] = text;
  const el = $(stateId);
  el.textContent = text;
  el.className = "state " + cls;
}
const MAX_LOG_LINES = 200;
function logLine(text, cls) {
  const log = $("log");
  const line = document.createElement("div");
  line.textContent = text;
  if (cls) line.className = cls;
  log.appendChild(line);
  while (log.childNodes.length > MAX_LOG_LINES) log.removeChild(log.firstChild);
  log.scrollTop = log.scrollHeight; // follow the newest line
}
function byteLength(text) { return new TextEncoder().encode(text).length; }

/** One endpoint that reconnects after a close: 1 s, 2 s, 4 s … at most 15 s between attempts, the countdown shown. */
function endpoint(path, key, stateId, noteId, handlers) {
  let attempt = 0;
  let countdown = 0;
  function open() {
    setState(key, stateId, attempt === 0 ? "connecting" : "reconnecting (attempt " + (attempt + 1) + ")", "connecting");
    const ws = new WebSocket(base + path);
    ws.binaryType = "arraybuffer";
    dashboard[path] = ws;
    ws.onopen = () => {
      attempt = 0;
      setState(key, stateId, "open", "open");
      $(noteId).textContent = "";
      handlers.open && handlers.open();
    };
    ws.onmessage = handlers.message;
    let opened = false;
    ws.addEventListener("open", () => { opened = true; });
    ws.onclose = (event) => {
      const why = opened ? explain(event) : "no connection: the device is unreachable or stopped";
      dashboard.closes.push(path + " " + why);
      handlers.close && handlers.close(why);
      const delay = Math.min(15, 2 ** attempt);
      attempt++;
      let left = delay;
      const show = () => {
        setState(key, stateId, "closed, reconnecting in " + left + " s", "closed");
        $(noteId).textContent = (opened ? "Closed with " : "") + why + ".";
      };
      show();
      clearInterval(countdown);
      countdown = setInterval(() => {
        if (--left > 0) return show();
        clearInterval(countdown);
        open();
      }, 1000);
    };
  }
  open();
}

endpoint("/telemetry", "telemetryState", "telemetry-state", "telemetry-note", {
  message(e) {
    const r = JSON.parse(e.data);
    dashboard.readings.push(r);
    dashboard.lastReadingAt = Date.now();
    $("temperature").textContent = r.temperature.toFixed(1);
    $("humidity").textContent = r.humidity.toFixed(1);
    $("uptime").textContent = Math.round(r.uptime);
    $("readings").textContent = dashboard.readings.length;
    markStale();
  },
});
/** Readings older than 3 s (the device sends one a second) are greyed and their age shown. */
function markStale() {
  const age = dashboard.lastReadingAt === 0 ? 0 : Math.floor((Date.now() - dashboard.lastReadingAt) / 1000);
  const stale = age >= 3;
  dashboard.stale = stale;
  $("readings-box").className = stale ? "stale" : "";
  $("stale").textContent = stale ? "stale: last reading " + age + " s ago" : "";
}
setInterval(markStale, 1000);

function sendable(open) {
  $("echo-send").disabled = !open;
  $("echo-input").disabled = !open;
}
endpoint("/echo", "echoState", "echo-state", "echo-note", {
  open() { sendable(true); logLine("connected to " + base + "/echo", "sys"); },
  message(e) {
    dashboard.echoes.push(e.data);
    logLine("\\u2190 " + (typeof e.data === "string" ? e.data : "[" + e.data.byteLength + " bytes]"));
  },
  close(why) { sendable(false); logLine(why.startsWith("no connection") ? why : "closed: " + why, "sys"); },
});
$("echo-form").onsubmit = (e) => {
  e.preventDefault();
  const ws = dashboard["/echo"];
  if (ws.readyState !== WebSocket.OPEN) return;
  const text = $("echo-input").value;
  ws.send(text);
  const size = byteLength(text);
  logLine("\\u2192 " + (text.length > 80 ? text.slice(0, 80) + "\\u2026 (" + size + " bytes)" : text));
};
</script>
</body>
</html>
`;
