/**
 * The body of a close frame (RFC 6455 §5.5.1): an optional 2-byte status
 * code followed by an optional UTF-8 reason, 125 bytes at most in all.
 */
import { CloseCode, isValidWireCloseCode } from "./close-code";
import { ProtocolError, UsageError } from "./errors";
import { textCodec } from "./utf8";

/** A close status and reason. `code` is 1005 when the frame carried none. */
export interface CloseInfo {
  code: number;
  reason: string;
}

/** The longest reason that fits a close frame: 125 bytes less the 2-byte code. */
export const MAX_CLOSE_REASON_BYTES = 123;

/**
 * Reads a received close payload. An empty one means "no status" (1005);
 * a one-byte one, a code not valid on the wire, or a reason that is not
 * UTF-8 is a protocol error (§5.5.1, §7.4, §8.1).
 */
export function parseClosePayload(payload: Uint8Array): CloseInfo {
  if (payload.length === 0) return { code: CloseCode.NoStatus, reason: "" };
  if (payload.length === 1) throw new ProtocolError("WS_ERR_INVALID_CLOSE_PAYLOAD");
  const code = (payload[0]! << 8) | payload[1]!;
  if (!isValidWireCloseCode(code)) throw new ProtocolError("WS_ERR_INVALID_CLOSE_CODE", String(code));
  if (payload.length === 2) return { code, reason: "" };
  const decoder = textCodec().createDecoder();
  const text = decoder.write(payload.subarray(2));
  const tail = text === null ? null : decoder.end();
  if (text === null || tail === null) throw new ProtocolError("WS_ERR_INVALID_CLOSE_REASON");
  return { code, reason: text + tail };
}

/**
 * Builds a close payload to send, refusing what RFC 6455 forbids: a code not
 * valid on the wire (1004–1006, 1015, out of range), a reason without a code,
 * or a reason over 123 bytes of UTF-8. Code `undefined` sends an empty body.
 */
export function buildClosePayload(code: number | undefined, reason = ""): Uint8Array {
  if (code === undefined) {
    if (reason !== "") throw new UsageError("WS_ERR_REASON_WITHOUT_CODE", "a close reason needs a close code");
    return new Uint8Array(0);
  }
  if (!isValidWireCloseCode(code)) {
    throw new UsageError("WS_ERR_INVALID_CLOSE_CODE", `close code ${code} may not be sent: use 1000–1003, 1007–1014 or 3000–4999`);
  }
  const reasonBytes = textCodec().encode(reason);
  if (reasonBytes.length > MAX_CLOSE_REASON_BYTES) {
    throw new UsageError("WS_ERR_CLOSE_REASON_TOO_LONG", `close reason is ${reasonBytes.length} bytes; at most ${MAX_CLOSE_REASON_BYTES} are allowed`);
  }
  const payload = new Uint8Array(2 + reasonBytes.length);
  payload[0] = code >>> 8;
  payload[1] = code & 0xff;
  payload.set(reasonBytes, 2);
  return payload;
}
