/**
 * Bench section "client": binary messages echoed through a `ws` echo server
 * on loopback, sent and received by our client (`WebSocketChannel` on the
 * host simulator) and by `ws` clients (pure JS, and with
 * bufferutil/utf-8-validate: see ws-internals.ts), in the same process and run.
 *
 * Two modes, for 64 B, 1 KiB and 64 KiB payloads:
 * - latency-bound: one message in flight; round trips per second;
 * - pipelined: {@link PIPELINE} messages in flight per connection; MB/s.
 *
 * Each contender is one connection to the same server, warmed up, then
 * measured in time-boxed repetitions interleaved with the other contender
 * (see `echo-load.ts`); the best repetition is kept.
 */
import type { WebSocketServer, WebSocket as WsSocket } from "ws";
import { sizeLabel } from "./figures";
import { listening, measureEcho, openChannelPeer, openWsPeer, payloadOf, within, type EchoMeasurement, type EchoPeer } from "./echo-load";
import type { BenchContext, Section } from "./section";
import { formatNumber, formatRatio, formatTable } from "./table";
import { addonReport, wsVariants, wsVersion, type WsVariant } from "./ws-internals";

const SIZES: readonly number[] = [64, 1024, 64 * 1024];
/** Messages in flight per connection in the pipelined mode. */
export const PIPELINE = 16;
const MAX_MESSAGE = 1024 * 1024;
/** Our channel's send queue limit: room for the whole pipeline of the largest size. */
const MAX_QUEUED = 8 * 1024 * 1024;

type Mode = "latency" | "pipelined";

/** One contender in one mode at one size. */
export interface ClientRow {
  readonly mode: Mode;
  readonly payload: number;
  readonly inFlight: number;
  /** "ours", "ws" (pure JS) or "ws+bu" (with bufferutil/utf-8-validate). */
  readonly contender: string;
  /** Round trips per second, best repetition. */
  readonly rtps: number;
  /** Payload MB/s (10^6 bytes, once per round trip), best repetition. */
  readonly mbps: number;
  readonly repsRtps: readonly number[];
  readonly roundTrips: number;
}

/** Raw figures of the section. */
export interface ClientFigures {
  readonly ws: string;
  readonly repMs: number;
  readonly reps: number;
  readonly rows: ClientRow[];
  /** ours/ws and ours/ws+bu round-trip ratios per mode and size. */
  readonly ratios: Array<{ mode: Mode; payload: number; ratio: number; ratioBu: number }>;
  readonly summary: string;
}

/** An echo server of the `ws` instance `ws` on loopback. */
export async function startWsEcho(ws: WsVariant, maxPayload: number): Promise<WebSocketServer> {
  const server = new ws.WebSocketServer({ port: 0, host: "127.0.0.1", perMessageDeflate: false, maxPayload });
  server.on("connection", (socket: WsSocket) => {
    socket.on("message", (data: Buffer, isBinary: boolean) => socket.send(data, { binary: isBinary }));
    socket.on("error", () => {});
  });
  await listening(server, "ws server");
  return server;
}

/** Closes a `ws` server (its clients should be closed first; any left are terminated). */
export function closeWsServer(server: WebSocketServer): Promise<void> {
  for (const client of server.clients) client.terminate();
  return within(new Promise<void>((resolve) => server.close(() => resolve())), 5000, "ws server close").catch(() => undefined);
}

function rowOf(mode: Mode, payload: number, inFlight: number, m: EchoMeasurement): ClientRow {
  return { mode, payload, inFlight, contender: m.name, rtps: m.rtps, mbps: m.mbps, repsRtps: m.repsRtps, roundTrips: m.roundTrips };
}

/** How much slower the worst repetition was than the best: "-4%". */
export function spread(reps: readonly number[]): string {
  const best = Math.max(...reps);
  const worst = Math.min(...reps);
  return best > 0 ? `-${(((best - worst) / best) * 100).toFixed(0)}%` : "—";
}

const section: Section = {
  title: "our client (WebSocketChannel) vs ws clients (pure JS; + bufferutil/utf-8-validate), echoing through a ws server on loopback: round trips/s and MB/s",
  async run(context: BenchContext): Promise<ClientFigures> {
    const { print, quick } = context;
    const timing = { repMs: quick ? 250 : 900, reps: quick ? 2 : 3, warmMs: quick ? 100 : 300 };
    const [ws, wsBu] = wsVariants();
    print(`server: ${ws.label} ${wsVersion} WebSocketServer on 127.0.0.1, perMessageDeflate off, echoes every message (binary)`);
    print(`contenders, one connection each, in this one Node process:`);
    print(`  ours   WebSocketChannel (modules/websocket/client) on the host simulator: sendBinaryMsg → onBinaryMessageAvailable`);
    print(`  ws     ${ws.label} ${wsVersion} WebSocket client (perMessageDeflate off): send(buffer) → 'message' (Buffer); mask: ${ws.masking}`);
    print(`  ws+bu  ${wsBu.label}, the same client code; mask: ${wsBu.masking} (${addonReport()})`);
    print(`modes: latency = 1 message in flight (round trips/s is the figure); pipelined = ${PIPELINE} messages in flight (MB/s is the figure)`);
    print(`units: rt/s = echoes received per second; MB/s = 10^6 payload bytes per second, counted once per round trip (the wire carries them twice)`);
    print(`method: ${timing.warmMs} ms warm-up per contender, then ${timing.reps} × ${timing.repMs} ms repetitions interleaved (ours, ws, ws+bu, ours …); the BEST repetition is shown, "spread" = worst vs best; "vs ws" = ours ÷ ws, "vs ws+bu" = ours ÷ ws+bu`);
    print();

    const server = await startWsEcho(ws, MAX_MESSAGE);
    const address = server.address();
    const port = typeof address === "object" && address !== null ? address.port : 0;
    const url = `ws://127.0.0.1:${port}/`;
    const peers: EchoPeer[] = [];
    const rows: ClientRow[] = [];
    const ratios: ClientFigures["ratios"] = [];
    try {
      const ours = await openChannelPeer(url, MAX_MESSAGE, MAX_QUEUED);
      peers.push(ours);
      const wsPeer = await openWsPeer(ws, url, MAX_MESSAGE);
      peers.push(wsPeer);
      const wsBuPeer = await openWsPeer(wsBu, url, MAX_MESSAGE);
      peers.push(wsBuPeer);
      const contenders = [
        { name: "ours", peers: [ours] },
        { name: "ws", peers: [wsPeer] },
        { name: "ws+bu", peers: [wsBuPeer] },
      ];
      for (const mode of ["latency", "pipelined"] as const) {
        const inFlight = mode === "latency" ? 1 : PIPELINE;
        const tableRows: Array<string[] | null> = [];
        for (const size of SIZES) {
          const measured = await measureEcho(contenders, payloadOf(size), inFlight, timing);
          const [a, b, c] = measured.map((m) => rowOf(mode, size, inFlight, m)) as [ClientRow, ClientRow, ClientRow];
          rows.push(a, b, c);
          const ratio = b.rtps > 0 ? a.rtps / b.rtps : Number.NaN;
          const ratioBu = c.rtps > 0 ? a.rtps / c.rtps : Number.NaN;
          ratios.push({ mode, payload: size, ratio: Number(ratio.toPrecision(3)), ratioBu: Number(ratioBu.toPrecision(3)) });
          for (const r of [a, b, c]) {
            tableRows.push([sizeLabel(size), r.contender, formatNumber(r.rtps), formatNumber(r.mbps), r === a ? formatRatio(ratio) : "", r === a ? formatRatio(ratioBu) : "", spread(r.repsRtps)]);
          }
          tableRows.push(null);
        }
        print(mode === "latency" ? `latency-bound: 1 message in flight` : `pipelined: ${PIPELINE} messages in flight on the connection`);
        const columns = [
          { header: "payload" },
          { header: "client" },
          { header: "rt/s", right: true },
          { header: "MB/s", right: true },
          { header: "vs ws", right: true },
          { header: "vs ws+bu", right: true },
          { header: "spread", right: true },
        ];
        for (const line of formatTable(columns, tableRows.slice(0, -1))) print("  " + line);
        print();
      }
    } finally {
      await Promise.all(peers.map((p) => p.close()));
      await closeWsServer(server);
    }
    const part = (mode: Mode): string => ratios.filter((r) => r.mode === mode).map((r) => `${sizeLabel(r.payload)} ${formatRatio(r.ratio)} (${formatRatio(r.ratioBu)} vs ws+bu)`).join(" · ");
    const summary = `ours/ws client, latency (rt/s): ${part("latency")}; pipelined ×${PIPELINE} (MB/s): ${part("pipelined")}`;
    print(`note: the host simulator delivers socket readiness (onReadable/onWritable) in a microtask after the Node socket event, as the device defers its callbacks to the JS task: a little more work per receive than ws, which shows most at 1 message in flight`);
    print(`note: all three clients and the ws server share one Node process and its event loop (2 hops of loopback TCP per round trip); the server's cost is the same for both`);
    print(`summary: ${summary}`);
    return { ws: wsVersion, repMs: timing.repMs, reps: timing.reps, rows, ratios, summary };
  },
};

export default section;
