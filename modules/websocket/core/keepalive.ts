/**
 * The keepalive bookkeeping of one connection, on the injected clock: when
 * the peer was last heard from, the ping outstanding, the network-change
 * probe, and the round-trip time. Pure arithmetic; the connection sends the
 * pings and fails on the timeouts this reports.
 *
 * A ping is due only after `interval` of receive silence: any received byte
 * proves the peer alive and postpones it, so while data flows no ping is
 * ever sent.
 */

/**
 * Module constants for "none" and "never": `Number.NaN` and
 * `Number.POSITIVE_INFINITY` are two lookups on XS at each use, and
 * {@link Keepalive.heard} and {@link Keepalive.deadline} run for every
 * message. A NaN is found by `x !== x`, with no call.
 */
const NONE = Number.NaN;
const NEVER = Number.POSITIVE_INFINITY;

/** How long a network-change probe may go unanswered when `pingTimeout` is 0 (off). */
export const DEFAULT_PROBE_TIMEOUT = 10_000;

/** What {@link Keepalive.due} finds at a given time: a ping to send, a timeout to fail on, an idle connection to close. */
export type KeepaliveAction = "ping" | "timeout" | "idle" | undefined;

/** See the module comment. Times are clock readings in milliseconds. */
export class Keepalive {
  /** Ping after this much receive silence; 0 for never. */
  readonly interval: number;
  /** Fail when a ping goes unanswered this long; 0 to wait forever. */
  readonly timeout: number;
  /** Close after this much receive silence (pongs count: a peer that answers pings is not idle); 0 for never. */
  readonly idle: number;
  #lastReceivedAt: number;
  /** When the ping now outstanding went out; NaN once anything has arrived since. */
  #pingSentAt = Number.NaN;
  /** When the last ping went out, until its pong arrives (for the round-trip time). */
  #pendingPingAt = Number.NaN;
  #roundTrip = Number.NaN;
  /** When an unanswered probe fails the connection; +Infinity when none is outstanding. */
  #probeDeadline = Number.POSITIVE_INFINITY;

  constructor(interval: number, timeout: number, now: number, idle = 0) {
    this.interval = interval;
    this.timeout = timeout;
    this.idle = idle;
    this.#lastReceivedAt = now;
  }

  /** Milliseconds between the last ping and its pong; NaN before the first. */
  get roundTripTime(): number {
    return this.#roundTrip;
  }

  /** Something arrived: the peer is alive. */
  heard(now: number): void {
    this.#lastReceivedAt = now;
    this.#pingSentAt = NONE;
    this.#probeDeadline = NEVER;
  }

  /** A keepalive ping went out. */
  pinged(now: number): void {
    this.#pingSentAt = this.#pendingPingAt = now;
  }

  /** A probe ping went out; it fails the connection unless something arrives within `timeout` (or the default). */
  probed(now: number): void {
    // A keepalive ping already outstanding keeps its own (earlier) timeout.
    if (Number.isNaN(this.#pingSentAt)) this.#pingSentAt = now;
    this.#pendingPingAt = now;
    const limit = this.timeout > 0 ? this.timeout : DEFAULT_PROBE_TIMEOUT;
    this.#probeDeadline = Math.min(this.#probeDeadline, now + limit);
  }

  /** A pong arrived: it answers the last ping. */
  ponged(now: number): void {
    if (!Number.isNaN(this.#pendingPingAt)) this.#roundTrip = now - this.#pendingPingAt;
    this.#pendingPingAt = Number.NaN;
  }

  /** The next time something is due, or +Infinity. */
  deadline(): number {
    const pingSentAt = this.#pingSentAt;
    // The keepalive ping's time (none outstanding: NaN), or its timeout's; then the probe's and the idle timeout, if earlier.
    let due = this.interval <= 0 ? NEVER : pingSentAt !== pingSentAt ? this.#lastReceivedAt + this.interval : this.timeout > 0 ? pingSentAt + this.timeout : NEVER;
    if (this.#probeDeadline < due) due = this.#probeDeadline;
    if (this.idle > 0 && this.#lastReceivedAt + this.idle < due) due = this.#lastReceivedAt + this.idle;
    return due;
  }

  /**
   * From when a waiting ping may go early, at a wake the host makes anyway:
   * half an interval of receive silence. +Infinity when no ping is waiting.
   */
  windowStart(): number {
    if (this.interval <= 0 || !Number.isNaN(this.#pingSentAt)) return Number.POSITIVE_INFINITY;
    return this.#lastReceivedAt + this.interval / 2;
  }

  /** What is due at `now`: a ping, a timeout (of a ping or a probe), or nothing. */
  due(now: number): KeepaliveAction {
    if (now >= this.#probeDeadline) return "timeout";
    if (this.idle > 0 && now >= this.#lastReceivedAt + this.idle) return "idle";
    if (this.interval <= 0) return undefined;
    if (!Number.isNaN(this.#pingSentAt)) return this.timeout > 0 && now >= this.#pingSentAt + this.timeout ? "timeout" : undefined;
    return now >= this.#lastReceivedAt + this.interval ? "ping" : undefined;
  }
}
