/**
 * A Node app on the host simulator: a ws-style Server echoes, a
 * WebSocketChannel (nsIWebSocketChannel) talks to it over loopback, and
 * the app exits by itself once both have closed.
 *
 *   npx tsc && node --import xs-websocket/register app.js
 */
import { Server } from "xs-websocket/server";
import { WebSocketChannel } from "xs-websocket/client";

const server = new Server({ port: 0, path: "/echo", maxPayload: 4096, handshakeTimeout: 2 });

server.on("connection", (conn, request) => {
  console.log(`server: ${request.url} from ${request.remoteAddress ?? "?"}`);
  conn.on("message", (data, isBinary) => conn.send(isBinary ? data : `echo: ${String(data)}`));
  conn.on("close", (code) => console.log(`server: connection closed ${code}`));
});

server.on("listening", () => {
  const channel = new WebSocketChannel({ openTimeout: 5, closeTimeout: 2 });
  channel.asyncOpen(`ws://127.0.0.1:${server.port}/echo`, "", {
    onStart() {
      console.log(`client: open (protocol "${channel.protocol}")`);
      channel.sendMsg("hello");
    },
    onMessageAvailable(_context, text) {
      console.log(`client: ${text}`);
      channel.close(1000, "done");
    },
    onStop(_context, status) {
      console.log(`client: stopped ${status.code} (close code ${status.closeCode})`);
      server.close();
      process.exitCode = status.code === "NS_OK" ? 0 : 1;
    },
  });
});

server.on("close", () => console.log("server: closed"));
server.on("error", (error) => {
  console.error("server error:", error);
  process.exit(1);
});

// Bounded: a run that hangs fails instead of waiting forever.
setTimeout(() => {
  console.error("timed out");
  process.exit(1);
}, 10_000).unref();
