/** Hostile and broken clients; afterwards the server still serves. */
import assert from "node:assert/strict";
import type { Server } from "../../modules/websocket/server/server";
import { runWsClient, text } from "../peers/index";
import { RawClient, closeServer, frame, startEcho } from "./support";

function upgradeRequest(port: number, extra: Record<string, string> = {}, method = "GET", path = "/echo"): string {
  const headers: Record<string, string> = {
    Host: `127.0.0.1:${port}`,
    Upgrade: "websocket",
    Connection: "Upgrade",
    "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
    "Sec-WebSocket-Version": "13",
    ...extra,
  };
  let s = `${method} ${path} HTTP/1.1\r\n`;
  for (const [k, v] of Object.entries(headers)) if (v !== "") s += `${k}: ${v}\r\n`;
  return s + "\r\n";
}

describe("server: abuse", function () {
  this.timeout(20000);
  let server: Server;
  before(async () => {
    server = await startEcho({ path: "/echo", backlog: 3, handshakeTimeout: 0.5 });
  });
  after(() => closeServer(server));
  afterEach(async () => {
    const ok = await runWsClient(`ws://127.0.0.1:${server.port}/echo`, [text("still serving")]);
    assert.deepEqual(ok.replies, [text("still serving")], "the server still serves");
  });

  async function answer(request: string | Buffer): Promise<string> {
    const client = await RawClient.connect(server.port);
    client.write(request);
    const all = await client.readAll();
    client.destroy();
    return all;
  }

  it("garbage instead of HTTP gets 400", async () => {
    assert.match(await answer("\x16\x03\x01garbage\r\n\r\n"), /^HTTP\/1\.1 400 /);
  });

  it("a missing or bad key gets 400", async () => {
    assert.match(await answer(upgradeRequest(server.port, { "Sec-WebSocket-Key": "" })), /^HTTP\/1\.1 400 /);
    assert.match(await answer(upgradeRequest(server.port, { "Sec-WebSocket-Key": "c2hvcnQ=" })), /^HTTP\/1\.1 400 /);
  });

  it("version 12 gets 426 with Sec-WebSocket-Version: 13", async () => {
    const response = await answer(upgradeRequest(server.port, { "Sec-WebSocket-Version": "12" }));
    assert.match(response, /^HTTP\/1\.1 426 /);
    assert.match(response, /\r\nSec-WebSocket-Version: 13\r\n/);
  });

  it("POST gets 405", async () => {
    assert.match(await answer(upgradeRequest(server.port, {}, "POST")), /^HTTP\/1\.1 405 /);
  });

  it("a plain GET on a WebSocket path gets 426; an unknown path 404", async () => {
    assert.match(await answer(`GET /echo HTTP/1.1\r\nHost: x\r\n\r\n`), /^HTTP\/1\.1 426 /);
    assert.match(await answer(upgradeRequest(server.port, {}, "GET", "/nowhere")), /^HTTP\/1\.1 404 /);
  });

  it("a 64 KiB header gets 431", async () => {
    const client = await RawClient.connect(server.port);
    client.write(`GET /echo HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(64 * 1024)}\r\n\r\n`);
    const head = await client.readHead();
    assert.match(head, /^HTTP\/1\.1 431 /);
    await client.waitEnd();
  });

  it("a client that sends nothing is closed by the handshake timeout", async () => {
    const client = await RawClient.connect(server.port);
    const started = Date.now();
    await client.waitEnd(5000);
    assert.ok(Date.now() - started >= 400, "not before the timeout");
  });

  it("more connections than the backlog: 503, others undisturbed", async () => {
    const clients = await Promise.all([1, 2, 3].map(() => RawClient.open(server.port, "/echo")));
    const extra = await answer(upgradeRequest(server.port));
    assert.match(extra, /^HTTP\/1\.1 503 /);
    clients[0]!.write(frame(1, "ok"));
    assert.equal((await clients[0]!.readFrame()).payload.toString(), "ok");
    for (const c of clients) c.destroy();
    await new Promise((r) => setTimeout(r, 100));
  });

  it("sockets past maxHandshakes (4) get 503 before they send anything; the others stay in their handshake", async () => {
    const silent = await Promise.all([1, 2, 3, 4].map(() => RawClient.connect(server.port)));
    const extra = await RawClient.connect(server.port);
    assert.match(await extra.readHead(), /^HTTP\/1\.1 503 /);
    await extra.waitEnd();
    const first = silent[0]!;
    first.write(upgradeRequest(server.port));
    assert.match(await first.readHead(), /^HTTP\/1\.1 101 /, "a socket within the cap is still served");
    for (const c of [...silent, extra]) c.destroy();
    await new Promise((r) => setTimeout(r, 100));
  });

  it("clients that vanish mid-frame and mid-handshake are cleaned up", async () => {
    for (let i = 0; i < 5; i++) {
      const c = await RawClient.open(server.port, "/echo");
      c.write(frame(2, Buffer.alloc(1000)).subarray(0, 500));
      c.destroy();
      const h = await RawClient.connect(server.port);
      h.write("GET /echo HTTP/1.1\r\nHost: x\r\n");
      h.destroy();
    }
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(server.clients.size, 0);
  });
});
