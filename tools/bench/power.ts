/**
 * Bench section "power": keepalive cost on a simulated clock (an hour runs in
 * milliseconds): timer wakes per hour and keepalive bytes per hour on the
 * pinging host, for 1, 8 and 64 connections, idle and with a message every
 * 5 s arriving at the pinging side.
 *
 * Models (pingInterval 30 s unless the model fixes its own):
 * - ours: real core Connections (client SocketDrivers) on one
 *   DeadlineScheduler over a fake SDK timer; ping after 30 s of receive
 *   silence, pingTimeout 10 s.
 * - ws heartbeat: the `ws` README pattern, on real core Connections (the
 *   server pings): one `setInterval(30 s)` per server that terminates each
 *   client that did not pong since the last tick and pings every client,
 *   whatever the traffic. Apps usually also give each client a timer
 *   (README: `setTimeout(terminate, 30 s + latency)` re-armed on every ping):
 *   n more timers on the client side, not counted here.
 * - ESP-IDF: a model of `esp_websocket_client` (not the C code): one task per
 *   connection whose loop polls the socket with a 1000 ms timeout
 *   (`esp_transport_poll_read(…, 1000)`) and sends a ping when
 *   `ping_interval_sec` (default 10) has passed since the last one, whatever
 *   the traffic (pingpong timeout default 120 s); each iteration is taken
 *   to last 1 ms. Timer wakes = poll timeouts; wakes on data are not
 *   counted (for any model).
 *
 * Bytes are frame bytes on the wire (no TCP/IP, TLS): an empty ping from a
 * client is 6 bytes (masked), from a server 2; a pong likewise.
 */
import type { Connection } from "../../modules/websocket/core/connection";
import { DeadlineScheduler } from "../../modules/websocket/transport/deadline-scheduler";
import { bareEndpoint, ControlTally, countingHandler, fixedRandom, keepalivePair, socketPair } from "../../test/keepalive/support/memory-net";
import { FakeTimer, type FakeTimerEntry, VirtualClock } from "../../test/keepalive/support/virtual-clock";
import type { BenchContext, Section } from "./section";
import { formatTable, formatNumber, formatRatio } from "./table";

const SECOND = 1000;
const HOUR = 3600 * SECOND;
const PING_INTERVAL = 30 * SECOND;
const PING_TIMEOUT = 10 * SECOND;
const MESSAGE_EVERY = 5 * SECOND;
const LATENCY = 20;
const ESP_PING_INTERVAL = 10 * SECOND;
const ESP_POLL = 1000;
/** Time one loop iteration of the ESP-IDF task takes (so its polls drift later, as on the device). */
const ESP_ITERATION = 1;

type Model = "ours" | "ws heartbeat" | "ESP-IDF (model)";

interface Scenario {
  readonly connections: number;
  readonly traffic: boolean;
  /** Connections open at random times over the first interval instead of together. */
  readonly staggered?: boolean;
  /** Scheduler slack (ours only). */
  readonly slack?: number;
  /** Scheduler coalescing of early keepalive pings (ours only; default on). */
  readonly coalesce?: boolean;
}

/** One model's hour. */
export interface PowerRow {
  readonly model: Model;
  readonly connections: number;
  readonly traffic: "idle" | "msg/5s";
  readonly opens: "together" | "staggered";
  readonly slack?: number;
  readonly coalesce?: boolean;
  readonly wakesPerHour: number;
  readonly pingsPerHour: number;
  readonly keepaliveBytesPerHour: number;
  /** Timers the pinging host keeps allocated. */
  readonly timers: number;
  /** Timer set/schedule calls per hour (cheap while awake; for the record). */
  readonly armsPerHour: number;
  /** Connections still open after the hour (all should be). */
  readonly open: number;
}

/** A deterministic [0, 1) sequence (opening times of staggered runs). */
function lcg(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 2 ** 32;
  };
}

function openTimes(s: Scenario): number[] {
  const random = lcg(0x5eed + s.connections);
  return Array.from({ length: s.connections }, () => (s.staggered ? Math.floor(random() * PING_INTERVAL) : 0));
}

/** Every `MESSAGE_EVERY` from `start` until the hour ends, while `isOpen()`: chained, so the clock holds one pending event per connection. */
function every(clock: VirtualClock, start: number, send: () => void, isOpen: () => boolean): void {
  const tick = (): void => {
    if (!isOpen()) return;
    send();
    if (clock.now() + MESSAGE_EVERY <= HOUR) clock.after(MESSAGE_EVERY, tick);
  };
  clock.at(start + MESSAGE_EVERY, tick);
}

function runOurs(s: Scenario): PowerRow {
  const clock = new VirtualClock();
  const timer = new FakeTimer(clock);
  const scheduler = new DeadlineScheduler({ timer, now: clock.now, slack: s.slack ?? 250, coalesce: s.coalesce ?? true });
  const tally = new ControlTally();
  const clients: Connection[] = [];
  for (const at of openTimes(s)) {
    clock.at(at, () => {
      const pair = keepalivePair({ clock, scheduler, tally, latency: LATENCY, pingInterval: PING_INTERVAL, pingTimeout: PING_TIMEOUT });
      clients.push(pair.client);
      // The far end talks; the pinging side (the client) receives.
      if (s.traffic) every(clock, at, () => pair.server.sendText("tick"), () => pair.server.state === 1);
    });
  }
  clock.advanceTo(HOUR);
  return row("ours", s, scheduler.wakes, tally, timer.created, timer.arms, clients.filter((c) => c.state === 1).length);
}

function runWsHeartbeat(s: Scenario): PowerRow {
  const clock = new VirtualClock();
  const timer = new FakeTimer(clock);
  const tally = new ControlTally();
  interface Client {
    server: Connection;
    isAlive: boolean;
    terminate(): void;
  }
  const clients = new Set<Client>();
  for (const at of openTimes(s)) {
    clock.at(at, () => {
      const [serverSocket, clientSocket] = socketPair(clock, LATENCY);
      const entry: Client = {
        server: undefined as unknown as Connection,
        isAlive: true,
        terminate: () => {
          serverSocket.close();
          entry.server.transportClosed();
          clients.delete(entry);
        },
      };
      // ws.on('pong', heartbeat): this.isAlive = true
      entry.server = bareEndpoint(serverSocket, {
        role: "server",
        open: true,
        now: clock.now,
        events: countingHandler(tally, "client", { onPong: () => void (entry.isAlive = true), onClosed: () => void clients.delete(entry) }),
      });
      const client = bareEndpoint(clientSocket, { role: "client", open: true, now: clock.now, random: fixedRandom, events: countingHandler(tally, "server") });
      clients.add(entry);
      // The far end (the client) talks; the pinging side (the server) receives.
      if (s.traffic) every(clock, at, () => client.sendText("tick"), () => client.state === 1);
    });
  }
  // const interval = setInterval(function ping() { wss.clients.forEach(…) }, 30000);
  timer.set(
    () => {
      for (const ws of [...clients]) {
        if (ws.isAlive === false) {
          ws.terminate();
          continue;
        }
        ws.isAlive = false;
        ws.server.ping();
      }
    },
    PING_INTERVAL,
    PING_INTERVAL,
  );
  clock.advanceTo(HOUR);
  return row("ws heartbeat", s, timer.wakes, tally, timer.created, timer.arms, [...clients].filter((c) => c.server.state === 1).length);
}

function runEspIdf(s: Scenario): PowerRow {
  const clock = new VirtualClock();
  const timer = new FakeTimer(clock);
  const tally = new ControlTally();
  const connections: Connection[] = [];
  for (const at of openTimes(s)) {
    clock.at(at, () => {
      const [clientSocket, serverSocket] = socketPair(clock, LATENCY);
      const server = bareEndpoint(serverSocket, { role: "server", open: true, now: clock.now, events: countingHandler(tally, "client") });
      let pingTick = clock.now();
      let poll: FakeTimerEntry | undefined;
      // One loop iteration of esp_websocket_client_task, then the next poll (1000 ms timeout).
      const iterate = (): void => {
        // if (_tick_get_ms() - client->ping_tick_ms > ping_interval_sec * 1000) { …send ping… }
        if (clock.now() - pingTick > ESP_PING_INTERVAL) {
          pingTick = clock.now();
          client.ping();
        }
        poll = timer.set(iterate, ESP_ITERATION + ESP_POLL);
      };
      const client = bareEndpoint(clientSocket, {
        role: "client",
        open: true,
        now: clock.now,
        random: fixedRandom,
        events: countingHandler(tally, "server", {
          // Data ends the poll early: the task runs an iteration now (a data wake, not a timer wake).
          onText: () => {
            timer.clear(poll);
            iterate();
          },
        }),
      });
      connections.push(client);
      iterate();
      if (s.traffic) every(clock, at, () => server.sendText("tick"), () => server.state === 1);
    });
  }
  clock.advanceTo(HOUR);
  return row("ESP-IDF (model)", s, timer.wakes, tally, s.connections, timer.arms, connections.filter((c) => c.state === 1).length);
}

function row(model: Model, s: Scenario, wakes: number, tally: ControlTally, timers: number, arms: number, open: number): PowerRow {
  return {
    model,
    connections: s.connections,
    traffic: s.traffic ? "msg/5s" : "idle",
    opens: s.staggered ? "staggered" : "together",
    ...(s.slack !== undefined ? { slack: s.slack } : {}),
    ...(model === "ours" ? { coalesce: s.coalesce ?? true } : {}),
    wakesPerHour: wakes,
    pingsPerHour: tally.pings,
    keepaliveBytesPerHour: tally.bytes,
    timers,
    armsPerHour: arms,
    open,
  };
}

const section: Section = {
  title: "keepalive power on a simulated clock: timer wakes and ping bytes per hour (ours vs ws heartbeat vs ESP-IDF model)",
  async run(context: BenchContext): Promise<{ rows: PowerRow[]; summary: string }> {
    const { print } = context;
    print(`simulated hour; pingInterval 30 s (ours: after 30 s of receive silence, pingTimeout 10 s; ws: every 30 s; ESP-IDF model: every 10 s, poll 1 s)`);
    print(`wakes = timer callbacks on the pinging host (not wakes on data); bytes = ping+pong frame bytes (client ping 6 B, server pong 2 B)`);
    print();
    const rows: PowerRow[] = [];
    const tableRows: Array<string[] | null> = [];
    const summary: string[] = [];
    for (const traffic of [false, true]) {
      for (const connections of [1, 8, 64]) {
        const s: Scenario = { connections, traffic };
        const ours = runOurs(s);
        const ws = runWsHeartbeat(s);
        const esp = runEspIdf(s);
        rows.push(ours, ws, esp);
        for (const r of [ours, ws, esp]) {
          tableRows.push([
            r.model,
            String(r.connections),
            r.traffic,
            formatNumber(r.wakesPerHour),
            formatNumber(r.wakesPerHour / (HOUR / PING_INTERVAL)),
            formatNumber(r.pingsPerHour),
            formatNumber(r.keepaliveBytesPerHour),
            String(r.timers),
            formatNumber(r.armsPerHour),
            r.model === "ours" ? "" : `${ratio(r.wakesPerHour, ours.wakesPerHour)} / ${ratio(r.keepaliveBytesPerHour, ours.keepaliveBytesPerHour)}`,
          ]);
        }
        tableRows.push(null);
      }
    }
    const columns = [
      { header: "model" },
      { header: "conns", right: true },
      { header: "traffic" },
      { header: "wakes/h", right: true },
      { header: "per 30 s", right: true },
      { header: "pings/h", right: true },
      { header: "ping B/h", right: true },
      { header: "timers", right: true },
      { header: "arms/h", right: true },
      { header: "vs ours: wakes / bytes" },
    ];
    for (const line of formatTable(columns, tableRows.slice(0, -1))) print(line);
    print();

    // Connections opened at different moments: deadlines spread over the interval.
    print(`connections opened at random moments over the first 30 s (idle): scheduler slack and coalescing (early keepalive pings after 15 s of silence join a wake)`);
    const staggeredRows: string[][] = [];
    for (const connections of [8, 64]) {
      for (const [slack, coalesce] of [[250, false], [5_000, false], [250, true]] as const) {
        const r = runOurs({ connections, traffic: false, staggered: true, slack, coalesce });
        rows.push(r);
        staggeredRows.push([`ours, ${coalesce ? "coalesce" : "no coalesce"}`, String(connections), `${slack} ms`, formatNumber(r.wakesPerHour), formatNumber(r.wakesPerHour / (HOUR / PING_INTERVAL)), formatNumber(r.pingsPerHour), formatNumber(r.keepaliveBytesPerHour)]);
      }
      const ws = runWsHeartbeat({ connections, traffic: false, staggered: true });
      rows.push(ws);
      staggeredRows.push(["ws heartbeat", String(connections), "—", formatNumber(ws.wakesPerHour), formatNumber(ws.wakesPerHour / (HOUR / PING_INTERVAL)), formatNumber(ws.pingsPerHour), formatNumber(ws.keepaliveBytesPerHour)]);
    }
    const staggeredColumns = [
      { header: "model" },
      { header: "conns", right: true },
      { header: "slack", right: true },
      { header: "wakes/h", right: true },
      { header: "per 30 s", right: true },
      { header: "pings/h", right: true },
      { header: "ping B/h", right: true },
    ];
    for (const line of formatTable(staggeredColumns, staggeredRows)) print(line);
    print();

    const find = (model: Model, n: number, traffic: "idle" | "msg/5s") =>
      rows.find((r) => r.model === model && r.connections === n && r.traffic === traffic && r.opens === "together")!;
    const ours64 = find("ours", 64, "idle");
    const oursTraffic = [1, 8, 64].map((n) => find("ours", n, "msg/5s"));
    const maxPerInterval = Math.max(...[1, 8, 64].map((n) => find("ours", n, "idle").wakesPerHour / (HOUR / PING_INTERVAL)));
    summary.push(`ours idle: ≤ ${maxPerInterval.toFixed(2)} wake per 30 s interval for 1–64 connections (aim ≤ 1)`);
    summary.push(`ours with a message every 5 s: ${oursTraffic.map((r) => r.pingsPerHour).join("/")} pings and ${oursTraffic.map((r) => r.wakesPerHour).join("/")} wakes per hour for 1/8/64 (aim 0 pings)`);
    summary.push(`64 idle: ws heartbeat ${formatRatio(find("ws heartbeat", 64, "idle").wakesPerHour / ours64.wakesPerHour)} our wakes, ESP-IDF model ${formatRatio(find("ESP-IDF (model)", 64, "idle").wakesPerHour / ours64.wakesPerHour)} wakes and ${formatRatio(find("ESP-IDF (model)", 64, "idle").keepaliveBytesPerHour / ours64.keepaliveBytesPerHour)} bytes`);
    const staggered64 = rows.find((r) => r.model === "ours" && r.connections === 64 && r.opens === "staggered" && r.coalesce === true && r.slack === 250)!;
    summary.push(`64 connections opened at random times, idle: ${(staggered64.wakesPerHour / (HOUR / PING_INTERVAL)).toFixed(2)} wakes per interval with coalescing (default)`);
    const notOpen = rows.filter((r) => r.open !== r.connections);
    if (notOpen.length > 0) summary.push(`WARNING: connections lost in ${notOpen.map((r) => `${r.model}/${r.connections}/${r.traffic}`).join(", ")}`);
    for (const line of summary) print(`summary: ${line}`);
    print(`note: ws apps usually add a client-side timer per connection (README: setTimeout(terminate, 30 s + latency), re-armed on every ping): n more timers, 120·n arms/h, on the client host`);
    return { rows, summary: summary.join("; ") };
  },
};

function ratio(a: number, b: number): string {
  if (b === 0) return a === 0 ? "=" : "∞";
  return formatRatio(a / b);
}

export default section;
