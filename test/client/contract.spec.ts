/**
 * The listener contract of nsIWebSocketChannel/nsIWebSocketListener (seeds
 * 000, 001, 003), the attributes, the W3C WebSocket class and the URI parser.
 */
import assert from "node:assert/strict";
import { startWsEchoServer } from "../peers/index";
import { WebSocketChannel, type ChannelStatus } from "../../modules/websocket/client/channel";
import { WebSocket, type CloseEvent } from "../../modules/websocket/client/websocket";
import { parseWsUri, resolveLocation } from "../../modules/websocket/client/ws-uri";
import { pollUntil } from "../peers/index";
import { cleanupRegistry, delay, Session } from "./support";

describe("channel contract", function () {
  const later = cleanupRegistry();

  it("calls nothing before asyncOpen returns, onStart first, onStop once and last, with the context", async () => {
    const server = later(await startWsEchoServer());
    const session = later(new Session(server.url));
    assert.equal(session.events.length, 0);
    session.onStart = (s) => s.channel.sendMsg("one");
    await session.opened();
    assert.equal(await session.message(), "one");
    await session.end();
    await delay(100);
    assert.equal(session.calledTooEarly, false);
    assert.equal(session.wrongContext, 0);
    assert.equal(session.events[0]!.kind, "start");
    assert.equal(session.events.filter((e) => e.kind === "stop").length, 1);
    assert.equal(session.events.at(-1)!.kind, "stop");
  });

  it("calls onStop once and last when the connection fails, without onStart", async () => {
    const session = later(new Session("ws://127.0.0.1:1/"));
    await session.stopped();
    await delay(100);
    assert.equal(session.calledTooEarly, false);
    assert.deepEqual(session.events.map((e) => e.kind), ["stop"]);
  });

  it("throws NS_ERROR_ALREADY_OPENED on a second asyncOpen, NS_ERROR_MALFORMED_URI on a bad URI", async () => {
    const server = later(await startWsEchoServer());
    const session = later(new Session(server.url));
    assert.throws(() => session.channel.asyncOpen(server.url, "", {}), { code: "NS_ERROR_ALREADY_OPENED" });
    const other = new WebSocketChannel();
    assert.throws(() => other.asyncOpen("http://example.com/", "", {}), { code: "NS_ERROR_MALFORMED_URI" });
    assert.throws(() => other.asyncOpen("ws://example.com/#frag", "", {}), { code: "NS_ERROR_MALFORMED_URI" });
    await session.opened();
    await session.end();
  });

  it("refuses ping settings, protocol changes and sends at the wrong time", async () => {
    const server = later(await startWsEchoServer());
    const session = later(new Session(server.url, {}, (channel) => {
      channel.pingInterval = 30;
      channel.pingTimeout = 5;
    }));
    assert.equal(session.channel.pingInterval, 30);
    assert.throws(() => (session.channel.pingInterval = 10), { code: "NS_ERROR_IN_PROGRESS" });
    assert.throws(() => (session.channel.pingTimeout = 10), { code: "NS_ERROR_IN_PROGRESS" });
    assert.throws(() => (session.channel.protocol = "chat"), { code: "NS_ERROR_IN_PROGRESS" });
    assert.throws(() => session.channel.sendMsg("early"), { code: "NS_ERROR_NOT_CONNECTED" });
    assert.throws(() => (new WebSocketChannel().protocol = "bad name"), { code: "NS_ERROR_ILLEGAL_VALUE" });
    await session.opened();
    assert.equal(session.channel.loadGroup, null);
    assert.equal(session.channel.loadInfo, null);
    assert.equal(session.channel.securityInfo, null);
    assert.throws(() => session.channel.close(1005), { code: "WS_ERR_INVALID_CLOSE_CODE" });
    assert.throws(() => session.channel.close(1000, "x".repeat(124)), { code: "WS_ERR_CLOSE_REASON_TOO_LONG" });
    session.channel.close(1000, "x".repeat(123));
    assert.throws(() => session.channel.sendMsg("late"), { code: "NS_ERROR_NOT_CONNECTED" });
    assert.equal((await session.stopped()).code, "NS_OK");
  });

  it("aborts with NS_ERROR_ABORT when closed before opening", async () => {
    const server = later(await startWsEchoServer());
    const session = later(new Session(server.url));
    session.channel.close();
    const status = await session.stopped();
    assert.equal(status.code, "NS_ERROR_ABORT");
    assert.deepEqual(session.events.map((e) => e.kind), ["stop"]);
  });

  it("sends extra headers from notificationCallbacks and the Origin", async () => {
    const server = later(await startWsEchoServer());
    const session = later(new Session(server.url, {}, (channel) => {
      channel.notificationCallbacks = { headers: (uri) => ({ Authorization: "Bearer t0k", "X-Uri": uri }) };
    }, "http://device.local"));
    await session.opened();
    await session.end();
    const [log] = await server.waitForClosed();
    const headers = new Map(log!.headers.map(([name, value]) => [name.toLowerCase(), value]));
    assert.equal(headers.get("authorization"), "Bearer t0k");
    assert.equal(headers.get("x-uri"), server.url);
    assert.equal(headers.get("origin"), "http://device.local");
  });
});

describe("W3C WebSocket over the channel", function () {
  const later = cleanupRegistry();

  it("opens, echoes text and ArrayBuffer, closes with the code", async () => {
    const server = later(await startWsEchoServer({ subprotocols: ["chat"] }));
    const ws = new WebSocket(server.url, ["chat"]);
    assert.equal(ws.readyState, WebSocket.CONNECTING);
    assert.equal(ws.binaryType, "arraybuffer");
    assert.equal(ws.url, server.url);
    const received: Array<string | ArrayBuffer> = [];
    let closeEvent: CloseEvent | undefined;
    ws.onopen = () => {
      ws.send("hello");
      ws.send(new Uint8Array([1, 2, 3]));
    };
    ws.onmessage = (event) => {
      received.push(event.data);
      if (received.length === 2) ws.close(4000, "bye");
    };
    ws.onclose = (event) => (closeEvent = event);
    later({ close: async () => (ws.readyState !== WebSocket.CLOSED ? ws.close() : undefined) });
    await pollUntil(() => closeEvent, 5000, "onclose");
    assert.equal(received[0], "hello");
    assert.deepEqual(new Uint8Array(received[1] as ArrayBuffer), new Uint8Array([1, 2, 3]));
    assert.equal(ws.protocol, "chat");
    assert.equal(ws.readyState, WebSocket.CLOSED);
    assert.deepEqual([closeEvent!.code, closeEvent!.reason, closeEvent!.wasClean], [4000, "bye", true]);
    assert.throws(() => ws.close(1001), /InvalidAccessError/);
  });

  it("fires onerror then onclose(1006) when it cannot connect", async () => {
    const ws = new WebSocket("ws://127.0.0.1:1/");
    const order: string[] = [];
    let status: ChannelStatus | undefined;
    ws.onerror = () => order.push("error");
    ws.onclose = (event) => (order.push(`close ${event.code} ${event.wasClean}`), (status = event.status));
    await pollUntil(() => status, 5000, "onclose");
    assert.deepEqual(order, ["error", "close 1006 false"]);
  });
});

describe("ws-uri", function () {
  it("parses ws: and wss: URIs", () => {
    assert.deepEqual(parseWsUri("ws://Example.COM/chat?x=1"), { secure: false, host: "example.com", port: 80, resource: "/chat?x=1", href: "ws://example.com/chat?x=1" });
    assert.deepEqual(parseWsUri("wss://127.0.0.1:8443"), { secure: true, host: "127.0.0.1", port: 8443, resource: "/", href: "wss://127.0.0.1:8443/" });
    assert.equal(parseWsUri("wss://h:443/").href, "wss://h/");
    assert.equal(parseWsUri("ws://h?q").resource, "/?q");
    for (const bad of ["http://h/", "ws://h/#f", "ws:///x", "ws://h:0/", "ws://h:70000/", "ws://[::1]/", "ws://a b/", "ws://999.1.1.1/", "ws://u@h/", "h/x"]) {
      assert.throws(() => parseWsUri(bad), { code: "NS_ERROR_MALFORMED_URI" }, bad);
    }
  });

  it("resolves redirect locations", () => {
    const base = parseWsUri("ws://h:8080/a/b?q=1");
    assert.equal(resolveLocation("/x", base).href, "ws://h:8080/x");
    assert.equal(resolveLocation("c?z", base).href, "ws://h:8080/a/c?z");
    assert.equal(resolveLocation("../d", base).href, "ws://h:8080/d");
    assert.equal(resolveLocation("//other/p", base).href, "ws://other/p");
    assert.equal(resolveLocation("https://s/p", base).href, "wss://s/p");
    assert.equal(resolveLocation("wss://s:1/p", base).href, "wss://s:1/p");
    assert.throws(() => resolveLocation("ftp://s/", base), { code: "NS_ERROR_MALFORMED_URI" });
  });
});
