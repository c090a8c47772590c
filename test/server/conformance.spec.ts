/** RFC 6455 conformance of the server over raw TCP, against an echo endpoint. */
import assert from "node:assert/strict";
import type { Server } from "../../modules/websocket/server/server";
import { RawClient, closePayload, closeServer, frame, roundTrip, startEcho } from "./support";

const TEXT = 1, BINARY = 2, CONT = 0, CLOSE = 8, PING = 9, PONG = 10;

describe("server: conformance over raw TCP", function () {
  this.timeout(20000);
  let server: Server;
  let client: RawClient;
  before(async () => {
    server = await startEcho({ path: "/echo", maxPayload: 2 * 1024 * 1024, maxQueuedBytes: 4 * 1024 * 1024 });
  });
  after(() => closeServer(server));
  beforeEach(async () => {
    client = await RawClient.open(server.port, "/echo");
  });
  afterEach(() => client.destroy());

  async function expectClose(code: number): Promise<void> {
    const close = await client.readClose();
    assert.equal(close.code, code);
    await client.waitEnd();
  }

  for (const size of [0, 125, 126, 65535, 65536, 1024 * 1024]) {
    it(`echoes a binary payload of ${size} bytes unmasked, with the right length encoding`, async () => {
      const payload = Buffer.alloc(size, 0).map((_, i) => (i * 7) & 0xff);
      const echo = await roundTrip(client, BINARY, payload);
      assert.equal(echo.opcode, BINARY);
      assert.equal(echo.masked, false);
      assert.ok(echo.payload.equals(payload));
    });
  }

  it("handles a frame written one byte at a time, and many frames in one write", async () => {
    const bytes = frame(TEXT, "chopped");
    for (const b of bytes) {
      client.write(Buffer.from([b]));
      await new Promise((r) => setImmediate(r));
    }
    assert.equal((await client.readFrame()).payload.toString(), "chopped");
    client.write(Buffer.concat(Array.from({ length: 50 }, (_, i) => frame(TEXT, `m${i}`))));
    for (let i = 0; i < 50; i++) assert.equal((await client.readFrame()).payload.toString(), `m${i}`);
  });

  it("answers pings (empty, 125 bytes, ten in a row, inside a fragmented message) with pongs", async () => {
    client.write(frame(PING));
    let f = await client.readFrame();
    assert.equal(f.opcode, PONG);
    assert.equal(f.payload.length, 0);
    const p125 = Buffer.alloc(125, 0x61);
    client.write(frame(PING, p125));
    f = await client.readFrame();
    assert.ok(f.payload.equals(p125));
    client.write(Buffer.concat(Array.from({ length: 10 }, (_, i) => frame(PING, `p${i}`))));
    for (let i = 0; i < 10; i++) assert.equal((await client.readFrame()).payload.toString(), `p${i}`);
    client.write(Buffer.concat([frame(TEXT, "frag", { fin: false }), frame(PING, "mid"), frame(CONT, "ment")]));
    f = await client.readFrame();
    assert.equal(f.opcode, PONG);
    assert.equal(f.payload.toString(), "mid");
    f = await client.readFrame();
    assert.equal(f.opcode, TEXT);
    assert.equal(f.payload.toString(), "fragment");
  });

  it("ignores unsolicited pongs", async () => {
    client.write(frame(PONG, "unasked"));
    assert.equal((await roundTrip(client, TEXT, "after")).payload.toString(), "after");
  });

  it("fails a 126-byte ping with 1002", async () => {
    client.write(frame(PING, Buffer.alloc(126)));
    await expectClose(1002);
  });

  for (const rsv of [1, 2, 4]) {
    it(`fails reserved bit ${rsv} with 1002`, async () => {
      client.write(frame(TEXT, "x", { rsv }));
      await expectClose(1002);
    });
  }

  for (const opcode of [3, 7, 0xb, 0xf]) {
    it(`fails reserved opcode ${opcode} with 1002`, async () => {
      client.write(frame(opcode, "x"));
      await expectClose(1002);
    });
  }

  it("fails a continuation with nothing to continue (1002)", async () => {
    client.write(frame(CONT, "x"));
    await expectClose(1002);
  });

  it("fails a new data frame inside a fragmented message (1002)", async () => {
    client.write(Buffer.concat([frame(TEXT, "a", { fin: false }), frame(TEXT, "b")]));
    await expectClose(1002);
  });

  it("fails a fragmented control frame (1002)", async () => {
    client.write(frame(PING, "x", { fin: false }));
    await expectClose(1002);
  });

  it("reassembles fragments and accepts UTF-8 split across them", async () => {
    const euro = Buffer.from("€", "utf8");
    client.write(Buffer.concat([frame(TEXT, euro.subarray(0, 1), { fin: false }), frame(CONT, euro.subarray(1, 2), { fin: false }), frame(CONT, euro.subarray(2))]));
    const f = await client.readFrame();
    assert.equal(f.payload.toString(), "€");
  });

  it("fails invalid UTF-8 with 1007", async () => {
    client.write(frame(TEXT, Buffer.from([0xc0, 0xaf])));
    await expectClose(1007);
  });

  it("fails invalid UTF-8 split across fragments before the message ends", async () => {
    client.write(frame(TEXT, Buffer.from([0x61, 0xed]), { fin: false })); // U+D800.. surrogate lead
    client.write(frame(CONT, Buffer.from([0xa0, 0x80]), { fin: false }));
    const close = await client.readClose(); // arrives before any final fragment is sent
    assert.equal(close.code, 1007);
    client.write(frame(CONT, "end"));
    await client.waitEnd();
  });

  for (const code of [1000, 1001, 1003, 1007, 1011, 3000, 4999]) {
    it(`echoes valid close code ${code}`, async () => {
      client.write(frame(CLOSE, closePayload(code, "bye")));
      await expectClose(code);
    });
  }

  it("answers an empty close with an empty close", async () => {
    client.write(frame(CLOSE));
    await expectClose(1005);
  });

  for (const code of [0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000]) {
    it(`fails invalid close code ${code} with 1002`, async () => {
      client.write(frame(CLOSE, closePayload(code)));
      await expectClose(1002);
    });
  }

  it("fails a one-byte close payload with 1002", async () => {
    client.write(frame(CLOSE, Buffer.from([3])));
    await expectClose(1002);
  });

  it("fails a close reason of bad UTF-8 with 1007", async () => {
    client.write(frame(CLOSE, closePayload(1000, Buffer.from([0xff]))));
    await expectClose(1007);
  });

  it("ignores data after the close frame", async () => {
    client.write(Buffer.concat([frame(CLOSE, closePayload(1000)), frame(TEXT, "ignored")]));
    const close = await client.readClose();
    assert.equal(close.code, 1000);
    assert.equal(close.before.length, 0);
    await client.waitEnd();
  });

  it("fails an unmasked client frame with 1002", async () => {
    client.write(frame(TEXT, "x", { mask: false }));
    await expectClose(1002);
  });

  it("fails a length over the limit with 1009 (announced, before the payload)", async () => {
    const header = Buffer.from([0x82, 0xff, 0, 0, 0, 0, 0, 0x40, 0, 0, 1, 2, 3, 4]); // 4 MiB announced
    client.write(header);
    await expectClose(1009);
  });
});
