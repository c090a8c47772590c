/**
 * Bench section "server": echo round trips through OUR server
 * (`modules/websocket/server/server.ts` on the host simulator) and through
 * `ws` servers (pure JS, and with bufferutil/utf-8-validate: see
 * ws-internals.ts), driven by the same pure-JS `ws` clients in the same run: 64 B and
 * 64 KiB binary messages, 1 and {@link MANY} concurrent clients, each with
 * one message in flight; round trips are counted across all clients.
 *
 * Each server gets its own {@link MANY} ws clients, opened once; the
 * 1-client rows use the first of them. Repetitions are time-boxed and
 * interleaved between the servers (see `echo-load.ts`); the best is kept.
 */
import type { WebSocketServer } from "ws";
import { Server, type ServerConnection } from "../../modules/websocket/server/server";
import { closeWsServer, spread, startWsEcho } from "./client";
import { sizeLabel } from "./figures";
import { listening, measureEcho, openWsPeer, payloadOf, within, type EchoMeasurement, type EchoPeer } from "./echo-load";
import type { BenchContext, Section } from "./section";
import { formatNumber, formatRatio, formatTable } from "./table";
import { addonReport, wsVariants, wsVersion, type WsVariant } from "./ws-internals";

const SIZES: readonly number[] = [64, 64 * 1024];
/** Concurrent clients of the larger runs. */
export const MANY = 50;
const CONCURRENCY: readonly number[] = [1, MANY];
const MAX_MESSAGE = 1024 * 1024;
/** Our server's connection limit for the bench (its default, 6, fits the ESP32's lwIP). */
const BACKLOG = 64;

/** One server at one size and client count. */
export interface ServerRow {
  readonly payload: number;
  readonly clients: number;
  /** "ours", "ws" (pure JS) or "ws+bu" (with bufferutil/utf-8-validate). */
  readonly contender: string;
  /** Round trips per second, all clients together, best repetition. */
  readonly rtps: number;
  /** Payload MB/s (10^6 bytes, once per round trip), best repetition. */
  readonly mbps: number;
  readonly repsRtps: readonly number[];
  readonly roundTrips: number;
}

/** Raw figures of the section. */
export interface ServerFigures {
  readonly ws: string;
  readonly repMs: number;
  readonly reps: number;
  readonly backlog: number;
  readonly rows: ServerRow[];
  /** ours/ws and ours/ws+bu round-trip ratios per size and client count. */
  readonly ratios: Array<{ payload: number; clients: number; ratio: number; ratioBu: number }>;
  readonly summary: string;
}

/** Our echo server, listening on an ephemeral port. */
async function startOurEcho(): Promise<Server> {
  const server = new Server({ port: 0, host: "127.0.0.1", maxPayload: MAX_MESSAGE, backlog: BACKLOG, clientTracking: true, maxQueuedBytes: 4 * MAX_MESSAGE });
  server.on("connection", (conn: ServerConnection) => {
    conn.on("message", (data: string | Uint8Array) => conn.send(data));
    conn.on("error", () => {});
  });
  await listening(server, "our server");
  return server;
}

function closeOurServer(server: Server): Promise<void> {
  return within(new Promise<void>((resolve) => server.close(() => resolve())), 8000, "our server close").catch(() => undefined);
}

async function openPeers(ws: WsVariant, url: string, count: number): Promise<EchoPeer[]> {
  const peers: EchoPeer[] = [];
  // A few at a time: the accept queue stays short, as with real clients arriving.
  for (let i = 0; i < count; i += 10) {
    peers.push(...(await Promise.all(Array.from({ length: Math.min(10, count - i) }, () => openWsPeer(ws, url, MAX_MESSAGE)))));
  }
  return peers;
}


const section: Section = {
  title: `our server vs ws servers (pure JS; + bufferutil/utf-8-validate), echoing for 1 and ${MANY} ws clients on loopback: round trips/s and MB/s`,
  async run(context: BenchContext): Promise<ServerFigures> {
    const { print, quick } = context;
    const timing = { repMs: quick ? 250 : 900, reps: quick ? 2 : 3, warmMs: quick ? 100 : 300 };
    const [wsPure, wsBu] = wsVariants();
    print(`servers, each echoing every message back (binary), in this one Node process:`);
    print(`  ours   Server (modules/websocket/server) on the host simulator, backlog ${BACKLOG} (default 6 for the ESP32), maxPayload ${MAX_MESSAGE / 1024} KiB`);
    print(`  ws     ${wsPure.label} ${wsVersion} WebSocketServer on 127.0.0.1, perMessageDeflate off; unmask: ${wsPure.masking}`);
    print(`  ws+bu  ${wsBu.label}, the same server code; unmask: ${wsBu.masking} (${addonReport()})`);
    print(`clients: ${MANY} ${wsPure.label} ${wsVersion} clients per server (perMessageDeflate off), the same code for all; 1-client rows use one of them;`);
    print(`         each client keeps ONE message in flight; rt/s = echoes received per second, all clients together`);
    print(`units: MB/s = 10^6 payload bytes per second, counted once per round trip (the wire carries them twice)`);
    print(`method: ${timing.warmMs} ms warm-up per server, then ${timing.reps} × ${timing.repMs} ms repetitions interleaved (ours, ws, ws+bu, ours …); the BEST repetition is shown, "spread" = worst vs best; "vs ws" = ours ÷ ws, "vs ws+bu" = ours ÷ ws+bu`);
    print();

    const rows: ServerRow[] = [];
    const ratios: ServerFigures["ratios"] = [];
    const peers: EchoPeer[] = [];
    let ours: Server | undefined;
    let ws: WebSocketServer | undefined;
    let wsb: WebSocketServer | undefined;
    try {
      ours = await startOurEcho();
      ws = await startWsEcho(wsPure, MAX_MESSAGE);
      wsb = await startWsEcho(wsBu, MAX_MESSAGE);
      const portOf = (server: WebSocketServer): number => {
        const address = server.address();
        return typeof address === "object" && address !== null ? address.port : 0;
      };
      const oursPeers = await openPeers(wsPure, `ws://127.0.0.1:${ours.port}/`, MANY);
      peers.push(...oursPeers);
      const wsPeers = await openPeers(wsPure, `ws://127.0.0.1:${portOf(ws)}/`, MANY);
      peers.push(...wsPeers);
      const wsBuPeers = await openPeers(wsPure, `ws://127.0.0.1:${portOf(wsb)}/`, MANY);
      peers.push(...wsBuPeers);
      if (ours.clients.size !== MANY) throw new Error(`our server holds ${ours.clients.size} of ${MANY} clients`);

      const tableRows: Array<string[] | null> = [];
      for (const size of SIZES) {
        for (const clients of CONCURRENCY) {
          const contenders = [
            { name: "ours", peers: oursPeers.slice(0, clients) },
            { name: "ws", peers: wsPeers.slice(0, clients) },
            { name: "ws+bu", peers: wsBuPeers.slice(0, clients) },
          ];
          const measured: EchoMeasurement[] = await measureEcho(contenders, payloadOf(size), 1, timing);
          const [a, b, c] = measured.map((m): ServerRow => ({ payload: size, clients, contender: m.name, rtps: m.rtps, mbps: m.mbps, repsRtps: m.repsRtps, roundTrips: m.roundTrips })) as [ServerRow, ServerRow, ServerRow];
          rows.push(a, b, c);
          const ratio = b.rtps > 0 ? a.rtps / b.rtps : Number.NaN;
          const ratioBu = c.rtps > 0 ? a.rtps / c.rtps : Number.NaN;
          ratios.push({ payload: size, clients, ratio: Number(ratio.toPrecision(3)), ratioBu: Number(ratioBu.toPrecision(3)) });
          for (const r of [a, b, c]) {
            tableRows.push([sizeLabel(size), String(clients), r.contender, formatNumber(r.rtps), formatNumber(r.mbps), r === a ? formatRatio(ratio) : "", r === a ? formatRatio(ratioBu) : "", spread(r.repsRtps)]);
          }
          tableRows.push(null);
        }
      }
      const columns = [
        { header: "payload" },
        { header: "clients", right: true },
        { header: "server" },
        { header: "rt/s", right: true },
        { header: "MB/s", right: true },
        { header: "vs ws", right: true },
        { header: "vs ws+bu", right: true },
        { header: "spread", right: true },
      ];
      for (const line of formatTable(columns, tableRows.slice(0, -1))) print("  " + line);
      print();
    } finally {
      await Promise.all(peers.map((p) => p.close()));
      if (ours !== undefined) await closeOurServer(ours);
      if (ws !== undefined) await closeWsServer(ws);
      if (wsb !== undefined) await closeWsServer(wsb);
    }
    const summary = `ours/ws server (rt/s): ${ratios.map((r) => `${sizeLabel(r.payload)}×${r.clients} ${formatRatio(r.ratio)} (${formatRatio(r.ratioBu)} vs ws+bu)`).join(" · ")}`;
    const slow = ratios.find((r) => r.payload === 64 * 1024 && r.clients === 1);
    if (slow !== undefined && slow.ratio < 0.2) {
      print(`note: 64 KiB × 1 client is Nagle + delayed ACK, not CPU: our accepted sockets keep Nagle on (server/http-listener.ts makes TCP({from}) without nodelay; ws sets TCP_NODELAY), so the last short segment of each`);
      print(`      echo waits for the client's delayed ACK (~40 ms on Linux). With setNoDelay(true) forced on accepted sockets (a side script, not this bench) our server gave ~1,800 rt/s here`);
    }
    print(`note: our server runs on the host simulator in the same Node process as the ws clients, and so do the ws servers: all share one event loop with the same client load, which is fair; absolute figures are not the ESP32's`);
    print(`summary: ${summary}`);
    return { ws: wsVersion, repMs: timing.repMs, reps: timing.reps, backlog: BACKLOG, rows, ratios, summary };
  },
};

export default section;
