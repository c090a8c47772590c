/**
 * Every way the peer can break the protocol (or stop answering), as one table: a stable string
 * code, the close code the connection fails with (RFC 6455 §7.4.1), and a
 * message. A `ProtocolError` is thrown by the codec and caught in exactly one
 * place, the connection's `fail()`.
 */
import { CloseCode } from "./close-code";

const table = {
  WS_ERR_UNEXPECTED_RSV: [CloseCode.ProtocolError, "reserved bits set without a negotiated extension (§5.2)"],
  WS_ERR_INVALID_OPCODE: [CloseCode.ProtocolError, "reserved opcode (§5.2)"],
  WS_ERR_FRAGMENTED_CONTROL: [CloseCode.ProtocolError, "fragmented control frame (§5.5)"],
  WS_ERR_CONTROL_TOO_LONG: [CloseCode.ProtocolError, "control frame payload over 125 bytes (§5.5)"],
  WS_ERR_UNEXPECTED_CONTINUATION: [CloseCode.ProtocolError, "continuation frame without a message to continue (§5.4)"],
  WS_ERR_EXPECTED_CONTINUATION: [CloseCode.ProtocolError, "new data frame inside a fragmented message (§5.4)"],
  WS_ERR_EXPECTED_MASK: [CloseCode.ProtocolError, "unmasked frame from a client (§5.1)"],
  WS_ERR_UNEXPECTED_MASK: [CloseCode.ProtocolError, "masked frame from a server (§5.1)"],
  WS_ERR_INVALID_LENGTH: [CloseCode.ProtocolError, "64-bit payload length with the most significant bit set (§5.2)"],
  WS_ERR_FRAME_TOO_BIG: [CloseCode.MessageTooBig, "frame payload over the frame size limit"],
  WS_ERR_MESSAGE_TOO_BIG: [CloseCode.MessageTooBig, "message over the message size limit"],
  WS_ERR_TOO_MANY_FRAGMENTS: [CloseCode.PolicyViolation, "message in more frames than the fragment limit"],
  // The device cannot afford the message now; it may later (§7.4.1: 1013, Try Again Later).
  WS_ERR_BUDGET_EXCEEDED: [CloseCode.TryAgainLater, "the device's memory budget cannot hold the message now"],
  WS_ERR_INVALID_UTF8: [CloseCode.InvalidPayload, "invalid UTF-8 in a text message (§8.1)"],
  WS_ERR_INVALID_CLOSE_PAYLOAD: [CloseCode.ProtocolError, "close frame payload of one byte (§5.5.1)"],
  WS_ERR_INVALID_CLOSE_CODE: [CloseCode.ProtocolError, "close code not valid on the wire (§7.4)"],
  WS_ERR_INVALID_CLOSE_REASON: [CloseCode.InvalidPayload, "invalid UTF-8 in a close reason (§5.5.1)"],
  // Timeouts: the peer is gone or stuck, so no close frame is sent (1006).
  WS_ERR_OPEN_TIMEOUT: [CloseCode.Abnormal, "the opening handshake did not complete in time"],
  WS_ERR_PING_TIMEOUT: [CloseCode.Abnormal, "no answer to a keepalive ping in time"],
  // The socket itself failed (a throw from its read or write, a TLS error): nothing more can be sent.
  WS_ERR_TRANSPORT: [CloseCode.Abnormal, "the socket failed"],
} as const;

/** The stable string code of a protocol error. */
export type ProtocolErrorCode = keyof typeof table;

/**
 * A violation of RFC 6455 by the peer, or a limit the peer exceeded.
 * `code` is stable and meant for programs; `closeCode` is what the
 * connection sends in its close frame when it fails because of it.
 */
export class ProtocolError extends Error {
  readonly code: ProtocolErrorCode;
  readonly closeCode: number;

  constructor(code: ProtocolErrorCode, detail?: string) {
    const [closeCode, message] = table[code];
    super(detail === undefined ? message : `${message}: ${detail}`);
    this.code = code;
    this.closeCode = closeCode;
  }
}
/*
 * `name` lives on the prototype, defined once. Assigning `this.name` in the
 * constructor fails on the device: after preloading, the XS linker freezes
 * the built-in prototypes, so `Error.prototype.name` is read-only and an
 * assignment to an instance's inherited `name` throws TypeError ("set name:
 * not writable"), the "override mistake".
 */
Object.defineProperty(ProtocolError.prototype, "name", { value: "ProtocolError", writable: true, configurable: true });

/** The close code a protocol error of this code fails the connection with. */
export function closeCodeOf(code: ProtocolErrorCode): number {
  return table[code][0];
}

/**
 * A misuse of the API by the application (sending in the wrong state, an
 * invalid close code, a reason over 123 bytes, a full send queue). Thrown to
 * the caller; the connection itself is not affected.
 */
export class UsageError extends Error {
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}
Object.defineProperty(UsageError.prototype, "name", { value: "UsageError", writable: true, configurable: true });
