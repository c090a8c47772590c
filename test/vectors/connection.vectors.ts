/**
 * The connection state machine end to end, in memory (see the files below,
 * one per area). `connectionCases` is all of them; the vectors of known
 * defects (`connection-bugs.vectors.ts`) are kept apart until they are fixed.
 */
import type { VectorCase } from "./harness";
import { connectionCloseCases } from "./connection-close.vectors";
import { connectionErrorCases } from "./connection-errors.vectors";
import { connectionHandshakeCases } from "./connection-handshake.vectors";
import { connectionKeepaliveCases } from "./connection-keepalive.vectors";
import { connectionMessageCases } from "./connection-messages.vectors";
import { connectionOutputCases } from "./connection-output.vectors";
import { connectionPathCases } from "./connection-paths.vectors";

export const connectionCases: VectorCase[] = [
  ...connectionHandshakeCases,
  ...connectionMessageCases,
  ...connectionPathCases,
  ...connectionOutputCases,
  ...connectionCloseCases,
  ...connectionErrorCases,
  ...connectionKeepaliveCases,
];
