import assert from "node:assert/strict";
import {
  parseReport,
  ReportFormatError,
  safeParseReport,
} from "../../../../api/models/report/mod.ts";
import { issuesOf, minimalUut, nlt, pathsOf, readFixture, uutWithSteps } from "./_fixtures.ts";

Deno.test("parse: errors name the field path", () => {
  const noPn = minimalUut();
  delete noPn.pn;
  assert.deepStrictEqual(pathsOf(noPn), ["pn"]);

  assert.deepStrictEqual(pathsOf({ ...minimalUut(), type: "X" }), ["type"]);
  assert.match(issuesOf({ ...minimalUut(), type: "X" })[0].message, /"T" \(UUT\) or "R" \(UUR\)/);

  const badOp = uutWithSteps(
    { stepType: "Action", name: "A", status: "D" },
    { stepType: "Action", name: "B", status: "D" },
    nlt([{ status: "P", value: 1, compOp: "GREATER", lowLimit: 0 }]),
  );
  const [issue] = issuesOf(badOp);
  assert.equal(issue.path, "root.steps[2].numericMeas[0].compOp");
  assert.match(issue.message, /Unknown comparison operator "GREATER"/);

  assert.deepStrictEqual(pathsOf(uutWithSteps({ stepType: "ET_A", status: "D" })), [
    "root.steps[0].name",
  ]);
  assert.deepStrictEqual(pathsOf(uutWithSteps("not a step" as never)), ["root.steps[0]"]);
  assert.deepStrictEqual(pathsOf([]), ["(report)"]);
});

Deno.test("parse: the message lists the first issues with paths, after the source name", () => {
  const input = minimalUut();
  delete input.pn;
  delete input.sn;
  input.processCode = "ten";
  input.start = "yesterday";
  const result = safeParseReport(input, { source: "drop/run 7.json" });
  assert.ok(!result.ok);
  if (result.ok) return;
  const error = result.error;
  assert.ok(error instanceof ReportFormatError);
  assert.ok(error instanceof Error);
  assert.equal(error.name, "ReportFormatError");
  assert.equal(error.source, "drop/run 7.json");
  assert.deepStrictEqual(error.issues.map((i) => i.path), ["pn", "sn", "processCode", "start"]);
  assert.match(error.message, /^drop\/run 7\.json: Report is not valid WSJF: pn: .+; sn: .+/);
  assert.match(error.message, /; and 1 more$/);
  assert.ok(!error.message.includes("start:"));
  assert.throws(() => parseReport(input, { source: "x" }), ReportFormatError);
});

Deno.test("parse: UUT and UUR are told apart by type", () => {
  const uur = readFixture("uur_example.json");
  assert.equal(parseReport(uur).type, "R");
  assert.deepStrictEqual(pathsOf({ ...uur, type: "T" }), ["uur"]);
  assert.deepStrictEqual(pathsOf({ ...minimalUut(), type: "R" }), ["uur"]);
  assert.deepStrictEqual(pathsOf({ ...uur, root: minimalUut().root }), ["root"]);
  const withoutUur = structuredClone(uur);
  delete withoutUur.uur;
  assert.deepStrictEqual(pathsOf(withoutUur), ["uur"]);
});

Deno.test("parse: header values are checked", () => {
  assert.deepStrictEqual(pathsOf({ ...minimalUut(), id: "not-a-guid" }), ["id"]);
  assert.deepStrictEqual(pathsOf({ ...minimalUut(), pn: "" }), ["pn"]);
  assert.deepStrictEqual(pathsOf({ ...minimalUut(), sn: "x".repeat(101) }), ["sn"]);
  assert.deepStrictEqual(pathsOf({ ...minimalUut(), result: "S" }), ["result"]);
  assert.deepStrictEqual(pathsOf({ ...minimalUut(), processCode: 1.5 }), ["processCode"]);
  assert.doesNotThrow(() => parseReport({ ...minimalUut(), start: "2026-01-30T22:01:41" }));
  assert.doesNotThrow(() =>
    parseReport({ ...minimalUut(), start: "2026-01-30T22:01:41.4707353+01:00" })
  );
  assert.deepStrictEqual(pathsOf({ ...minimalUut(), start: "2026-02-30T22:01:41Z" }), ["start"]);
  assert.deepStrictEqual(
    pathsOf({ ...minimalUut(), root: { stepType: "ET_A", name: "Main", status: "D" } }),
    ["root.stepType"],
  );
});

Deno.test("parse: limits must fit the operator", () => {
  const cases: [Record<string, unknown>, string][] = [
    [{ status: "P", value: 1, compOp: "GT" }, "lowLimit"],
    [{ status: "P", value: 1, compOp: "GELE", lowLimit: 0 }, "highLimit"],
    [{ status: "P", value: 1, compOp: "LT", lowLimit: 2, highLimit: 3 }, "highLimit"],
    [{ status: "P", value: 1, compOp: "CASESENSIT", lowLimit: 1 }, "compOp"],
  ];
  for (const [meas, field] of cases) {
    assert.deepStrictEqual(pathsOf(uutWithSteps(nlt([meas]))), [
      `root.steps[0].numericMeas[0].${field}`,
    ]);
  }
  assert.doesNotThrow(() =>
    parseReport(uutWithSteps(nlt([{ status: "P", value: 1, compOp: "EQT" }])))
  );
  const stringStep = (meas: unknown) => ({
    stepType: "ET_SVT",
    name: "FW",
    status: "P",
    stringMeas: [meas],
  });
  assert.deepStrictEqual(
    pathsOf(uutWithSteps(stringStep({ status: "P", value: "a", compOp: "EQ" }))),
    [
      "root.steps[0].stringMeas[0].limit",
    ],
  );
  assert.deepStrictEqual(
    pathsOf(uutWithSteps(stringStep({ status: "P", value: "a", compOp: "GT", limit: "a" }))),
    ["root.steps[0].stringMeas[0].compOp"],
  );
});

Deno.test("parse: each step kind holds only its own measurements", () => {
  const two = [
    { status: "P", value: 1, compOp: "GE", lowLimit: 0 },
    { status: "P", value: 2, compOp: "GE", lowLimit: 0 },
  ];
  assert.deepStrictEqual(pathsOf(uutWithSteps(nlt(two))), ["root.steps[0].numericMeas"]);
  const multi = (names: (string | null)[]) => ({
    stepType: "ET_MNLT",
    name: "Rails",
    status: "P",
    numericMeas: names.map((name) => ({ name, status: "P", value: 1 })),
  });
  assert.doesNotThrow(() => parseReport(uutWithSteps(multi(["a", "b"]))));
  assert.deepStrictEqual(pathsOf(uutWithSteps(multi(["a", "a"]))), [
    "root.steps[0].numericMeas[1].name",
  ]);
  assert.deepStrictEqual(pathsOf(uutWithSteps(multi(["a", null]))), [
    "root.steps[0].numericMeas[1].name",
  ]);
  assert.deepStrictEqual(
    pathsOf(uutWithSteps({
      stepType: "ET_PFT",
      name: "Fuse",
      status: "P",
      numericMeas: [{ status: "P", value: 1 }],
    })),
    ["root.steps[0].numericMeas"],
  );
  assert.deepStrictEqual(
    pathsOf(uutWithSteps(nlt([], { steps: [{ stepType: "Action", name: "A", status: "D" }] }))),
    ["root.steps[0].steps"],
  );
  assert.doesNotThrow(() => parseReport(uutWithSteps(nlt([]))));
  assert.doesNotThrow(() =>
    parseReport(uutWithSteps({ stepType: "ET_NLT", name: "Loop", status: "P" }))
  );
});

Deno.test("parse: the kind rules hold however often a step type and its spellings come back", () => {
  const two = [{ status: "P", value: 1 }, { status: "P", value: 2 }];
  const steps = ["ET_NLT", "et_nlt", "NumericLimitTest", "ET_NLT", "Et_Nlt"].map((stepType) =>
    nlt(two, { stepType })
  );
  const issues = issuesOf(uutWithSteps(...steps, nlt(two, { stepType: "Vendor_Thing" })));
  assert.deepStrictEqual(issues.map((issue) => issue.path), [
    "root.steps[0].numericMeas",
    "root.steps[1].numericMeas",
    "root.steps[2].numericMeas",
    "root.steps[3].numericMeas",
    "root.steps[4].numericMeas",
  ]);
  assert.equal(issues[1].message, "et_nlt steps hold one measurement, not 2");
});

Deno.test("parse: step payloads are checked", () => {
  const action = (extra: Record<string, unknown>) => ({
    stepType: "Action",
    name: "A",
    status: "D",
    ...extra,
  });
  assert.deepStrictEqual(pathsOf(uutWithSteps(action({ group: "X" }))), ["root.steps[0].group"]);
  assert.deepStrictEqual(pathsOf(uutWithSteps(action({ loop: { n: 1.5 } }))), [
    "root.steps[0].loop.num",
  ]);
  assert.deepStrictEqual(pathsOf(uutWithSteps(action({ chart: { chartType: "LineChart" } }))), [
    "root.steps[0].chart.chartType",
  ]);
  assert.deepStrictEqual(
    pathsOf(uutWithSteps(action({ chart: { series: [{ xdata: "1;two" }] } }))),
    ["root.steps[0].chart.series[0].xdata"],
  );
  assert.deepStrictEqual(
    pathsOf(
      uutWithSteps(action({ attachment: { name: "a.png", contentType: "image/png", data: "@@" } })),
    ),
    ["root.steps[0].attachment.data"],
  );
  assert.deepStrictEqual(
    pathsOf(
      uutWithSteps(
        action({
          additionalResults: [{
            name: "r",
            props: [{ name: "p", type: "Obj", props: [{ name: 3 }] }],
          }],
        }),
      ),
    ),
    [
      "root.steps[0].additionalResults[0].props[0].props[0].name",
      "root.steps[0].additionalResults[0].props[0].props[0].type",
    ],
  );
  assert.deepStrictEqual(pathsOf(uutWithSteps(action({ name: "n".repeat(101) }))), [
    "root.steps[0].name",
  ]);
});

Deno.test("parse: misc info, assets and files are checked", () => {
  assert.deepStrictEqual(pathsOf({ ...minimalUut(), miscInfos: [{ text: "x" }] }), [
    "miscInfos[0].description",
  ]);
  assert.deepStrictEqual(pathsOf({ ...minimalUut(), assets: [{ usageCount: 1 }] }), [
    "assets[0].assetSN",
  ]);
  const withSn = parseReport({ ...minimalUut(), assets: [{ sn: "A1", usageCount: 2 }] });
  assert.deepStrictEqual(withSn.assets, [{ sn: "A1", usageCount: 2 }]);
  assert.deepStrictEqual(
    pathsOf({
      ...minimalUut(),
      binaryData: [{ name: "log", contentType: "text/plain", data: "*" }],
    }),
    ["binaryData[0].data"],
  );
});
