/**
 * Building blocks shared by the report schemas: bounded text, date-times, GUIDs, numeric values
 * that may be non-finite, and the recursion hop that keeps schemas compilable.
 *
 * @module
 */
import { z } from "zod";
import { markStandIn } from "./_fixed_point.ts";

/** A plain object (not an array, not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Text of at most `max` characters (and at least `min`). */
export function text(max: number, min = 0): z.ZodString {
  const schema = z.string().max(max, `Must be at most ${max} characters`);
  return min > 0
    ? schema.min(min, `Must be at least ${min} character${min > 1 ? "s" : ""}`)
    : schema;
}

/** A date-time with offset (`2026-01-30T22:01:41.4707353+01:00`); naive local time is allowed. */
export const dateTime: z.ZodType<string> = z.iso.datetime({
  offset: true,
  local: true,
  error: "Expected a date-time such as 2026-01-30T22:01:41.470+01:00",
});

/** A GUID in the 8-4-4-4-12 hex form. */
export const guid: z.ZodType<string> = z.guid({ error: "Expected a GUID" });

/** A whole number. */
export const int: z.ZodType<number> = z.int({ error: "Expected an integer" });

/** A finite number. */
export const num: z.ZodType<number> = z.number({ error: "Expected a number" });

/** A boolean. */
export const bool: z.ZodType<boolean> = z.boolean({ error: "Expected true or false" });

/** Base64 text, optionally at most `max` characters long. */
export function base64(
  max?: number,
  tooLong = `Must be at most ${max} characters`,
): z.ZodType<string> {
  const schema = z.base64({ error: "Expected base64 data" });
  return max === undefined ? schema : schema.max(max, tooLong);
}

/** The string forms of non-finite numbers on the wire. */
export const NON_FINITE_TOKENS = ["NaN", "Inf", "-Inf"] as const;

const TOKEN_SPELLINGS: ReadonlyMap<string, string> = new Map([
  ["nan", "NaN"],
  ["inf", "Inf"],
  ["+inf", "Inf"],
  ["infinity", "Inf"],
  ["+infinity", "Inf"],
  ["-inf", "-Inf"],
  ["-infinity", "-Inf"],
]);

/** Folds non-finite numbers and the spellings of their tokens to `"NaN"`, `"Inf"`, `"-Inf"`. */
export function foldNonFinite(value: unknown): unknown {
  if (typeof value === "number") {
    if (Number.isFinite(value)) return value;
    return Number.isNaN(value) ? "NaN" : value > 0 ? "Inf" : "-Inf";
  }
  if (typeof value === "string") return TOKEN_SPELLINGS.get(value.toLowerCase()) ?? value;
  return value;
}

/**
 * A schema that reads `fold(input)` with `schema`: what `z.preprocess(fold, schema)` does, built so
 * that the compiled parser calls `fold` directly instead of through a transform (which allocates a
 * context per call). `fold` is not called on `undefined` and must leave `undefined` alone.
 */
export function normalised<T>(
  fold: (input: unknown) => unknown,
  schema: z.ZodType<T>,
): z.ZodType<T> {
  return z.unknown().overwrite(fold).optional().pipe(schema) as unknown as z.ZodType<T>;
}

/**
 * A schema that takes `exact` as it is and otherwise tries `exact` again on `fold(input)`.
 *
 * The common, already normal input passes the first branch without calling `fold`, which keeps
 * the compiled parser free of a transform on every value.
 */
export function folded<T>(
  exact: z.ZodType<T>,
  fold: (input: unknown) => unknown,
  error: (input: unknown) => string,
): z.ZodType<T> {
  return z.union([exact, normalised(fold, exact)], { error: (issue) => error(issue.input) });
}

/** A measured value or limit: a finite number, or `"NaN"`, `"Inf"`, `"-Inf"`. */
export const numericValue: z.ZodType<number | "NaN" | "Inf" | "-Inf"> = folded(
  z.union([z.number(), z.enum(NON_FINITE_TOKENS)]),
  foldNonFinite,
  () => 'Expected a number or one of "NaN", "Inf", "-Inf"',
);

/** A `;`-joined list of numbers, as chart series carry them. */
export const numberList: z.ZodType<string> = z.string().regex(
  /^(?:\s*(?:[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|NaN|[-+]?Inf(?:inity)?)\s*(?:;|$))*$/,
  "Expected numbers joined by ;",
);

/**
 * A schema that validates through `target()` at parse time.
 *
 * Recursive shapes (a step's `steps`, a property's `props`) go through this hop so that no schema
 * refers back to itself: zod's ahead-of-time compiler refuses reference cycles, and the hop keeps
 * every other part of the report compilable. Issues keep their paths.
 */
export function deferred<T>(target: () => z.ZodType<T>): z.ZodType<T> {
  const hop = z.unknown().transform((value, ctx): T => {
    const result = target().safeParse(value);
    if (result.success) return result.data;
    for (const issue of result.error.issues) {
      ctx.issues.push({ code: "custom", message: issue.message, path: issue.path, input: value });
    }
    return z.NEVER;
  });
  markStandIn(hop, target);
  return hop;
}

/**
 * Compiles a schema ahead of time with `z.compile` (zod 4.6 and later), or hands it back as it
 * is on an older zod. Valid input takes the compiled path; invalid input falls back to the regular
 * parser, so issues are the same either way.
 */
export function compileSchema<T>(schema: z.ZodType<T>): z.ZodType<T> {
  const compile = (z as unknown as { compile?: <S>(schema: S) => S }).compile;
  return typeof compile === "function" ? compile(schema) : schema;
}

/** Wraps a single object into an array; leaves arrays, null and undefined alone. */
export function asArray(value: unknown): unknown {
  return isRecord(value) ? [value] : value;
}
