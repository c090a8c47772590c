/**
 * Bench section "soak": many connect / echo / close cycles against our
 * server, with heap readings at intervals, to show the heap stays flat.
 *
 * - XS (xsnap): our ws-style `Server` through its public API over stand-in
 *   ECMA-419 sockets (`xs-server-entry.ts` in soak mode): each cycle is a
 *   peer connecting, the opening handshake, one 13-byte text echo, the close
 *   handshake, the peer closing; every `every` cycles XS collects garbage
 *   and the live slot count and heap-snapshot size are read (as in the
 *   `device` section).
 * - Host: our `Server` on the host simulator (real loopback sockets) and our
 *   client (`WebSocketChannel`), a few cycles at a time; every `every`
 *   cycles, once the server holds no connection, `gc()` and
 *   `process.memoryUsage()`.
 *
 * Figures only: a cycle that fails (no 101, no echo, no close) makes the
 * section fail, since then it cannot measure; growth is printed, never judged.
 */
import { runInNewContext } from "node:vm";
import { setFlagsFromString } from "node:v8";
import { Server, type ServerConnection } from "../../modules/websocket/server/server";
import { listening, openChannelPeer, within } from "./echo-load";
import type { BenchContext, Section } from "./section";
import { formatTable } from "./table";
import { delta, runHeapDriver, SLOT_BYTES_ESP32, type Step } from "./xs-heap";

const FULL_CYCLES = 10_000;
const QUICK_CYCLES = 500;
/** Host cycles run at once (each its own connection). */
const HOST_PARALLEL = 4;
const PAYLOAD = new TextEncoder().encode("hello, device");

const int = (value: number): string => Math.round(value).toLocaleString("en-US");
const signed = (value: number): string => `${value >= 0 ? "+" : ""}${int(value)}`;

/** `gc` when the process can be given one (V8's --expose-gc, set at run time); undefined otherwise. */
function exposeGc(): (() => void) | undefined {
  const own = (globalThis as { gc?: () => void }).gc;
  if (own !== undefined) return own;
  setFlagsFromString("--expose-gc");
  const made = runInNewContext("gc") as unknown;
  return typeof made === "function" ? (made as () => void) : undefined;
}

interface XsReading {
  cycles: number;
  heapSlots: number;
  snapshotBytes: number;
  esp32Bytes: number;
}

async function soakXs(cycles: number, every: number): Promise<XsReading[]> {
  const report = await runHeapDriver("xs-server-entry.ts", { mode: "soak", cycles, every }, 900_000);
  const base = report.steps.find((s) => s.name === "baseline");
  if (base === undefined) throw new Error("XS soak: no baseline step");
  const readings: XsReading[] = [{ cycles: 0, heapSlots: base.heapSlots, snapshotBytes: base.snapshotBytes, esp32Bytes: 0 }];
  for (const step of report.steps.filter((s: Step) => s.name.startsWith("cycles-"))) {
    const value = step.value as { cycles: number; clients: number };
    if (value.clients !== 0) throw new Error(`XS soak: ${value.clients} connections still open after ${value.cycles} cycles`);
    readings.push({ cycles: value.cycles, heapSlots: step.heapSlots, snapshotBytes: step.snapshotBytes, esp32Bytes: delta(base, step).esp32Bytes });
  }
  return readings;
}

interface HostReading {
  cycles: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
  rss: number;
  ms: number;
}

async function startEchoServer(): Promise<Server> {
  const server = new Server({ port: 0, host: "127.0.0.1", backlog: HOST_PARALLEL * 4, clientTracking: true });
  server.on("connection", (conn: ServerConnection) => {
    conn.on("message", (data: string | Uint8Array) => conn.send(data));
    conn.on("error", () => {});
  });
  await listening(server, "soak server");
  return server;
}

/** One cycle on the host: our client connects, one echo, close. */
async function hostCycle(url: string): Promise<void> {
  const peer = await openChannelPeer(url, 1024, 64 * 1024);
  try {
    const echoed = new Promise<void>((resolve, reject) => {
      peer.onEcho = (data) => (data.length === PAYLOAD.length ? resolve() : reject(new Error(`echo of ${data.length} bytes, not ${PAYLOAD.length}`)));
    });
    peer.send(PAYLOAD);
    await within(echoed, 5000, "soak echo");
  } finally {
    await peer.close();
  }
}

async function soakHost(cycles: number, every: number, gc: (() => void) | undefined): Promise<{ readings: HostReading[]; leftOpen: number }> {
  const server = await startEchoServer();
  const url = `ws://127.0.0.1:${server.port}/`;
  const readings: HostReading[] = [];
  let leftOpen = 0;
  const idle = async (): Promise<void> => {
    // The server notices each close a moment after the client: wait (bounded) until it holds none.
    for (let i = 0; i < 200 && server.clients.size > 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    leftOpen = server.clients.size;
  };
  const read = async (done: number, ms: number): Promise<void> => {
    await idle();
    await new Promise((resolve) => setImmediate(resolve));
    gc?.();
    gc?.();
    const m = process.memoryUsage();
    readings.push({ cycles: done, heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers, rss: m.rss, ms });
  };
  try {
    for (let i = 0; i < 20; i++) await hostCycle(url); // warm-up: lazily made objects and JIT before the first reading
    await read(0, 0);
    let done = 0;
    while (done < cycles) {
      const started = performance.now();
      const target = Math.min(cycles, done + every);
      while (done < target) {
        const batch = Math.min(HOST_PARALLEL, target - done);
        await Promise.all(Array.from({ length: batch }, () => hostCycle(url)));
        done += batch;
      }
      await read(done, performance.now() - started);
    }
  } finally {
    await within(new Promise<void>((resolve) => server.close(() => resolve())), 8000, "soak server close").catch(() => undefined);
  }
  return { readings, leftOpen };
}

const section: Section = {
  title: "connect / echo / close cycles against our server on XS (stand-in sockets) and on the host (loopback), heap at intervals",
  async run(context: BenchContext) {
    const { print, quick } = context;
    const cycles = quick ? QUICK_CYCLES : FULL_CYCLES;
    const every = cycles / 10;
    print(`${int(cycles)} cycles per engine${quick ? " (--quick; a full run does " + int(FULL_CYCLES) + ")" : ""}; a cycle = connect, opening handshake, one ${PAYLOAD.length}-byte echo, close handshake; a reading every ${int(every)} cycles`);
    print();

    const xsStarted = performance.now();
    const xs = await soakXs(cycles, every);
    const xsMs = performance.now() - xsStarted;
    print(`XS (xsnap): our Server (public API) on stand-in embedded:io/socket/listener + tcp (tools/bench/xs-standins), one cycle at a time; live after gc()`);
    for (const line of formatTable(
      [{ header: "cycles", right: true }, { header: "slots", right: true }, { header: "xsnap B", right: true }, { header: "Δ slots", right: true }, { header: "Δ xsnap B", right: true }, { header: "Δ ESP32 est.", right: true }],
      xs.map((r) => [int(r.cycles), int(r.heapSlots), int(r.snapshotBytes), signed(r.heapSlots - xs[0]!.heapSlots), signed(r.snapshotBytes - xs[0]!.snapshotBytes), `${signed(r.esp32Bytes)} B`]),
    ))
      print("  " + line);
    const xsLast = xs[xs.length - 1]!;
    const xsSecond = xs[1]!;
    print(`  Δ = above the reading before the first cycle (server listening, warmed up); ESP32 est. = Δ slots × ${SLOT_BYTES_ESP32} + Δ chunk bytes`);
    print(`  from the first reading to the last (${int(xsLast.cycles - xsSecond.cycles)} cycles): ${signed(xsLast.heapSlots - xsSecond.heapSlots)} slots, ${signed(xsLast.snapshotBytes - xsSecond.snapshotBytes)} bytes`);
    print(`  (each reading is its own xsnap crank, whose step name XS interns as a key: about 1 slot + 64 B per reading is the bench's own)`);
    print(`  ${((xsMs / 1000)).toFixed(1)} s on XS, ${(xsMs / cycles).toFixed(2)} ms per cycle with the pure-JS SHA-1 stand-in`);
    print();

    const gc = exposeGc();
    const host = await soakHost(cycles, every, gc);
    const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(2)} MiB`;
    const kibSigned = (bytes: number): string => `${bytes >= 0 ? "+" : ""}${(bytes / 1024).toFixed(1)} KiB`;
    const h0 = host.readings[0]!;
    print(`host: our Server on the host simulator (127.0.0.1), our client (WebSocketChannel), ${HOST_PARALLEL} cycles at a time, in this Node process; process.memoryUsage() ${gc !== undefined ? "after gc()" : "WITHOUT gc (none could be had)"}`);
    for (const line of formatTable(
      [{ header: "cycles", right: true }, { header: "heapUsed", right: true }, { header: "Δ heapUsed", right: true }, { header: "external", right: true }, { header: "Δ external", right: true }, { header: "rss", right: true }, { header: "cycles/s", right: true }],
      host.readings.map((r) => [int(r.cycles), mib(r.heapUsed), kibSigned(r.heapUsed - h0.heapUsed), mib(r.external), kibSigned(r.external - h0.external), mib(r.rss), r.ms > 0 ? int((every / r.ms) * 1000) : ""]),
    ))
      print("  " + line);
    const hLast = host.readings[host.readings.length - 1]!;
    const h1 = host.readings[1]!;
    print(`  from the first reading after cycles to the last (${int(hLast.cycles - h1.cycles)} cycles): heapUsed ${kibSigned(hLast.heapUsed - h1.heapUsed)}, external ${kibSigned(hLast.external - h1.external)}; connections still held by the server at the end: ${host.leftOpen}`);
    print(`  (V8's heap moves by some KiB between readings with no leak: code, inline caches and the GC's own bookkeeping; a leak shows as growth in proportion to cycles)`);
    const summary = `XS ${int(cycles)} cycles: ${signed(xsLast.heapSlots - xsSecond.heapSlots)} slots, ${signed(xsLast.snapshotBytes - xsSecond.snapshotBytes)} B from the first reading to the last; host: heapUsed ${kibSigned(hLast.heapUsed - h1.heapUsed)}`;
    print(`summary: ${summary}`);
    return { cycles, every, xs: { readings: xs, ms: xsMs }, host: { parallel: HOST_PARALLEL, gc: gc !== undefined, ...host }, summary };
  },
};

export default section;
