/**
 * The protocol-core vector suite on V8: one mocha test per case of `allCases`.
 * `xs-engine.spec.ts` runs the same list on XS.
 */
import { strict as assert } from "node:assert";
import { allCases } from "./vectors/index";

describe("protocol vectors (V8)", () => {
  it("has unique case names", () => {
    const seen = new Set<string>();
    const duplicates = allCases.map((c) => c.name).filter((name) => (seen.has(name) ? true : (seen.add(name), false)));
    assert.deepEqual(duplicates, [], "duplicate vector case names");
  });

  for (const c of allCases) {
    it(c.name, () => {
      c.run();
    });
  }
});
