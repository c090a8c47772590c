/**
 * "The network changed": call after Wi-Fi reconnects or the device's address
 * changes. Connections that were open may be dead without knowing it (the
 * old path is gone and no FIN will ever arrive), so, as Firefox does, every
 * connection of the host sends one ping at once; one that gets no answer
 * within its `pingTimeout` (10 s, `DEFAULT_PROBE_TIMEOUT`, when that is 0)
 * fails with `WS_ERR_PING_TIMEOUT`, and its owner can reconnect. The
 * timeouts of all probes fall together, so the host's one timer wakes once
 * for them.
 */
import type { DeadlineScheduler } from "../transport/deadline-scheduler";

export { DEFAULT_PROBE_TIMEOUT } from "../core/connection";

/** Something waiting to reconnect that should try now (a `Reconnector`). */
export interface RetryNow {
  retryNow(): void;
}

/**
 * Probes every connection on `scheduler` (see the module comment) and lets
 * each of `reconnectors` that is waiting out a backoff try at once. Returns
 * how many connections were probed.
 */
export function networkChanged(scheduler: DeadlineScheduler, reconnectors: Iterable<RetryNow> = []): number {
  const probed = scheduler.probeAll();
  for (const reconnector of reconnectors) reconnector.retryNow();
  return probed;
}
