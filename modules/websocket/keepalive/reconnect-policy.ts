/**
 * Reconnecting a client, politely (opt-in).
 *
 * {@link ReconnectPolicy} is pure: given how the last connection ended (a
 * {@link ConnectionOutcome}), it says whether to try again and after how
 * long. Its clock-free arithmetic takes its randomness from an injected
 * function, so a test can fix the sequence.
 *
 * - Jittered exponential backoff: `initialDelay` (0.3 s) × `multiplier`
 *   (1.5) per failed attempt, capped at `maxDelay` (60 s); each delay is
 *   scaled by `1 − jitter × random()` (jitter 0.3), so a fleet of devices that
 *   lost the same server do not come back in step, and the cap is never
 *   exceeded.
 * - A connection that stayed open for `resetAfter` (30 s) or longer resets the
 *   backoff: the next attempt waits `initialDelay` again. A connection that
 *   opens and drops at once keeps backing off.
 * - "Later": close codes 1001 (going away), 1012 (service restart), 1013 (try
 *   again later), and HTTP 503/429 refusals wait at least `laterDelay` (15 s),
 *   or exactly what a `Retry-After` header asks (delta-seconds or HTTP-date,
 *   capped at `maxRetryAfter`, 1 h), plus up to `jitter` more.
 * - "Stop": close code 1008 (policy violation) and HTTP 4xx refusals (401,
 *   403, 404, …; not 408 or 429) end the retries unless `retryRefused`
 *   says otherwise; the app should change something (credentials, URL)
 *   before trying again.
 * - Anything else (a dropped transport, 1006; 1000; 1011; a failed TCP or
 *   TLS connect; HTTP 5xx other than 503) retries with the backoff.
 *
 * {@link Reconnector} is the small runner: it never has more than one
 * attempt in flight, and it knows nothing of the channel class: it takes a
 * function that opens a connection and reports, by promise or callback, how
 * it ended.
 */
import Timer from "timer";

/** How a connection (attempt) ended, as the reconnect policy needs to know it. */
export interface ConnectionOutcome {
  /** The opening handshake completed (the connection was OPEN). */
  readonly opened: boolean;
  /** How long it was open, in seconds. The {@link Reconnector} fills it in from `session.opened()` when absent. */
  readonly uptime?: number;
  /** The close code it ended with: the peer's (1000–4999), 1005 without one, 1006 when the transport just dropped. */
  readonly code?: number;
  /** A refused opening handshake: the HTTP status of the response. */
  readonly status?: number;
  /** A refused opening handshake: the `Retry-After` header, delta-seconds or an HTTP-date. */
  readonly retryAfter?: string | number;
}

/** What an outcome calls for. */
export type OutcomeClass = "retry" | "later" | "stop";

/** Options of a {@link ReconnectPolicy}; times in seconds (README: "Units"). */
export interface ReconnectPolicyOptions {
  /** The first delay (default 0.3). */
  initialDelay?: number;
  /** Growth per failed attempt (default 1.5). */
  multiplier?: number;
  /** The cap on any backoff delay (default 60). */
  maxDelay?: number;
  /** Each backoff delay is scaled by `1 − jitter × random()` (default 0.3; 0 for none). */
  jitter?: number;
  /** A connection open at least this long resets the backoff (default 30). */
  resetAfter?: number;
  /** The least wait after a "later" outcome without `Retry-After` (default 15). */
  laterDelay?: number;
  /** The most a `Retry-After` may ask for (default 3600). */
  maxRetryAfter?: number;
  /** Attempts after which to give up (default Infinity). */
  maxAttempts?: number;
  /**
   * Called for a "stop" outcome (1008, an HTTP 4xx refusal): return true to
   * retry anyway, with the backoff. Default: stop.
   */
  retryRefused?(outcome: ConnectionOutcome): boolean;
  /** Uniform in [0, 1) (default `Math.random`). */
  random?: () => number;
  /** Wall-clock ms since the epoch, for an HTTP-date `Retry-After` (default `Date.now`). */
  wallClock?: () => number;
}

/** Close codes that mean "come back later" (RFC 6455 §7.4.1, IANA registry). */
const LATER_CODES: ReadonlySet<number> = new Set([1001, 1012, 1013]);
/** Close codes that mean "you are not welcome as you are". */
const STOP_CODES: ReadonlySet<number> = new Set([1008]);

/**
 * Parses a `Retry-After` value (RFC 9110 §10.2.3): delta-seconds, or an
 * HTTP-date taken relative to `wallNow` (ms since the epoch, a clock
 * reading). Returns seconds (≥ 0), or undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | number | undefined, wallNow: number): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === "number") return Number.isFinite(value) && value >= 0 ? value : undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text);
  if (!/^[A-Za-z]{3}/.test(text)) return undefined; // HTTP-dates begin with a day name
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - wallNow) / 1000;
}

/** See the module comment. */
export class ReconnectPolicy {
  readonly #initialDelay: number;
  readonly #multiplier: number;
  readonly #maxDelay: number;
  readonly #jitter: number;
  readonly #resetAfter: number;
  readonly #laterDelay: number;
  readonly #maxRetryAfter: number;
  readonly #maxAttempts: number;
  readonly #retryRefused: ((outcome: ConnectionOutcome) => boolean) | undefined;
  readonly #random: () => number;
  readonly #wallClock: () => number;
  /** Failed attempts since the last reset: the exponent of the next backoff. */
  #attempts = 0;

  constructor(options: ReconnectPolicyOptions = {}) {
    // Kept in ms inside (the timer's unit); seconds in and out.
    this.#initialDelay = (options.initialDelay ?? 0.3) * 1000;
    this.#multiplier = options.multiplier ?? 1.5;
    this.#maxDelay = (options.maxDelay ?? 60) * 1000;
    this.#jitter = Math.min(1, Math.max(0, options.jitter ?? 0.3));
    this.#resetAfter = (options.resetAfter ?? 30) * 1000;
    this.#laterDelay = (options.laterDelay ?? 15) * 1000;
    this.#maxRetryAfter = (options.maxRetryAfter ?? 3600) * 1000;
    this.#maxAttempts = options.maxAttempts ?? Number.POSITIVE_INFINITY;
    this.#retryRefused = options.retryRefused;
    this.#random = options.random ?? Math.random;
    this.#wallClock = options.wallClock ?? Date.now;
  }

  /** Attempts counted since the last reset (what the next backoff grows from). */
  get attempts(): number {
    return this.#attempts;
  }

  /** Forgets past failures: the next delay is `initialDelay` again. */
  reset(): void {
    this.#attempts = 0;
  }

  /** What `outcome` calls for, before the app's `retryRefused` and `maxAttempts` have their say. */
  classify(outcome: ConnectionOutcome): OutcomeClass {
    const status = outcome.status;
    if (status !== undefined) {
      if (status === 503 || status === 429) return "later";
      if (status === 408) return "retry";
      if (status >= 400 && status < 500) return "stop";
      return "retry";
    }
    const code = outcome.code;
    if (code !== undefined) {
      if (STOP_CODES.has(code)) return "stop";
      if (LATER_CODES.has(code)) return "later";
    }
    return "retry";
  }

  /** Whether to try again after `outcome` (does not change the policy's state). */
  shouldRetry(outcome: ConnectionOutcome): boolean {
    const attempts = this.#resets(outcome) ? 0 : this.#attempts;
    if (attempts >= this.#maxAttempts) return false;
    if (this.classify(outcome) === "stop") return this.#retryRefused?.(outcome) ?? false;
    return true;
  }

  /**
   * The wait before the next attempt after `outcome`, in seconds (to the ms), counting the
   * attempt (the backoff grows). Call it only when {@link shouldRetry} said yes.
   */
  nextDelay(outcome: ConnectionOutcome): number {
    if (this.#resets(outcome)) this.#attempts = 0;
    const backoff = Math.min(this.#maxDelay, this.#initialDelay * this.#multiplier ** this.#attempts);
    this.#attempts++;
    if (this.classify(outcome) === "later") {
      const asked = parseRetryAfter(outcome.retryAfter, this.#wallClock());
      const base = asked !== undefined ? Math.min(asked * 1000, this.#maxRetryAfter) : Math.max(backoff, this.#laterDelay);
      // Never earlier than asked: the jitter only adds.
      return Math.round(base * (1 + this.#jitter * this.#random())) / 1000;
    }
    return Math.round(backoff * (1 - this.#jitter * this.#random())) / 1000;
  }

  #resets(outcome: ConnectionOutcome): boolean {
    return outcome.opened && (outcome.uptime ?? 0) * 1000 >= this.#resetAfter;
  }
}

// ── The runner ────────────────────────────────────────────────────────────

/** One attempt, as the {@link Reconnector} hands it to the connect function. */
export interface ReconnectSession {
  /** 1 for the first attempt after `start()`, counting every attempt since. */
  readonly attempt: number;
  /** False once this attempt has ended or the reconnector stopped: its reports are then ignored. */
  readonly current: boolean;
  /** Report that the connection opened (starts its uptime). */
  opened(): void;
  /** Report how it ended (once; later calls are ignored). */
  ended(outcome: ConnectionOutcome): void;
}

/**
 * Opens one connection. Report its end either by resolving the returned
 * promise with the outcome, or by calling `session.ended(outcome)` (and
 * return nothing); call `session.opened()` when it opens. A rejected promise
 * or a throw counts as an attempt that never opened (code 1006).
 *
 * With the channel, e.g. (event field names illustrative):
 * ```ts
 * connect: (session) => {
 *   const ws = new WebSocketChannel(url);
 *   ws.onopen = () => session.opened();
 *   ws.onclose = (e) => session.ended({ opened: e.wasOpen, code: e.code, status: e.status, retryAfter: e.retryAfter });
 * }
 * ```
 */
export type ConnectFunction = (session: ReconnectSession) => void | PromiseLike<ConnectionOutcome>;

/** A one-shot timer (the SDK's `Timer` by default; injectable for tests). */
export interface OneShotTimer<Id = unknown> {
  set(callback: () => void, delay: number): Id;
  clear(id: Id): void;
}

/** Options of a {@link Reconnector}: the policy's, plus the wiring. */
export interface ReconnectorOptions extends ReconnectPolicyOptions {
  /** Opens a connection; see {@link ConnectFunction}. */
  connect: ConnectFunction;
  /** The policy to use (default: one made from these options). */
  policy?: ReconnectPolicy;
  /** The timer for the waits (default: the SDK's `timer`). */
  timer?: OneShotTimer<any>;
  /** The clock, in ms, for uptimes (default `Date.now`). */
  now?: () => number;
  /** A wait of `delay` seconds before attempt `attempt` has begun. */
  onWait?(delay: number, attempt: number, outcome: ConnectionOutcome): void;
  /** No more attempts: the policy said stop (`reason` "refused" or "attempts"). Not called for `stop()`. */
  onGiveUp?(outcome: ConnectionOutcome, reason: "refused" | "attempts"): void;
}

/** Where a {@link Reconnector} is. */
export type ReconnectorState = "idle" | "connecting" | "open" | "waiting" | "stopped";

/**
 * Keeps a client connected: opens with `connect`, and when the connection
 * ends, asks the policy whether and when to open again. Never more than one
 * attempt in flight: `start()` and `retryNow()` during an attempt do nothing.
 */
export class Reconnector {
  readonly policy: ReconnectPolicy;
  readonly #options: ReconnectorOptions;
  readonly #timer: OneShotTimer<unknown>;
  readonly #now: () => number;
  #state: ReconnectorState = "idle";
  #wait: unknown;
  #waiting = false;
  #session: Session | undefined;
  #attempt = 0;

  constructor(options: ReconnectorOptions) {
    this.#options = options;
    this.policy = options.policy ?? new ReconnectPolicy(options);
    this.#timer = options.timer ?? sdkOneShot;
    this.#now = options.now ?? Date.now;
  }

  get state(): ReconnectorState {
    return this.#state;
  }

  /** Attempts made since construction. */
  get attempts(): number {
    return this.#attempt;
  }

  /** Whether an attempt is in flight (connecting or open). */
  get inFlight(): boolean {
    return this.#session !== undefined;
  }

  /** Opens the first connection (or resumes after `stop()`); does nothing while an attempt is in flight or a wait is pending. */
  start(): void {
    if (this.#session !== undefined || this.#waiting) return;
    if (this.#state === "stopped") this.policy.reset();
    this.#open();
  }

  /**
   * Skips a pending wait (e.g. the network just came back) and tries now.
   * Does nothing while an attempt is in flight, or when stopped.
   */
  retryNow(): void {
    if (!this.#waiting) return;
    this.#cancelWait();
    this.#open();
  }

  /**
   * Stops reconnecting: cancels a pending wait and ignores the end of the
   * attempt in flight. It does not close an open connection: the app does.
   */
  stop(): void {
    this.#cancelWait();
    this.#session?.retire();
    this.#session = undefined;
    this.#state = "stopped";
  }

  #open(): void {
    const session = new Session(++this.#attempt, this);
    this.#session = session;
    this.#state = "connecting";
    let result: void | PromiseLike<ConnectionOutcome>;
    try {
      result = this.#options.connect(session);
    } catch {
      session.ended({ opened: false, code: 1006 });
      return;
    }
    if (result !== undefined && typeof (result as PromiseLike<ConnectionOutcome>).then === "function") {
      (result as PromiseLike<ConnectionOutcome>).then(
        (outcome) => session.ended(outcome),
        () => session.ended({ opened: session.openedAt !== undefined, code: 1006 }),
      );
    }
  }

  /** @internal */
  sessionOpened(session: Session): void {
    if (session !== this.#session) return;
    session.openedAt = this.#now();
    this.#state = "open";
  }

  /** @internal */
  sessionEnded(session: Session, reported: ConnectionOutcome): void {
    if (session !== this.#session) return;
    this.#session = undefined;
    const opened = reported.opened || session.openedAt !== undefined;
    const uptime = reported.uptime ?? (session.openedAt !== undefined ? (this.#now() - session.openedAt) / 1000 : 0);
    const outcome: ConnectionOutcome = { ...reported, opened, uptime };
    const policy = this.policy;
    if (!policy.shouldRetry(outcome)) {
      this.#state = "stopped";
      this.#options.onGiveUp?.(outcome, policy.classify(outcome) === "stop" ? "refused" : "attempts");
      return;
    }
    const delay = policy.nextDelay(outcome);
    this.#state = "waiting";
    this.#waiting = true;
    this.#options.onWait?.(delay, this.#attempt + 1, outcome);
    this.#wait = this.#timer.set(() => {
      this.#waiting = false;
      this.#wait = undefined;
      this.#open();
    }, Math.round(delay * 1000));
  }

  #cancelWait(): void {
    if (!this.#waiting) return;
    this.#timer.clear(this.#wait);
    this.#wait = undefined;
    this.#waiting = false;
  }
}

/** @internal One attempt. */
class Session implements ReconnectSession {
  openedAt: number | undefined;
  #current = true;

  constructor(
    readonly attempt: number,
    readonly owner: Reconnector,
  ) {}

  get current(): boolean {
    return this.#current;
  }

  opened(): void {
    if (this.#current) this.owner.sessionOpened(this);
  }

  ended(outcome: ConnectionOutcome): void {
    if (!this.#current) return;
    this.#current = false;
    this.owner.sessionEnded(this, outcome);
  }

  retire(): void {
    this.#current = false;
  }
}

/** The SDK's `Timer` as a {@link OneShotTimer}. */
const sdkOneShot: OneShotTimer<unknown> = {
  set: (callback, delay) => Timer.set(() => callback(), delay),
  clear: (id) => Timer.clear(id as Parameters<typeof Timer.clear>[0]),
};
