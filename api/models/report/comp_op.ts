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
 * import { COMP_OPS, limitCount } from "./mod.ts";
 * const twoLimit = COMP_OPS.filter((op) => limitCount(op) === 2); // GTLT … LEGE
 * ```
 */
export const COMP_OPS: readonly [
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
] = [
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
];

/** A comparison operator. */
export type CompOp = typeof COMP_OPS[number];

/** The operators a numeric measurement may use. */
export type NumericCompOp = Exclude<CompOp, "CASESENSIT" | "IGNORECASE">;

/** The operators a string measurement may use. */
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

const LIMITS: Readonly<Record<CompOp, 0 | 1 | 2>> = {
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
 * import { limitCount } from "./mod.ts";
 * limitCount("GELE"); // 2
 * limitCount("LT"); // 1: single-limit operators use lowLimit
 * ```
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

/** @internal The zod form of {@linkcode CompOpSchema}. */
export const compOp: z.ZodType<CompOp> = folded(
  z.enum(COMP_OPS),
  foldCase,
  (input) =>
    `Unknown comparison operator ${JSON.stringify(input)}; expected one of ${COMP_OPS.join(", ")}`,
);

/** @internal Operators allowed on a numeric measurement. */
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

/** @internal Operators allowed on a string measurement. */
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
 * import { CompOpSchema } from "./mod.ts";
 * CompOpSchema.parse("IgnoreCase"); // "IGNORECASE"
 * ```
 */
export const CompOpSchema: Schema<CompOp> = compOp;
