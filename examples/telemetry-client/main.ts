/**
 * A device telemetry client: sends a reading every 5 s to a WebSocket
 * server, reconnects with backoff when the connection ends, and probes its
 * connection when Wi-Fi comes back (networkChanged), so a connection that
 * died with the old network fails within seconds instead of waiting for TCP.
 *
 *   mcconfig -d -m -p esp32 ssid="…" password="…"     (see docs/device.md)
 *
 * Point SERVER_URI at a server on your network, e.g. `npm start -- --host
 * 0.0.0.0` on your computer (its /telemetry path) or examples/device-server.
 */
import Timer from "timer";
import WiFi from "wifi";
import { Reconnector, networkChanged, openChannel, sharedScheduler, type WebSocketChannel } from "xs-websocket/client";

const SERVER_URI = "ws://192.168.1.10:8080/echo";
const SEND_EVERY_MS = 5000; // the SDK's Timer counts milliseconds

let channel: WebSocketChannel | undefined;
let sent = 0;

const reconnector = new Reconnector({
  connect: (session) => {
    channel = openChannel(session, SERVER_URI, {
      onStart() {
        trace(`open ${SERVER_URI}\n`);
      },
      onMessageAvailable(_context, text) {
        trace(`server: ${text}\n`);
      },
      onStop(_context, status) {
        channel = undefined;
        trace(`stopped: ${status.code}, close code ${status.closeCode}\n`);
      },
    }, { openTimeout: 10, closeTimeout: 2, limits: { maxMessageSize: 2048 } }); // seconds, bytes
  },
  onWait: (delay, attempt) => trace(`reconnecting in ${delay.toFixed(1)} s (attempt ${attempt})\n`),
});
reconnector.start();

Timer.repeat(() => {
  if (channel === undefined || !channel.isOpen) return; // nothing is queued while away
  channel.sendMsg(JSON.stringify({ seq: ++sent, uptime: Math.round(Date.now() / 1000) }));
}, SEND_EVERY_MS);

// Wi-Fi events: a new address means the old connections may be dead without
// knowing it. networkChanged sends one ping on every connection (a dead one
// fails within its pingTimeout, 10 s by default) and lets a waiting
// reconnector try at once.
new WiFi(undefined, (message) => {
  if (message === WiFi.gotIP) networkChanged(sharedScheduler(), [reconnector]);
});
