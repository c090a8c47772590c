/**
 * The wsc CLI, spawned as a user would run it, against a ws echo server.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { makeCertificate, startWsEchoServer } from "../peers/index";
import { cleanupRegistry } from "./support";

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs wsc with `args`, writing `input` to its stdin; killed after `timeoutMs`. */
function wsc(args: readonly string[], input: string, timeoutMs = 10_000): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "./build/hosts/node/register.js", "build/tools/wsc.js", ...args], { stdio: ["pipe", "pipe", "pipe"] });
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
