/**
 * A {@link WebSocketChannel} under a {@link Reconnector}: the channel never
 * reconnects by itself (its contract ends at `onStop`), so an app that wants
 * it runs one channel per attempt and lets the policy decide when to make
 * the next.
 *
 * ```ts
 * const reconnector = new Reconnector({
 *   connect: (session) => openChannel(session, "ws://192.168.1.10/telemetry", listener),
 * });
 * reconnector.start();
 * ```
 */
import type { ConnectionOutcome, ReconnectSession } from "../keepalive/reconnect-policy";
import { WebSocketChannel } from "./channel";
import type { ChannelStatus } from "./channel-status";
import type { ChannelOptions, WebSocketListener } from "./channel-types";

/** How an ended channel went, in the terms of the reconnect policy. */
export function outcomeOfChannel(status: ChannelStatus, opened: boolean): ConnectionOutcome {
  return {
    opened,
    code: status.closeCode,
    ...(status.httpStatus > 0 && !opened ? { status: status.httpStatus } : {}),
    ...(status.retryAfter !== "" ? { retryAfter: status.retryAfter } : {}),
  };
}

/**
 * Opens one channel for one reconnect attempt: tells `session` when it
 * opened and how it ended, and passes every listener call on to `listener`.
 * Returns the channel, for sending.
 */
export function openChannel(
  session: ReconnectSession,
  uri: string,
  listener: WebSocketListener,
  options: ChannelOptions = {},
  origin = "",
  context: unknown = null,
): WebSocketChannel {
  const channel = new WebSocketChannel(options);
  let opened = false;
  channel.asyncOpen(uri, origin, {
    onStart(c) {
      opened = true;
      session.opened();
      listener.onStart?.(c);
    },
    onMessageAvailable: (c, text) => listener.onMessageAvailable?.(c, text),
    onBinaryMessageAvailable: (c, data) => listener.onBinaryMessageAvailable?.(c, data),
    onAcknowledge: (c, size) => listener.onAcknowledge?.(c, size),
    onServerClose: (c, code, reason) => listener.onServerClose?.(c, code, reason),
    onStop(c, status) {
      listener.onStop?.(c, status);
      session.ended(outcomeOfChannel(status, opened));
    },
  }, context);
  return channel;
}
