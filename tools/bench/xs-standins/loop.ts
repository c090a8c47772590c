/**
 * The stand-in event loop of the XS bench entries: what the device's
 * runloop does for the stand-in sockets and timers of this folder.
 *
 * Socket callbacks and timers never run inside the call that caused them
 * (as on the device, where lwIP events reach JS from the task loop): they
 * are posted here and run by {@link pump}, which the bench entry calls
 * between its own actions. Time is virtual: a timer fires only when its
 * delay has passed on {@link clock}, which moves only through
 * {@link advance} (the bench never waits for a real deadline).
 */

/** A posted callback. */
export type Task = () => void;

const tasks: Task[] = [];

/** The virtual clock, in milliseconds. */
export const clock = { now: 0 };

/** A stand-in SDK timer (see timer.ts). */
export interface StandInTimer {
  callback: (id: StandInTimer) => void;
  due: number;
  repeat: number;
}

/** Timers armed, in no order. */
export const armedTimers = new Set<StandInTimer>();

/** Posts `task` to run at the next {@link pump}. */
export function post(task: Task): void {
  tasks.push(task);
}

function fireDueTimers(): boolean {
  let fired = false;
  for (const timer of [...armedTimers]) {
    if (timer.due > clock.now || !armedTimers.has(timer)) continue;
    fired = true;
    if (timer.repeat > 0) timer.due = clock.now + timer.repeat;
    else armedTimers.delete(timer);
    timer.callback(timer);
  }
  return fired;
}

/**
 * Runs posted tasks and due timers until none is left; returns how many ran.
 * Throws past `limit` (a bench loop must be bounded).
 */
export function pump(limit = 1_000_000): number {
  let ran = 0;
  for (;;) {
    while (tasks.length > 0) {
      if (++ran > limit) throw new Error(`stand-in loop: more than ${limit} tasks in one pump`);
      tasks.shift()!();
    }
    if (!fireDueTimers()) return ran;
  }
}

/** Moves the virtual clock on by `ms`, then pumps (due timers fire). */
export function advance(ms: number): number {
  clock.now += ms;
  return pump();
}
