/** Keepalive extras: the network-change probe and the opt-in reconnect policy. */
export { networkChanged, DEFAULT_PROBE_TIMEOUT, type RetryNow } from "./network-probe";
export {
  parseRetryAfter,
  ReconnectPolicy,
  Reconnector,
  type ConnectFunction,
  type ConnectionOutcome,
  type OneShotTimer,
  type OutcomeClass,
  type ReconnectPolicyOptions,
  type ReconnectorOptions,
  type ReconnectorState,
  type ReconnectSession,
} from "./reconnect-policy";
