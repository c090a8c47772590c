/**
 * Under pressure the server bends instead of breaking: a slow reader gets
 * every echo (back-pressure, not drops), a message of exactly `maxPayload`
 * is echoed whole, a close frame sent while the peer is still sending
 * arrives (lingering close, not a reset), garbage is answered without
 * waiting for the handshake timeout, and the device-wide memory budget
 * refuses connections (503) and messages (1013) it cannot afford. After each,
 * a fresh client is served.
 */
import assert from "node:assert/strict";
import type { Server } from "../../modules/websocket/server/server";
import { setMemoryBudget } from "../../modules/websocket/transport/platform";
import { binary, runWsClient, text } from "../peers/index";
import { RawClient, closeServer, frame, startEcho } from "./support";

const UNLIMITED = Number.MAX_SAFE_INTEGER;

describe("server: under pressure", function () {
  this.timeout(30000);
  let server: Server;
  before(async () => {
    server = await startEcho({ path: "/echo", backlog: 4, maxPayload: 2_000_000, handshakeTimeout: 20 });
  });
  after(() => closeServer(server));
  afterEach(async () => {
    setMemoryBudget(UNLIMITED);
    const ok = await runWsClient(`ws://127.0.0.1:${server.port}/echo`, [text("still serving")]);
    assert.deepEqual(ok.replies, [text("still serving")], "the server still serves");
  });

  it("a slow reader gets all 200 of its 32 KiB echoes: the server stops reading instead of dropping", async () => {
    const client = await RawClient.open(server.port, "/echo");
    client.socket.pause(); // reads nothing for now: the server's queue fills, then it stops reading
    const payload = new Uint8Array(32 * 1024).map((_, i) => i & 0xff);
    for (let i = 0; i < 200; i++) client.write(frame(2, payload));
    await new Promise((r) => setTimeout(r, 500));
    client.socket.resume();
    let echoed = 0;
    for (; echoed < 200; echoed++) {
      const f = await client.readFrame(10000);
      assert.equal(f.opcode, 2);
      assert.equal(f.payload.length, payload.length);
    }
    assert.equal(echoed, 200);
    client.destroy();
  });

  it("a 1 MiB message is echoed whole", async () => {
    const payload = new Uint8Array(1024 * 1024).map((_, i) => (i * 7) & 0xff);
    const result = await runWsClient(`ws://127.0.0.1:${server.port}/echo`, [binary(payload)]);
    assert.equal(result.replies.length, 1);
    assert.deepEqual(result.replies[0], binary(payload));
  });

  it("10 of 10 close frames arrive while the peer is still sending (lingering close, no reset)", async () => {
    for (let round = 0; round < 10; round++) {
      const client = await RawClient.open(server.port, "/echo");
      for (let i = 0; i < 8; i++) client.write(frame(2, new Uint8Array(16 * 1024)));
      // A frame over the 2,000,000-byte limit, announced and partly sent: 1009, while bytes are still in flight.
      const header = Buffer.from([0x82, 0xff, 0, 0, 0, 0, 0, 0x3d, 0x09, 0x00, 1, 2, 3, 4]);
      client.write(Buffer.concat([header, Buffer.alloc(64 * 1024)]));
      const close = await client.readClose(10000);
      assert.equal(close.code, 1009, `round ${round}`);
      await client.waitEnd(10000);
      client.destroy();
    }
  });

  it("bytes that cannot begin an HTTP request get 400 at once, not at the handshake timeout", async () => {
    const client = await RawClient.connect(server.port);
    client.write(Buffer.from([0x16, 0x03, 0x01, 0x00, 0xa5])); // a TLS ClientHello's first bytes, no line end
    assert.match(await client.readHead(15000), /^HTTP\/1\.1 400 /);
    client.destroy();
  });

  it("a connection the memory budget cannot afford gets 503 before any request is read", async () => {
    setMemoryBudget(0);
    const client = await RawClient.connect(server.port);
    const head = await client.readHead();
    assert.match(head, /^HTTP\/1\.1 503 /);
    assert.match(head, /\r\nRetry-After: 5\r\n/);
    client.destroy();
  });

  it("a message the memory budget cannot afford fails its connection with 1013 (the next one is served)", async () => {
    const client = await RawClient.open(server.port, "/echo");
    setMemoryBudget(8 * 1024); // room for the connection made from now on, not for a 32 KiB message
    const fresh = await RawClient.open(server.port, "/echo");
    fresh.write(frame(1, "x".repeat(32 * 1024)));
    const close = await fresh.readClose();
    assert.equal(close.code, 1013);
    client.destroy();
    fresh.destroy();
  });
});
