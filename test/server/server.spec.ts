/** The ws-style Server, its connections, path routing, and BrowserSocket. */
import assert from "node:assert/strict";
import { WebSocket } from "ws";
import { Server, type ServerConnection } from "../../modules/websocket/server/server";
import { BrowserSocket, type ConnectionHandler, type Handshake } from "../../modules/websocket/server/browser-socket";
import { Emitter } from "../../modules/websocket/server/emitter";
import { binary, bytesOf, runWsClient, text } from "../peers/index";
import { RawClient, closeServer, startEcho, startServer } from "./support";

function open(url: string, protocols: string[] = []): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, protocols);
    ws.once("open", () => resolve(ws));
    ws.once("error", reject);
  });
}

function closed(ws: WebSocket): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) => ws.once("close", (code, reason) => resolve({ code, reason: reason.toString() })));
}

describe("server: ws-style Server", function () {
  const servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => closeServer(s)));
  });

  it("emits listening with a real port, echoes text and binary distinguishably", async () => {
    const server = await startServer();
    servers.push(server);
    assert.ok(server.port > 0);
    const seen: Array<[unknown, boolean]> = [];
    const data: unknown[] = [];
    let request: { url: string; headers: Record<string, string> } | undefined;
    server.on("connection", (conn: ServerConnection, req: typeof request) => {
      request = req;
      conn.on("message", (d: string | Uint8Array, isBinary: boolean) => {
        seen.push([d, isBinary]);
        conn.send(d);
      });
      conn.on("data", (d: unknown) => data.push(d));
    });
    const result = await runWsClient(`ws://127.0.0.1:${server.port}/x?y=1`, [text("héllo"), binary([0, 1, 255])]);
    assert.equal(result.error, null);
    assert.deepEqual(result.replies[0], text("héllo"));
    assert.deepEqual([...bytesOf(result.replies[1])], [0, 1, 255]);
    assert.equal(seen[0]![0], "héllo");
    assert.equal(seen[0]![1], false);
    assert.ok(seen[1]![0] instanceof Uint8Array);
    assert.equal(seen[1]![1], true);
    assert.equal(typeof data[0], "string");
    assert.ok(data[1] instanceof Uint8Array);
    assert.equal(request!.url, "/x?y=1");
    assert.equal(request!.headers["upgrade"], "websocket");
  });

  it("tracks clients, reports close code and reason, readyState, protocol", async () => {
    const server = await startServer({ acceptHandler: (protocols) => (protocols.includes("chat") ? "chat" : undefined) });
    servers.push(server);
    const closes: Array<[number, string]> = [];
    let conn: ServerConnection | undefined;
    server.on("connection", (c: ServerConnection) => {
      conn = c;
      c.on("close", (code: number, reason: string) => closes.push([code, reason]));
    });
    const ws = await open(`ws://127.0.0.1:${server.port}/`, ["other", "chat"]);
    assert.equal(ws.protocol, "chat");
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(server.clients.size, 1);
    assert.equal(conn!.protocol, "chat");
    assert.equal(conn!.readyState, 1);
    assert.equal(conn!.bufferedAmount, 0);
    ws.close(4001, "bye");
    await closed(ws);
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(closes, [[4001, "bye"]]);
    assert.equal(server.clients.size, 0);
    assert.equal(conn!.readyState, 3);
  });

  it("acceptHandler: undefined accepts without a subprotocol; false and throw refuse with 403", async () => {
    let answer: () => string | boolean | undefined = () => undefined;
    const server = await startServer({ acceptHandler: () => answer() });
    servers.push(server);
    const url = `ws://127.0.0.1:${server.port}/`;
    const ok = await runWsClient(url, []);
    assert.equal(ok.opened, true);
    assert.equal(ok.subprotocol, null);
    answer = () => false;
    assert.match((await runWsClient(url, [])).error ?? "", /HTTP 403/);
    const errors: unknown[] = [];
    server.on("error", (error) => errors.push(error));
    answer = () => {
      throw new Error("no");
    };
    assert.match((await runWsClient(url, [])).error ?? "", /HTTP 403/);
    assert.equal((errors[0] as Error | undefined)?.message, "no", "the handler's exception reaches the server's error event");
    answer = () => "not-offered";
    assert.match((await runWsClient(url, [], { subprotocols: ["a"] })).error ?? "", /HTTP 403/);
  });

  it("send/ping/pong with mask true throw a UsageError; false or absent work", async () => {
    const server = await startServer();
    servers.push(server);
    const conns: ServerConnection[] = [];
    server.on("connection", (c: ServerConnection) => conns.push(c));
    const ws = await open(`ws://127.0.0.1:${server.port}/`);
    await new Promise((r) => setTimeout(r, 20));
    const conn = conns[0]!;
    for (const call of [() => conn.send("x", true), () => conn.ping("x", true), () => conn.pong(undefined, true)]) {
      assert.throws(call, (e: Error & { code?: string }) => e.name === "UsageError" && e.code === "WS_ERR_SERVER_MASK");
    }
    const got = new Promise<string>((resolve) => ws.once("message", (d) => resolve(String(d))));
    const pinged = new Promise<string>((resolve) => ws.once("ping", (d) => resolve(String(d))));
    const ponged = new Promise<string>((resolve) => ws.once("pong", (d) => resolve(String(d))));
    conn.send("ok", false);
    conn.ping("p");
    conn.pong("q", false);
    assert.equal(await got, "ok");
    assert.equal(await pinged, "p");
    assert.equal(await ponged, "q");
    const clientPing = new Promise<string>((resolve) => conn.once("ping", (d: Uint8Array) => resolve(Buffer.from(d).toString())));
    const clientPong = new Promise<string>((resolve) =>
      conn.on("pong", (d: Uint8Array) => {
        if (Buffer.from(d).toString() === "cq") resolve("cq");
      }),
    );
    ws.ping("cp");
    ws.pong("cq");
    assert.equal(await clientPing, "cp");
    assert.equal(await clientPong, "cq");
    ws.close();
    await closed(ws);
  });

  it("maxPayload fails an oversized message with 1009 and emits error", async () => {
    const server = await startEcho({ maxPayload: 100 });
    servers.push(server);
    const errors: string[] = [];
    server.on("connection", (c: ServerConnection) => c.on("error", (e: { code: string }) => errors.push(e.code)));
    const ok = await runWsClient(`ws://127.0.0.1:${server.port}/`, [text("x".repeat(100))]);
    assert.equal(ok.replies.length, 1);
    const big = await runWsClient(`ws://127.0.0.1:${server.port}/`, [text("x".repeat(101))], { close: "wait" });
    assert.equal(big.closeCode, 1009);
    assert.deepEqual(errors, ["WS_ERR_FRAME_TOO_BIG"]);
  });

  it("backlog: one connection too many gets 503, the others are undisturbed", async () => {
    const server = await startEcho({ backlog: 2 });
    servers.push(server);
    const url = `ws://127.0.0.1:${server.port}/`;
    const a = await open(url);
    const b = await open(url);
    const c = await runWsClient(url, []);
    assert.match(c.error ?? "", /HTTP 503/);
    const echoed = new Promise<string>((resolve) => a.once("message", (d) => resolve(String(d))));
    a.send("still here");
    assert.equal(await echoed, "still here");
    b.close();
    await closed(b);
    await new Promise((r) => setTimeout(r, 20));
    const d = await runWsClient(url, [text("now ok")]);
    assert.deepEqual(d.replies, [text("now ok")]);
    a.close();
    await closed(a);
  });

  it("terminate() ends a connection at once (1006 at the peer)", async () => {
    const server = await startServer();
    servers.push(server);
    server.on("connection", (c: ServerConnection) => c.terminate());
    const ws = await open(`ws://127.0.0.1:${server.port}/`);
    assert.equal((await closed(ws)).code, 1006);
  });

  it("close() closes every connection with 1001, emits close, and frees the port", async () => {
    const server = await startEcho();
    const port = server.port;
    const a = await open(`ws://127.0.0.1:${port}/`);
    const b = await open(`ws://127.0.0.1:${port}/`);
    const codes = Promise.all([closed(a), closed(b)]);
    await closeServer(server);
    assert.deepEqual((await codes).map((c) => c.code), [1001, 1001]);
    const again = await startEcho({ port });
    servers.push(again);
    assert.equal(again.port, port);
  });

  it("routes by path prefix: two servers share a port; other paths get 404", async () => {
    const first = await startServer({ path: "/one" });
    servers.push(first);
    const second = await startServer({ port: first.port, path: "/two" });
    servers.push(second);
    assert.equal(second.port, first.port);
    first.on("connection", (c: ServerConnection) => c.send("one"));
    second.on("connection", (c: ServerConnection) => c.send("two"));
    const base = `ws://127.0.0.1:${first.port}`;
    assert.deepEqual((await runWsClient(`${base}/one`, [], { expectReplies: 1 })).replies, [text("one")]);
    assert.deepEqual((await runWsClient(`${base}/two/sub?q`, [], { expectReplies: 1 })).replies, [text("two")]);
    assert.match((await runWsClient(`${base}/three`, [])).error ?? "", /HTTP 404/);
    assert.match((await runWsClient(`${base}/onex`, [])).error ?? "", /HTTP 404/);
  });

  it("keepalive: pingInterval pings a silent client and measures the round trip", async function () {
    this.timeout(10000);
    const server = await startServer({ pingInterval: 1, pingTimeout: 2 });
    servers.push(server);
    let conn: ServerConnection | undefined;
    server.on("connection", (c: ServerConnection) => (conn = c));
    const ws = await open(`ws://127.0.0.1:${server.port}/`);
    await new Promise<void>((resolve) => ws.once("ping", () => resolve()));
    await new Promise((r) => setTimeout(r, 100));
    assert.ok(conn!.roundTripTime >= 0, `round trip ${conn!.roundTripTime}`);
    ws.close();
    await closed(ws);
  });

  it("emits error when the port is taken", async () => {
    const first = await startServer();
    servers.push(first);
    // A port shared by path is fine; a port taken by someone else is not.
    const net = await import("node:net");
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, "0.0.0.0", r));
    const port = (blocker.address() as { port: number }).port;
    const server = new Server({ port });
    const error = await new Promise<Error>((resolve) => server.once("error", (e) => resolve(e as Error)));
    assert.match(error.message, /socket bind/);
    blocker.close();
  });
});

describe("server: emitter", function () {
  it("on/once/off/emit; an unheard error is reported, not thrown", () => {
    const e = new Emitter();
    const calls: string[] = [];
    const f = (x: string) => calls.push("f" + x);
    e.on("a", f);
    e.once("a", (x: string) => calls.push("o" + x));
    assert.equal(e.emit("a", "1"), true);
    e.emit("a", "2");
    e.off("a", f);
    assert.equal(e.emit("a", "3"), false);
    assert.deepEqual(calls, ["f1", "o1", "f2"]);
    const original = console.error;
    const logged: unknown[] = [];
    console.error = (...args: unknown[]) => logged.push(args.join(" "));
    try {
      assert.equal(e.emit("error", new Error("boom")), false);
    } finally {
      console.error = original;
    }
    assert.match(String(logged[0]), /unhandled 'error' event: Error: boom/);
  });
});

describe("server: BrowserSocket", function () {
  const sockets: BrowserSocket[] = [];
  afterEach(() => sockets.splice(0).forEach((s) => s.stop()));

  it("creates a handler per connection with the request handshake; send/close available in onopen", async () => {
    const requests: Handshake[] = [];
    const events: string[] = [];
    const bs = new BrowserSocket(
      (request) => {
        requests.push(request);
        const handler: ConnectionHandler = {
          handshakeResponseLoop(response) {
            response.headers["X-Device"] = "esp32";
            if (request.headers["Sec-WebSocket-Protocol"]?.includes("chat")) response.headers["Sec-WebSocket-Protocol"] = "chat";
            return response;
          },
          onopen() {
            events.push("open");
            handler.send!("welcome");
          },
          onmessage(event) {
            events.push(typeof event.data === "string" ? `text:${event.data}` : `binary:${event.data.length}`);
            handler.send!(event.data);
          },
          onclose(event) {
            events.push(`close:${event.code}`);
          },
        };
        return handler;
      },
      { port: 0, resourcePrefix: "/app/" },
    );
    sockets.push(bs);
    assert.equal(bs.resourcePrefix, "/app/");
    assert.ok(bs.port > 0);
    const headers: Record<string, string> = {};
    const ws = new WebSocket(`ws://127.0.0.1:${bs.port}/app/room/1`, ["chat"]);
    ws.on("upgrade", (res) => Object.assign(headers, res.headers));
    const replies: unknown[] = [];
    ws.on("message", (d, isBinary) => replies.push(isBinary ? [...(d as Buffer)] : String(d)));
    await new Promise((r) => ws.once("open", r));
    assert.equal(ws.protocol, "chat");
    assert.equal(headers["x-device"], "esp32");
    ws.send("hi");
    ws.send(Buffer.from([9, 8]));
    while (replies.length < 3) await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(replies, ["welcome", "hi", [9, 8]]);
    assert.equal(requests[0]!.firstLine, "GET /app/room/1 HTTP/1.1");
    assert.deepEqual(requests[0]!.body, []);
    ws.close(1000);
    await closed(ws);
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(events, ["open", "text:hi", "binary:2", "close:1000"]);
  });

  it("handshakeResponseLoop returning null cancels (403); outside the prefix is 404", async () => {
    const bs = new BrowserSocket(() => ({ handshakeResponseLoop: () => null }), { port: 0, resourcePrefix: "/only/" });
    sockets.push(bs);
    assert.match((await runWsClient(`ws://127.0.0.1:${bs.port}/only/x`, [])).error ?? "", /HTTP 403/);
    assert.match((await runWsClient(`ws://127.0.0.1:${bs.port}/other`, [])).error ?? "", /HTTP 404/);
  });

  it("shares a port with a Server; stop() closes with 1001 and frees it", async () => {
    const server = await startEcho({ path: "/echo" });
    const bs = new BrowserSocket(() => ({}), { port: server.port, resourcePrefix: "/bs/" });
    assert.equal(bs.port, server.port);
    const ws = await open(`ws://127.0.0.1:${bs.port}/bs/`);
    const echo = await runWsClient(`ws://127.0.0.1:${bs.port}/echo`, [text("e")]);
    assert.deepEqual(echo.replies, [text("e")]);
    const done = closed(ws);
    bs.stop();
    assert.equal((await done).code, 1001);
    assert.match((await runWsClient(`ws://127.0.0.1:${server.port}/bs/`, [])).error ?? "", /HTTP 404/);
    await closeServer(server);
    const raw = await RawClient.connect(server.port).catch((e: Error) => e);
    assert.ok(raw instanceof Error, "port freed");
  });

  it("accepts a ConnectionHandler class, constructed with new and the request (the seed's constructor form)", async () => {
    class Echo implements ConnectionHandler {
      readonly resource: string;
      send?: (data: string | Uint8Array) => void;
      constructor(request: Handshake) {
        this.resource = request.firstLine.split(" ")[1]!;
      }
      onmessage(event: { data: string | Uint8Array }): void {
        this.send!(`${this.resource} ${String(event.data)}`);
      }
    }
    const bs = new BrowserSocket(Echo, { port: 0, resourcePrefix: "/cls/" });
    sockets.push(bs);
    const result = await runWsClient(`ws://127.0.0.1:${bs.port}/cls/a`, [text("x")]);
    assert.deepEqual(result.replies, [text("/cls/a x")]);
  });

  it("rejects a resourcePrefix that does not start and end with /", () => {
    assert.throws(() => new BrowserSocket(() => ({}), { port: 0, resourcePrefix: "/x" }), RangeError);
  });
});
