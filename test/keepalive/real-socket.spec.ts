/**
 * Keepalive over real sockets (loopback, host simulator): a peer that keeps
 * its TCP connection open but stops answering pings is detected on both
 * sides; a peer that answers stays connected.
 */
import assert from "node:assert/strict";
import { startRawTcpServer, startWsEchoServer, pollUntil } from "../peers/index";
import { cleanupRegistry, delay, Session } from "../client/support";
import { closeServer, RawClient, startEcho } from "../server/support";
import type { ServerConnection } from "../../modules/websocket/server/server";
import { WebSocket } from "ws";

/** Keepalive settings short enough for a test: ping after 150 ms of silence, fail 150 ms later. */
const INTERVAL = 0.15;
const TIMEOUT = 0.15;

describe("keepalive over real sockets", function () {
  this.timeout(10_000);
  const later = cleanupRegistry();

  it("client: a server that holds TCP open but never answers pings is caught within pingInterval + pingTimeout", async () => {
    let pings = 0;
    const server = later(
      await startRawTcpServer(async (c) => {
        c.accept(await c.readHead());
        // Read whatever comes (the pings) and answer nothing.
        for (;;) {
          const header = await c.read(2, 5000).catch(() => undefined);
          if (header === undefined) return;
          if ((header[0]! & 0x0f) === 0x9) pings++;
          await c.read(4 + (header[1]! & 0x7f), 5000).catch(() => undefined);
        }
      }),
    );
    const session = later(new Session(server.url, {}, (channel) => {
      channel.pingInterval = INTERVAL;
      channel.pingTimeout = TIMEOUT;
    }));
    await session.opened();
    const openedAt = Date.now();
    const status = await session.stopped(5000);
    const elapsed = Date.now() - openedAt;
    assert.equal(status.code, "NS_ERROR_PING_TIMEOUT");
    assert.equal(pings, 1, "one ping, then the timeout");
    // Functional bound (not a speed check): detection must come after the silence and the timeout, not much later.
    assert.ok(elapsed >= (INTERVAL + TIMEOUT) * 1000 - 20, `detected after ${elapsed} ms, before the deadline`);
    assert.ok(elapsed < 2000, `detected after ${elapsed} ms`);
  });

  it("client: a server that answers pings keeps the connection open across many intervals", async () => {
    const server = later(await startWsEchoServer());
    const session = later(new Session(server.url, {}, (channel) => {
      channel.pingInterval = INTERVAL;
      channel.pingTimeout = TIMEOUT;
    }));
    await session.opened();
    await delay(1200); // eight intervals of silence, each answered
    assert.equal(session.stopStatus, undefined, "still open");
    session.channel.close(1000, "done");
    assert.equal((await session.stopped()).code, "NS_OK");
  });

  it("server: a client that holds TCP open but never answers pings is closed with 1006 and its slot freed", async () => {
    const server = await startEcho({ pingInterval: INTERVAL, pingTimeout: TIMEOUT, backlog: 1 });
    try {
      const events: string[] = [];
      server.on("connection", (conn: ServerConnection) => {
        conn.on("error", (error: { code?: string }) => events.push(`error:${error.code}`));
        conn.on("close", (code: number) => events.push(`close:${code}`));
      });
      const silent = await RawClient.open(server.port, "/"); // reads nothing, answers nothing
      await pollUntil(() => (events.length >= 2 ? true : undefined), 3000, "close of the silent client");
      assert.deepEqual(events, ["error:WS_ERR_PING_TIMEOUT", "close:1006"]);
      assert.equal(server.clients.size, 0, "slot freed");
      silent.socket.destroy();
      // The freed slot serves the next client (backlog is 1).
      const ws = new WebSocket(`ws://127.0.0.1:${server.port}/`);
      await new Promise((resolve, reject) => (ws.once("open", resolve), ws.once("error", reject)));
      ws.close();
    } finally {
      await closeServer(server);
    }
  });

  it("server: a client that answers pings stays connected across many intervals", async () => {
    const server = await startEcho({ pingInterval: INTERVAL, pingTimeout: TIMEOUT });
    try {
      const ws = new WebSocket(`ws://127.0.0.1:${server.port}/`); // ws answers pings by itself
      let pings = 0;
      ws.on("ping", () => pings++);
      await new Promise((resolve, reject) => (ws.once("open", resolve), ws.once("error", reject)));
      await delay(1200);
      assert.equal(ws.readyState, WebSocket.OPEN, "still open");
      assert.ok(pings >= 3, `pinged during the silence (${pings} pings)`);
      ws.close(1000);
    } finally {
      await closeServer(server);
    }
  });
});
