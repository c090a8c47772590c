/**
 * One timer for every connection of a host (power: every wake costs).
 *
 * Each connection says when it next needs attention (`nextDeadline()`); the
 * scheduler keeps a single SDK timer armed for the earliest of them, re-armed
 * with `Timer.schedule` rather than made anew. When it fires, every deadline
 * that falls within `slack` of now is handled in that one wake, and (with
 * `coalesce`) clients that may act early do so (a keepalive ping after half
 * its interval of silence goes out with the others), so the deadlines of
 * connections opened at different times converge on one wake. When no
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
  /** The network changed: ping the peer now and fail unless it answers in time (see `Connection.probe`). */
  probe?(now: number): void;
  /** From when the client may act early, at a wake made for another client (a keepalive ping); +Infinity for never. */
  earlyFrom?(): number;
  /** Act early (see `earlyFrom`). */
  onEarly?(now: number): void;
}

/** The part of the SDK's `Timer` the scheduler uses (injectable, so a simulated clock can drive it). */
export interface TimerApi<Id> {
  set(callback: () => void, interval: number, repeat: number): Id;
  schedule(id: Id, interval?: number, repeat?: number): void;
}

/** Options of a {@link DeadlineScheduler}. */
export interface DeadlineSchedulerOptions {
  /** The timer (default: the SDK's `timer` module). */
  timer?: TimerApi<unknown>;
  /** The clock, in milliseconds (default `Date.now`). */
  now?: () => number;
  /** Deadlines this close to the wake are handled in it (default 250 ms). */
  slack?: number;
  /**
   * At each wake, let clients act early from their `earlyFrom()` (keepalive
   * pings go out with those due, so connections opened at different times
   * converge on one wake per interval). Default true.
   */
  coalesce?: boolean;
}

/** See the module comment. */
export class DeadlineScheduler {
  readonly #clients = new Set<DeadlineClient>();
  readonly #now: () => number;
  readonly #slack: number;
  readonly #coalesce: boolean;
  readonly #timerApi: TimerApi<unknown>;
  #timer: unknown;
  /** The clock reading the timer is armed for, or +Infinity when unscheduled. */
  #armedFor = Number.POSITIVE_INFINITY;
  /** The client whose deadline the timer is armed for (the earliest at the last look). */
  #armedClient: DeadlineClient | undefined;
  #wakes = 0;

  constructor(options: DeadlineSchedulerOptions = {}) {
    this.#now = options.now ?? Date.now;
    this.#slack = options.slack ?? 250;
    this.#coalesce = options.coalesce ?? true;
    this.#timerApi = options.timer ?? (Timer as unknown as TimerApi<unknown>);
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
   * The network changed (Wi-Fi reconnected, the address changed): every
   * client that can probe sends one ping now, and the one timer is re-armed
   * for the probes' timeouts (all due together, so one wake covers them).
   * Returns how many clients were asked.
   */
  probeAll(): number {
    const now = this.#now();
    let probed = 0;
    for (const client of [...this.#clients]) {
      if (client.probe === undefined) continue;
      client.probe(now);
      probed++;
    }
    this.update();
    return probed;
  }

  /**
   * Re-arms the timer for the earliest deadline: at once if it is earlier
   * than the one the timer is armed for, and also if it moved later by more
   * than `slack` (data arrived, postponing a ping; a pong cleared a ping's
   * timeout) — a `Timer.schedule` made while already awake is cheap, a wake
   * that finds nothing due is not. Unschedules when nothing is due.
   */
  update(): void {
    this.#rearm(this.#earliest());
  }

  /**
   * {@link update} after an event of one client: O(1) unless that client's
   * deadline is the one the timer is armed for and it moved, so that an
   * event costs the same with 8 connections or 64.
   */
  updateFor(client: DeadlineClient): void {
    const deadline = client.nextDeadline();
    const armedFor = this.#armedFor;
    if (deadline < armedFor) {
      this.#arm(deadline);
      this.#armedClient = client;
    } else if (client === this.#armedClient && deadline !== armedFor && deadline - armedFor > this.#slack) {
      // Moved later by more than the slack (within it, the timer keeps its time: a wake that early
      // serves the deadline, as every wake does), so the earliest of all is looked for again.
      this.update();
    }
  }

  #rearm(earliest: number): void {
    if (earliest === this.#armedFor) return;
    if (earliest === Number.POSITIVE_INFINITY) this.#disarm();
    else if (earliest < this.#armedFor || earliest > this.#armedFor + this.#slack) this.#arm(earliest);
  }

  /** The earliest deadline of all clients; notes whose it is, for {@link updateFor}. */
  #earliest(): number {
    let earliest = Number.POSITIVE_INFINITY;
    let owner: DeadlineClient | undefined;
    for (const client of this.#clients) {
      const deadline = client.nextDeadline();
      if (deadline < earliest) {
        earliest = deadline;
        owner = client;
      }
    }
    this.#armedClient = owner;
    return earliest;
  }

  #arm(at: number): void {
    const delay = Math.max(0, at - this.#now());
    // Always with a repeat interval: the SDK clears a timer whose repeat is 0
    // once its callback returns, and this one lives on, re-armed or unscheduled.
    if (this.#timer === undefined) this.#timer = this.#timerApi.set(() => this.#fire(), delay, KEEP_ALIVE_REPEAT);
    else this.#timerApi.schedule(this.#timer, delay, KEEP_ALIVE_REPEAT);
    this.#armedFor = at;
  }

  #disarm(): void {
    if (this.#timer !== undefined) this.#timerApi.schedule(this.#timer);
    this.#armedFor = Number.POSITIVE_INFINITY;
  }

  #fire(): void {
    this.#wakes++;
    this.#armedFor = Number.POSITIVE_INFINITY;
    const now = this.#now();
    for (const client of [...this.#clients]) {
      const deadline = client.nextDeadline();
      if (deadline <= now + this.#slack) client.onDeadline(Math.max(now, deadline));
      else if (this.#coalesce && client.earlyFrom !== undefined && client.earlyFrom() <= now) client.onEarly?.(now);
    }
    const earliest = this.#earliest();
    if (earliest === Number.POSITIVE_INFINITY) this.#disarm();
    else this.#arm(earliest);
  }
}
