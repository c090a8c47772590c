/**
 * Close status codes (RFC 6455 §7.4) and the rules for which may appear on
 * the wire.
 */
export const CloseCode = {
  Normal: 1000,
  GoingAway: 1001,
  ProtocolError: 1002,
  UnsupportedData: 1003,
  /** Reserved: never on the wire (§7.4.1). */
  Reserved: 1004,
  /** No status code was present in the peer's close frame (§7.1.5); never on the wire. */
  NoStatus: 1005,
  /** The connection ended without a close frame (§7.1.5); never on the wire. */
  Abnormal: 1006,
  InvalidPayload: 1007,
  PolicyViolation: 1008,
  MessageTooBig: 1009,
  MandatoryExtension: 1010,
  InternalError: 1011,
  ServiceRestart: 1012,
  TryAgainLater: 1013,
  BadGateway: 1014,
  /** TLS handshake failure (§7.4.1); never on the wire. */
  TlsHandshake: 1015,
} as const;

/**
 * Whether `code` may be sent in, or accepted from, a close frame (§7.4.1,
 * §7.4.2, and the IANA registry): 1000–1003, 1007–1014 and 3000–4999.
 * 1004, 1005, 1006 and 1015 are reserved for local use and never valid on
 * the wire; 0–999, 1016–2999 and 5000 and up are not valid either.
 */
export function isValidWireCloseCode(code: number): boolean {
  if (!Number.isInteger(code)) return false;
  if (code >= 3000 && code <= 4999) return true;
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014);
}
