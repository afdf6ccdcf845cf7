/**
 * Limit evaluation exactly as §4.4 of the API spec describes it (checked against statuses the
 * server computed).
 *
 * Single-limit operators compare against `lowLimit`. `LOG` always passes, `EQT` is not evaluated
 * on the client, and `NaN` fails every comparison. Do not copy pyWATS' second evaluator, which
 * reads `LT`/`LE` against `highLimit` and treats `GELE` as strict.
 *
 * @module
 */
import { type CompOp, limitCount } from "./comp_op.ts";

/**
 * A value or limit as evaluation accepts it: a number, a numeric token or text.
 *
 * @category Reports
 */
export type Comparable = number | string;

const NUMBER_TEXT = /^\s*[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?\s*$/;

function toNumber(value: Comparable | null | undefined): number | undefined {
  if (typeof value === "number") return value;
  if (typeof value !== "string") return undefined;
  switch (value.toLowerCase()) {
    case "nan":
      return NaN;
    case "inf":
    case "+inf":
    case "infinity":
    case "+infinity":
      return Infinity;
    case "-inf":
    case "-infinity":
      return -Infinity;
  }
  return NUMBER_TEXT.test(value) ? Number(value) : undefined;
}

function compareNumbers(op: CompOp, v: number, low: number, high: number): boolean {
  // The operators test stations use most come first: a switch on text compares in order.
  switch (op) {
    case "GELE":
      return low <= v && v <= high;
    case "GE":
      return v >= low;
    case "LE":
      return v <= low;
    case "EQ":
      return v === low;
    case "NE":
      return v !== low;
    case "LT":
      return v < low;
    case "GT":
      return v > low;
    case "GTLT":
      return low < v && v < high;
    case "GTLE":
      return low < v && v <= high;
    case "GELT":
      return low <= v && v < high;
    case "LTGT":
      return v < low || v > high;
    case "LTGE":
      return v < low || v >= high;
    case "LEGT":
      return v <= low || v > high;
    case "LEGE":
      return v <= low || v >= high;
    default:
      return false;
  }
}

function compareText(op: CompOp, value: string, limit: string): boolean | null {
  switch (op) {
    case "EQ":
    case "CASESENSIT":
      return value === limit;
    case "NE":
      return value !== limit;
    case "IGNORECASE":
      return value.toLowerCase() === limit.toLowerCase();
    default:
      return null;
  }
}

/**
 * {@linkcode evaluate} for the common case of numbers against numeric limits, small enough for
 * the engine to fold into a caller that evaluates every step.
 *
 * @param op The operator.
 * @param value The measured value.
 * @param low The low limit.
 * @param high The high limit.
 * @returns What {@linkcode evaluate} answers, or `undefined` when the operator has no limits or
 * a value is not a number (ask {@linkcode evaluate}).
 *
 * @category Report model
 */
export function evaluateNumbers(
  op: CompOp,
  value: unknown,
  low: unknown,
  high: unknown,
): boolean | undefined {
  if (typeof value !== "number" || typeof low !== "number") return undefined;
  const limits = limitCount(op);
  if (limits === 1) return value === value && low === low && compareNumbers(op, value, low, 0);
  if (limits === 2 && typeof high === "number") {
    return value === value && low === low && high === high && compareNumbers(op, value, low, high);
  }
  return undefined;
}

/**
 * Decides whether a value passes an operator's limits.
 *
 * Numeric comparison applies when the value or a limit is a number; `"NaN"`, `"Inf"` and `"-Inf"`
 * then count as those numbers. Text compares with text: `EQ`/`CASESENSIT` exactly, `NE` as its
 * negation, `IGNORECASE` without regard to case (the string-step operators use `low` as the
 * limit).
 *
 * @param op The comparison operator.
 * @param value The measured value.
 * @param low The low limit, which is the only limit of single-limit operators.
 * @param high The high limit of two-limit operators.
 * @returns `true` (pass), `false` (fail) or `null` when the client does not evaluate: `EQT`, a
 * missing limit, or an operator that does not fit the value (`GT` on text).
 *
 * @example Evaluate numeric and string limits
 * ```ts
 * import assert from "node:assert/strict";
 * import { evaluate } from "@wats/toolkit";
 *
 * assert.equal(evaluate("GELE", 5, 4.5, 5.5), true);
 * assert.equal(evaluate("LT", 5, 5), false); // single-limit operators use the low limit
 * assert.equal(evaluate("GE", NaN, 0), false); // NaN never passes a comparison
 * assert.equal(evaluate("LOG", NaN), true);
 * assert.equal(evaluate("IGNORECASE", "Pass", "PASS"), true);
 * assert.equal(evaluate("EQT", 1, 1), null); // not evaluated client-side
 * ```
 *
 * @category Reports
 */
export function evaluate(
  op: CompOp,
  value: Comparable,
  low?: Comparable | null,
  high?: Comparable | null,
): boolean | null {
  const quick = evaluateNumbers(op, value, low, high);
  if (quick !== undefined) return quick;
  if (op === "LOG") return true;
  if (op === "EQT") return null;
  if (low === undefined || low === null) return null;
  if (op === "CASESENSIT" || op === "IGNORECASE") {
    return compareText(op, String(value), String(low));
  }
  const numeric = typeof value === "number" || typeof low === "number" ||
    typeof high === "number";
  if (!numeric) return typeof value === "string" ? compareText(op, value, String(low)) : null;
  const v = toNumber(value);
  const l = toNumber(low);
  if (v === undefined || l === undefined) return null;
  const limits = limitCount(op);
  const h = limits === 2 ? toNumber(high) : 0;
  if (h === undefined) return null;
  if (Number.isNaN(v) || Number.isNaN(l) || Number.isNaN(h)) return false;
  return compareNumbers(op, v, l, h);
}
