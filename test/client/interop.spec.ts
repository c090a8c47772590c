/**
 * The channel against real servers (npm `ws` and Python `websockets`) over
 * loopback: messages of every size class, fragmented streams, subprotocols,
 * close codes both ways, and wss: with a generated certificate.
 */
import assert from "node:assert/strict";
import { closeCommand, makeCertificate, startPythonEchoServer, startWsEchoServer, type EchoServer } from "../peers/index";
import { cleanupRegistry, derOf, pattern, Session } from "./support";

const MiB = 1024 * 1024;
const bigLimits = { maxMessageSize: 4 * MiB, maxQueuedBytes: 8 * MiB };

type Start = (options: { subprotocols?: readonly string[]; tls?: { cert: string; key: string } }) => Promise<EchoServer>;
const peers: Array<[string, Start]> = [
  ["ws", (options) => startWsEchoServer(options)],
  ["Python websockets", (options) => startPythonEchoServer({ ...options, maxSize: null })],
];

for (const [name, start] of peers) {
  describe(`channel ↔ ${name} echo server`, function () {
    const later = cleanupRegistry();

    it("echoes text and binary messages of 0, 125, 126, 65535, 65536 bytes and 1 MiB", async () => {
      const server = later(await start({}));
      const session = later(new Session(server.url + "chat?x=1", { limits: bigLimits }));
      await session.opened();
      assert.equal(session.channel.protocol, "");
      for (const size of [0, 125, 126, 65535, 65536, MiB]) {
        const text = "é".repeat(size >> 1) + (size % 2 === 1 ? "a" : "");
        session.channel.sendMsg(text);
        assert.equal(await session.message(), text, `text of ${size} bytes`);
        const bytes = pattern(size, size);
        session.channel.sendBinaryMsg(bytes);
        assert.deepEqual(await session.message(), bytes, `binary of ${size} bytes`);
      }
      const status = await session.end();
      assert.equal(status.code, "NS_OK");
      assert.equal(status.closeCode, 1000);
      assert.equal(status.wasClean, true);
      assert.ok(session.acknowledged > 2 * MiB, "onAcknowledge counts the bytes written");
      const [log] = await server.waitForClosed();
      assert.equal(log!.path, "/chat?x=1");
      assert.equal(log!.closeCode, 1000);
    });

    it("sends a 1 MiB stream as one fragmented message with bounded queueing", async () => {
      const server = later(await start({}));
      const session = later(new Session(server.url, { limits: bigLimits, streamFragmentSize: 8192 }));
      await session.opened();
      const data = pattern(MiB + 123);
      let offset = 0;
      let maxQueued = 0;
      session.channel.sendBinaryStream({
        read(max: number) {
          maxQueued = Math.max(maxQueued, session.channel.bufferedAmount);
          if (offset >= data.length) return undefined;
          const chunk = data.subarray(offset, offset + Math.min(max, 5000));
          offset += chunk.length;
          return chunk;
        },
      });
      assert.throws(() => session.channel.sendMsg("x"), { code: "NS_ERROR_IN_PROGRESS" });
      assert.deepEqual(await session.message(10_000), data);
      assert.equal(session.channel.sendingStream, false);
      assert.ok(maxQueued <= 3 * 8192 + 64, `queued at most ~2 fragments, saw ${maxQueued}`);
      // An iterator with a length limit, then an ordinary message.
      session.channel.sendBinaryStream([pattern(10), pattern(20, 3)][Symbol.iterator](), 25);
      assert.deepEqual(await session.message(), new Uint8Array([...pattern(10), ...pattern(20, 3).subarray(0, 15)]));
      session.channel.sendBinaryStream([]);
      assert.deepEqual(await session.message(), new Uint8Array(0));
      session.channel.sendMsg("after");
      assert.equal(await session.message(), "after");
      assert.equal((await session.end()).code, "NS_OK");
    });

    it("negotiates a subprotocol from the comma-separated list", async () => {
      const server = later(await start({ subprotocols: ["chat", "superchat"] }));
      const session = later(new Session(server.url, {}, (channel) => (channel.protocol = "other, superchat")));
      assert.equal(session.channel.protocol, "other, superchat");
      await session.opened();
      assert.equal(session.channel.protocol, "superchat");
      await session.end();
      const [log] = await server.waitForClosed();
      assert.equal(log!.subprotocol, "superchat");
    });

    it("closes with the client's code and reason", async () => {
      const server = later(await start({}));
      const session = later(new Session(server.url));
      await session.opened();
      session.channel.close(4001, "done");
      const status = await session.stopped();
      assert.equal(status.code, "NS_OK");
      assert.equal(status.closeCode, 4001); // echoed by the server
      const [log] = await server.waitForClosed();
      assert.equal(log!.closeCode, 4001);
      assert.equal(log!.closeReason, "done");
    });

    it("reports the server's close code through onServerClose, then onStop(NS_OK)", async () => {
      const server = later(await start({}));
      const session = later(new Session(server.url));
      await session.opened();
      session.channel.sendMsg((closeCommand(4002, "bye now") as { text: string }).text);
      const status = await session.stopped();
      assert.equal(status.code, "NS_OK");
      assert.equal(status.closeCode, 4002);
      assert.equal(status.reason, "bye now");
      const kinds = session.main.map((event) => event.kind);
      assert.deepEqual(kinds, ["start", "serverClose", "stop"]);
      assert.deepEqual(session.main[1], { kind: "serverClose", code: 4002, reason: "bye now" });
    });

    it("works over wss: when the certificate is trusted with the ca option, and fails without it", async () => {
      const certificate = later(await makeCertificate());
      const server = later(await start({ tls: { cert: certificate.cert, key: certificate.key } }));
      assert.ok(server.url.startsWith("wss://"));
      const session = later(new Session(server.url, { ca: derOf(certificate.cert) }));
      await session.opened();
      const info = session.channel.securityInfo!;
      assert.equal(info.protocol, "TLSv1.2");
      assert.equal(info.peerSubject, "CN=localhost");
      assert.equal(info.verified, true);
      session.channel.sendMsg("secret");
      assert.equal(await session.message(), "secret");
      assert.equal((await session.end()).code, "NS_OK");

      const untrusted = later(new Session(server.url));
      const status = await untrusted.stopped();
      assert.equal(status.code, "NS_ERROR_NET_TLS");
      assert.equal(untrusted.started, false);
      const localhost = later(new Session(server.url.replace("127.0.0.1", "localhost"), { ca: derOf(certificate.cert) }));
      await localhost.opened();
      await localhost.end();
    });
  });
}
