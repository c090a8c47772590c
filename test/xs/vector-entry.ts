/**
 * XS entry of the vector suite: `runOnXs("test/xs/vector-entry.ts", "runVectors")`
 * bundles this file (and with it `test/vectors/index.ts`) and runs every case on XS.
 */
import { allCases } from "../vectors/index";
import { runCases, type CaseResult } from "./case-runner";

export function runVectors(): CaseResult[] {
  return runCases(allCases);
}
