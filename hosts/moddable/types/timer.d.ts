/**
 * `timer` — the Moddable SDK's Timer (modules/base/timer, documented in
 * documentation/base/base.md). The host simulator (hosts/node/base/timer.ts)
 * follows the device's timer list (modules/base/timer/mc/timer.c, modTimer.c):
 *
 * - A timer has an initial and a repeat interval (ms). Callbacks receive the
 *   timer instance, with `this` = globalThis, from the event loop.
 * - When a callback returns and the repeat interval is 0, the timer is
 *   cleared: it can no longer be scheduled (SyntaxError) and `clear` on it
 *   is a no-op. So `Timer.schedule(t, ms)` (repeat 0) from inside t's own
 *   callback does NOT keep it: use `Timer.set` anew, or give a repeat.
 * - Repeats do not drift (next = previous due time + repeat).
 * - Timers due at the same time fire in creation order; a timer created by a
 *   callback never fires in the same pass.
 * - An exception in a callback is unhandled (device: abort; simulator:
 *   uncaught exception).
 */
declare module "timer" {
  const timerBrand: unique symbol;

  /** A timer instance: opaque, no methods; only for passing to `Timer` functions. */
  export interface TimerID {
    readonly [timerBrand]: "timer";
  }

  /** Timer callback: receives its timer; `this` is globalThis. */
  export type TimerCallback = (timer: TimerID) => void;

  /** Static functions only. */
  export default class Timer {
    private constructor();
    /**
     * No interval: immediate one-shot (next turn of the event loop).
     * `interval` only: one-shot after `interval` ms. With a non-zero
     * `repeat`: first after `interval`, then every `repeat` ms.
     */
    static set(callback: TimerCallback, interval?: number, repeat?: number): TimerID;
    /** Every `interval` ms (first call after `interval`). */
    static repeat(callback: TimerCallback, interval: number): TimerID;
    /**
     * Without intervals: unschedule (the timer stays alive and never fires
     * until rescheduled; it survives its own callback). With intervals: next
     * call `interval` ms from now, then every `repeat` ms (absent/0 = one-shot).
     * Throws SyntaxError for a timer already cleared.
     */
    static schedule(timer: TimerID, interval?: number, repeat?: number): void;
    /** Cancel. `undefined`, `null` and finished timers are ignored. */
    static clear(timer?: TimerID | null): void;
    /** Block everything for `ms` milliseconds. */
    static delay(ms: number): void;
  }
}
