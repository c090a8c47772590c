/**
 * Nothing grows with uptime: thousands of connect / exchange / close cycles
 * against the demo's /echo Server on the host simulator leave its tracked
 * state empty (no client, no armed timer, no socket or timer handle beyond
 * the listener's) and its heap where it was.
 *
 * The server runs in a child process started with `--expose-gc`
 * (uptime-server.ts), so its heap is measured after real collections and
 * without the client's allocations; the clients (npm ws) run here.
 */
import assert from "node:assert/strict";
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { dirname, join } from "node:path";
import { createInterface, type Interface } from "node:readline";
import { fileURLToPath } from "node:url";
import { WebSocket } from "ws";

const here = dirname(fileURLToPath(import.meta.url));
const register = join(here, "..", "..", "hosts", "node", "register.js");

/** Cycles in all, and the warm-up after which the heap is first measured. */
const CYCLES = 2000;
const WARM_UP = 400;
/**
 * Heap growth allowed from the warm-up to the end: 1 KiB a cycle. A leaked
 * connection (its server state is several KiB) fails it; V8's own drift over
 * the run (compiled code, inline caches: measured up to ~0.8 MB) does not.
 */
const HEAP_BOUND = 1024 * (CYCLES - WARM_UP);

interface Measure {
  gc: boolean;
  clients: number;
  schedulerArmed: boolean;
  resources: Record<string, number>;
  heapUsed: number;
  arrayBuffers: number;
}

class ServerProcess {
  readonly #child: ChildProcessWithoutNullStreams;
  readonly #lines: Interface;
  readonly #waiting: Array<(line: string) => void> = [];
  stderr = "";

  constructor() {
    this.#child = spawn(process.execPath, ["--expose-gc", "--import", register, join(here, "uptime-server.js")], { stdio: ["pipe", "pipe", "pipe"] });
    this.#child.stderr.on("data", (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.#lines = createInterface({ input: this.#child.stdout });
    this.#lines.on("line", (line) => this.#waiting.shift()?.(line));
  }

  next<T>(): Promise<T> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no answer from the server process; stderr: ${this.stderr}`)), 10_000);
      this.#waiting.push((line) => {
        clearTimeout(timer);
        resolve(JSON.parse(line) as T);
      });
    });
  }

  async measure(): Promise<Measure> {
    const answer = this.next<Measure>();
    this.#child.stdin.write("measure\n");
    return answer;
  }

  async quit(): Promise<void> {
    const exited = new Promise<void>((resolve) => this.#child.once("exit", () => resolve()));
    this.#child.stdin.write("quit\n");
    await exited;
  }

  kill(): void {
    if (this.#child.exitCode === null) this.#child.kill("SIGKILL");
  }
}

/** One cycle: open, a text and a binary message echoed, close. */
function cycle(url: string, i: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    const text = `cycle ${i}`;
    const bytes = Buffer.alloc(64 + (i % 512), i & 0xff);
    let step = 0;
    ws.on("open", () => ws.send(text));
    ws.on("message", (data: Buffer, isBinary: boolean) => {
      step++;
      if (step === 1) {
        if (isBinary || data.toString() !== text) reject(new Error(`cycle ${i}: bad text echo`));
        ws.send(bytes);
      } else {
        if (!isBinary || !data.equals(bytes)) reject(new Error(`cycle ${i}: bad binary echo`));
        ws.close(1000);
      }
    });
    ws.on("close", (code: number) => (code === 1000 && step === 2 ? resolve() : reject(new Error(`cycle ${i}: closed with ${code} after ${step} messages`))));
    ws.on("error", reject);
  });
}

describe("device: nothing grows with uptime (host simulator)", function () {
  this.timeout(120_000);
  let server: ServerProcess | undefined;

  afterEach(() => server?.kill());

  it(`${CYCLES} connect/echo/close cycles leave the server's state empty and its heap flat`, async () => {
    server = new ServerProcess();
    const { port } = await server.next<{ port: number }>();
    const url = `ws://127.0.0.1:${port}/echo`;
    const idle = await server.measure();
    assert.equal(idle.gc, true, "the server process has global.gc");

    // A few connections at once, as a device's clients would come.
    const PARALLEL = 4;
    let done = 0;
    let warm: Measure | undefined;
    while (done < CYCLES) {
      const batch = Math.min(PARALLEL, CYCLES - done);
      await Promise.all(Array.from({ length: batch }, (_, k) => cycle(url, done + k)));
      done += batch;
      if (warm === undefined && done >= WARM_UP) warm = await server.measure();
    }
    const end = await server.measure();
    await server.quit();

    assert.equal(end.clients, 0, "no client is tracked after the last close");
    assert.equal(end.schedulerArmed, false, "the one timer is unscheduled when no connection has a deadline");
    assert.deepEqual(end.resources, idle.resources, "no socket or timer handle is left behind");
    const growth = end.heapUsed - warm!.heapUsed;
    assert.ok(growth < HEAP_BOUND, `heap grew by ${growth} bytes over ${CYCLES - WARM_UP} cycles (bound ${HEAP_BOUND})`);
    assert.ok(end.arrayBuffers - warm!.arrayBuffers < HEAP_BOUND, `ArrayBuffer memory grew by ${end.arrayBuffers - warm!.arrayBuffers} bytes`);
  });
});
