/**
 * A WebSocketChannel under the Reconnector, over loopback against a real
 * `ws` server: "later" codes bring the client back, refusals stop it, and a
 * 503's Retry-After reaches the policy.
 */
import assert from "node:assert/strict";
import http from "node:http";
import { WebSocketServer } from "ws";
import { pollUntil } from "../peers/index";
import { Reconnector } from "../../modules/websocket/keepalive/reconnect-policy";
import { openChannel, outcomeOfChannel } from "../../modules/websocket/client/reconnect";
import type { ConnectionOutcome } from "../../modules/websocket/keepalive/reconnect-policy";

/** A ws server whose n-th connection (from 1) is handled by `script`. */
async function scriptedServer(script: (n: number, ws: import("ws").WebSocket) => void): Promise<{ url: string; connections: () => number; close(): Promise<void> }> {
  const server = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  let n = 0;
  server.on("connection", (ws) => script(++n, ws));
  await new Promise((resolve) => server.once("listening", resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `ws://127.0.0.1:${port}/`,
    connections: () => n,
    close: () => new Promise((resolve) => {
      for (const client of server.clients) client.terminate();
      server.close(() => resolve());
    }),
  };
}

describe("channel reconnecting under the policy", function () {
  this.timeout(10_000);

  it("comes back after a 1012 (service restart), after the policy's 'later' wait, one attempt at a time", async () => {
    const server = await scriptedServer((n, ws) => {
      if (n === 1) ws.close(1012, "restarting");
      else ws.on("message", (data, isBinary) => ws.send(data, { binary: isBinary }));
    });
    const waits: number[] = [];
    const outcomes: ConnectionOutcome[] = [];
    const received: string[] = [];
    let inFlightMax = 0;
    let live = 0;
    const reconnector = new Reconnector({
      initialDelay: 0.02, laterDelay: 0.1, jitter: 0,
      onWait: (delay, _attempt, outcome) => (waits.push(delay), void outcomes.push(outcome)),
      connect: (session) => {
        live++;
        inFlightMax = Math.max(inFlightMax, live);
        const channel = openChannel(session, server.url, {
          onStart: () => channel.sendMsg(`attempt ${session.attempt}`),
          onMessageAvailable: (_c, text) => void received.push(text),
          onStop: () => void live--,
        });
      },
    });
    try {
      reconnector.start();
      await pollUntil(() => (received.length > 0 ? true : undefined), 5000, "an echo on the second connection");
      assert.deepEqual(received, ["attempt 2"]);
      assert.equal(server.connections(), 2);
      assert.equal(outcomes[0]?.code, 1012);
      assert.equal(outcomes[0]?.opened, true);
      assert.equal(waits[0], 0.1, "a 'later' code waits laterDelay (jitter 0)");
      assert.equal(inFlightMax, 1, "never two attempts at once");
    } finally {
      reconnector.stop();
      await server.close();
    }
  });

  it("stops at a 403 refusal, and passes a 503's Retry-After to the policy", async () => {
    let answer = 503;
    const httpServer = http.createServer();
    httpServer.on("upgrade", (_request, socket) => {
      const extra = answer === 503 ? "Retry-After: 1\r\n" : "";
      socket.end(`HTTP/1.1 ${answer} Refused\r\n${extra}Content-Length: 0\r\nConnection: close\r\n\r\n`);
      answer = 403;
    });
    await new Promise<void>((resolve) => httpServer.listen(0, "127.0.0.1", resolve));
    const { port } = httpServer.address() as { port: number };
    const waits: Array<[number, ConnectionOutcome]> = [];
    let gaveUp: [ConnectionOutcome, string] | undefined;
    const reconnector = new Reconnector({
      initialDelay: 0.02, jitter: 0, maxRetryAfter: 1,
      onWait: (delay, _attempt, outcome) => void waits.push([delay, outcome]),
      onGiveUp: (outcome, reason) => (gaveUp = [outcome, reason]),
      connect: (session) => void openChannel(session, `ws://127.0.0.1:${port}/`, {}),
    });
    try {
      reconnector.start();
      await pollUntil(() => gaveUp, 5000, "give up");
      assert.equal(waits.length, 1, "one wait, after the 503");
      assert.equal(waits[0]![1].status, 503);
      assert.equal(waits[0]![1].retryAfter, "1");
      assert.equal(waits[0]![0], 1, "Retry-After: 1 → one second");
      assert.equal(gaveUp![0].status, 403);
      assert.equal(gaveUp![1], "refused");
      assert.equal(reconnector.state, "stopped");
    } finally {
      reconnector.stop();
      await new Promise((resolve) => httpServer.close(resolve));
    }
  });

  it("outcomeOfChannel: a status maps to the policy's terms", () => {
    const status = { closeCode: 1006, httpStatus: 503, retryAfter: "7" } as Parameters<typeof outcomeOfChannel>[0];
    assert.deepEqual(outcomeOfChannel(status, false), { opened: false, code: 1006, status: 503, retryAfter: "7" });
    assert.deepEqual(outcomeOfChannel({ ...status, httpStatus: 0, retryAfter: "" } as Parameters<typeof outcomeOfChannel>[0], true), { opened: true, code: 1006 });
  });
});
