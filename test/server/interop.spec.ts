/** Real clients against the server: npm ws, Python websockets, Node's own WebSocket (when present). */
import assert from "node:assert/strict";
import type { Server } from "../../modules/websocket/server/server";
import { binary, bytesOf, closeCommand, runPythonClient, runWsClient, text } from "../peers/index";
import { closeServer, startEcho } from "./support";
import type { ServerConnection } from "../../modules/websocket/server/server";

describe("server: interop with real clients", function () {
  this.timeout(30000);
  let server: Server;
  let url: string;
  before(async () => {
    server = await startEcho({ path: "/echo", acceptHandler: (p) => (p.includes("chat") ? "chat" : undefined), maxPayload: 256 * 1024 });
    // "!close CODE REASON" closes from the server side, as the peers' echo convention says.
    server.on("connection", (conn: ServerConnection) =>
      conn.on("message", (data: unknown) => {
        if (typeof data === "string" && data.startsWith("!close")) {
          const [, code, ...reason] = data.split(" ");
          conn.close(code === undefined ? 1000 : Number(code), reason.join(" "));
        }
      }),
    );
    url = `ws://127.0.0.1:${server.port}/echo`;
  });
  after(() => closeServer(server));

  const big = Array.from({ length: 100_000 }, (_, i) => (i * 31) & 0xff);
  const messages = [text("héllo ☃"), binary([0, 1, 2, 255]), text(""), binary(big)];

  function check(result: Awaited<ReturnType<typeof runWsClient>>): void {
    assert.equal(result.error, null);
    assert.equal(result.opened, true);
    assert.deepEqual(result.replies[0], text("héllo ☃"));
    assert.deepEqual([...bytesOf(result.replies[1])], [0, 1, 2, 255]);
    assert.deepEqual(result.replies[2], text(""));
    assert.deepEqual([...bytesOf(result.replies[3])], big);
  }

  it("npm ws client: echo, subprotocol, close code", async () => {
    const result = await runWsClient(url, messages, { subprotocols: ["chat"], close: { code: 4000, reason: "ws done" } });
    check(result);
    assert.equal(result.subprotocol, "chat");
    assert.equal(result.closeCode, 4000);
    const closed = await runWsClient(url, [closeCommand(4002, "from server")], { close: "wait" });
    assert.equal(closed.closeCode, 4002);
    assert.equal(closed.closeReason, "from server");
  });

  it("Python websockets client: echo, subprotocol, server-initiated close", async () => {
    const result = await runPythonClient(url, messages, { subprotocols: ["chat"] });
    check(result);
    assert.equal(result.subprotocol, "chat");
    assert.equal(result.closeCode, 1000);
    const closed = await runPythonClient(url, [closeCommand(4003, "bye py")], { close: "wait" });
    assert.equal(closed.closeCode, 4003);
    assert.equal(closed.closeReason, "bye py");
  });

  it("Node's built-in WebSocket (in a child `node --experimental-websocket` when this Node lacks the global)", async function () {
    const script = `
      const ws = new WebSocket(${JSON.stringify(url)}, ["chat"]);
      ws.binaryType = "arraybuffer";
      const replies = [];
      const timer = setTimeout(() => { console.log(JSON.stringify({ error: "timeout" })); process.exit(1); }, 8000);
      ws.onopen = () => { ws.send("node"); ws.send(new Uint8Array([7, 8])); };
      ws.onmessage = (e) => {
        replies.push(typeof e.data === "string" ? e.data : Array.from(new Uint8Array(e.data)));
        if (replies.length === 2) ws.close(1000, "node done");
      };
      ws.onclose = (e) => { clearTimeout(timer); console.log(JSON.stringify({ protocol: ws.protocol, replies, code: e.code })); };
    `;
    const { execFile } = await import("node:child_process");
    const out = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, ["--experimental-websocket", "--no-warnings", "-e", script], { timeout: 15000 }, (error, stdout, stderr) =>
        error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout),
      ),
    );
    const result = JSON.parse(out.trim().split("\n").pop()!);
    assert.deepEqual(result, { protocol: "chat", replies: ["node", [7, 8]], code: 1000 });
  });
});
