/**
 * Host simulator for the SDK's `timer` module, following the device's timer
 * list (modules/base/timer/mc/timer.c + modTimer.c): non-drifting repeats,
 * timers due together fire in creation order, a timer whose repeat interval
 * is 0 when its callback returns is cleared. See hosts/moddable/types/timer.d.ts.
 */

/** The opaque timer instance handed to scripts; it has no methods. */
type TimerID = object;
type TimerCallback = (this: typeof globalThis, timer: TimerID) => void;

interface Record {
  readonly id: TimerID;
  readonly callback: TimerCallback;
  trigger: number;
  /** ms; -1 when unscheduled (as `modTimerUnschedule` sets it). */
  repeat: number;
  unscheduled: boolean;
  fire: boolean;
}

const timers: Record[] = [];
const records = new WeakMap<TimerID, Record>();
let pump: { cancel(): void } | undefined;

const now = (): number => performance.now();
const int = (value: unknown): number => Number(value) | 0;
const MAX_SLEEP = 60 * 60 * 1000; // modTimersNext never sleeps longer than an hour

/** `modTimersExecute`: mark what is due now, then run it in list order. */
function execute(): void {
  pump = undefined;
  try {
    const time = now();
    for (const record of timers) {
      if (!record.unscheduled && !record.fire && record.trigger - time <= 0) record.fire = true;
    }
    for (const record of timers.slice()) {
      if (!record.fire || !timers.includes(record)) continue;
      record.fire = false;
      record.trigger += record.repeat;
      try {
        record.callback.call(globalThis, record.id);
      } finally {
        if (record.repeat === 0) remove(record);
      }
    }
  } finally {
    reschedule();
  }
}

function reschedule(): void {
  pump?.cancel();
  pump = undefined;
  let next = Infinity;
  for (const record of timers) if (!record.unscheduled) next = Math.min(next, record.trigger - now());
  if (next === Infinity) return;
  if (next <= 0) {
    const handle = setImmediate(execute);
    pump = { cancel: () => clearImmediate(handle) };
  } else {
    const handle = setTimeout(execute, Math.min(Math.ceil(next), MAX_SLEEP));
    pump = { cancel: () => clearTimeout(handle) };
  }
}

function remove(record: Record): void {
  const index = timers.indexOf(record);
  if (index >= 0) timers.splice(index, 1);
  records.delete(record.id);
  reschedule();
}

function create(callback: TimerCallback, interval: number, repeat: number): TimerID {
  if (typeof callback !== "function") throw new TypeError("callback is not a function");
  const id: TimerID = {};
  const record: Record = { id, callback, trigger: now() + interval, repeat: repeat < 0 ? repeat >>> 0 : repeat, unscheduled: false, fire: false };
  timers.push(record);
  records.set(id, record);
  reschedule();
  return id;
}

/** The SDK `Timer` class: static functions only. */
export default class Timer {
  private constructor() {}

  /**
   * `set(cb)`: immediate one-shot; `set(cb, ms)`: one-shot; `set(cb, ms, repeat)`:
   * first after `ms`, then every `repeat` ms. The callback gets the timer
   * instance, with `this` = globalThis.
   */
  static set(callback: TimerCallback, interval?: number, repeat?: number): TimerID {
    return create(callback, arguments.length > 1 ? int(interval) : 0, arguments.length > 2 ? int(repeat) : 0);
  }

  /** Every `interval` ms (initial and repeat interval both `interval`). */
  static repeat(callback: TimerCallback, interval: number): TimerID {
    const ms = int(interval);
    return create(callback, ms, ms);
  }

  /**
   * `schedule(t)`: unschedule (keeps the timer alive, never fires until
   * rescheduled). `schedule(t, ms[, repeat])`: next fire `ms` from now, then
   * every `repeat` ms (0 / absent: one-shot, cleared after it fires).
   * Throws SyntaxError for a cleared or fired one-shot timer.
   */
  static schedule(timer: TimerID, interval?: number, repeat?: number): void {
    const record = records.get(timer);
    if (record === undefined) throw new SyntaxError("C: xsGetHostData: invalid host data");
    if (arguments.length === 1) {
      record.unscheduled = true;
      record.fire = false;
      record.repeat = -1;
    } else {
      const ms = int(repeat);
      record.trigger = now() + int(interval);
      record.repeat = ms < 0 ? ms >>> 0 : ms;
      record.unscheduled = false;
    }
    reschedule();
  }

  /** Cancel a timer; anything else (undefined, null, a finished timer) is ignored. */
  static clear(timer?: TimerID | null): void {
    const record = timer === undefined || timer === null ? undefined : records.get(timer);
    if (record !== undefined) remove(record);
  }

  /** Block the whole thread for `ms` milliseconds (busy delay on the device). */
  static delay(ms: number): void {
    const duration = int(ms);
    if (duration > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, duration);
  }
}
