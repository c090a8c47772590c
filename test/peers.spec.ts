/**
 * Proves the peer helpers of `test/peers/` work with each other, so interop
 * tests can trust them. Missing system packages (python3-websockets,
 * chromium, openssl) make these tests fail with a message naming `.ci/run`.
 */
import assert from "node:assert/strict";
import { WebSocket } from "ws";
import {
  binary, bytesOf, closeCommand, makeCertificate, runPythonClient, runWsClient, servePages, startPythonEchoServer,
  startRawTcpServer, startWsEchoServer, text, withChromium, type EchoServer, type TestCertificate,
} from "./peers/index";

const bytes = [0, 1, 2, 250, 255];

describe("test peers", function () {
  const cleanups: (() => Promise<void>)[] = [];
  /** Registers `thing.close()` (or `remove()`) to run after the test. */
  function later<T extends { close(): Promise<void> } | TestCertificate>(thing: T): T {
    cleanups.push(() => ("close" in thing ? thing.close() : thing.remove()));
    return thing;
  }
  afterEach(async () => {
    await Promise.all(cleanups.splice(0).map((c) => c()));
  });

  describe("ws client ↔ Python websockets echo server", function () {
    it("echoes text and binary; the server sees the client's close code", async () => {
      const server = later(await startPythonEchoServer());
      const result = await runWsClient(server.url + "path?q=1", [text("héllo"), binary(bytes)], { close: { code: 4001, reason: "done" } });
      assert.equal(result.error, null);
      assert.deepEqual(result.replies[0], text("héllo"));
      assert.deepEqual([...bytesOf(result.replies[1])], bytes);
      assert.equal(result.closeCode, 4001); // the server echoes the code in its close frame
      const [log] = await server.waitForClosed();
      assert.equal(log!.path, "/path?q=1");
      assert.equal(log!.closeCode, 4001);
      assert.equal(log!.closeReason, "done");
    });

    it("closes with the code the client asks for", async () => {
      const server = later(await startPythonEchoServer());
      const result = await runWsClient(server.url, [closeCommand(4002, "bye now")], { close: "wait" });
      assert.equal(result.closeCode, 4002);
      assert.equal(result.closeReason, "bye now");
    });

    it("selects a subprotocol and enforces max_size", async () => {
      const server = later(await startPythonEchoServer({ subprotocols: ["chat"], maxSize: 8 }));
      const ok = await runWsClient(server.url, [text("12345678")], { subprotocols: ["other", "chat"] });
      assert.equal(ok.subprotocol, "chat");
      assert.equal(ok.closeCode, 1000);
      const big = await runWsClient(server.url, [text("123456789")], { close: "wait" });
      assert.equal(big.closeCode, 1009);
    });
  });

  describe("Python websockets client ↔ ws echo server", function () {
    it("echoes text and binary; the server sees the client's close code", async () => {
      const server = later(await startWsEchoServer({ subprotocols: ["chat"] }));
      const result = await runPythonClient(server.url, [text("héllo"), binary(bytes)], {
        subprotocols: ["chat"],
        close: { code: 4003, reason: "py done" },
      });
      assert.equal(result.error, null);
      assert.equal(result.subprotocol, "chat");
      assert.deepEqual(result.replies[0], text("héllo"));
      assert.deepEqual([...bytesOf(result.replies[1])], bytes);
      const [log] = await server.waitForClosed();
      assert.equal(log!.closeCode, 4003);
      assert.equal(log!.closeReason, "py done");
      assert.ok(log!.headers.some(([name]) => name.toLowerCase() === "sec-websocket-key"));
    });

    it("closes with the code the client asks for", async () => {
      const server = later(await startWsEchoServer());
      const result = await runPythonClient(server.url, [text("a"), closeCommand(4004, "ws bye")], { expectReplies: 1, close: "wait" });
      assert.deepEqual(result.replies, [text("a")]);
      assert.equal(result.closeCode, 4004);
      assert.equal(result.closeReason, "ws bye");
    });

    it("reports a refused handshake as an error", async () => {
      const raw = later(await startRawTcpServer(async (c) => (await c.readHead(), await c.write("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n"))));
      const result = await runPythonClient(raw.url, [text("x")]);
      assert.equal(result.opened, false);
      assert.match(result.error ?? "", /403/);
    });
  });

  describe("TLS", function () {
    let cert: TestCertificate;
    before(async () => {
      cert = await makeCertificate();
    });
    after(async () => cert?.remove());

    it("ws client ↔ ws TLS echo server, trusting the generated certificate", async () => {
      const server = later(await startWsEchoServer({ tls: cert }));
      assert.match(server.url, /^wss:\/\/127\.0\.0\.1:\d+\/$/);
      const result = await runWsClient(server.url, [text("secure")], { ca: cert.cert });
      assert.equal(result.error, null);
      assert.deepEqual(result.replies, [text("secure")]);
      const untrusted = await runWsClient(server.url, [text("x")]);
      assert.equal(untrusted.opened, false);
      assert.match(untrusted.error ?? "", /self[- ]signed/i);
    });

    it("Python client ↔ Python TLS echo server", async () => {
      const server = later(await startPythonEchoServer({ tls: cert }));
      const result = await runPythonClient(server.url, [binary(bytes)], { ca: cert.cert });
      assert.equal(result.error, null);
      assert.deepEqual([...bytesOf(result.replies[0])], bytes);
    });
  });

  describe("Chromium", function () {
    this.timeout(60_000);

    it("a page opens a WebSocket to a ws echo server and returns the echo", async () => {
      const echo: EchoServer = later(await startWsEchoServer());
      const pages = later(await servePages({ "/": "<!doctype html><title>peer</title><p>hi</p>" }));
      const { echoed, origin } = await withChromium(async (page) => {
        await page.goto(pages.url);
        const echoed = await page.evaluate<string>(`new Promise((resolve, reject) => {
          const ws = new WebSocket(${JSON.stringify(echo.url)});
          let echoed;
          ws.onopen = () => ws.send("from chromium");
          ws.onmessage = (e) => { echoed = e.data; ws.close(1000); };
          // Resolve only once the closing handshake is done: the browser is shut down right after.
          ws.onclose = () => (echoed === undefined ? reject(new Error("closed before the echo")) : resolve(echoed));
          ws.onerror = () => reject(new Error("WebSocket error"));
        })`);
        return { echoed, origin: await page.evaluate<string>("location.origin") };
      });
      assert.equal(echoed, "from chromium");
      assert.equal(origin, pages.url.slice(0, -1));
      const [log] = await echo.waitForClosed();
      assert.equal(log!.closeCode, 1000);
      assert.ok(log!.headers.some(([name, value]) => name.toLowerCase() === "origin" && value === origin));
    });

    it("surfaces a page exception as an error", async () => {
      await assert.rejects(withChromium((page) => page.evaluate("Promise.reject(new Error('boom'))")), /boom/);
    });
  });

  describe("raw TCP server", function () {
    it("scripts a handshake and frames byte by byte", async () => {
      const raw = later(
        await startRawTcpServer(async (c) => {
          const head = await c.readHead();
          assert.match(head.requestLine, /^GET \/ HTTP\/1\.1$/);
          await c.accept(head);
          await c.write("\x81\x02hi");
          const frame = await c.read(2 + 4 + 2); // masked "ok" from the client
          assert.equal(frame[0], 0x81);
          assert.equal(frame[1], 0x80 | 2);
          await c.delay(20);
          await c.write("\x88\x02\x0f\xa1"); // close 4001
          await c.waitForEnd();
        }),
      );
      const client = await new Promise<{ got: string; code: number }>((resolve, reject) => {
        const ws = new WebSocket(raw.url);
        let got = "";
        ws.on("message", (data) => ((got = data.toString()), ws.send("ok")));
        ws.on("close", (code) => resolve({ got, code }));
        ws.on("error", reject);
      });
      await raw.settled();
      assert.deepEqual(raw.errors, []);
      assert.deepEqual(client, { got: "hi", code: 4001 });
    });
  });
});
