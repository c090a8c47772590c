/**
 * The channel against scripted misbehaving servers (raw TCP): every way to
 * fail ends in exactly one onStop naming the cause.
 */
import assert from "node:assert/strict";
import type { AddressInfo } from "node:net";
import tls from "node:tls";
import { makeCertificate, startRawTcpServer, startWsEchoServer, type RawConnection } from "../peers/index";
import { cleanupRegistry, delay, derOf, Session } from "./support";

/** Reads the client's (masked) close frame and returns its code. */
async function readCloseCode(connection: RawConnection): Promise<number> {
  const head = await connection.read(2);
  assert.equal(head[0], 0x88, "a close frame");
  const length = head[1]! & 0x7f;
  const mask = await connection.read(4);
  const payload = await connection.read(length);
  const bytes = payload.map((byte, i) => byte ^ mask[i % 4]!);
  return length >= 2 ? (bytes[0]! << 8) | bytes[1]! : 1005;
}

describe("channel failure paths", function () {
  const later = cleanupRegistry();

  it("refuses a wrong Sec-WebSocket-Accept", async () => {
    const server = later(await startRawTcpServer(async (c) => {
      await c.readHead();
      await c.write("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: AAAAAAAAAAAAAAAAAAAAAAAAAAA=\r\n\r\n");
    }));
    const session = later(new Session(server.url));
    const status = await session.stopped();
    assert.equal(status.code, "NS_ERROR_WEBSOCKET_HANDSHAKE");
    assert.equal(status.errorCode, "WS_ERR_BAD_ACCEPT");
    assert.equal(status.httpStatus, 101);
    assert.equal(session.started, false);
  });

  it("reports the HTTP status of a refused handshake", async () => {
    const server = later(await startRawTcpServer(async (c) => {
      await c.readHead();
      await c.write("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
    }));
    const status = await later(new Session(server.url)).stopped();
    assert.equal(status.code, "NS_ERROR_WEBSOCKET_HANDSHAKE");
    assert.equal(status.httpStatus, 404);
    assert.match(status.message, /404/);
  });

  it("refuses a subprotocol it did not ask for", async () => {
    const server = later(await startRawTcpServer(async (c) => c.accept(await c.readHead(), ["Sec-WebSocket-Protocol: chat"])));
    const status = await later(new Session(server.url)).stopped();
    assert.equal(status.code, "NS_ERROR_WEBSOCKET_HANDSHAKE");
    assert.equal(status.errorCode, "WS_ERR_UNREQUESTED_PROTOCOL");
  });

  const violations: Array<[string, string, number, string]> = [
    ["a masked server frame", "\x81\x85\x01\x02\x03\x04" + String.fromCharCode(..."hello".split("").map((ch, i) => ch.charCodeAt(0) ^ (i % 4) + 1)), 1002, "WS_ERR_UNEXPECTED_MASK"],
    ["invalid UTF-8 in a text message", "\x81\x02\xc3\x28", 1007, "WS_ERR_INVALID_UTF8"],
    ["a reserved opcode", "\x83\x00", 1002, "WS_ERR_INVALID_OPCODE"],
  ];
  for (const [what, frame, closeCode, errorCode] of violations) {
    it(`fails with ${closeCode} on ${what}`, async () => {
      let received: number | undefined;
      const server = later(await startRawTcpServer(async (c) => {
        await c.accept(await c.readHead());
        await c.write(frame);
        received = await readCloseCode(c);
      }));
      const session = later(new Session(server.url));
      const status = await session.stopped();
      assert.equal(status.code, "NS_ERROR_WEBSOCKET_PROTOCOL");
      assert.equal(status.closeCode, closeCode);
      assert.equal(status.errorCode, errorCode);
      assert.equal(status.wasClean, false);
      assert.deepEqual(session.main.map((e) => e.kind), ["start", "stop"]);
      await server.settled();
      assert.deepEqual(server.errors, []);
      assert.equal(received, closeCode, "the close frame sent carries the code");
    });
  }

  it("stops at maxRedirects on a redirect loop", async () => {
    let connections = 0;
    const server = later(await startRawTcpServer(async (c) => {
      connections++;
      await c.readHead();
      await c.write(`HTTP/1.1 302 Found\r\nLocation: /loop${connections}\r\nContent-Length: 0\r\n\r\n`);
      await c.endWrite();
    }));
    const session = later(new Session(server.url, { maxRedirects: 3 }));
    const status = await session.stopped();
    assert.equal(status.code, "NS_ERROR_REDIRECT_LOOP");
    assert.equal(status.httpStatus, 302);
    assert.equal(connections, 4);
    assert.equal(session.channel.URI, server.url + "loop3");
    assert.equal(session.channel.originalURI, server.url);
  });

  it("follows a redirect to a real echo server (URI vs originalURI)", async () => {
    const echo = later(await startWsEchoServer());
    const server = later(await startRawTcpServer(async (c) => {
      await c.readHead();
      await c.write(`HTTP/1.1 307 Temporary Redirect\r\nLocation: ${echo.url}target?q=1\r\nContent-Length: 0\r\n\r\n`);
    }));
    const session = later(new Session(server.url + "start"));
    await session.opened();
    assert.equal(session.channel.originalURI, server.url + "start");
    assert.equal(session.channel.URI, echo.url + "target?q=1");
    session.channel.sendMsg("hi");
    assert.equal(await session.message(), "hi");
    assert.equal((await session.end()).code, "NS_OK");
    const [log] = await echo.waitForClosed();
    assert.equal(log!.path, "/target?q=1");
  });

  it("refuses a redirect from wss: to ws:", async () => {
    const certificate = later(await makeCertificate());
    const echo = later(await startWsEchoServer());
    const server = tls.createServer({ cert: certificate.cert, key: certificate.key }, (socket) => {
      socket.on("error", () => undefined);
      socket.once("data", () => socket.end(`HTTP/1.1 301 Moved Permanently\r\nLocation: ${echo.url}\r\nContent-Length: 0\r\n\r\n`));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    later({ close: () => new Promise<void>((resolve) => (server.close(() => resolve()), undefined)) });
    const port = (server.address() as AddressInfo).port;
    const session = later(new Session(`wss://127.0.0.1:${port}/`, { ca: derOf(certificate.cert) }));
    const status = await session.stopped();
    assert.equal(status.code, "NS_ERROR_REDIRECT_REFUSED");
    assert.equal(status.httpStatus, 301);
    assert.equal(echo.connections.length, 0);
  });

  it("ends even when the server never closes TCP after its close frame (closeTimeout)", async () => {
    const server = later(await startRawTcpServer(async (c) => {
      await c.accept(await c.readHead());
      await c.write("\x88\x02\x03\xe8");
      await readCloseCode(c);
      await c.delay(3000); // keeps TCP open
    }));
    const started = Date.now();
    const session = later(new Session(server.url, { closeTimeout: 0.3 }));
    const status = await session.stopped();
    assert.equal(status.code, "NS_OK");
    assert.equal(status.closeCode, 1000);
    assert.ok(Date.now() - started < 2000);
  });

  it("ends when the server never answers the client's close (1006)", async () => {
    const server = later(await startRawTcpServer(async (c) => {
      await c.accept(await c.readHead());
      await c.delay(3000);
    }));
    const session = later(new Session(server.url, { closeTimeout: 0.3 }));
    await session.opened();
    session.channel.close(1000);
    const status = await session.stopped();
    assert.equal(status.code, "NS_ERROR_NET_INTERRUPT");
    assert.equal(status.closeCode, 1006);
  });

  it("reports a refused connection", async () => {
    const server = await startRawTcpServer(() => undefined);
    const url = server.url;
    await server.close();
    const status = await later(new Session(url)).stopped();
    assert.equal(status.code, "NS_ERROR_CONNECTION_REFUSED");
  });

  it("reports an open timeout when the server never answers the handshake", async () => {
    const server = later(await startRawTcpServer(async (c) => {
      await c.readHead();
      await c.delay(3000);
    }));
    const started = Date.now();
    const status = await later(new Session(server.url, { openTimeout: 0.3 })).stopped();
    assert.equal(status.code, "NS_ERROR_OPEN_TIMEOUT");
    assert.ok(Date.now() - started < 2000);
  });

  it("reports a ping timeout when pongs never come", async () => {
    const server = later(await startRawTcpServer(async (c) => {
      await c.accept(await c.readHead());
      await c.delay(4000);
    }));
    const session = later(new Session(server.url, {}, (channel) => {
      channel.pingInterval = 0.2;
      channel.pingTimeout = 0.3;
    }));
    await session.opened();
    assert.throws(() => (session.channel.pingInterval = 1), { code: "NS_ERROR_IN_PROGRESS" });
    const status = await session.stopped();
    assert.equal(status.code, "NS_ERROR_PING_TIMEOUT");
  });

  it("reports an unknown host without DNS", async () => {
    const status = await later(new Session("ws://no-such-host.invalid/")).stopped();
    assert.equal(status.code, "NS_ERROR_UNKNOWN_HOST");
  });

  it("delivers nothing after onServerClose", async () => {
    const server = later(await startRawTcpServer(async (c) => {
      await c.accept(await c.readHead());
      await c.write("\x81\x02hi\x88\x02\x03\xe8\x81\x05after");
      await readCloseCode(c);
      await c.endWrite();
    }));
    const session = later(new Session(server.url));
    await session.stopped();
    await delay(50);
    assert.deepEqual(session.main.map((e) => e.kind), ["start", "text", "serverClose", "stop"]);
    const lastAck = session.events.map((e) => e.kind).lastIndexOf("ack");
    assert.ok(lastAck < session.events.findIndex((e) => e.kind === "serverClose"), "no onAcknowledge after onServerClose");
  });
});
