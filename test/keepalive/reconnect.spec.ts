/**
 * The reconnect policy (pure) and its runner, on the simulated clock with a
 * fixed random source.
 */
import assert from "node:assert/strict";
import {
  parseRetryAfter,
  ReconnectPolicy,
  Reconnector,
  type ConnectionOutcome,
  type ReconnectSession,
} from "../../modules/websocket/keepalive/reconnect-policy";
import { FakeTimer, VirtualClock } from "./support/virtual-clock";

const dropped: ConnectionOutcome = { opened: false, code: 1006 };

function delays(policy: ReconnectPolicy, outcome: ConnectionOutcome, n: number): number[] {
  return Array.from({ length: n }, () => policy.nextDelay(outcome));
}

describe("reconnect policy: backoff", () => {
  it("starts at a few hundred ms and grows ×1.5 (random fixed at 0: no jitter)", () => {
    const policy = new ReconnectPolicy({ random: () => 0 });
    assert.deepEqual(delays(policy, dropped, 6), [0.3, 0.45, 0.675, 1.013, 1.519, 2.278]);
  });

  it("is capped at 60 s", () => {
    const policy = new ReconnectPolicy({ random: () => 0 });
    const seq = delays(policy, dropped, 30);
    assert.equal(Math.max(...seq), 60);
    assert.deepEqual(seq.slice(-3), [60, 60, 60]);
    for (let i = 1; i < seq.length; i++) assert.ok(seq[i]! >= seq[i - 1]!);
  });

  it("jitter only shortens, by at most `jitter`, and never passes the cap", () => {
    const policy = new ReconnectPolicy({ random: () => 0.999999 });
    const seq = delays(policy, dropped, 30);
    assert.equal(seq[0], Math.round(300 * (1 - 0.3 * 0.999999)) / 1000);
    for (const d of seq) assert.ok(d <= 60 && d >= 0.7 * 0.3);
    assert.ok(seq.at(-1)! >= 60 * 0.7 - 0.001);
  });

  it("resets after a connection that stayed up for resetAfter; a short-lived one keeps backing off", () => {
    const policy = new ReconnectPolicy({ random: () => 0, resetAfter: 30 });
    delays(policy, dropped, 5);
    assert.equal(policy.nextDelay({ opened: true, uptime: 5, code: 1006 }), 2.278);
    assert.equal(policy.nextDelay({ opened: true, uptime: 30, code: 1006 }), 0.3);
    assert.equal(policy.nextDelay(dropped), 0.45);
  });

  it("maxAttempts ends the retries", () => {
    const policy = new ReconnectPolicy({ maxAttempts: 2 });
    assert.ok(policy.shouldRetry(dropped));
    policy.nextDelay(dropped);
    assert.ok(policy.shouldRetry(dropped));
    policy.nextDelay(dropped);
    assert.equal(policy.shouldRetry(dropped), false);
  });
});

describe("reconnect policy: how the last connection ended", () => {
  const policy = new ReconnectPolicy();
  it("classifies close codes and HTTP refusals", () => {
    for (const code of [1001, 1012, 1013]) assert.equal(policy.classify({ opened: true, code }), "later", `${code}`);
    assert.equal(policy.classify({ opened: true, code: 1008 }), "stop");
    for (const code of [1000, 1002, 1006, 1011, 4000]) assert.equal(policy.classify({ opened: true, code }), "retry", `${code}`);
    assert.equal(policy.classify({ opened: false, status: 503 }), "later");
    assert.equal(policy.classify({ opened: false, status: 429 }), "later");
    for (const status of [400, 401, 403, 404]) assert.equal(policy.classify({ opened: false, status }), "stop", `${status}`);
    assert.equal(policy.classify({ opened: false, status: 408 }), "retry");
    assert.equal(policy.classify({ opened: false, status: 500 }), "retry");
  });

  it("1001/1012/1013 without Retry-After wait at least laterDelay (15 s)", () => {
    const p = new ReconnectPolicy({ random: () => 0 });
    assert.equal(p.nextDelay({ opened: true, code: 1012, uptime: 1 }), 15);
    assert.equal(p.nextDelay({ opened: true, code: 1013, uptime: 1 }), 15);
    assert.ok(p.shouldRetry({ opened: true, code: 1001 }));
  });

  it("HTTP 503 with Retry-After: waits what it asks (seconds or HTTP-date), jitter only adds, capped at maxRetryAfter", () => {
    const p = new ReconnectPolicy({ random: () => 0, wallClock: () => Date.UTC(2026, 0, 1, 0, 0, 0) });
    assert.equal(p.nextDelay({ opened: false, status: 503, retryAfter: "120" }), 120);
    assert.equal(p.nextDelay({ opened: false, status: 503, retryAfter: 7 }), 7);
    assert.equal(p.nextDelay({ opened: false, status: 503, retryAfter: "Thu, 01 Jan 2026 00:02:00 GMT" }), 120);
    assert.equal(p.nextDelay({ opened: false, status: 503, retryAfter: "999999" }), 3600);
    assert.equal(p.nextDelay({ opened: false, status: 503, retryAfter: "soon" }), 15, "unreadable: laterDelay");
    const jittered = new ReconnectPolicy({ random: () => 0.5 });
    assert.equal(jittered.nextDelay({ opened: false, status: 503, retryAfter: "10" }), 11.5);
  });

  it("parseRetryAfter", () => {
    assert.equal(parseRetryAfter(undefined, 0), undefined);
    assert.equal(parseRetryAfter(" 30 ", 0), 30);
    assert.equal(parseRetryAfter("Thu, 01 Jan 1970 00:00:10 GMT", 20_000), 0, "a date in the past: now");
    assert.equal(parseRetryAfter("-1", 0), undefined);
  });

  it("1008 and 401/403 stop, unless retryRefused says otherwise", () => {
    const p = new ReconnectPolicy();
    assert.equal(p.shouldRetry({ opened: true, code: 1008 }), false);
    assert.equal(p.shouldRetry({ opened: false, status: 401 }), false);
    assert.equal(p.shouldRetry({ opened: false, status: 403 }), false);
    const asked: ConnectionOutcome[] = [];
    const lenient = new ReconnectPolicy({ random: () => 0, retryRefused: (o) => (asked.push(o), o.status === 401) });
    assert.equal(lenient.shouldRetry({ opened: false, status: 401 }), true);
    assert.equal(lenient.shouldRetry({ opened: false, status: 403 }), false);
    assert.equal(lenient.nextDelay({ opened: false, status: 401 }), 0.3);
    assert.equal(asked.length, 2);
  });
});

describe("reconnector", () => {
  function rig(options: Partial<ConstructorParameters<typeof Reconnector>[0]> = {}) {
    const clock = new VirtualClock();
    const timer = new FakeTimer(clock);
    const sessions: ReconnectSession[] = [];
    const waits: number[] = [];
    const gaveUp: string[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const reconnector = new Reconnector({
      random: () => 0,
      now: clock.now,
      timer: { set: (cb, delay) => timer.set(cb, delay), clear: (id) => timer.clear(id) },
      connect: (session) => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        sessions.push(session);
        const ended = session.ended.bind(session);
        (session as { ended: typeof ended }).ended = (o) => {
          if (session.current) inFlight--;
          ended(o);
        };
      },
      onWait: (delay) => waits.push(delay),
      onGiveUp: (_o, reason) => gaveUp.push(reason),
      ...options,
    });
    return { clock, timer, sessions, waits, gaveUp, reconnector, maxInFlight: () => maxInFlight };
  }

  it("connects, waits the backoff after each failure, and resets after a long-lived connection", () => {
    const r = rig();
    r.reconnector.start();
    assert.equal(r.sessions.length, 1);
    r.sessions[0]!.ended(dropped);
    assert.equal(r.reconnector.state, "waiting");
    r.clock.advance(299);
    assert.equal(r.sessions.length, 1);
    r.clock.advance(1);
    assert.equal(r.sessions.length, 2);
    r.sessions[1]!.ended(dropped);
    r.clock.advance(450);
    assert.equal(r.sessions.length, 3);
    // This one opens and stays up 2 minutes (uptime measured by the runner).
    r.sessions[2]!.opened();
    assert.equal(r.reconnector.state, "open");
    r.clock.advance(120_000);
    r.sessions[2]!.ended({ opened: true, code: 1006 });
    assert.deepEqual(r.waits, [0.3, 0.45, 0.3]);
    assert.equal(r.timer.armed, 1);
  });

  it("never more than one attempt in flight: start/retryNow during an attempt do nothing; stale reports are ignored", () => {
    const r = rig();
    r.reconnector.start();
    r.reconnector.start();
    r.reconnector.retryNow();
    assert.equal(r.sessions.length, 1);
    const first = r.sessions[0]!;
    first.ended(dropped);
    first.ended(dropped); // a second report of the same end
    assert.equal(r.waits.length, 1);
    r.reconnector.start(); // while waiting: nothing
    assert.equal(r.sessions.length, 1);
    r.reconnector.retryNow(); // the network came back: skip the wait
    assert.equal(r.sessions.length, 2);
    assert.equal(r.timer.armed, 0, "the wait was cancelled");
    first.opened(); // stale
    assert.equal(r.reconnector.state, "connecting");
    r.clock.advance(60_000);
    assert.equal(r.sessions.length, 2);
    assert.equal(r.maxInFlight(), 1);
  });

  it("1008 stops (onGiveUp 'refused'); 1012 waits 15 s", () => {
    const r = rig();
    r.reconnector.start();
    r.sessions[0]!.opened();
    r.sessions[0]!.ended({ opened: true, code: 1012 });
    assert.deepEqual(r.waits, [15]);
    r.clock.advance(15_000);
    r.sessions[1]!.ended({ opened: true, code: 1008 });
    assert.deepEqual(r.gaveUp, ["refused"]);
    assert.equal(r.reconnector.state, "stopped");
    r.clock.advance(3_600_000);
    assert.equal(r.sessions.length, 2);
  });

  it("a 503 with Retry-After waits as asked", () => {
    const r = rig();
    r.reconnector.start();
    r.sessions[0]!.ended({ opened: false, status: 503, retryAfter: "42" });
    r.clock.advance(41_999);
    assert.equal(r.sessions.length, 1);
    r.clock.advance(1);
    assert.equal(r.sessions.length, 2);
  });

  it("stop() cancels the wait and ignores the attempt in flight; start() again begins afresh", () => {
    const r = rig();
    r.reconnector.start();
    r.sessions[0]!.ended(dropped);
    r.reconnector.stop();
    assert.equal(r.timer.armed, 0);
    r.clock.advance(60_000);
    assert.equal(r.sessions.length, 1);
    r.reconnector.start();
    assert.equal(r.sessions.length, 2);
    r.reconnector.stop();
    r.sessions[1]!.ended(dropped);
    assert.equal(r.waits.length, 1);
    assert.equal(r.reconnector.state, "stopped");
  });

  it("takes a promise-returning connect: resolution is the outcome, rejection a failed attempt", async () => {
    const clock = new VirtualClock();
    const timer = new FakeTimer(clock);
    const waits: number[] = [];
    let calls = 0;
    const reconnector = new Reconnector({
      random: () => 0,
      now: clock.now,
      timer: { set: (cb, delay) => timer.set(cb, delay), clear: (id) => timer.clear(id) },
      onWait: (delay) => waits.push(delay),
      connect: () => (++calls === 1 ? Promise.reject(new Error("ECONNREFUSED")) : Promise.resolve({ opened: false, status: 503, retryAfter: "5" })),
    });
    reconnector.start();
    await Promise.resolve();
    await Promise.resolve();
    assert.deepEqual(waits, [0.3]);
    clock.advance(300);
    await Promise.resolve();
    await Promise.resolve();
    assert.deepEqual(waits, [0.3, 5]);
    assert.equal(calls, 2);
    reconnector.stop();
  });

  it("a connect that throws counts as a failed attempt", () => {
    const clock = new VirtualClock();
    const timer = new FakeTimer(clock);
    const waits: number[] = [];
    const reconnector = new Reconnector({
      random: () => 0,
      now: clock.now,
      timer: { set: (cb, delay) => timer.set(cb, delay), clear: (id) => timer.clear(id) },
      onWait: (delay) => waits.push(delay),
      connect: () => {
        throw new Error("no route");
      },
    });
    reconnector.start();
    clock.advance(300);
    assert.deepEqual(waits, [0.3, 0.45]);
    reconnector.stop();
  });
});
