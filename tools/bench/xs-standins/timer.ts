/**
 * Stand-in for the SDK's `timer` module in the XS bench bundles, on the
 * virtual clock of loop.ts: `set` (a repeat of 0 clears the timer once it
 * has fired, as the SDK does), `schedule` (no interval: unscheduled but kept),
 * `clear`, `repeat`, `delay` (moves the virtual clock).
 */
import { armedTimers, clock, type StandInTimer } from "./loop";

const Timer = {
  set(callback: (id: StandInTimer) => void, interval = 0, repeat = 0): StandInTimer {
    const timer: StandInTimer = { callback, due: clock.now + interval, repeat };
    armedTimers.add(timer);
    return timer;
  },
  repeat(callback: (id: StandInTimer) => void, interval: number): StandInTimer {
    return Timer.set(callback, interval, interval);
  },
  schedule(timer: StandInTimer, interval?: number, repeat?: number): void {
    if (interval === undefined) {
      armedTimers.delete(timer);
      return;
    }
    timer.due = clock.now + interval;
    timer.repeat = repeat ?? 0;
    armedTimers.add(timer);
  },
  clear(timer: StandInTimer | undefined): void {
    if (timer !== undefined) armedTimers.delete(timer);
  },
  delay(ms: number): void {
    clock.now += ms;
  },
};

export default Timer;
