/** Close frame bodies (RFC 6455 §5.5.1, §7.4): what is accepted from the peer and what we refuse to send. */
import { isValidWireCloseCode } from "../../modules/websocket/core/close-code";
import { buildClosePayload, parseClosePayload } from "../../modules/websocket/core/close-payload";
import { bytesEqual, equal, hex, throwsCode, type VectorCase } from "./harness";

export const closePayloadCases: VectorCase[] = [
  {
    name: "close: code classes valid on the wire",
    run() {
      const valid = [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000, 4999];
      const invalid = [0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535];
      for (const code of valid) equal(isValidWireCloseCode(code), true, `${code}`);
      for (const code of invalid) equal(isValidWireCloseCode(code), false, `${code}`);
    },
  },
  {
    name: "close: parse empty (1005), code only, code and UTF-8 reason",
    run() {
      const empty = parseClosePayload(new Uint8Array(0));
      equal(empty.code, 1005, "empty → 1005");
      equal(parseClosePayload(hex("03e8")).code, 1000, "1000");
      const withReason = parseClosePayload(hex("0fa0 cebae1bdb9cf83cebcceb5"));
      equal(withReason.code, 4000, "4000");
      equal(withReason.reason, "\u03ba\u1f79\u03c3\u03bc\u03b5", "reason (κόσμε)");
    },
  },
  {
    name: "close: received errors — 1 byte (1002), invalid codes (1002), bad UTF-8 reason (1007)",
    run() {
      throwsCode(() => parseClosePayload(hex("03")), "WS_ERR_INVALID_CLOSE_PAYLOAD", 1002);
      for (const code of ["0000", "03e7", "03ec", "03ed", "03ee", "03f7", "07d0", "1388", "ffff"]) {
        throwsCode(() => parseClosePayload(hex(code)), "WS_ERR_INVALID_CLOSE_CODE", 1002);
      }
      throwsCode(() => parseClosePayload(hex("03e8 ff")), "WS_ERR_INVALID_CLOSE_REASON", 1007);
      throwsCode(() => parseClosePayload(hex("03e8 e282")), "WS_ERR_INVALID_CLOSE_REASON", 1007);
    },
  },
  {
    name: "close: build refuses reserved codes, a reason without code, reasons over 123 bytes",
    run() {
      bytesEqual(buildClosePayload(undefined), new Uint8Array(0), "no code");
      bytesEqual(buildClosePayload(1000, "bye"), hex("03e8 627965"), "1000 bye");
      for (const code of [1004, 1005, 1006, 1015, 999, 5000]) throwsCode(() => buildClosePayload(code), "WS_ERR_INVALID_CLOSE_CODE");
      throwsCode(() => buildClosePayload(undefined, "why"), "WS_ERR_REASON_WITHOUT_CODE");
      equal(buildClosePayload(1000, "x".repeat(123)).length, 125, "123-byte reason fits");
      throwsCode(() => buildClosePayload(1000, "x".repeat(124)), "WS_ERR_CLOSE_REASON_TOO_LONG");
      throwsCode(() => buildClosePayload(1000, "é".repeat(62)), "WS_ERR_CLOSE_REASON_TOO_LONG"); // 124 bytes in UTF-8
    },
  },
];
