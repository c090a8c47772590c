/**
 * Keepalive on the simulated clock: real core Connections (client drivers on
 * one DeadlineScheduler with a fake SDK timer, wired in memory to bare
 * server Connections) — pings after silence only, timeout detection, one
 * timer for the host, idle-off, slack batching, the network-change probe,
 * and the round-trip time.
 */
import assert from "node:assert/strict";
import { ConnectionState, DEFAULT_PROBE_TIMEOUT } from "../../modules/websocket/core/connection";
import type { ProtocolError } from "../../modules/websocket/core/errors";
import { networkChanged } from "../../modules/websocket/keepalive/network-probe";
import { DeadlineScheduler, type DeadlineClient } from "../../modules/websocket/transport/deadline-scheduler";
import { ControlTally, keepalivePair, type KeepalivePair, type PairOptions } from "./support/memory-net";
import { FakeTimer, VirtualClock } from "./support/virtual-clock";

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

interface Host {
  clock: VirtualClock;
  timer: FakeTimer;
  scheduler: DeadlineScheduler;
  tally: ControlTally;
  pair(options?: Partial<PairOptions>): KeepalivePair & { errors: string[] };
}

function host(slack = 250, coalesce = true): Host {
  const clock = new VirtualClock();
  const timer = new FakeTimer(clock);
  const scheduler = new DeadlineScheduler({ timer, now: clock.now, slack, coalesce });
  const tally = new ControlTally();
  return {
    clock,
    timer,
    scheduler,
    tally,
    pair(options = {}) {
      const errors: string[] = [];
      const pair = keepalivePair({
        clock,
        scheduler,
        tally,
        ...options,
        clientHandler: { onError: (error) => errors.push((error as ProtocolError).code), ...options.clientHandler },
      });
      return { ...pair, errors };
    },
  };
}

/** The server sends a text message every `period` ms, from `from` until `until`. */
function chatter(h: Host, pair: KeepalivePair, period: number, until: number, from = period): void {
  for (let t = from; t <= until; t += period) {
    h.clock.at(t, () => {
      if (pair.server.state === ConnectionState.Open) pair.server.sendText("tick");
    });
  }
}

describe("keepalive: pings after silence only", () => {
  it("an idle connection pings once per pingInterval of silence, and the pong answers it", () => {
    const h = host();
    const p = h.pair({ pingInterval: 30 * SECOND, pingTimeout: 10 * SECOND });
    h.clock.advanceTo(29 * SECOND);
    assert.equal(h.tally.pings, 0);
    h.clock.advanceTo(30 * SECOND + 100);
    assert.equal(h.tally.pings, 1);
    assert.equal(h.tally.pongs, 1);
    assert.equal(h.tally.pingBytes, 6, "a client ping with an empty payload is 6 bytes");
    assert.equal(h.tally.pongBytes, 2, "the server's pong is 2 bytes");
    h.clock.advanceTo(HOUR);
    // The next ping is 30 s after the pong arrived (40 ms round trip).
    assert.ok(h.tally.pings >= 118 && h.tally.pings <= 120, `${h.tally.pings} pings in an hour`);
    assert.equal(p.client.state, ConnectionState.Open);
    assert.deepEqual(p.errors, []);
  });

  it("a message every 5 s with pingInterval 30 s: zero pings in an hour", () => {
    const h = host();
    const p = h.pair({ pingInterval: 30 * SECOND, pingTimeout: 10 * SECOND });
    chatter(h, p, 5 * SECOND, HOUR);
    h.clock.advanceTo(HOUR);
    assert.equal(h.tally.pings, 0);
    assert.equal(h.tally.pongs, 0);
    // ...and the timer never woke: every message moved the deadline on.
    assert.equal(h.scheduler.wakes, 0);
    assert.equal(p.client.state, ConnectionState.Open);
  });

  it("traffic that stops: the first ping goes out pingInterval after the last byte", () => {
    const h = host();
    const p = h.pair({ pingInterval: 30 * SECOND, latency: 0 });
    chatter(h, p, 5 * SECOND, 60 * SECOND);
    h.clock.advanceTo(90 * SECOND - 1);
    assert.equal(h.tally.pings, 0);
    h.clock.advanceTo(90 * SECOND + 250);
    assert.equal(h.tally.pings, 1);
  });
});

describe("keepalive: dead peer detection", () => {
  it("a ping unanswered for pingTimeout fails with WS_ERR_PING_TIMEOUT within pingInterval + pingTimeout (+ slack), without a close frame", () => {
    const h = host();
    let closedAt = -1;
    let closeCode = 0;
    const p = h.pair({
      pingInterval: 30 * SECOND,
      pingTimeout: 10 * SECOND,
      answer: false,
      clientHandler: {
        onClosed: (result) => {
          closedAt = h.clock.now();
          closeCode = result.code;
        },
      },
    });
    const before = p.clientSocket.written;
    h.clock.advanceTo(2 * MINUTE);
    assert.deepEqual(p.errors, ["WS_ERR_PING_TIMEOUT"]);
    assert.ok(closedAt > 0 && closedAt <= 30 * SECOND + 10 * SECOND + 250, `closed at ${closedAt}`);
    assert.ok(closedAt >= 40 * SECOND - 250);
    assert.equal(closeCode, 1006);
    assert.equal(p.clientSocket.written - before, 6, "only the ping went out: no close frame");
    assert.equal(p.client.state, ConnectionState.Closed);
    assert.equal(h.timer.armed, 0, "nothing left to wait for");
  });

  it("pingTimeout 0: the unanswered ping waits forever, and nothing wakes after it", () => {
    const h = host();
    const p = h.pair({ pingInterval: 30 * SECOND, pingTimeout: 0, answer: false });
    h.clock.advanceTo(HOUR);
    assert.deepEqual(p.errors, []);
    assert.equal(p.clientSocket.written, 6, "one ping, then nothing");
    assert.equal(h.timer.armed, 0);
  });
});

describe("keepalive: one timer for the host", () => {
  it("64 connections: exactly one timer allocated and armed, one wake per interval when idle", () => {
    const h = host();
    const pairs = Array.from({ length: 64 }, () => h.pair({ pingInterval: 30 * SECOND, pingTimeout: 10 * SECOND }));
    assert.equal(h.timer.created, 1);
    assert.equal(h.timer.armed, 1);
    h.clock.advanceTo(HOUR);
    assert.equal(h.timer.created, 1, "re-armed with schedule, never made anew");
    assert.equal(h.timer.allocated, 1);
    assert.equal(h.timer.armed, 1);
    assert.ok(h.scheduler.wakes <= 120, `${h.scheduler.wakes} wakes for 64 connections`);
    assert.ok(h.tally.pings >= 64 * 118, `${h.tally.pings} pings`);
    for (const p of pairs) assert.deepEqual(p.errors, []);
  });

  it("keepalive off: no timer armed, no wake, no byte (idle-off)", () => {
    const h = host();
    const pairs = Array.from({ length: 8 }, () => h.pair({ pingInterval: 0 }));
    h.clock.advanceTo(HOUR);
    assert.equal(h.timer.armed, 0);
    assert.equal(h.scheduler.wakes, 0);
    assert.equal(h.scheduler.armed, false);
    for (const p of pairs) assert.equal(p.clientSocket.written, 0);
  });

  it("after every connection has closed, the timer is unscheduled", () => {
    const h = host();
    const pairs = Array.from({ length: 8 }, () => h.pair({ pingInterval: 30 * SECOND, pingTimeout: 10 * SECOND }));
    h.clock.advanceTo(45 * SECOND);
    assert.equal(h.timer.armed, 1);
    for (const p of pairs) p.client.close(1000);
    h.clock.advanceTo(2 * MINUTE);
    for (const p of pairs) assert.equal(p.client.state, ConnectionState.Closed);
    assert.equal(h.timer.armed, 0);
    assert.equal(h.scheduler.armed, false);
    const wakes = h.scheduler.wakes;
    h.clock.advanceTo(HOUR);
    assert.equal(h.scheduler.wakes, wakes);
  });

  it("slack: deadlines within the slack window share one wake; further apart, they do not (coalescing off)", () => {
    const h = host(250, false);
    // Four connections opened 0, 100, 200 and 240 ms apart: one wake per interval covers them.
    for (const at of [0, 100, 200, 240]) h.clock.at(at, () => h.pair({ pingInterval: 30 * SECOND, latency: 0 }));
    h.clock.advanceTo(30 * SECOND + 300);
    assert.equal(h.tally.pings, 4);
    assert.equal(h.scheduler.wakes, 1);

    const far = host(250, false);
    for (const at of [0, 1000]) far.clock.at(at, () => far.pair({ pingInterval: 30 * SECOND, latency: 0 }));
    far.clock.advanceTo(31 * SECOND + 10);
    assert.equal(far.tally.pings, 2);
    assert.equal(far.scheduler.wakes, 2);
  });
});

describe("keepalive: coalescing early pings into one wake", () => {
  it("64 connections opened at random moments converge on one wake per interval, at the cost of at most one early ping each", () => {
    const h = host();
    let seed = 12345;
    const random = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
    for (let i = 0; i < 64; i++) h.clock.at(Math.floor(random() * 30 * SECOND), () => h.pair({ pingInterval: 30 * SECOND, pingTimeout: 10 * SECOND }));
    h.clock.advanceTo(2 * MINUTE);
    const wakes = h.scheduler.wakes;
    const pings = h.tally.pings;
    h.clock.advanceTo(2 * MINUTE + HOUR);
    assert.ok(h.scheduler.wakes - wakes <= 121, `${h.scheduler.wakes - wakes} wakes in the second hour`);
    assert.ok(h.tally.pings - pings <= 64 * 121, `${h.tally.pings - pings} pings in the second hour`);
    assert.equal(h.timer.created, 1);
  });

  it("a connection with traffic is not pinged early at the others' wakes", () => {
    const h = host();
    h.pair({ pingInterval: 30 * SECOND });
    const chatty = h.pair({ pingInterval: 30 * SECOND, tally: new ControlTally() });
    chatter(h, chatty, 5 * SECOND, HOUR);
    h.clock.advanceTo(HOUR);
    assert.equal(chatty.tally.pings, 0);
    assert.ok(h.tally.pings >= 118, "the idle one pings");
  });

  it("off: connections opened 1 s apart wake separately", () => {
    const h = host(250, false);
    for (const at of [0, 1000, 2000]) h.clock.at(at, () => h.pair({ pingInterval: 30 * SECOND }));
    h.clock.advanceTo(HOUR);
    assert.ok(h.scheduler.wakes >= 3 * 118);
  });
});

describe("keepalive: network-change probe", () => {
  it("probeAll sends one prompt ping on every connection, even with keepalive off, and the RTT is readable", () => {
    const h = host();
    const pairs = Array.from({ length: 5 }, () => h.pair({ pingInterval: 0, latency: 25 }));
    h.clock.advanceTo(10 * SECOND);
    assert.equal(h.timer.armed, 0);
    assert.equal(networkChanged(h.scheduler), 5);
    assert.equal(h.timer.armed, 1, "armed for the probes' timeout");
    h.clock.advanceTo(11 * SECOND);
    assert.equal(h.tally.pings, 5);
    assert.equal(h.tally.pongs, 5);
    for (const p of pairs) {
      assert.equal(p.client.roundTripTime, 50);
      assert.equal(p.client.state, ConnectionState.Open);
    }
    h.clock.advanceTo(HOUR);
    assert.equal(h.scheduler.wakes, 0, "the pongs cleared the probes' timeout before it fell due: no wake");
    assert.equal(h.timer.armed, 0);
    assert.equal(h.tally.pings, 5);
  });

  it("an unanswered probe fails its connection after pingTimeout, in one wake for all", () => {
    const h = host();
    const dead = Array.from({ length: 3 }, () => h.pair({ pingInterval: 30 * SECOND, pingTimeout: 5 * SECOND, answer: false }));
    const alive = h.pair({ pingInterval: 30 * SECOND, pingTimeout: 5 * SECOND });
    h.clock.advanceTo(10 * SECOND);
    h.scheduler.probeAll();
    h.clock.advanceTo(15 * SECOND - 1);
    for (const p of dead) assert.deepEqual(p.errors, []);
    h.clock.advanceTo(15 * SECOND + 250);
    for (const p of dead) {
      assert.deepEqual(p.errors, ["WS_ERR_PING_TIMEOUT"]);
      assert.equal(p.client.state, ConnectionState.Closed);
    }
    assert.deepEqual(alive.errors, []);
    assert.equal(h.scheduler.wakes, 1);
    // The live one's keepalive goes on from the probe's pong.
    h.clock.advanceTo(46 * SECOND);
    assert.equal(alive.client.state, ConnectionState.Open);
  });

  it(`pingTimeout 0: the probe times out after DEFAULT_PROBE_TIMEOUT (${DEFAULT_PROBE_TIMEOUT} ms)`, () => {
    const h = host();
    const p = h.pair({ pingInterval: 0, pingTimeout: 0, answer: false });
    h.scheduler.probeAll();
    h.clock.advanceTo(DEFAULT_PROBE_TIMEOUT - 1);
    assert.deepEqual(p.errors, []);
    h.clock.advanceTo(DEFAULT_PROBE_TIMEOUT);
    assert.deepEqual(p.errors, ["WS_ERR_PING_TIMEOUT"]);
  });

  it("a probe on a closing connection sends nothing; clients without probe() are skipped", () => {
    const h = host();
    const p = h.pair({ pingInterval: 0 });
    p.client.close(1000);
    const written = p.clientSocket.written;
    assert.equal(p.client.probe(h.clock.now()), false);
    const plain: DeadlineClient = { nextDeadline: () => Number.POSITIVE_INFINITY, onDeadline: () => {} };
    h.scheduler.add(plain);
    assert.equal(h.scheduler.probeAll(), 1, "only clients with probe() are asked");
    assert.equal(p.clientSocket.written, written);
  });

  it("the driver flushes the probe at once", () => {
    const h = host();
    const p = h.pair({ pingInterval: 0 });
    p.client.probe(h.clock.now());
    assert.equal(p.clientSocket.written, 6);
    assert.equal(p.client.bufferedAmount, 0);
  });
});

describe("keepalive: round-trip time", () => {
  it("is NaN before the first keepalive ping, then the ping-to-pong time", () => {
    const h = host();
    const p = h.pair({ pingInterval: 30 * SECOND, latency: 35 });
    assert.ok(Number.isNaN(p.client.roundTripTime));
    h.clock.advanceTo(31 * SECOND);
    assert.equal(p.client.roundTripTime, 70);
  });
});
