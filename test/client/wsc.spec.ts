/**
 * The wsc CLI, spawned as a user would run it, against ws servers and clients.
 */
import assert from "node:assert/strict";
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import { join } from "node:path";
import { WebSocket, WebSocketServer } from "ws";
import { listenOnLoopback, makeCertificate, pollUntil, startWsEchoServer } from "../peers/index";
import { cleanupRegistry } from "./support";

const WSC = ["--import", "./build/hosts/node/register.js", "build/tools/wsc.js"];

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs wsc with `args`, writing `input` to its stdin; killed after `timeoutMs`. */
function wsc(args: readonly string[], input: string, timeoutMs = 10_000): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...WSC, ...args], { stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`wsc did not exit within ${timeoutMs} ms; stderr: ${stderr}`));
    }, timeoutMs);
    child.on("error", reject);
    child.on("close", (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
    child.stdin.on("error", () => undefined);
    child.stdin.end(input);
  });
}

describe("wsc CLI", function () {
  const later = cleanupRegistry();

  it("sends stdin lines, prints the echoes, closes with 1000 and exits 0", async () => {
    const server = later(await startWsEchoServer({ subprotocols: ["chat"] }));
    const run = await wsc(["--protocol", "other", "--protocol", "chat", "--header", "X-Test: yes", "--origin", "http://o.example", server.url + "path"], "hello\nwörld\n\nlast\n");
    assert.equal(run.stdout, "hello\nwörld\n\nlast\n");
    assert.equal(run.stderr, `open ${server.url}path chat\nclosed 1000 \n`);
    assert.equal(run.status, 0);
    const [log] = await server.waitForClosed();
    assert.equal(log!.closeCode, 1000);
    assert.ok(log!.headers.some(([name, value]) => name.toLowerCase() === "x-test" && value === "yes"));
  });

  it("sends and prints binary messages with --binary", async () => {
    const server = later(await startWsEchoServer());
    const run = await wsc(["--binary", server.url], "AB\n\n");
    assert.equal(run.stdout, "[binary 2 bytes] 4142\n[binary 0 bytes] \n");
    assert.equal(run.status, 0);
  });

  it("exits non-zero when the server closes with another code", async () => {
    const server = later(await startWsEchoServer());
    const run = await wsc([server.url], "!close 4003 nope\n");
    assert.match(run.stderr, /^closed 4003 nope$/m);
    assert.notEqual(run.status, 0);
  });

  it("prints failed: and exits non-zero when it cannot connect", async () => {
    const run = await wsc(["ws://127.0.0.1:1/"], "");
    assert.match(run.stderr, /^failed: .+/);
    assert.doesNotMatch(run.stderr, /^open/m);
    assert.notEqual(run.status, 0);
    const usage = await wsc(["--bogus", "ws://127.0.0.1:1/"], "");
    assert.match(usage.stderr, /^failed: unknown option --bogus/);
    assert.notEqual(usage.status, 0);
  });

  it("connects over wss: with --ca, and fails without it", async () => {
    const certificate = later(await makeCertificate());
    const server = later(await startWsEchoServer({ tls: { cert: certificate.cert, key: certificate.key } }));
    const caFile = join(certificate.dir, "ca.pem");
    await writeFile(caFile, certificate.cert);
    const ok = await wsc(["--ca", caFile, server.url], "secure\n");
    assert.equal(ok.stdout, "secure\n");
    assert.equal(ok.status, 0);
    const bad = await wsc([server.url], "secure\n");
    assert.match(bad.stderr, /^failed: .*NS_ERROR_NET_TLS/);
    assert.notEqual(bad.status, 0);
  });
});

/** A wsc left running, its stdin open, its output collected. */
class LiveWsc {
  readonly child: ChildProcessWithoutNullStreams;
  stdout = "";
  stderr = "";
  readonly exited: Promise<number | null>;

  constructor(args: readonly string[]) {
    this.child = spawn(process.execPath, [...WSC, ...args], { stdio: ["pipe", "pipe", "pipe"] });
    this.child.stdout.setEncoding("utf8").on("data", (chunk: string) => (this.stdout += chunk));
    this.child.stderr.setEncoding("utf8").on("data", (chunk: string) => (this.stderr += chunk));
    this.child.stdin.on("error", () => undefined);
    this.exited = new Promise((resolve) => this.child.on("close", resolve));
  }

  /** Resolves with the match once `pattern` shows on stderr (or stdout); bounded. */
  waitFor(pattern: RegExp, stream: "stderr" | "stdout" = "stderr", timeoutMs = 10_000): Promise<RegExpExecArray> {
    return pollUntil(() => pattern.exec(this[stream]) ?? undefined, timeoutMs, `${pattern} on wsc's ${stream} (stderr: ${this.stderr})`);
  }

  /** The exit status, or kills it and throws after `timeoutMs`. */
  async status(timeoutMs = 10_000): Promise<number | null> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.child.kill("SIGKILL");
        reject(new Error(`wsc did not exit within ${timeoutMs} ms; stderr: ${this.stderr}`));
      }, timeoutMs);
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** What a recording ws server saw of one connection. */
interface Seen {
  headers: Record<string, string | string[] | undefined>;
  pings: number;
  /** Text messages, and binary ones as their length. */
  messages: Array<string | number>;
  closeCode?: number;
  closeReason?: string;
}

/** A ws server on loopback that records each connection, echoes text and answers binary with `binary N`. */
async function startRecordingServer(): Promise<{ url: string; seen: Seen[]; close(): Promise<void> }> {
  const http = createServer();
  const wss = new WebSocketServer({ server: http, maxPayload: 64 * 1024 * 1024, perMessageDeflate: false });
  const seen: Seen[] = [];
  wss.on("connection", (socket, request) => {
    const log: Seen = { headers: request.headers, pings: 0, messages: [] };
    seen.push(log);
    socket.on("ping", () => log.pings++);
    socket.on("message", (data, isBinary) => {
      const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as Buffer);
      log.messages.push(isBinary ? bytes.length : bytes.toString("utf8"));
      socket.send(isBinary ? `binary ${bytes.length}` : bytes.toString("utf8"));
    });
    socket.on("error", () => undefined);
    socket.on("close", (code, reason) => Object.assign(log, { closeCode: code, closeReason: reason.toString("utf8") }));
  });
  const port = await listenOnLoopback(http);
  return {
    url: `ws://127.0.0.1:${port}/`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close();
        http.close(() => resolve());
      }),
  };
}

describe("wsc CLI: options and commands", function () {
  this.timeout(30_000);
  const later = cleanupRegistry();
  const servers: Array<{ close(): Promise<void> }> = [];
  const live: LiveWsc[] = [];
  afterEach(async () => {
    for (const w of live.splice(0)) if (w.child.exitCode === null) w.child.kill("SIGKILL");
    for (const server of servers.splice(0)) await server.close();
  });
  const recording = async () => {
    const server = await startRecordingServer();
    servers.push(server);
    return server;
  };
  const started = (args: readonly string[]) => {
    const w = new LiveWsc(args);
    live.push(w);
    return w;
  };

  it("--help prints the usage on stdout and exits 0; --version prints the package's version", async () => {
    const help = await wsc(["--help"], "");
    assert.equal(help.status, 0);
    assert.match(help.stdout, /^usage: wsc \[options\] URL/);
    for (const option of ["--execute", "--wait", "--listen", "--auth", "/ping", "/close"]) assert.ok(help.stdout.includes(option), option);
    assert.equal(help.stderr, "");
    const version = await wsc(["--version"], "");
    const expected = (JSON.parse(readFileSync("package.json", "utf8")) as { version: string }).version;
    assert.equal(version.stdout, `wsc ${expected}\n`);
    assert.equal(version.status, 0);
  });

  it("a usage mistake is one line on stderr, no stack trace, exit 2", async () => {
    for (const args of [["--wait", "-1", "ws://127.0.0.1:1/"], ["--listen", "abc"], ["--auth", "nocolon", "ws://127.0.0.1:1/"], [], ["--host", "localhost", "--listen", "0"]]) {
      const run = await wsc(args, "");
      assert.equal(run.status, 2, args.join(" "));
      assert.match(run.stderr, /^failed: [^\n]+\n$/, args.join(" "));
      assert.doesNotMatch(run.stderr, /\bat /);
    }
  });

  it("--execute sends, waits --wait seconds for replies, closes with 1000; stdin is not read", async () => {
    const server = await recording();
    const run = await wsc(["--execute", "first", "-x", "second", "--wait", "0.3", server.url], "from stdin\n");
    assert.equal(run.stdout, "first\nsecond\n");
    assert.equal(run.status, 0);
    const [log] = await pollUntil(() => (server.seen[0]?.closeCode !== undefined ? server.seen : undefined), 5000, "close");
    assert.deepEqual(log!.messages, ["first", "second"]);
    assert.equal(log!.closeCode, 1000);
  });

  it("--auth sends a Basic Authorization header", async () => {
    const server = await recording();
    const run = await wsc(["--auth", "alice:s3cr:et", server.url], "");
    assert.equal(run.status, 0);
    assert.equal(server.seen[0]!.headers.authorization, `Basic ${Buffer.from("alice:s3cr:et").toString("base64")}`);
  });

  it("--slash: /ping sends a ping, /close CODE REASON closes with them; without it the lines are messages", async () => {
    const server = await recording();
    const run = await wsc(["--slash", server.url], "a\n/ping\n//b\n/nope\n/close 4001 bye now\nnot sent\n");
    assert.match(run.stderr, /^failed: unknown command \/nope/m);
    assert.notEqual(run.status, 0); // closed with 4001, not 1000
    const log = await pollUntil(() => (server.seen[0]?.closeCode !== undefined ? server.seen[0] : undefined), 5000, "close");
    assert.equal(log.pings, 1);
    assert.deepEqual(log.messages, ["a", "/b"]);
    assert.equal(log.closeCode, 4001);
    assert.equal(log.closeReason, "bye now");
    const plain = await wsc([server.url], "/ping\n");
    assert.equal(plain.stdout, "/ping\n");
    assert.equal(plain.status, 0);
  });

  it("a text line over the message limit fails on one line and the next line still goes; a binary one goes in fragments", async () => {
    const server = await recording();
    const big = "y".repeat(17 * 1024 * 1024);
    const text = await wsc([server.url], `${big}\nnext\n`, 30_000);
    assert.match(text.stderr, /^failed: a line of 17825792 bytes is over wsc's 16777216-byte message limit; not sent/m);
    assert.doesNotMatch(text.stderr, /\bat /);
    assert.equal(text.stdout, "next\n");
    assert.equal(text.status, 0);
    const binary = await wsc(["--binary", server.url], `${big}\nz\n`, 30_000);
    assert.equal(binary.stdout, "binary 17825792\nbinary 1\n");
    assert.equal(binary.status, 0);
    assert.deepEqual(server.seen.map((s) => s.messages), [["next"], [17825792, 1]]);
  });

  it("SIGINT and SIGTERM close with 1000, then exit 0", async () => {
    const server = await recording();
    for (const signal of ["SIGINT", "SIGTERM"] as const) {
      const w = started([server.url]);
      await w.waitFor(/^open /m);
      w.child.kill(signal);
      assert.equal(await w.status(), 0, `${signal}: ${w.stderr}`);
      assert.match(w.stderr, /^closed 1000 $/m);
    }
    await pollUntil(() => (server.seen.filter((s) => s.closeCode === 1000).length === 2 ? true : undefined), 5000, "two closes with 1000");
  });

  it("--listen PORT: prints what a client sends, sends stdin lines to it, closes it with 1001 on SIGINT", async () => {
    const w = started(["--listen", "0"]);
    const port = Number((await w.waitFor(/^listening on ws:\/\/127\.0\.0\.1:(\d+)\//m))[1]);
    const client = new WebSocket(`ws://127.0.0.1:${port}/chat`);
    const received: string[] = [];
    client.on("message", (data) => received.push(String(data)));
    const closed = new Promise<number>((resolve) => client.on("close", (code) => resolve(code)));
    await new Promise((resolve, reject) => client.once("open", resolve).once("error", reject));
    await w.waitFor(/^connected 127\.0\.0\.1:\d+ \/chat$/m);
    client.send("hello wsc");
    await w.waitFor(/^hello wsc$/m, "stdout");
    w.child.stdin.write("hello client\n");
    await pollUntil(() => (received.length > 0 ? true : undefined), 5000, "a line from wsc");
    assert.deepEqual(received, ["hello client"]);
    w.child.kill("SIGINT");
    assert.equal(await closed, 1001);
    assert.equal(await w.status(), 0);
  });

  it("--listen on a port in use fails on one line, exit 1", async () => {
    const server = later(await startWsEchoServer());
    const run = await wsc(["--listen", String(server.port)], "");
    assert.equal(run.status, 1);
    assert.match(run.stderr, /^failed: cannot listen on 127\.0\.0\.1:\d+: the port is in use/);
  });

  it("on a terminal, sent lines are marked > and received ones <", async function () {
    if (process.platform !== "linux") this.skip(); // util-linux script(1) makes the terminal
    const server = await recording();
    const command = [process.execPath, ...WSC, "-x", "hi", "-w", "0.5", server.url].map((part) => `'${part}'`).join(" ");
    const child = spawn("script", ["-qec", command, "/dev/null"], { stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (out += chunk));
    child.stdin.end();
    const status = await new Promise<number | null>((resolve) => child.on("close", resolve));
    const text = out.replace(/\x1b\[[0-9;]*[A-Za-z]/g, "").replace(/\r/g, "");
    assert.equal(status, 0, text);
    assert.match(text, /^> hi$/m);
    assert.match(text, /^< hi$/m);
  });
});
