/** The demo app launched as `npm start` launches it; its page in headless Chromium. */
import assert from "node:assert/strict";
import { acceptsTcp as accepts } from "../peers/types";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { runWsClient, binary, bytesOf, text, withChromium } from "../peers/index";

const MAIN = ["--import", "./build/hosts/node/register.js", "build/main.js"];

interface App {
  child: ChildProcess;
  port: number;
  output: () => string;
}

function launch(args: string[], address = "127\\.0\\.0\\.1"): Promise<App> {
  const child = spawn(process.execPath, [...MAIN, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`no listening line: ${out}`));
    }, 10000);
    child.stdout!.on("data", () => {
      const match = new RegExp(`^listening on http://${address}:(\\d+)$`, "m").exec(out);
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

  it("a port in use: one line that says how to choose another, exit 1", async () => {
    const net = await import("node:net");
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, "127.0.0.1", r));
    const port = (blocker.address() as { port: number }).port;
    const child = spawn(process.execPath, [...MAIN, "--port", String(port)], { stdio: ["ignore", "pipe", "pipe"] });
    let err = "";
    child.stderr.on("data", (d) => (err += d));
    try {
      assert.equal(await exited(child), 1);
      assert.equal(err, `error: cannot listen on 127.0.0.1:${port}: the port is in use (or the address is not on this host); choose another port with --port N or PORT=N (0 picks a free one)\n`);
    } finally {
      blocker.close();
    }
  });

  it("--help: the usage on stdout, exit 0", () => {
    const run = spawnSync(process.execPath, [...MAIN, "--help"], { encoding: "utf8", timeout: 10_000 });
    assert.equal(run.status, 0);
    assert.equal(run.stderr, "");
    assert.match(run.stdout, /^usage: npm start -- \[options\]/);
    for (const option of ["--host", "--port", "--max-payload", "--ping-interval", "--ping-timeout", "PORT"]) assert.ok(run.stdout.includes(option), option);
  });

  it("a bad argument: one line on stderr naming it, no stack trace, exit 2 (each check: demo-args.spec.ts)", () => {
    const cases: Array<[string[], NodeJS.ProcessEnv, RegExp]> = [
      [["--port", "abc"], {}, /^error: --port needs an integer 0–65535, got "abc"$/],
      [["--bogus"], {}, /^error: unknown option --bogus \(see --help\)$/],
      [["--ping-interval", "-5"], {}, /^error: --ping-interval needs a number of seconds ≥ 0, got "-5"$/],
      [["--host", "999.1.1.1"], {}, /^error: --host needs an IP address such as 127\.0\.0\.1, ::1 or 0\.0\.0\.0, got "999\.1\.1\.1"$/],
      [[], { PORT: "eighty" }, /^error: PORT needs an integer 0–65535, got "eighty"$/],
    ];
    for (const [args, env, expected] of cases) {
      const run = spawnSync(process.execPath, [...MAIN, ...args], { encoding: "utf8", timeout: 10_000, env: { ...process.env, ...env } });
      assert.equal(run.status, 2, `${args.join(" ")}: ${run.stderr}`);
      assert.equal(run.stdout, "");
      assert.equal(run.stderr.split("\n").length, 2, `one line: ${run.stderr}`);
      assert.match(run.stderr.trimEnd(), expected);
    }
  });

  it("the banner lists the page, /echo and /telemetry and how to try them; it binds loopback only by default", async () => {
    app = await launch(["--port", "0", "--max-payload", "5000"]);
    const port = app.port;
    await new Promise((r) => setTimeout(r, 100)); // the banner is one write; let it all arrive
    const banner = app.output();
    assert.match(banner, new RegExp(`^  page +http://127\\.0\\.0\\.1:${port}/ `, "m"));
    assert.match(banner, new RegExp(`^  /echo +ws://127\\.0\\.0\\.1:${port}/echo .*5000 bytes`, "m"));
    assert.match(banner, new RegExp(`^  /telemetry +ws://127\\.0\\.0\\.1:${port}/telemetry `, "m"));
    assert.match(banner, new RegExp(`^try it: +npx wsc ws://127\\.0\\.0\\.1:${port}/echo`, "m"));
    assert.equal(await accepts("127.0.0.1", port), true);
    assert.equal(await accepts("127.0.0.2", port), false, "bound to 127.0.0.1 only, so not reachable on 127.0.0.2");
    assert.equal(await accepts("::1", port), false, "bound to 127.0.0.1 only, so not reachable on ::1");
  });

  it("--host ::1: binds that address, brackets it in URLs, and echoes there", async () => {
    app = await launch(["--port", "0", "--host", "::1"], "\\[::1\\]");
    const port = app.port;
    assert.equal(await accepts("::1", port), true);
    assert.equal(await accepts("127.0.0.1", port), false);
    const echo = await runWsClient(`ws://[::1]:${port}/echo`, [text("over IPv6")]);
    assert.deepEqual(echo.replies, [text("over IPv6")]);
  });

  it("a message of exactly --max-payload, larger than the default send queue, is echoed whole (the queue always holds one largest message)", async () => {
    app = await launch(["--port", "0", "--max-payload", "300000"]);
    const payload = new Uint8Array(300000).map((_, i) => i & 0xff);
    const result = await runWsClient(`ws://127.0.0.1:${app.port}/echo`, [binary(payload)], { close: "wait" });
    assert.equal(result.replies.length, 1);
    assert.deepEqual(result.replies[0], binary(payload));
    assert.doesNotMatch(app.output(), /echo refused/);
  });

  it("headless Chromium: the page talks to /echo and /telemetry, explains a 1009 with the limit, marks stale readings and shows reconnecting", async () => {
    app = await launch(["--port", "0", "--max-payload", "1000"]);
    const url = `http://127.0.0.1:${app.port}/`;
    const running = app;
    const result = await withChromium(
      async (page) => {
        await page.goto(url);
        const open = await page.evaluate<{ echoes: unknown[]; readings: number; echoState: string; telemetryState: string; maxPayload: number; sendEnabled: boolean; logFollows: boolean }>(`(async () => {
          const d = window.dashboard;
          const until = async (f) => { for (let i = 0; i < 100 && !f(); i++) await new Promise(r => setTimeout(r, 50)); };
          await until(() => d.echoState === "open");
          for (let i = 0; i < 30; i++) d["/echo"].send("line " + i);
          d["/echo"].send(new Uint8Array([5, 6, 7]));
          await until(() => d.echoes.length >= 31 && d.readings.length >= 1);
          const log = document.getElementById("log");
          return { echoes: [d.echoes[0], Array.from(new Uint8Array(d.echoes[30]))], readings: d.readings.length, echoState: d.echoState, telemetryState: d.telemetryState,
            maxPayload: d.maxPayload, sendEnabled: !document.getElementById("echo-send").disabled,
            logFollows: log.scrollHeight > log.clientHeight && log.scrollTop + log.clientHeight >= log.scrollHeight - 2 };
        })()`);
        const tooBig = await page.evaluate<{ note: string; sendEnabled: boolean; state: string }>(`(async () => {
          const d = window.dashboard;
          document.getElementById("echo-input").value = "x".repeat(1001);
          document.getElementById("echo-send").click();
          const until = async (f) => { for (let i = 0; i < 100 && !f(); i++) await new Promise(r => setTimeout(r, 20)); };
          await until(() => d.echoState !== "open");
          return { note: document.getElementById("echo-note").textContent, sendEnabled: !document.getElementById("echo-send").disabled, state: d.echoState };
        })()`);
        running.child.kill("SIGTERM");
        const stopped = await page.evaluate<{ stale: boolean; staleText: string; telemetryState: string; closes: string[] }>(`(async () => {
          const d = window.dashboard;
          const until = async (f) => { for (let i = 0; i < 200 && !f(); i++) await new Promise(r => setTimeout(r, 50)); };
          await until(() => d.stale === true && d.telemetryState.startsWith("closed, reconnecting"));
          return { stale: d.stale, staleText: document.getElementById("stale").textContent, telemetryState: d.telemetryState, closes: d.closes };
        })()`);
        return { open, tooBig, stopped };
      },
      { timeoutMs: 40000 },
    );
    assert.deepEqual(result.open.echoes, ["line 0", [5, 6, 7]]);
    assert.ok(result.open.readings >= 1);
    assert.equal(result.open.echoState, "open");
    assert.equal(result.open.telemetryState, "open");
    assert.equal(result.open.maxPayload, 1000);
    assert.equal(result.open.sendEnabled, true);
    assert.equal(result.open.logFollows, true, "the log is scrolled to its newest line");
    assert.equal(result.tooBig.note, "Closed with 1009: the message was over the device's limit of 1,000 bytes.");
    assert.equal(result.tooBig.sendEnabled, false);
    assert.match(result.tooBig.state, /^closed, reconnecting in \d+ s$/);
    assert.equal(result.stopped.stale, true);
    assert.match(result.stopped.staleText, /^stale: last reading \d+ s ago$/);
    assert.match(result.stopped.telemetryState, /^closed, reconnecting in \d+ s$/);
    assert.ok(result.stopped.closes.includes("/telemetry 1001: the device is going away (restarting or stopping) (\u201cserver closing\u201d)"), result.stopped.closes.join("; "));
  });
});
