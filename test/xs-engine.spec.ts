/**
 * The protocol-core vector suite on the XS engine: `allCases` is bundled from
 * source and run in an xsnap worker (see `xs/run-on-xs.ts`), once, before the
 * tests; each case then reports its XS outcome as one mocha test.
 */
import { strict as assert } from "node:assert";
import type { CaseResult } from "./xs/case-runner";
import { isXsEngine, runOnXs, XsRunError, type XsRunResult } from "./xs/run-on-xs";
import { allCases } from "./vectors/index";

const XS_TIMEOUT_MS = 120_000;

describe("protocol vectors (XS)", function () {
  let run: XsRunResult<CaseResult[]>;

  before(async function () {
    this.timeout(XS_TIMEOUT_MS + 5_000);
    run = await runOnXs<CaseResult[]>("test/xs/vector-entry.ts", "runVectors", { timeoutMs: XS_TIMEOUT_MS });
  });

  it("ran on the XS engine", () => {
    assert.ok(isXsEngine(run.engine), `not an xsnap global: ${JSON.stringify(run.engine)}`);
    // The probe discriminates: this (V8) process has none of those globals.
    assert.equal(isXsEngine(probeHere()), false);
  });

  it("reported one result per case, in order", () => {
    assert.ok(Array.isArray(run.value), "the XS run returned no result list");
    assert.deepEqual(
      run.value.map((r) => r.name),
      allCases.map((c) => c.name),
    );
  });

  allCases.forEach((c, i) => {
    it(`XS: ${c.name}`, () => {
      const result = run.value[i];
      assert.ok(result !== undefined && result.name === c.name, `no XS result for "${c.name}"`);
      if (!result.ok) assert.fail(`failed on XS: ${result.error}${result.stack ? `\n--- XS stack ---\n${result.stack}` : ""}`);
    });
  });
});

describe("XS runner", function () {
  this.timeout(XS_TIMEOUT_MS);
  const fixture = "test/xs/fixtures/self-check.ts";

  it("records every case's outcome on XS without stopping at failures", async () => {
    const { value, engine } = await runOnXs<CaseResult[]>(fixture, "runSelfCheck");
    assert.ok(isXsEngine(engine));
    assert.deepEqual(
      value.map((r) => [r.name, r.ok]),
      [
        ["passes", true],
        ["fails", false],
        ["throws a non-Error", false],
        ["is on XS", true],
      ],
    );
    assert.equal(value[1]!.error, 'Error: concat: expected "abc", got "ab"');
    assert.equal(value[2]!.error, "non-Error thrown: plain string");
  });

  it("awaits async exports and returns plain values", async () => {
    const [asyncRun, plainRun] = await Promise.all([runOnXs(fixture, "asyncValue"), runOnXs(fixture, "plainValue")]);
    assert.deepEqual(asyncRun.value, { sum: 42, encoded: [0xc3, 0xa9] });
    assert.deepEqual(plainRun.value, { answer: 42 });
  });

  it("rejects with the XS error when the export throws", async () => {
    await assert.rejects(runOnXs(fixture, "throwsOnXs"), (e: unknown) => e instanceof XsRunError && e.stage === "export" && /RangeError: thrown on XS/.test(e.message));
  });

  it("rejects on a missing export or an entry that does not bundle", async () => {
    await Promise.all([
      assert.rejects(runOnXs(fixture, "noSuchExport"), (e: unknown) => e instanceof XsRunError && e.stage === "export" && /no export named "noSuchExport"/.test(e.message)),
      assert.rejects(runOnXs("test/xs/fixtures/does-not-exist.ts", "x"), (e: unknown) => e instanceof XsRunError && e.stage === "bundle"),
    ]);
  });
});

function probeHere() {
  const g = globalThis as Record<string, unknown>;
  return {
    issueCommand: typeof g["issueCommand"],
    Compartment: typeof g["Compartment"],
    ModuleSource: typeof g["ModuleSource"],
    currentMeterLimit: typeof g["currentMeterLimit"],
    print: typeof g["print"],
  };
}
