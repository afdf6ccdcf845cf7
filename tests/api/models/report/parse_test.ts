import assert from "node:assert/strict";
import {
  parseReport,
  type Step,
  StepSchema,
  type UutReport,
} from "../../../../api/models/report/mod.ts";
import { minimalUut, nlt, pathsOf, uutWithSteps } from "./_fixtures.ts";

function rootSteps(report: unknown): Step[] {
  return ((report as UutReport).root?.steps ?? []) as Step[];
}

Deno.test("parse: a minimal UUT report is accepted as it is", () => {
  const input = minimalUut();
  assert.deepStrictEqual(parseReport(structuredClone(input)), input);
});

Deno.test("parse: loop keys i/n are read as idx/num", () => {
  const report = parseReport(uutWithSteps(
    { stepType: "Action", name: "Loop", status: "P", loop: { n: 3, passed: 3, failed: 0 } },
    { stepType: "Action", name: "Loop", status: "P", loop: { i: 1, parent: 7 } },
    { stepType: "Action", name: "Loop", status: "P", loop: { idx: 2, i: 9 } },
  ));
  const loops = rootSteps(report).map((step) => step.loop);
  assert.deepStrictEqual(loops[0], { num: 3, passed: 3, failed: 0 });
  assert.deepStrictEqual(loops[1], { idx: 1, parent: 7 });
  assert.deepStrictEqual(loops[2], { idx: 2 });
});

Deno.test("parse: a bare measurement object is read as a one-element array", () => {
  const report = parseReport(uutWithSteps(
    nlt({ status: "P", value: 5, compOp: "GE", lowLimit: 4 }),
    { stepType: "ET_PFT", name: "Fuse", status: "P", booleanMeas: { status: "P" } },
    { stepType: "ET_SVT", name: "FW", status: "P", stringMeas: { status: "P", value: "1.0" } },
  ));
  const [numeric, passFail, string] = rootSteps(report);
  assert.deepStrictEqual(numeric.numericMeas, [{
    status: "P",
    value: 5,
    compOp: "GE",
    lowLimit: 4,
  }]);
  assert.deepStrictEqual(passFail.booleanMeas, [{ status: "P" }]);
  assert.deepStrictEqual(string.stringMeas, [{ status: "P", value: "1.0" }]);
});

Deno.test("parse: MultiNumericLimitTest and the other long step type names are read", () => {
  const report = parseReport(uutWithSteps({
    stepType: "MultiNumericLimitTest",
    name: "Rails",
    status: "F",
    numericMeas: [
      { name: "3V3", status: "P", value: 3.3, compOp: "GELE", lowLimit: 3.2, highLimit: 3.4 },
      { name: "5V", status: "F", value: 4.1, compOp: "GELE", lowLimit: 4.9, highLimit: 5.1 },
    ],
  }));
  assert.equal(rootSteps(report)[0].stepType, "MultiNumericLimitTest");
  assert.equal(rootSteps(report)[0].numericMeas?.length, 2);
});

Deno.test("parse: non-finite values are carried as NaN/Inf/-Inf strings", () => {
  const report = parseReport(uutWithSteps(
    nlt([{ status: "F", value: NaN, compOp: "LT", lowLimit: Infinity }]),
    nlt([{ status: "P", value: "-Infinity", compOp: "GTLT", lowLimit: "-inf", highLimit: "INF" }]),
    nlt([{ status: "P", value: "NaN", compOp: "LOG" }]),
  ));
  const measurements = rootSteps(report).map((step) => step.numericMeas?.[0]);
  assert.equal(measurements[0]?.value, "NaN");
  assert.equal(measurements[0]?.lowLimit, "Inf");
  assert.deepStrictEqual(
    [measurements[1]?.value, measurements[1]?.lowLimit, measurements[1]?.highLimit],
    ["-Inf", "-Inf", "Inf"],
  );
  assert.equal(measurements[2]?.value, "NaN");
  assert.deepStrictEqual(pathsOf(uutWithSteps(nlt([{ status: "P", value: "five" }]))), [
    "root.steps[0].numericMeas[0].value",
  ]);
});

Deno.test("parse: null values are kept as null, absent keys stay absent", () => {
  const report = parseReport(uutWithSteps(
    nlt([{ name: null, status: "P", value: 1, unit: null, highLimit: null, lowLimit: null }]),
  ));
  const m = rootSteps(report)[0].numericMeas?.[0];
  assert.deepStrictEqual(m, {
    name: null,
    status: "P",
    value: 1,
    unit: null,
    highLimit: null,
    lowLimit: null,
  });
  assert.ok(!("compOp" in (m ?? {})));
});

Deno.test("parse: unknown keys survive at every level", () => {
  const input = minimalUut();
  Object.assign(input, { vendorHeader: { a: [1, { b: null }] } });
  input.uut = { user: "op", shift: "night" };
  input.subUnits = [{ pn: "P1", sn: "S1", slot: 3 }];
  input.miscInfos = [{ description: "d", text: "t", typedef: "x" }];
  input.assets = [{ assetSN: "A1", usageCount: 1, station: "s" }];
  input.root = {
    stepType: "SequenceCall",
    name: "MainSequence Callback",
    status: "P",
    rootNote: true,
    seqCall: { path: "p", name: "n", version: "1", hash: "abc" },
    steps: [
      nlt([{ status: "P", value: 1, compOp: "GE", lowLimit: 0, uncertainty: 0.01 }], {
        vendor: { x: 1 },
        loop: { idx: 0, extra: "k" },
        chart: {
          chartType: "Line",
          series: [{ name: "s", xdata: "0;1", ydata: "1;2", color: "red" }],
        },
      }),
    ],
  };
  const report = parseReport(structuredClone(input));
  assert.deepStrictEqual(report, input);
});

Deno.test("parse: an unknown step type is kept verbatim, with its subtree checked", () => {
  const vendorStep = {
    stepType: "AcmeBoundaryScan",
    name: "JTAG chain",
    status: "P",
    chainLength: 4,
    devices: [{ idcode: "0x1234", ok: true }],
    numericMeas: [{ name: "TCK", status: "P", value: 10, unit: "MHz" }],
    steps: [{ stepType: "Action", name: "Reset", status: "D" }],
  };
  const report = parseReport(uutWithSteps(structuredClone(vendorStep)));
  assert.deepStrictEqual(rootSteps(report)[0], vendorStep);
  const bad = structuredClone(vendorStep);
  bad.steps[0].status = "X";
  assert.deepStrictEqual(pathsOf(uutWithSteps(bad)), ["root.steps[0].steps[0].status"]);
});

Deno.test("parse: generic and TestStand step types take any casing and may carry a sequence", () => {
  const report = parseReport(uutWithSteps(
    { stepType: "NI_IVIScope", name: "Scope", status: "P" },
    {
      stepType: "NI_Wait",
      name: "Wait",
      status: "P",
      seqCall: { path: "", name: "Production Data", version: null },
      steps: [{ stepType: "Label", name: "L", status: "D" }],
    },
  ));
  assert.equal(rootSteps(report)[1].steps?.[0].stepType, "Label");
});

Deno.test("parse: a tree deeper than the unrolled levels is checked all the way down", () => {
  let leaf: Record<string, unknown> = nlt([{ status: "P", value: 1, compOp: "XX", lowLimit: 0 }]);
  const depth = 12;
  for (let i = 0; i < depth; i++) {
    leaf = { stepType: "SequenceCall", name: `Level ${i}`, status: "P", steps: [leaf] };
  }
  const expected = `root.steps[0]${".steps[0]".repeat(depth)}.numericMeas[0].compOp`;
  assert.deepStrictEqual(pathsOf(uutWithSteps(leaf)), [expected]);
  const fine = structuredClone(leaf);
  let cursor = fine as { steps?: Record<string, unknown>[] };
  while (cursor.steps) cursor = cursor.steps[0] as typeof cursor;
  ((cursor as Record<string, unknown>).numericMeas as Record<string, unknown>[])[0].compOp = "GE";
  assert.doesNotThrow(() => parseReport(uutWithSteps(fine)));
});

Deno.test("parse: nested property trees are read to any depth", () => {
  const prop = {
    name: "Root",
    type: "Obj",
    props: [{
      name: "Inner",
      type: "Obj",
      props: [{ name: "Leaf", type: "Number", value: "1.5", flags: 0 }],
    }, {
      name: "Arr",
      type: "Number",
      array: {
        dimension: 1,
        type: "Number",
        indexes: [{ text: "[0]", indexes: [0], value: { name: "0", type: "Number", value: "2" } }],
      },
    }],
  };
  const input = { ...minimalUut(), additionalData: [{ name: "Station", props: [prop] }] };
  assert.deepStrictEqual(parseReport(structuredClone(input)), input);
});

Deno.test("parse: the step schema validates a step on its own", () => {
  const step = StepSchema.parse({ stepType: "Action", name: "Init", status: "D", loop: { i: 0 } });
  assert.deepStrictEqual(step, { stepType: "Action", name: "Init", status: "D", loop: { idx: 0 } });
  assert.equal(StepSchema.safeParse({ stepType: "Action", name: "Init" }).success, false);
});
