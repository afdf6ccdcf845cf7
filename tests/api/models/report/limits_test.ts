/**
 * Limits typed by comparison operator: each operator's needed limits compile, a missing or
 * forbidden limit does not (each `@ts-expect-error` line must fail to compile), and
 * `numericLimits` checks operators that arrive at run time.
 */
import assert from "node:assert/strict";
import {
  COMP_OPS,
  createUutReport,
  limitCount,
  type NoLimitCompOp,
  type NumericCompOp,
  type NumericLimits,
  numericLimits,
  type NumericMeasurementInput,
  type NumericStepOptions,
  type OneLimitCompOp,
  type TwoLimitCompOp,
} from "../../../../api/models/report/mod.ts";

const options = { pn: "PCB-1", sn: "SN-1", rev: "A", processCode: 10 };

Deno.test("numericStep compiles with the limits each operator compares against", () => {
  const cases: NumericStepOptions[] = [
    {},
    { unit: "V" },
    { compOp: "LOG" },
    { compOp: "EQT", status: "P" },
    { compOp: "EQ", low: 1 },
    { compOp: "NE", low: 1 },
    { compOp: "LT", low: 1 },
    { compOp: "LE", low: 1 },
    { compOp: "GT", low: 1 },
    { compOp: "GE", low: "-Inf" },
    { compOp: "GTLT", low: 0, high: 2 },
    { compOp: "GTLE", low: 0, high: 2 },
    { compOp: "GELT", low: 0, high: 2 },
    { compOp: "GELE", low: 0, high: 2 },
    { compOp: "LTGT", low: 0, high: 2 },
    { compOp: "LTGE", low: 0, high: 2 },
    { compOp: "LEGT", low: 0, high: 2 },
    { compOp: "LEGE", low: 0, high: "Inf" },
  ];
  const builder = createUutReport(options);
  for (const [i, option] of cases.entries()) builder.numericStep(`s${i}`, 1, option);
  const steps = builder.build().root?.steps ?? [];
  assert.equal(steps.length, cases.length);
  const covered = new Set(cases.map((c) => c.compOp ?? "LOG"));
  const numeric = COMP_OPS.filter((op) => op !== "CASESENSIT" && op !== "IGNORECASE");
  assert.deepEqual([...covered].sort(), [...numeric].sort());
});

Deno.test("numericStep refuses at compile time a limit missing or not compared against", () => {
  const s = createUutReport(options);
  // Callers without the types still get the runtime check, so each call throws as well.
  assert.throws(
    // @ts-expect-error LE compares against low, not high
    () => s.numericStep("a", 1, { compOp: "LE", high: 0.5 }),
    /LE compares against low/,
  );
  // @ts-expect-error GE needs low
  assert.throws(() => s.numericStep("b", 1, { compOp: "GE" }), /GE compares against low/);
  // @ts-expect-error GELE needs high
  assert.throws(() => s.numericStep("c", 1, { compOp: "GELE", low: 0 }), /needs high/);
  // @ts-expect-error GELE needs low
  assert.throws(() => s.numericStep("d", 1, { compOp: "GELE", high: 1 }), /compares against low/);
  // A forbidden limit is left out of the report at run time; the types refuse it.
  // @ts-expect-error LT takes one limit
  s.numericStep("e", 1, { compOp: "LT", low: 2, high: 3 });
  // @ts-expect-error LOG takes no limit
  s.numericStep("f", 1, { compOp: "LOG", low: 0 });
  // @ts-expect-error no operator means LOG, which takes no limit
  s.numericStep("g", 1, { high: 5 });
  // @ts-expect-error EQT takes no limit
  s.numericStep("h", 1, { compOp: "EQT", low: 1, status: "P" });
  const strings = createUutReport(options);
  // @ts-expect-error string operators are not numeric ones
  strings.numericStep("i", 1, { compOp: "CASESENSIT", status: "P" });
  assert.throws(() => strings.build(), /CASESENSIT compares strings/);
  const dynamic = "GE" as NumericCompOp;
  // @ts-expect-error an operator known only at run time goes through numericLimits
  s.numericStep("j", 1, { compOp: dynamic, low: 1 });
  s.numericStep("k", 1, { ...numericLimits(dynamic, 1), unit: "V" });
  const ok: NumericMeasurementInput = { name: "ok", value: 1, compOp: "GELE", low: 0, high: 2 };
  // @ts-expect-error multiNumericStep measurements are typed the same way
  const bad: NumericMeasurementInput = { name: "bad", value: 1, compOp: "LE", high: 0.5 };
  s.multiNumericStep("l", [ok]);
  assert.throws(() => s.multiNumericStep("m", [bad]), /LE compares against low/);
  const lt = s.build().root?.steps?.find((step) => step.name === "e");
  assert.equal(lt?.numericMeas?.[0].highLimit, undefined);
});

Deno.test("the operator groups match limitCount", () => {
  const groups: Record<0 | 1 | 2, readonly NumericCompOp[]> = {
    0: ["LOG", "EQT"] satisfies NoLimitCompOp[],
    1: ["EQ", "NE", "LT", "LE", "GT", "GE"] satisfies OneLimitCompOp[],
    2: ["GTLT", "GTLE", "GELT", "GELE", "LTGT", "LTGE", "LEGT", "LEGE"] satisfies TwoLimitCompOp[],
  };
  for (const [count, ops] of Object.entries(groups)) {
    for (const op of ops) assert.equal(limitCount(op), Number(count), op);
  }
  // Every numeric operator is in exactly one group.
  const all: NumericCompOp[] = Object.values(groups).flat();
  assert.equal(new Set(all).size, all.length);
  assert.equal(all.length, COMP_OPS.length - 2);
});

Deno.test("numericLimits checks operators read at run time", () => {
  const table: [
    NumericCompOp | undefined,
    number | undefined,
    number | undefined,
    NumericLimits | RegExp,
  ][] = [
    [undefined, 1, 2, { compOp: "LOG" }],
    ["EQT", 1, undefined, { compOp: "EQT" }],
    ["LE", 1, 2, { compOp: "LE", low: 1 }],
    ["GELE", 1, 2, { compOp: "GELE", low: 1, high: 2 }],
    ["LE", undefined, 2, /LE compares against low/],
    ["GTLT", 1, undefined, /GTLT needs high/],
  ];
  for (const [op, low, high, want] of table) {
    if (want instanceof RegExp) assert.throws(() => numericLimits(op, low, high), want);
    else assert.deepEqual(numericLimits(op, low, high), want);
  }
});
