/**
 * Every vector case of the protocol core, in one list. `test/vectors.spec.ts`
 * runs them on V8; `test/xs-engine.spec.ts` bundles this file and runs the
 * same list on the XS engine.
 */
import type { VectorCase } from "./harness";

export const allCases: VectorCase[] = [
];
