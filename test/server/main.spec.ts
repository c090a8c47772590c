/** The demo app launched as `npm start` launches it; its page in headless Chromium. */
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { runWsClient, binary, bytesOf, text, withChromium } from "../peers/index";

interface App {
  child: ChildProcess;
  port: number;
  output: () => string;
}

function launch(args: string[]): Promise<App> {
  const child = spawn(process.execPath, ["--import", "./build/hosts/node/register.js", "build/main.js", ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`no listening line: ${out}`));
    }, 10000);
    child.stdout!.on("data", () => {
      const match = /^listening on http:\/\/127\.0\.0\.1:(\d+)$/m.exec(out);
      if (match !== null) {
        clearTimeout(timer);
        resolve({ child, port: Number(match[1]), output: () => out });
      }
    });
    child.once("exit", () => reject(new Error(`exited early: ${out}`)));
  });
}

function exited(child: ChildProcess, timeoutMs = 8000): Promise<number | null> {
  return new Promise((resolve, reject) => {
    if (child.exitCode !== null) return resolve(child.exitCode);
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error("did not exit"));
    }, timeoutMs);
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

describe("server: demo app (main.ts)", function () {
  this.timeout(60000);
  let app: App | undefined;
  afterEach(async () => {
    if (app !== undefined && app.child.exitCode === null) {
      app.child.kill("SIGKILL");
      await exited(app.child).catch(() => {});
    }
    app = undefined;
  });

  it("--port 0: prints the listening line once, serves the page, echoes, streams telemetry, exits 0 on SIGTERM", async () => {
    app = await launch(["--port", "0", "--max-payload", "200000"]);
    const base = `127.0.0.1:${app.port}`;
    const page = await fetch(`http://${base}/`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get("content-type") ?? "", /text\/html/);
    assert.match(await page.text(), /<title>ESP32 WebSocket dashboard<\/title>/);
    assert.equal((await fetch(`http://${base}/missing`)).status, 404);
    const echo = await runWsClient(`ws://${base}/echo`, [text("hi"), binary([1, 2, 3]), binary(new Uint8Array(150000))]);
    assert.deepEqual(echo.replies[0], text("hi"));
    assert.deepEqual([...bytesOf(echo.replies[1])], [1, 2, 3]);
    assert.equal(bytesOf(echo.replies[2]).length, 150000);
    const telemetry = await runWsClient(`ws://${base}/telemetry`, [], { expectReplies: 2, timeoutMs: 5000 });
    assert.equal(telemetry.replies.length, 2);
    const reading = JSON.parse((telemetry.replies[0] as { text: string }).text);
    assert.equal(typeof reading.temperature, "number");
    assert.equal(typeof reading.uptime, "number");
    // A client still connected at SIGTERM gets 1001.
    const waiting = runWsClient(`ws://${base}/echo`, [text("x")], { close: "wait" });
    await new Promise((r) => setTimeout(r, 200));
    app.child.kill("SIGTERM");
    assert.equal((await waiting).closeCode, 1001);
    assert.equal(await exited(app.child), 0);
    assert.equal(app.output().match(/listening on/g)?.length, 1);
  });

  it("exits 0 on SIGINT with no clients; PORT from the environment", async () => {
    const child = spawn(process.execPath, ["--import", "./build/hosts/node/register.js", "build/main.js"], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, PORT: "0" },
    });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(out)), 10000);
      child.stdout.on("data", () => /listening on/.test(out) && (clearTimeout(t), resolve()));
    });
    child.kill("SIGINT");
    assert.equal(await exited(child), 0);
  });

  it("a port in use: prints why and exits 1", async () => {
    const net = await import("node:net");
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, r));
    const port = (blocker.address() as { port: number }).port;
    const child = spawn(process.execPath, ["--import", "./build/hosts/node/register.js", "build/main.js", "--port", String(port)], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    try {
      assert.equal(await exited(child), 1);
      assert.match(out, /cannot listen on port \d+/);
    } finally {
      blocker.close();
    }
  });

  it("headless Chromium: the page talks to /echo and /telemetry", async () => {
    app = await launch(["--port", "0"]);
    const url = `http://127.0.0.1:${app.port}/`;
    const result = await withChromium(
      async (page) => {
        await page.goto(url);
        return page.evaluate<{ echoes: unknown[]; readings: number; echoState: string; telemetryState: string }>(`(async () => {
          const d = window.dashboard;
          const until = async (f) => { for (let i = 0; i < 100 && !f(); i++) await new Promise(r => setTimeout(r, 50)); };
          await until(() => d.echoState === "open");
          d["/echo"].send("from chromium");
          d["/echo"].send(new Uint8Array([5, 6, 7]));
          await until(() => d.echoes.length >= 2 && d.readings.length >= 1);
          return { echoes: d.echoes.map(e => typeof e === "string" ? e : Array.from(new Uint8Array(e))), readings: d.readings.length, echoState: d.echoState, telemetryState: d.telemetryState };
        })()`);
      },
      { timeoutMs: 40000 },
    );
    assert.deepEqual(result.echoes, ["from chromium", [5, 6, 7]]);
    assert.ok(result.readings >= 1);
    assert.equal(result.echoState, "open");
    assert.equal(result.telemetryState, "open");
  });
});
