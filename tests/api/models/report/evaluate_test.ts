import assert from "node:assert/strict";
import {
  COMP_OPS,
  type CompOp,
  evaluate,
  limitCount,
  parseReport,
  type Step,
} from "../../../../api/models/report/mod.ts";
import { readFixture } from "./_fixtures.ts";

const LOW = 10;
const HIGH = 20;

/** Expected outcomes of the single-limit operators at 9 (below), 10 (at) and 11 (above) the limit. */
const SINGLE: Record<string, [boolean, boolean, boolean]> = {
  EQ: [false, true, false],
  NE: [true, false, true],
  LT: [true, false, false],
  LE: [true, true, false],
  GT: [false, false, true],
  GE: [false, true, true],
};

/**
 * Expected outcomes of the two-limit operators at 9 (below low), 10 (at low), 15 (between),
 * 20 (at high) and 21 (above high).
 */
const DOUBLE: Record<string, [boolean, boolean, boolean, boolean, boolean]> = {
  GTLT: [false, false, true, false, false],
  GTLE: [false, false, true, true, false],
  GELT: [false, true, true, false, false],
  GELE: [false, true, true, true, false],
  LTGT: [true, false, false, false, true],
  LTGE: [true, false, false, true, true],
  LEGT: [true, true, false, false, true],
  LEGE: [true, true, false, true, true],
};

Deno.test("evaluate: the tables cover every numeric operator", () => {
  const covered = new Set([...Object.keys(SINGLE), ...Object.keys(DOUBLE), "LOG", "EQT"]);
  for (const op of COMP_OPS) {
    if (op !== "CASESENSIT" && op !== "IGNORECASE") assert.ok(covered.has(op), op);
  }
  for (const op of Object.keys(SINGLE)) assert.equal(limitCount(op as CompOp), 1);
  for (const op of Object.keys(DOUBLE)) assert.equal(limitCount(op as CompOp), 2);
});

for (const [op, expected] of Object.entries(SINGLE)) {
  Deno.test(`evaluate: ${op} below, at and above its (low) limit`, () => {
    const values = [LOW - 1, LOW, LOW + 1];
    assert.deepStrictEqual(values.map((v) => evaluate(op as CompOp, v, LOW)), expected);
    // A high limit does not matter to a single-limit operator.
    assert.deepStrictEqual(values.map((v) => evaluate(op as CompOp, v, LOW, -1000)), expected);
    assert.equal(evaluate(op as CompOp, LOW), null, "no limit, no verdict");
    assert.equal(evaluate(op as CompOp, NaN, LOW), false, "NaN never passes");
    assert.equal(evaluate(op as CompOp, LOW, NaN), false, "a NaN limit never passes");
  });
}

for (const [op, expected] of Object.entries(DOUBLE)) {
  Deno.test(`evaluate: ${op} below, at and between its limits, at and above the high one`, () => {
    const values = [LOW - 1, LOW, (LOW + HIGH) / 2, HIGH, HIGH + 1];
    assert.deepStrictEqual(values.map((v) => evaluate(op as CompOp, v, LOW, HIGH)), expected);
    assert.equal(evaluate(op as CompOp, 15, LOW), null, "no high limit, no verdict");
    assert.equal(evaluate(op as CompOp, NaN, LOW, HIGH), false, "NaN never passes");
    assert.equal(evaluate(op as CompOp, 15, LOW, NaN), false, "a NaN limit never passes");
  });
}

Deno.test("evaluate: LOG always passes, EQT is not evaluated", () => {
  for (const value of [LOW - 1, LOW, HIGH + 1, NaN, Infinity, "text"]) {
    assert.equal(evaluate("LOG", value), true);
    assert.equal(evaluate("LOG", value, LOW, HIGH), true);
    assert.equal(evaluate("EQT", value, LOW, HIGH), null);
  }
});

Deno.test("evaluate: infinities and their string forms compare as numbers", () => {
  assert.equal(evaluate("GT", Infinity, 1e308), true);
  assert.equal(evaluate("LT", -Infinity, -1e308), true);
  assert.equal(evaluate("LT", 5, "Inf"), true);
  assert.equal(evaluate("GELE", 5, "-Inf", "Inf"), true);
  assert.equal(evaluate("GE", "NaN", 0), false);
  assert.equal(evaluate("NE", "NaN", 0), false);
  assert.equal(evaluate("EQ", "Inf", Infinity), true);
  assert.equal(evaluate("GE", "12.5", 10), true);
  assert.equal(evaluate("GE", "twelve", 10), null);
});

Deno.test("evaluate: string operators", () => {
  assert.equal(evaluate("CASESENSIT", "Pass", "Pass"), true);
  assert.equal(evaluate("CASESENSIT", "Pass", "PASS"), false);
  assert.equal(evaluate("IGNORECASE", "Pass", "PASS"), true);
  assert.equal(evaluate("IGNORECASE", "Pass", "Fail"), false);
  assert.equal(evaluate("EQ", "1.2.0", "1.2.0"), true);
  assert.equal(evaluate("EQ", "1.2.0", "1.2.1"), false);
  assert.equal(evaluate("NE", "1.2.0", "1.2.1"), true);
  assert.equal(evaluate("NE", "NaN", "NaN"), false, "text NaN is text when the limit is text");
  assert.equal(evaluate("EQ", "NaN", "NaN"), true);
  assert.equal(evaluate("GT", "b", "a"), null, "relational operators do not compare text");
  assert.equal(evaluate("CASESENSIT", "x"), null, "no limit, no verdict");
  assert.equal(evaluate("LOG", "anything"), true);
});

Deno.test("evaluate: agrees with every status the server computed in the exports", () => {
  let checked = 0;
  const walk = (step: Step) => {
    for (const m of step.numericMeas ?? []) {
      if (m.status !== "P" && m.status !== "F") continue;
      const verdict = evaluate(m.compOp ?? "LOG", m.value ?? NaN, m.lowLimit, m.highLimit);
      assert.equal(verdict, m.status === "P", `${step.name}/${m.name}: ${m.compOp}`);
      checked++;
    }
    for (const m of step.stringMeas ?? []) {
      if (m.status !== "P" && m.status !== "F") continue;
      const verdict = evaluate(m.compOp ?? "LOG", m.value ?? "", m.limit);
      assert.equal(verdict, m.status === "P", `${step.name}/${m.name}: ${m.compOp}`);
      checked++;
    }
    for (const child of step.steps ?? []) walk(child);
  };
  for (const name of ["uut-wsjf-export.json", "new_report_example.json"]) {
    const report = parseReport(readFixture(name));
    if (report.type === "T" && report.root) walk(report.root);
  }
  assert.ok(checked > 200, `only ${checked} measurements checked`);
});

Deno.test("evaluate: all-number limits give what the text forms of the same numbers give", () => {
  // Text limits take the general path; numbers take the quick one. Both must agree everywhere,
  // NaN and the infinities included.
  const values = [NaN, -Infinity, -20, -0.5, -0, 0, 9, 10, 10.5, 11, 19, 20, 21, Infinity];
  let compared = 0;
  for (const op of COMP_OPS) {
    for (const v of values) {
      for (const low of values) {
        for (const high of [undefined, ...values]) {
          const quick = evaluate(op, v, low, high);
          const general = evaluate(op, v, String(low), high === undefined ? high : String(high));
          assert.equal(quick, general, `${op} ${v} ${low} ${high}`);
          compared++;
        }
      }
    }
  }
  assert.ok(compared > 10_000);
});
