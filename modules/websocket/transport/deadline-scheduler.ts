/**
 * One timer for every connection of a host (power: every wake costs).
 *
 * Each connection says when it next needs attention (`nextDeadline()`); the
 * scheduler keeps a single SDK timer armed for the earliest of them, re-armed
 * with `Timer.schedule` rather than made anew. When it fires, every deadline
 * that falls within `slack` of now is handled in that one wake. When no
 * connection has a deadline, the timer is unscheduled and nothing wakes.
 */
import Timer from "timer";

/** The repeat interval that keeps the one timer allocated; every wake re-arms or unschedules it first. */
const KEEP_ALIVE_REPEAT = 60 * 60 * 1000;

/** Something with deadlines: a connection's driver. */
export interface DeadlineClient {
  /** The next clock reading at which `onDeadline` is due, or +Infinity. */
  nextDeadline(): number;
  /** Called at (or up to `slack` before) the deadline, with the time to act as of. */
  onDeadline(now: number): void;
}

/** Options of a {@link DeadlineScheduler}. */
export interface DeadlineSchedulerOptions {
  /** The clock, in milliseconds (default `Date.now`). */
  now?: () => number;
  /** Deadlines this close to the wake are handled in it (default 250 ms). */
  slack?: number;
}

/** See the module comment. */
export class DeadlineScheduler {
  readonly #clients = new Set<DeadlineClient>();
  readonly #now: () => number;
  readonly #slack: number;
  #timer: ReturnType<typeof Timer.set> | undefined;
  /** The clock reading the timer is armed for, or +Infinity when unscheduled. */
  #armedFor = Number.POSITIVE_INFINITY;
  #wakes = 0;

  constructor(options: DeadlineSchedulerOptions = {}) {
    this.#now = options.now ?? Date.now;
    this.#slack = options.slack ?? 250;
  }

  /** How many times the timer has fired (for the power benchmark). */
  get wakes(): number {
    return this.#wakes;
  }

  /** Whether the timer is armed. */
  get armed(): boolean {
    return this.#armedFor !== Number.POSITIVE_INFINITY;
  }

  /** Starts watching `client`'s deadlines. */
  add(client: DeadlineClient): void {
    this.#clients.add(client);
    this.update();
  }

  /** Stops watching `client`; unschedules the timer when nothing is left to wait for. */
  remove(client: DeadlineClient): void {
    this.#clients.delete(client);
    this.update();
  }

  /**
   * Re-arms the timer if some deadline is now earlier than the one it is
   * armed for. Cheap enough to call after every event: a deadline that moved
   * later (data arrived, postponing a ping) costs nothing until the wake,
   * which then finds nothing due and re-arms for the new time.
   */
  update(): void {
    const earliest = this.#earliest();
    if (earliest === Number.POSITIVE_INFINITY) {
      if (this.#armedFor !== Number.POSITIVE_INFINITY && this.#clients.size === 0) this.#disarm();
      return;
    }
    if (earliest < this.#armedFor) this.#arm(earliest);
  }

  #earliest(): number {
    let earliest = Number.POSITIVE_INFINITY;
    for (const client of this.#clients) earliest = Math.min(earliest, client.nextDeadline());
    return earliest;
  }

  #arm(at: number): void {
    const delay = Math.max(0, at - this.#now());
    // Always with a repeat interval: the SDK clears a timer whose repeat is 0
    // once its callback returns, and this one lives on, re-armed or unscheduled.
    if (this.#timer === undefined) this.#timer = Timer.set(() => this.#fire(), delay, KEEP_ALIVE_REPEAT);
    else Timer.schedule(this.#timer, delay, KEEP_ALIVE_REPEAT);
    this.#armedFor = at;
  }

  #disarm(): void {
    if (this.#timer !== undefined) Timer.schedule(this.#timer);
    this.#armedFor = Number.POSITIVE_INFINITY;
  }

  #fire(): void {
    this.#wakes++;
    this.#armedFor = Number.POSITIVE_INFINITY;
    const now = this.#now();
    for (const client of [...this.#clients]) {
      const deadline = client.nextDeadline();
      if (deadline <= now + this.#slack) client.onDeadline(Math.max(now, deadline));
    }
    const earliest = this.#earliest();
    if (earliest === Number.POSITIVE_INFINITY) this.#disarm();
    else this.#arm(earliest);
  }
}
