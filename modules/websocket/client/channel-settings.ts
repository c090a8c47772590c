/**
 * Checks of what an application gives a {@link WebSocketChannel}: times in
 * seconds, the subprotocol list, and the extra header fields of
 * `notificationCallbacks`. Each refuses a bad value with an exception.
 */
import { isToken } from "../core/http-head";
import { ChannelError } from "./channel-status";
import type { NotificationCallbacks } from "./channel-types";

/** Extra header fields as `NotificationCallbacks.headers` returns them. */
export type GivenHeaders = ReturnType<NonNullable<NotificationCallbacks["headers"]>>;

/** Seconds (≥ 0, finite) to milliseconds; a RangeError naming `name` otherwise. */
export function seconds(value: number, name: string): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) throw new RangeError(`${name} must be a non-negative number of seconds`);
  return Math.round(value * 1000);
}

/**
 * The subprotocol names of a comma-separated list, most preferred first
 * (blanks around and empty entries dropped). Throws NS_ERROR_ILLEGAL_VALUE for
 * a name that is not a token, or a name given twice.
 */
export function subprotocolList(value: string): string[] {
  const list = value.split(",").map((name) => name.trim()).filter((name) => name !== "");
  for (const name of list) if (!isToken(name)) throw new ChannelError("NS_ERROR_ILLEGAL_VALUE", `invalid subprotocol name ${JSON.stringify(name)}`);
  if (new Set(list).size !== list.length) throw new ChannelError("NS_ERROR_ILLEGAL_VALUE", "duplicate subprotocol names");
  return list;
}

/**
 * Extra header fields (pairs or a record; none when undefined) as a fresh
 * list of pairs. Throws NS_ERROR_ILLEGAL_VALUE for a name that is not a token
 * or a value with CR, LF or NUL.
 */
export function extraHeaderFields(given: GivenHeaders | undefined): Array<[string, string]> {
  if (given === undefined) return [];
  const pairs: Array<[string, string]> = isPairList(given) ? given.map(([name, value]) => [name, value]) : Object.entries(given);
  for (const [name, value] of pairs) {
    if (!isToken(name)) throw new ChannelError("NS_ERROR_ILLEGAL_VALUE", `invalid header name ${JSON.stringify(name)}`);
    if (/[\r\n\0]/.test(value)) throw new ChannelError("NS_ERROR_ILLEGAL_VALUE", `invalid value of header ${name}`);
  }
  return pairs;
}

function isPairList(value: unknown): value is ReadonlyArray<readonly [string, string]> {
  return Array.isArray(value);
}
