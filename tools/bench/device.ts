/**
 * The `device` bench section: memory and size, measured on XS.
 *
 * - Heap, from XS itself (`xs-heap-driver.mjs` runs `xs-device-entry.ts` in
 *   an xsnap worker step by step and reads, after each step and a GC, the
 *   live slot count and the size of a heap snapshot): per open idle
 *   connection (core `Connection` alone, and with its `SocketDriver`), after
 *   one message, client and server role; a 64 KiB binary message in flight
 *   and delivered, and a 32 KiB text message, with the typed-array bytes the
 *   library allocated on the way (to show it makes no copy of a message
 *   beyond the one the application receives). Nothing after close remains.
 * - Heap of a whole server connection as the device sees it
 *   (`xs-server-entry.ts`): our ws-style `Server`, built through its public
 *   API over stand-in ECMA-419 listener/TCP sockets (xs-standins/), with
 *   {@link WHOLE_CONNECTIONS} connections open after the opening handshake,
 *   idle and after one echo, then closed; the stand-in socket objects' own
 *   share is measured alone and shown apart.
 * - Size: esbuild-minified ES module bundles of the library: core; core +
 *   client (`modules/websocket/client/channel.ts`, when it exists); core +
 *   server; core + client + server; the device glue. SDK modules are external.
 *
 * xsnap is a 64-bit build: a slot is 32 bytes there and 16 on the ESP32, so
 * device bytes are estimated as slots × 16 + chunk bytes, where chunk bytes
 * = snapshot bytes − slots × 32 (strings, ArrayBuffer data, tables; their
 * sizes hardly depend on the word size). Figures only; no assertion.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import * as esbuild from "esbuild";
import { projectRoot } from "../../test/xs/run-on-xs";
import type { BenchContext, Section } from "./section";
import { delta, runHeapDriver, SLOT_BYTES_ESP32, SLOT_BYTES_XSNAP, stepOf, type Delta, type Step } from "./xs-heap";
import { formatTable } from "./table";

/** Must match xs-device-entry.ts. */
const IDLE_CONNECTIONS = 64;
/** Open connections of the whole-connection figures (per connection = delta / this). */
const WHOLE_CONNECTIONS = 32;
/** Echoes in the crank that measures the work of one (the per-message cost). */
const COST_ECHOES = 200;
/** Text sizes of the per-echo work, in bytes: the two of the device CPU check (docs/device.md). */
const ECHO_SIZES: readonly number[] = [16, 1000];

/** SDK specifiers: provided by the firmware, not part of the library's size. */
const EXTERNAL = ["embedded:*", "timer", "rng", "crypt", "logical", "text/decoder", "text/encoder", "mc/config"];

interface SizeRow {
  name: string;
  files: string[];
  bytes: number;
  gzipBytes: number;
}

async function bundleSize(name: string, files: string[]): Promise<SizeRow> {
  const contents = files.map((file, i) => `export * as m${i} from ${JSON.stringify("./" + file)};`).join("\n");
  const result = await esbuild.build({
    stdin: { contents, resolveDir: projectRoot, loader: "ts", sourcefile: `${name}.ts` },
    bundle: true,
    write: false,
    minify: true,
    format: "esm",
    target: "es2022",
    platform: "neutral",
    resolveExtensions: [".ts", ".js"],
    external: EXTERNAL,
    legalComments: "none",
    logLevel: "silent",
  });
  const code = result.outputFiles[0]!.contents;
  return { name, files, bytes: code.byteLength, gzipBytes: gzipSync(code).byteLength };
}

async function measureSizes(): Promise<SizeRow[]> {
  const core = ["modules/websocket/core/index.ts"];
  const server = ["modules/websocket/server/server.ts", "modules/websocket/server/browser-socket.ts", "modules/websocket/server/http-listener.ts"];
  const clientFile = "modules/websocket/client/channel.ts";
  const client = existsSync(join(projectRoot, clientFile)) ? [clientFile] : [];
  const rows: SizeRow[] = [await bundleSize("core", core)];
  if (client.length > 0) rows.push(await bundleSize("core + client", [...core, ...client]));
  rows.push(await bundleSize("core + server", [...core, ...server]));
  if (client.length > 0) rows.push(await bundleSize("core + client + server", [...core, ...client, ...server]));
  rows.push(await bundleSize("device glue (hosts/moddable)", ["hosts/moddable/device-platform.ts"]));
  return rows;
}

const kib = (bytes: number): string => `${(bytes / 1024).toFixed(2)} KiB`;
const int = (value: number): string => Math.round(value).toLocaleString("en-US");

const section: Section = {
  title: "memory and size on XS: heap per idle connection (core, driver, whole Server connection), a 64 KiB message in flight, minified library size",
  async run(context: BenchContext) {
    const { print } = context;
    const heap = await runHeapDriver("xs-device-entry.ts");
    const at = (name: string): Step => stepOf(heap, name);
    print(`heap: XS (xsnap, 64-bit: ${SLOT_BYTES_XSNAP}-byte slots); live after gc(); "ESP32 est." = slots × ${SLOT_BYTES_ESP32} + chunk bytes`);
    print(`per connection: the delta over ${IDLE_CONNECTIONS} connections, divided; the socket itself (native) not included`);
    const perConnection: Array<[string, Delta]> = [
      ["core Connection alone (server, open)", delta(at("baseline"), at("core-idle"), IDLE_CONNECTIONS)],
      ["server: Connection + SocketDriver, idle", delta(at("core-closed"), at("server-idle"), IDLE_CONNECTIONS)],
      ["server: after one text message echoed", delta(at("core-closed"), at("server-idle-after-echo"), IDLE_CONNECTIONS)],
      ["client: Connection + SocketDriver, idle", delta(at("close-all"), at("client-idle"), IDLE_CONNECTIONS)],
      ["client: after one text message sent", delta(at("close-all"), at("client-idle-after-send"), IDLE_CONNECTIONS)],
    ];
    for (const line of formatTable(
      [{ header: "per open connection" }, { header: "slots", right: true }, { header: "chunk B", right: true }, { header: "xsnap B", right: true }, { header: "ESP32 est.", right: true }],
      perConnection.map(([name, d]) => [name, int(d.slots), int(d.chunkBytes), int(d.snapshotBytes), kib(d.esp32Bytes)]),
    ))
      print(line);
    const leftAfterClose = delta(at("baseline"), at("close-all-clients"));
    print(`after closing them all: ${int(leftAfterClose.slots)} slots, ${int(leftAfterClose.snapshotBytes)} bytes above the baseline (bench bookkeeping and interned keys included)`);
    print();

    const whole = await runHeapDriver("xs-server-entry.ts", { mode: "heap", connections: WHOLE_CONNECTIONS });
    const w = (name: string): Step => stepOf(whole, name);
    const standIns = delta(w("baseline"), w("sockets-only"), WHOLE_CONNECTIONS);
    const minus = (d: Delta, e: Delta): Delta => ({ slots: d.slots - e.slots, snapshotBytes: d.snapshotBytes - e.snapshotBytes, chunkBytes: d.chunkBytes - e.chunkBytes, esp32Bytes: d.esp32Bytes - e.esp32Bytes });
    const wholeIdle = delta(w("sockets-released"), w("server-idle"), WHOLE_CONNECTIONS);
    const wholeEcho = delta(w("sockets-released"), w("server-after-echo"), WHOLE_CONNECTIONS);
    const wholeRows: Array<[string, Delta]> = [
      ["Server connection, idle (open, after the handshake)", wholeIdle],
      ["Server connection, after one 13-byte text echo", wholeEcho],
      ["  of which stand-in socket objects (pipe + TCP)", standIns],
      ["Server connection less stand-ins, idle", minus(wholeIdle, standIns)],
      ["Server connection less stand-ins, after one echo", minus(wholeEcho, standIns)],
    ];
    print(`whole server connection as the device sees it: our Server (public API) on stand-in embedded:io/socket/listener + tcp, ${WHOLE_CONNECTIONS} connections to /echo, an echo app (one message listener per connection)`);
    for (const line of formatTable(
      [{ header: "per open connection" }, { header: "slots", right: true }, { header: "chunk B", right: true }, { header: "xsnap B", right: true }, { header: "ESP32 est.", right: true }],
      wholeRows.map(([name, d]) => [name, int(d.slots), int(d.chunkBytes), int(d.snapshotBytes), kib(d.esp32Bytes)]),
    ))
      print(line);
    const wholeLeft = delta(w("baseline"), w("server-closed"));
    print(`after the close handshake on all ${WHOLE_CONNECTIONS}: ${int(wholeLeft.slots)} slots, ${int(wholeLeft.snapshotBytes)} bytes above the baseline (server listening, warmed up by two full cycles)`);
    print("stand-in sockets: the device's TCP object is a host object whose buffers are lwIP's (outside the JS heap); the stand-in's pipe and fields are a JS approximation, so both rows are shown");
    print();

    const echoWork: Record<number, { ours: number; bare: number; xor: number; library: number }> = {};
    for (const size of ECHO_SIZES) {
      const cost = await runHeapDriver("xs-server-entry.ts", { mode: "cost", cycles: COST_ECHOES, size });
      const perEcho = (kind: "cost" | "bare" | "xor"): number =>
        ((stepOf(cost, `${kind}-n`).compute ?? Number.NaN) - (stepOf(cost, `${kind}-0`).compute ?? Number.NaN)) / COST_ECHOES;
      const ours = perEcho("cost");
      const bare = perEcho("bare");
      const xor = perEcho("xor");
      echoWork[size] = { ours, bare, xor, library: ours - bare - xor };
    }
    print(`work per text echo on XS (receive + send): computrons, XS's count of executed steps; ${COST_ECHOES} echoes in one crank less an empty crank, divided`);
    const workRow = (name: string, pick: (w: (typeof echoWork)[number]) => number): string[] => [name, ...ECHO_SIZES.map((size) => int(Math.round(pick(echoWork[size]!))))];
    for (const line of formatTable(
      [{ header: "echo" }, ...ECHO_SIZES.map((size) => ({ header: `${size} B`, right: true }))],
      [
        workRow("our Server on stand-in sockets", (w) => w.ours),
        workRow("a bare stand-in socket writing back what it reads", (w) => w.bare),
        workRow("the JS stand-in for Logical.xor (native C on the device)", (w) => w.xor),
        workRow("the library's share", (w) => w.library),
      ],
    ))
      print(line);
    print("XS meters a byte copy (TypedArray set) at 2 computrons a byte, though it is a memcpy: the 1000-byte rows count the frame's copy so");
    print();

    interface Allocated {
      allocated?: { bytes: number; count: number };
    }
    const allocated = (name: string): string => {
      const value = at(name).value as Allocated | null;
      return value?.allocated === undefined ? "" : `${int(value.allocated.bytes)} B in ${value.allocated.count}`;
    };
    const messageRows: Array<[string, Delta, string]> = [
      ["64 KiB binary: all but the last segment in", delta(at("big-before"), at("big-partial")), allocated("big-partial")],
      ["64 KiB binary: delivered, held by the app", delta(at("big-before"), at("big-delivered")), allocated("big-delivered")],
      ["64 KiB binary: released, connection closed", delta(at("close-all-clients"), at("big-released")), ""],
      ["32 KiB text: delivered (and echoed), held", delta(at("text-before"), at("text-delivered")), allocated("text-delivered")],
      ["32 KiB text: released, connection closed", delta(at("big-released"), at("text-released")), ""],
    ];
    print("one message in flight (1460-byte segments, as TCP delivers them; live heap above the open connection and the test frame; released: above the state before the connection):");
    for (const line of formatTable(
      [{ header: "step" }, { header: "live B", right: true }, { header: "ESP32 est.", right: true }, { header: "typed arrays made in the step", right: true }],
      messageRows.map(([name, d, a]) => [name, int(d.snapshotBytes), kib(d.esp32Bytes), a]),
    ))
      print(line);
    const again = delta(at("text-released"), at("text-again-released"));
    print(`the same text round again: ${int(again.snapshotBytes)} bytes more after release (the first round's residue is a one-time cost, not growth)`);
    print("(a copy of the message would show as a second 64 KiB allocation or 128 KiB live; pieces read from the socket are the socket's)");
    print();

    const sizes = await measureSizes();
    print(`size: esbuild --minify, ES module, es2022; SDK modules external (${EXTERNAL.join(", ")})`);
    for (const line of formatTable(
      [{ header: "bundle" }, { header: "minified", right: true }, { header: "gzip", right: true }],
      sizes.map((row) => [row.name, `${int(row.bytes)} B`, `${int(row.gzipBytes)} B`]),
    ))
      print(line);
    if (!sizes.some((row) => row.name.includes("client"))) print("(no modules/websocket/client/channel.ts yet: client rows skipped)");
    print("on the device the flash cost is XS bytecode (mcconfig's .xsb), not this text; see docs/device.md");
    return {
      idleConnections: IDLE_CONNECTIONS,
      perConnection: Object.fromEntries(perConnection),
      wholeConnection: { connections: WHOLE_CONNECTIONS, rows: Object.fromEntries(wholeRows), steps: whole.steps },
      messages: Object.fromEntries(messageRows.map(([name, d, a]) => [name, { ...d, allocated: a }])),
      echoWork,
      sizes,
      steps: heap.steps,
    };
  },
};

export default section;
