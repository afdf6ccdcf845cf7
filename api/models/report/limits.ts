/**
 * The limits of a numeric measurement, typed by its comparison operator: `LOG` (the default) and
 * `EQT` take no limit, the one-limit operators (`EQ`, `NE`, `LT`, `LE`, `GT`, `GE`) take `low`
 * only, since WATS keeps a single limit in `lowLimit`, and the two-limit operators take `low` and
 * `high`. A missing limit or one the operator does not compare against is a type error, so
 * `{ compOp: "LE", high: 0.5 }` does not compile.
 *
 * Operators read from a file are only known at run time: {@linkcode numericLimits} checks them and
 * returns the typed form.
 *
 * @module
 */
import {
  limitCount,
  type NoLimitCompOp,
  type NumericCompOp,
  type OneLimitCompOp,
  type TwoLimitCompOp,
} from "./comp_op.ts";
import type { NumericValue } from "./measurements.ts";

/**
 * An operator that compares against no limit; `LOG` when `compOp` is absent.
 *
 * @category Report model
 */
export interface NoLimits {
  /** `LOG` (the default) or `EQT`. */
  compOp?: NoLimitCompOp;
  /** Not compared against: leave it out. */
  low?: never;
  /** Not compared against: leave it out. */
  high?: never;
}

/**
 * An operator that compares against one limit, `low`.
 *
 * @category Report model
 */
export interface OneLimit {
  /** `EQ`, `NE`, `LT`, `LE`, `GT` or `GE`. */
  compOp: OneLimitCompOp;
  /** The limit (written as `lowLimit`); `"NaN"`, `"Inf"` and `"-Inf"` as in WSJF. */
  low: number | NumericValue;
  /** Not compared against: leave it out. */
  high?: never;
}

/**
 * An operator that compares against a low and a high limit.
 *
 * @category Report model
 */
export interface TwoLimits {
  /** `GELE`, `GTLT` and the other two-limit operators. */
  compOp: TwoLimitCompOp;
  /** The low limit. */
  low: number | NumericValue;
  /** The high limit. */
  high: number | NumericValue;
}

/**
 * A numeric comparison operator with exactly the limits it compares against.
 *
 * @category Report model
 */
export type NumericLimits = NoLimits | OneLimit | TwoLimits;

/**
 * Pairs an operator known only at run time (a file's operator column) with its limits, checked
 * as the builder checks them: a missing limit throws, and a limit the operator does not compare
 * against is dropped, as the builder would not write it.
 *
 * @param compOp The operator; `LOG` when absent.
 * @param low The low limit, or the single limit.
 * @param high The high limit.
 * @returns The operator and the limits it compares against.
 * @throws {TypeError} When the operator needs a limit that is missing.
 *
 * @example Limits from a file's columns
 * ```ts
 * import assert from "node:assert/strict";
 * import { numericLimits } from "@wats/toolkit/report";
 *
 * assert.deepEqual(numericLimits("GE", 4.9, 5.1), { compOp: "GE", low: 4.9 });
 * assert.throws(() => numericLimits("GELE", 4.9), TypeError);
 * ```
 *
 * @category Report model
 */
export function numericLimits(
  compOp: NumericCompOp | undefined,
  low?: number | NumericValue,
  high?: number | NumericValue,
): NumericLimits {
  const op = compOp ?? "LOG";
  const count = limitCount(op);
  if (count === 0) return { compOp: op as NoLimitCompOp };
  if (low === undefined) throw new TypeError(`${op} compares against low; give one`);
  if (count === 1) return { compOp: op as OneLimitCompOp, low };
  if (high === undefined) throw new TypeError(`${op} needs high as well as low`);
  return { compOp: op as TwoLimitCompOp, low, high };
}
