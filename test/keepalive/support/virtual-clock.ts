/**
 * A simulated clock and a fake SDK `Timer` on it, for keepalive tests and the
 * power bench: an hour passes in milliseconds of real time, and every timer
 * arm and wake is counted.
 *
 * The fake follows the SDK timer semantics (hosts/moddable/types/timer.d.ts):
 * - `set(cb, interval, repeat)` fires after `interval`, then every `repeat`;
 * - a timer whose repeat interval is 0 when its callback returns is cleared,
 *   unless the callback unscheduled it (`schedule(id)` with no interval);
 * - `schedule(id)` with no interval unschedules (the timer stays allocated);
 * - `schedule` on a cleared timer throws a SyntaxError;
 * - timers due at the same time fire in the order they were armed.
 *
 * Besides timers, the clock runs "events" (`at`, `after`): things the world
 * does (a message arrives, bytes cross the network) that are not wakes of
 * the device's timers.
 */
import type { TimerApi } from "../../../modules/websocket/transport/deadline-scheduler";

interface Entry {
  due: number;
  seq: number;
  run(): void;
}

/** A clock that moves only when told to, running what falls due on the way. */
export class VirtualClock {
  #t: number;
  #seq = 0;
  /** A binary min-heap on (due, seq). */
  readonly #events: Entry[] = [];
  readonly #timers = new Set<FakeTimerEntry>();

  constructor(start = 0) {
    this.#t = start;
  }

  /** The current reading, in ms (pass as `now` options). */
  readonly now = (): number => this.#t;

  /** Runs `fn` at clock reading `t` (not a timer wake). */
  at(t: number, fn: () => void): void {
    heapPush(this.#events, { due: Math.max(t, this.#t), seq: this.#seq++, run: fn });
  }

  /** Runs `fn` `ms` from now (not a timer wake). */
  after(ms: number, fn: () => void): void {
    this.at(this.#t + ms, fn);
  }

  /** Runs everything due up to `t` in time order, then leaves the clock at `t`. */
  advanceTo(t: number): void {
    for (;;) {
      const next = this.#next();
      if (next === undefined || next.due > t) break;
      this.#t = next.due;
      next.run();
    }
    if (t > this.#t) this.#t = t;
  }

  /** Moves the clock on by `ms`. */
  advance(ms: number): void {
    this.advanceTo(this.#t + ms);
  }

  /** @internal: a sequence number for ordering ties. */
  nextSeq(): number {
    return this.#seq++;
  }

  /** @internal */
  register(timer: FakeTimerEntry): void {
    this.#timers.add(timer);
  }

  /** @internal */
  unregister(timer: FakeTimerEntry): void {
    this.#timers.delete(timer);
  }

  #next(): Entry | undefined {
    const best = this.#events[0];
    let timer: FakeTimerEntry | undefined;
    for (const candidate of this.#timers) {
      if (candidate.due === Number.POSITIVE_INFINITY) continue;
      if (timer === undefined || candidate.due < timer.due || (candidate.due === timer.due && candidate.seq < timer.seq)) timer = candidate;
    }
    if (timer !== undefined && (best === undefined || timer.due < best.due || (timer.due === best.due && timer.seq < best.seq))) {
      const chosen = timer;
      return { due: chosen.due, seq: chosen.seq, run: () => chosen.fire() };
    }
    if (best !== undefined) heapPop(this.#events);
    return best;
  }
}

/** One fake timer (opaque to the code under test: it is the `Id`). */
export class FakeTimerEntry {
  due = Number.POSITIVE_INFINITY;
  seq = 0;
  repeat = 0;
  cleared = false;
  #unscheduledInCallback = false;
  #firing = false;

  constructor(
    readonly owner: FakeTimer,
    readonly callback: () => void,
  ) {}

  /** @internal */
  arm(interval: number, repeat: number): void {
    this.due = this.owner.clock.now() + Math.max(0, interval);
    this.seq = this.owner.clock.nextSeq();
    this.repeat = repeat;
    this.#unscheduledInCallback = false;
    this.owner.arms++;
  }

  /** @internal */
  unschedule(): void {
    this.due = Number.POSITIVE_INFINITY;
    if (this.#firing) this.#unscheduledInCallback = true;
  }

  /** @internal */
  fire(): void {
    const owner = this.owner;
    owner.wakes++;
    // Repeats do not drift: next = this due time + repeat.
    this.due = this.repeat > 0 ? this.due + this.repeat : Number.POSITIVE_INFINITY;
    if (this.repeat > 0) this.seq = owner.clock.nextSeq();
    this.#firing = true;
    this.#unscheduledInCallback = false;
    try {
      this.callback();
    } finally {
      this.#firing = false;
    }
    if (!this.cleared && this.repeat === 0 && !this.#unscheduledInCallback) owner.clear(this);
  }
}

/**
 * A fake of the SDK's `Timer` on a {@link VirtualClock}, usable as the
 * scheduler's `TimerApi` (and as a one-shot timer for the reconnector).
 */
export class FakeTimer implements TimerApi<FakeTimerEntry> {
  /** Times a timer was set or rescheduled with an interval. */
  arms = 0;
  /** Times a timer callback ran. */
  wakes = 0;
  /** Timers created with `set`. */
  created = 0;
  readonly #live = new Set<FakeTimerEntry>();

  constructor(readonly clock: VirtualClock) {}

  set(callback: () => void, interval = 0, repeat = 0): FakeTimerEntry {
    const timer = new FakeTimerEntry(this, callback);
    this.created++;
    this.#live.add(timer);
    this.clock.register(timer);
    timer.arm(interval, repeat);
    return timer;
  }

  schedule(id: FakeTimerEntry, interval?: number, repeat?: number): void {
    if (id.cleared) throw new SyntaxError("timer already cleared");
    if (interval === undefined) id.unschedule();
    else id.arm(interval, repeat ?? 0);
  }

  clear(id?: FakeTimerEntry | null): void {
    if (id === undefined || id === null || id.cleared) return;
    id.cleared = true;
    id.due = Number.POSITIVE_INFINITY;
    this.#live.delete(id);
    this.clock.unregister(id);
  }

  /** Timers allocated and not cleared (scheduled or not). */
  get allocated(): number {
    return this.#live.size;
  }

  /** Timers that will fire (scheduled). */
  get armed(): number {
    let n = 0;
    for (const t of this.#live) if (t.due !== Number.POSITIVE_INFINITY) n++;
    return n;
  }

  /** Resets the arm and wake counters. */
  resetCounts(): void {
    this.arms = 0;
    this.wakes = 0;
  }
}

function before(a: Entry, b: Entry): boolean {
  return a.due < b.due || (a.due === b.due && a.seq < b.seq);
}

function heapPush(heap: Entry[], entry: Entry): void {
  heap.push(entry);
  let i = heap.length - 1;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (!before(heap[i]!, heap[parent]!)) break;
    [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
    i = parent;
  }
}

function heapPop(heap: Entry[]): void {
  const last = heap.pop()!;
  if (heap.length === 0) return;
  heap[0] = last;
  let i = 0;
  for (;;) {
    const l = 2 * i + 1;
    const r = l + 1;
    let m = i;
    if (l < heap.length && before(heap[l]!, heap[m]!)) m = l;
    if (r < heap.length && before(heap[r]!, heap[m]!)) m = r;
    if (m === i) return;
    [heap[i], heap[m]] = [heap[m]!, heap[i]!];
    i = m;
  }
}
