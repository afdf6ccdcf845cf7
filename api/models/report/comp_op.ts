/**
 * Comparison operators of numeric and string measurements (§4.4 of the API spec).
 *
 * Readers accept any letter case (real exports contain `IgnoreCase`); the parsed value is always
 * the upper-case name.
 *
 * @module
 */
import { z } from "zod";
import { folded } from "./_primitives.ts";
import type { Schema } from "./schema.ts";

/**
 * Every comparison operator WATS knows.
 *
 * @example Offer the operators in a form
 * ```ts
 * import assert from "node:assert/strict";
 * import { COMP_OPS, limitCount } from "@wats/toolkit/report";
 *
 * const twoLimit = COMP_OPS.filter((op) => limitCount(op) === 2);
 * assert.ok(twoLimit.includes("GELE"));
 * assert.ok(!twoLimit.includes("LT"));
 * ```
 *
 * @category Report model
 */
export const COMP_OPS = [
  "LOG",
  "EQ",
  "NE",
  "LT",
  "LE",
  "GT",
  "GE",
  "GTLT",
  "GTLE",
  "GELT",
  "GELE",
  "LTGT",
  "LTGE",
  "LEGT",
  "LEGE",
  "EQT",
  "CASESENSIT",
  "IGNORECASE",
] as const;

/**
 * A comparison operator.
 *
 * @category Reports
 */
export type CompOp = (typeof COMP_OPS)[number];

/**
 * The operators a numeric measurement may use.
 *
 * @category Report model
 */
export type NumericCompOp = Exclude<CompOp, "CASESENSIT" | "IGNORECASE">;

/**
 * Numeric operators that compare against no limit: `LOG` (always passes) and `EQT`.
 *
 * @category Report model
 */
export type NoLimitCompOp = "LOG" | "EQT";

/**
 * Numeric operators that compare against one limit, which WATS keeps in `lowLimit`.
 *
 * @category Report model
 */
export type OneLimitCompOp = "EQ" | "NE" | "LT" | "LE" | "GT" | "GE";

/**
 * Numeric operators that compare against a low and a high limit.
 *
 * @category Report model
 */
export type TwoLimitCompOp =
  | "GTLT"
  | "GTLE"
  | "GELT"
  | "GELE"
  | "LTGT"
  | "LTGE"
  | "LEGT"
  | "LEGE";

/**
 * The operators a string measurement may use.
 *
 * @category Report model
 */
export type StringCompOp = "LOG" | "EQ" | "NE" | "CASESENSIT" | "IGNORECASE";

const NUMERIC_OPS = COMP_OPS.filter((op) => op !== "CASESENSIT" && op !== "IGNORECASE") as [
  NumericCompOp,
  ...NumericCompOp[],
];
const STRING_OPS: [StringCompOp, ...StringCompOp[]] = [
  "LOG",
  "EQ",
  "NE",
  "CASESENSIT",
  "IGNORECASE",
];
const KNOWN: ReadonlySet<string> = new Set(COMP_OPS);

// Typed by the operator groups as well, so the table and the types cannot drift apart.
const LIMITS:
  & Readonly<Record<CompOp, 0 | 1 | 2>>
  & Readonly<Record<NoLimitCompOp, 0>>
  & Readonly<Record<OneLimitCompOp, 1>>
  & Readonly<Record<TwoLimitCompOp, 2>> = {
    LOG: 0,
    EQ: 1,
    NE: 1,
    LT: 1,
    LE: 1,
    GT: 1,
    GE: 1,
    GTLT: 2,
    GTLE: 2,
    GELT: 2,
    GELE: 2,
    LTGT: 2,
    LTGE: 2,
    LEGT: 2,
    LEGE: 2,
    EQT: 0,
    CASESENSIT: 0,
    IGNORECASE: 0,
  };

// A map rather than the record: a record read by a varying key is a slow (megamorphic) lookup, and
// the report schema asks this for every numeric measurement.
const LIMIT_COUNTS: ReadonlyMap<string, 0 | 1 | 2> = new Map(Object.entries(LIMITS));

/**
 * How many numeric limits an operator compares against.
 *
 * @param op The operator.
 * @returns 0 (`LOG`, `EQT`, the string operators), 1 (`lowLimit` only) or 2 (both limits).
 *
 * @example Count limits
 * ```ts
 * import assert from "node:assert/strict";
 * import { limitCount } from "@wats/toolkit/report";
 *
 * assert.equal(limitCount("GELE"), 2);
 * assert.equal(limitCount("LT"), 1); // single-limit operators use lowLimit
 * ```
 *
 * @category Report model
 */
export function limitCount(op: CompOp): 0 | 1 | 2 {
  // Neighbouring measurements mostly share their operator: one comparison instead of a lookup.
  if (op !== lastOp) {
    lastCount = LIMIT_COUNTS.get(op) as 0 | 1 | 2;
    lastOp = op;
  }
  return lastCount;
}

let lastOp: string | undefined;
let lastCount: 0 | 1 | 2 = 0;

function foldCase(value: unknown): unknown {
  return typeof value === "string" ? value.toUpperCase() : value;
}

function isKnown(input: unknown): boolean {
  return typeof input === "string" && KNOWN.has(input.toUpperCase());
}

/**
 * @internal The zod form of {@linkcode CompOpSchema}.
 *
 * @category Report model
 */
export const compOp: z.ZodType<CompOp> = folded(
  z.enum(COMP_OPS),
  foldCase,
  (input) =>
    `Unknown comparison operator ${JSON.stringify(input)}; expected one of ${COMP_OPS.join(", ")}`,
);

/**
 * @internal Operators allowed on a numeric measurement.
 *
 * @category Report model
 */
export const numericCompOp: z.ZodType<NumericCompOp> = folded(
  z.enum(NUMERIC_OPS),
  foldCase,
  (input) =>
    isKnown(input)
      ? `${input} compares strings; a numeric measurement uses ${NUMERIC_OPS.join(", ")}`
      : `Unknown comparison operator ${JSON.stringify(input)}; expected one of ${
        NUMERIC_OPS.join(", ")
      }`,
);

/**
 * @internal Operators allowed on a string measurement.
 *
 * @category Report model
 */
export const stringCompOp: z.ZodType<StringCompOp> = folded(
  z.enum(STRING_OPS),
  foldCase,
  (input) =>
    `${isKnown(input) ? "Not a string operator" : "Unknown comparison operator"} ${
      JSON.stringify(input)
    }; a string measurement uses ${STRING_OPS.join(", ")}`,
);

/**
 * Schema of a comparison operator; any letter case is read, the upper-case name is returned.
 *
 * @example Read an operator in an export's spelling
 * ```ts
 * import assert from "node:assert/strict";
 * import { CompOpSchema } from "@wats/toolkit/report";
 *
 * assert.equal(CompOpSchema.parse("IgnoreCase"), "IGNORECASE");
 * ```
 *
 * @category Report model
 */
export const CompOpSchema: Schema<CompOp> = compOp;
