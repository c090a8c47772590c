/**
 * What an ended connection attempt of a {@link WebSocketChannel} leads to:
 * another attempt at a redirect's target ({@link redirectTarget}), or the
 * status handed to `onStop` ({@link statusOfEndedAttempt}). Pure functions
 * of what the channel knew of the attempt.
 */
import type { CloseResult } from "../core/connection";
import { ProtocolError } from "../core/errors";
import { HandshakeError } from "../core/handshake-error";
import { ChannelStatus, type ChannelStatusDetails } from "./channel-status";
import { resolveLocation, type WsUri } from "./ws-uri";

/** What a channel knows of a connection attempt once its connection has closed. */
export interface EndedAttempt {
  /** How the connection closed. */
  result: CloseResult;
  /** The core's error that failed the attempt, if any. */
  failure: ProtocolError | HandshakeError | undefined;
  /** What was thrown while setting the attempt up (handshake request, socket); undefined when nothing was. */
  setupError: unknown;
  /** Whether `onStart` was called. */
  started: boolean;
  /** Whether the application closed the channel before it opened. */
  aborted: boolean;
  /** Whether the transport connected (TCP) or finished its handshake (TLS). */
  transportOpen: boolean;
  /** The URI the attempt connected to. */
  target: WsUri;
  /** The channel's open timeout, in milliseconds. */
  openTimeout: number;
  /** The `Retry-After` header of the response that refused the handshake, "" for none. */
  retryAfter: string;
}

/**
 * Where the redirect `error` (WS_ERR_REDIRECT) of the attempt at `current`
 * leads, or, when it may not be followed, the status to stop with:
 * NS_ERROR_REDIRECT_LOOP once `followed` redirects reach `maxRedirects`,
 * NS_ERROR_REDIRECT_REFUSED for an invalid location or one from wss: to ws:.
 */
export function redirectTarget(error: HandshakeError, current: WsUri, followed: number, maxRedirects: number): WsUri | ChannelStatus {
  if (followed >= maxRedirects) {
    return new ChannelStatus("NS_ERROR_REDIRECT_LOOP", { message: `more than ${maxRedirects} redirects (last: ${error.status} to ${error.location})`, httpStatus: error.status, errorCode: error.code });
  }
  let next: WsUri;
  try {
    next = resolveLocation(error.location ?? "", current);
  } catch (cause) {
    return new ChannelStatus("NS_ERROR_REDIRECT_REFUSED", { message: `redirect to an invalid URI: ${messageOf(cause)}`, httpStatus: error.status, errorCode: error.code });
  }
  if (current.secure && !next.secure) {
    return new ChannelStatus("NS_ERROR_REDIRECT_REFUSED", { message: `refused redirect from ${current.href} to ${next.href} (wss: to ws:)`, httpStatus: error.status, errorCode: error.code });
  }
  return next;
}

/** The {@link ChannelStatus} naming how an attempt that was not redirected ended: NS_OK or the cause. */
export function statusOfEndedAttempt(attempt: EndedAttempt): ChannelStatus {
  const { result, failure, target } = attempt;
  const closed: ChannelStatusDetails = { closeCode: result.code, reason: result.reason, wasClean: result.wasClean };
  if (attempt.setupError !== undefined) {
    return new ChannelStatus("NS_ERROR_FAILURE", { message: `could not start the connection: ${messageOf(attempt.setupError)}` });
  }
  if (!attempt.started && attempt.aborted) return new ChannelStatus("NS_ERROR_ABORT", { message: "closed before it opened" });
  if (failure instanceof ProtocolError && failure.code === "WS_ERR_OPEN_TIMEOUT") {
    return new ChannelStatus("NS_ERROR_OPEN_TIMEOUT", { message: `${failure.message} (${attempt.openTimeout / 1000} s)`, errorCode: failure.code });
  }
  if (!attempt.transportOpen) {
    const where = `${target.host}:${target.port}`;
    return target.secure
      ? new ChannelStatus("NS_ERROR_NET_TLS", { message: `TLS connection to ${where} failed (refused, or certificate/handshake failure)` })
      : new ChannelStatus("NS_ERROR_CONNECTION_REFUSED", { message: `connection to ${where} refused or unreachable` });
  }
  if (failure instanceof HandshakeError) {
    const status = failure.status > 0 ? `HTTP ${failure.status}: ` : "";
    return new ChannelStatus("NS_ERROR_WEBSOCKET_HANDSHAKE", {
      message: `handshake rejected: ${status}${failure.message}`, httpStatus: failure.status, errorCode: failure.code, retryAfter: attempt.retryAfter,
    });
  }
  if (failure instanceof ProtocolError) {
    if (failure.code === "WS_ERR_PING_TIMEOUT") return new ChannelStatus("NS_ERROR_PING_TIMEOUT", { ...closed, message: failure.message, errorCode: failure.code });
    return new ChannelStatus("NS_ERROR_WEBSOCKET_PROTOCOL", { ...closed, closeCode: failure.closeCode, message: `protocol error (${failure.closeCode}): ${failure.message}`, errorCode: failure.code });
  }
  if (!attempt.started) return new ChannelStatus("NS_ERROR_NET_INTERRUPT", { message: "the connection ended during the opening handshake" });
  if (result.code === 1006) return new ChannelStatus("NS_ERROR_NET_INTERRUPT", { ...closed, message: "the connection ended without a closing handshake" });
  return new ChannelStatus("NS_OK", { ...closed, message: `closed ${result.code}${result.reason === "" ? "" : ` ${result.reason}`}` });
}

/** The message of a thrown value, for a status message. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
