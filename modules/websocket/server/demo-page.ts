/**
 * The device dashboard page served at `GET /` by the demo app (`main.ts`):
 * live telemetry from `/telemetry`, an echo box talking to `/echo`, and the
 * state of both connections. A string constant, so the device can serve it
 * from flash.
 */
export const DEMO_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>ESP32 WebSocket dashboard</title>
<style>
body { font-family: system-ui, sans-serif; margin: 1.5rem; max-width: 40rem; }
section { border: 1px solid #ccc; border-radius: 6px; padding: .75rem 1rem; margin-bottom: 1rem; }
.state { font-weight: bold; }
#log { font-family: monospace; white-space: pre-wrap; max-height: 12rem; overflow: auto; }
</style>
</head>
<body>
<h1>Device dashboard</h1>
<section>
<h2>Telemetry <small>(<span id="telemetry-state" class="state">connecting</span>)</small></h2>
<p>Temperature: <span id="temperature">–</span> °C · Humidity: <span id="humidity">–</span> % · Uptime: <span id="uptime">–</span> s</p>
<p>Readings received: <span id="readings">0</span></p>
</section>
<section>
<h2>Echo <small>(<span id="echo-state" class="state">connecting</span>)</small></h2>
<form id="echo-form"><input id="echo-input" value="hello device" size="30"> <button>Send</button></form>
<div id="log"></div>
</section>
<script>
"use strict";
const base = (location.protocol === "https:" ? "wss://" : "ws://") + location.host;
const $ = (id) => document.getElementById(id);
window.dashboard = { readings: [], echoes: [], telemetryState: "connecting", echoState: "connecting" };
function connect(path, stateId, key, onmessage) {
  const ws = new WebSocket(base + path);
  ws.binaryType = "arraybuffer";
  ws.onopen = () => { $(stateId).textContent = window.dashboard[key] = "open"; };
  ws.onclose = (e) => {
    $(stateId).textContent = window.dashboard[key] = "closed (" + e.code + ")";
    setTimeout(() => { window.dashboard[path] = connect(path, stateId, key, onmessage); }, 2000);
  };
  ws.onerror = () => { $(stateId).textContent = window.dashboard[key] = "error"; };
  ws.onmessage = onmessage;
  return ws;
}
window.dashboard["/telemetry"] = connect("/telemetry", "telemetry-state", "telemetryState", (e) => {
  const r = JSON.parse(e.data);
  window.dashboard.readings.push(r);
  $("temperature").textContent = r.temperature.toFixed(1);
  $("humidity").textContent = r.humidity.toFixed(1);
  $("uptime").textContent = Math.round(r.uptime);
  $("readings").textContent = window.dashboard.readings.length;
});
window.dashboard["/echo"] = connect("/echo", "echo-state", "echoState", (e) => {
  window.dashboard.echoes.push(e.data);
  $("log").textContent += "← " + (typeof e.data === "string" ? e.data : "[" + e.data.byteLength + " bytes]") + "\\n";
});
$("echo-form").onsubmit = (e) => {
  e.preventDefault();
  const text = $("echo-input").value;
  window.dashboard["/echo"].send(text);
  $("log").textContent += "→ " + text + "\\n";
};
</script>
</body>
</html>
`;
