/**
 * Every limit of a connection, with small defaults sized for a device with
 * 100–200 KB of free heap. Each is checked before anything is allocated for
 * what it bounds.
 */

/** The limits of one connection. */
export interface Limits {
  /** The largest message, in bytes, whole or streamed (→ 1009). */
  maxMessageSize: number;
  /** The largest payload a single frame may announce (→ 1009). */
  maxFrameSize: number;
  /**
   * The most frames of one data message (→ 1008, as ws). Fragments are
   * coalesced, so this bounds time, not memory: empty fragments never reach
   * the size limit.
   */
  maxFragments: number;
  /** The most bytes of an HTTP handshake head. */
  maxHeadSize: number;
  /** The longest HTTP head line. */
  maxLineLength: number;
  /** The most HTTP header fields. */
  maxHeaderCount: number;
  /** The most bytes queued for sending; a send past it is refused. */
  maxQueuedBytes: number;
}

/**
 * Room kept in every send queue beyond one largest message: a host stops
 * reading while more than this is queued (back-pressure), so what it read
 * before can always be queued whole, and an echo never finds the queue full.
 */
export const QUEUE_HEADROOM = 16 * 1024;

/** The defaults. */
export const defaultLimits: Readonly<Limits> = Object.freeze({
  maxMessageSize: 64 * 1024,
  maxFrameSize: 64 * 1024,
  maxFragments: 16 * 1024,
  maxHeadSize: 8 * 1024,
  maxLineLength: 4 * 1024,
  maxHeaderCount: 48,
  maxQueuedBytes: 256 * 1024,
});

/**
 * The defaults with `overrides` applied. When only `maxMessageSize` is given,
 * the frame limit follows it. Every value must be a positive integer. The
 * result is frozen, and a frozen result given back is returned as it is, so
 * a server resolves its limits once and its connections share one object.
 */
export function resolveLimits(overrides: Partial<Limits> = defaultLimits): Readonly<Limits> {
  if (Object.isFrozen(overrides) && isComplete(overrides)) return overrides;
  const limits: Limits = { ...defaultLimits, ...overrides };
  if (overrides.maxFrameSize === undefined && overrides.maxMessageSize !== undefined) limits.maxFrameSize = overrides.maxMessageSize;
  // Unless it is set, the queue holds one largest message (with its 14-byte header) beyond the headroom: an echo always fits.
  if (overrides.maxQueuedBytes === undefined) limits.maxQueuedBytes = Math.max(limits.maxQueuedBytes, limits.maxMessageSize + 14 + QUEUE_HEADROOM);
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || value <= 0) throw new RangeError(`limit ${name} must be a positive integer, got ${String(value)}`);
  }
  return Object.freeze(limits);
}

function isComplete(limits: Partial<Limits>): limits is Limits {
  for (const name in defaultLimits) if (!(name in limits)) return false;
  return true;
}
