/**
 * Every vector case of the protocol core, in one list. `test/vectors.spec.ts`
 * runs them on V8; `test/xs-engine.spec.ts` bundles this file and runs the
 * same list on the XS engine.
 */
import type { VectorCase } from "./harness";
import { closePayloadCases } from "./close-payload.vectors";
import { connectionRegressionCases } from "./connection-regressions.vectors";
import { connectionCases } from "./connection.vectors";
import { frameParserCases } from "./frame-parser.vectors";
import { frameSerializerCases } from "./frame-serializer.vectors";
import { httpHeadCases } from "./http-head.vectors";
import { maskCases } from "./mask.vectors";
import { memoryBudgetCases, messageAssemblerCases } from "./message-assembler.vectors";
import { utf8Cases } from "./utf8.vectors";

export const allCases: VectorCase[] = [
  ...maskCases,
  ...frameParserCases,
  ...frameSerializerCases,
  ...utf8Cases,
  ...closePayloadCases,
  ...httpHeadCases,
  ...messageAssemblerCases,
  ...memoryBudgetCases,
  ...connectionCases,
  ...connectionRegressionCases,
];
