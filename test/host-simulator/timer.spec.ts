/**
 * Host simulator: the SDK `timer` module (device timer-list semantics).
 */
import assert from "node:assert/strict";
import Timer, { type TimerID } from "timer";

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe("host simulator: timer", function () {
  const timers: TimerID[] = [];
  afterEach(() => {
    for (const timer of timers.splice(0)) Timer.clear(timer);
  });
  const keep = (timer: TimerID) => (timers.push(timer), timer);

  it("set(callback): immediate one-shot, later than the caller, with the timer as argument and this = globalThis", async () => {
    const calls: { self: unknown; arg: unknown }[] = [];
    const timer = Timer.set(function (this: unknown, arg) {
      calls.push({ self: this, arg });
    });
    assert.equal(calls.length, 0);
    await delay(20);
    assert.deepEqual(calls, [{ self: globalThis, arg: timer }]);
    assert.throws(() => Timer.schedule(timer, 10), SyntaxError, "a fired one-shot is cleared");
    Timer.clear(timer); // ignored
  });

  it("set(callback, ms): one-shot after ms", async () => {
    const started = performance.now();
    let at = 0;
    let count = 0;
    Timer.set(() => {
      count++;
      at = performance.now() - started;
    }, 40);
    await delay(20);
    assert.equal(count, 0);
    await delay(80);
    assert.equal(count, 1);
    assert.ok(at >= 39, `fired after ${at} ms`);
  });

  it("set(callback, ms, repeat) and repeat(callback, ms): repeating until cleared", async () => {
    const times: number[] = [];
    const started = performance.now();
    keep(
      Timer.set((timer) => {
        times.push(performance.now() - started);
        if (times.length === 3) Timer.clear(timer);
      }, 10, 30),
    );
    let repeats = 0;
    keep(Timer.repeat((timer) => ++repeats === 4 && Timer.clear(timer), 5));
    await delay(200);
    assert.equal(times.length, 3);
    assert.ok(times[0]! >= 9 && times[0]! < 35, `first after ${times[0]} ms`);
    assert.ok(times[1]! - times[0]! >= 15, `then every 30 ms: ${times}`);
    assert.equal(repeats, 4);
  });

  it("clear() cancels; undefined, null and non-timers are ignored", async () => {
    let fired = false;
    const timer = Timer.set(() => (fired = true), 10);
    Timer.clear(timer);
    Timer.clear(timer);
    Timer.clear(undefined);
    Timer.clear(null);
    Timer.clear();
    await delay(40);
    assert.equal(fired, false);
    assert.throws(() => Timer.schedule(timer, 1), SyntaxError);
  });

  it("schedule(timer): unscheduled timers never fire until rescheduled; schedule(timer, ms) fires once then clears", async () => {
    let count = 0;
    const timer = keep(Timer.repeat(() => count++, 10));
    Timer.schedule(timer);
    await delay(50);
    assert.equal(count, 0);
    Timer.schedule(timer, 10);
    await delay(60);
    assert.equal(count, 1, "rescheduled without repeat: one-shot");
    assert.throws(() => Timer.schedule(timer, 10), SyntaxError);
  });

  it("inside its callback: schedule(t) keeps a one-shot alive, schedule(t, ms) without repeat does not", async () => {
    let kept = 0;
    const parked = keep(
      Timer.set((timer) => {
        kept++;
        Timer.schedule(timer); // unscheduled: repeat becomes "infinite", not 0
      }, 5),
    );
    let lost = 0;
    const dropped = Timer.set((timer) => {
      lost++;
      Timer.schedule(timer, 5); // repeat 0 when the callback returns: cleared
    }, 5);
    await delay(50);
    assert.equal(kept, 1);
    assert.equal(lost, 1);
    Timer.schedule(parked, 5);
    await delay(40);
    assert.equal(kept, 2);
    assert.throws(() => Timer.schedule(dropped, 5), SyntaxError);
  });

  it("timers due together fire in creation order", async () => {
    const order: string[] = [];
    Timer.set(() => order.push("a"), 15);
    Timer.set(() => order.push("b"), 5);
    Timer.set(() => order.push("c"), 15);
    Timer.set(() => order.push("d"));
    Timer.delay(25); // all four are due when the loop runs next
    await delay(10);
    assert.deepEqual(order, ["a", "b", "c", "d"]);
  });

  it("delay(ms) blocks", () => {
    const started = performance.now();
    Timer.delay(30);
    assert.ok(performance.now() - started >= 29);
  });
});
