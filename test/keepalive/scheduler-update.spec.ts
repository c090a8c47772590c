/**
 * `DeadlineScheduler.updateFor(client)`: the per-event update that costs the
 * same whatever the number of connections, checked against the full
 * recomputation it stands in for, on the simulated clock.
 */
import assert from "node:assert/strict";
import { DeadlineScheduler, type DeadlineClient } from "../../modules/websocket/transport/deadline-scheduler";
import { FakeTimer, VirtualClock } from "./support/virtual-clock";

/** A client whose deadline the test sets; counts how often it is asked. */
class Client implements DeadlineClient {
  deadline = Number.POSITIVE_INFINITY;
  asked = 0;
  handled: number[] = [];
  nextDeadline(): number {
    this.asked++;
    return this.deadline;
  }
  onDeadline(now: number): void {
    this.handled.push(now);
    this.deadline = Number.POSITIVE_INFINITY;
  }
}

function setup(count: number, slack = 0) {
  const clock = new VirtualClock();
  const timer = new FakeTimer(clock);
  const scheduler = new DeadlineScheduler({ timer, now: clock.now, slack, coalesce: false });
  const clients = Array.from({ length: count }, () => new Client());
  for (const client of clients) scheduler.add(client);
  return { clock, timer, scheduler, clients };
}

describe("deadline scheduler: updateFor", function () {
  it("asks only the client that changed, unless it held the armed deadline", () => {
    const { scheduler, clients } = setup(64);
    clients[3]!.deadline = 5000;
    scheduler.updateFor(clients[3]!);
    for (const client of clients) client.asked = 0;
    clients[10]!.deadline = 9000; // later than the armed one: nothing to do
    scheduler.updateFor(clients[10]!);
    assert.equal(clients.reduce((n, c) => n + c.asked, 0), 1, "one client asked");
    clients[20]!.deadline = 1000; // earlier: armed for it, still one question
    scheduler.updateFor(clients[20]!);
    assert.equal(clients.reduce((n, c) => n + c.asked, 0), 2);
  });

  it("fires at the earliest deadline as it moves: earlier, then the holder's moving later", () => {
    const { clock, scheduler, clients } = setup(8);
    clients[0]!.deadline = 3000;
    scheduler.updateFor(clients[0]!);
    clients[1]!.deadline = 2000;
    scheduler.updateFor(clients[1]!);
    clients[1]!.deadline = 8000; // the holder moved later: the timer must follow to client 0's 3000
    scheduler.updateFor(clients[1]!);
    clock.advanceTo(2500);
    assert.deepEqual(clients[1]!.handled, [], "no wake at the old 2000");
    clock.advanceTo(3000);
    assert.deepEqual(clients[0]!.handled, [3000]);
    clock.advanceTo(8000);
    assert.deepEqual(clients[1]!.handled, [8000]);
    assert.equal(scheduler.armed, false, "nothing left: unscheduled");
  });

  it("with ties, the deadline stays armed when one of the tied clients moves", () => {
    const { clock, scheduler, clients } = setup(2);
    clients[0]!.deadline = 1000;
    clients[1]!.deadline = 1000;
    scheduler.update();
    clients[0]!.deadline = 5000;
    scheduler.updateFor(clients[0]!);
    clock.advanceTo(1000);
    assert.deepEqual(clients[1]!.handled, [1000]);
    clock.advanceTo(5000);
    assert.deepEqual(clients[0]!.handled, [5000]);
  });

  it("the holder's deadline moving later within the slack asks no other client; past the slack the earliest is looked for again", () => {
    const { clock, scheduler, clients } = setup(16, 250);
    clients[0]!.deadline = 1000;
    clients[1]!.deadline = 1400;
    scheduler.update();
    for (const client of clients) client.asked = 0;
    clients[0]!.deadline = 1200; // data arrived: the keepalive ping moves 200 ms later
    scheduler.updateFor(clients[0]!);
    assert.equal(clients.reduce((n, c) => n + c.asked, 0), 1, "only the holder asked");
    clients[0]!.deadline = 1300; // 300 ms past the armed 1000: looked for again, client 0 still the earliest
    scheduler.updateFor(clients[0]!);
    assert.equal(clients.reduce((n, c) => n + c.asked, 0), 1 + 1 + 16, "the holder, then every client");
    clock.advanceTo(1300);
    assert.deepEqual(clients[0]!.handled, [1300], "served at its time");
    clock.advanceTo(1400);
    assert.deepEqual(clients[1]!.handled, [1400]);
  });
});
