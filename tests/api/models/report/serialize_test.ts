import assert from "node:assert/strict";
import {
  parseReport,
  type Report,
  serializeReport,
  type Step,
} from "../../../../api/models/report/mod.ts";
import { uutWithSteps } from "./_fixtures.ts";

Deno.test("serialize: repairs a report edited after parsing", () => {
  const report = parseReport(uutWithSteps(
    { stepType: "ET_NLT", name: "a", status: "P", numericMeas: [{ status: "P", value: 1 }] },
    { stepType: "Action", name: "b", status: "D" },
  ));
  const [numeric, action] = (report.type === "T" ? report.root?.steps : []) as Step[];
  (numeric as Record<string, unknown>).numericMeas = { status: "P", value: Infinity };
  (action as Record<string, unknown>).loop = { i: 2, n: 5 };
  (action as Record<string, unknown>).totTime = undefined;
  report.miscInfos = [{ description: "Cycles", numeric: 4 }];
  const before = structuredClone(report);
  const wire = serializeReport(report) as { root: { steps: Record<string, unknown>[] } };
  assert.deepStrictEqual(wire.root.steps[0].numericMeas, [{ status: "P", value: "Inf" }]);
  assert.deepStrictEqual(wire.root.steps[1].loop, { idx: 2, num: 5 });
  assert.ok(!("totTime" in wire.root.steps[1]));
  assert.deepStrictEqual((wire as Record<string, unknown>).miscInfos, [
    { description: "Cycles", text: "4" },
  ]);
  assert.deepStrictEqual(report, before, "the report itself is not changed");
  assert.doesNotThrow(() => parseReport(JSON.parse(JSON.stringify(wire))));
});

Deno.test("serialize: a parsed report is already in wire form", () => {
  const input = uutWithSteps({
    stepType: "ET_MNLT",
    name: "m",
    status: "P",
    numericMeas: [{ name: "x", status: "P", value: "NaN", lowLimit: null }],
    loop: { idx: null, num: 2, endingIndex: 2, passed: 2, failed: 0 },
  });
  const report: Report = parseReport(structuredClone(input));
  assert.deepStrictEqual(serializeReport(report), input);
  assert.notEqual(serializeReport(report), report);
});
