/**
 * Measurements of numeric, pass/fail and string-value steps.
 *
 * On the wire the measurements of a step are always an array (`numericMeas: [M]`), even for
 * single steps; readers also accept a bare object. Numeric values and limits are numbers, or the
 * strings `"NaN"`, `"Inf"` and `"-Inf"` for non-finite values (JSON has no such numbers). The
 * limits a measurement needs follow its operator: single-limit operators use `lowLimit` only.
 *
 * @module
 */
import { z } from "zod";
import {
  limitCount,
  type NumericCompOp,
  numericCompOp,
  type StringCompOp,
  stringCompOp,
} from "./comp_op.ts";
import { bool, numericValue, text } from "./_primitives.ts";
import { markFieldCheck } from "./_fixed_point.ts";
import type { Schema } from "./schema.ts";
import { type StepStatus, stepStatus } from "./status.ts";

/**
 * A numeric value or limit: a finite number or `"NaN"`, `"Inf"`, `"-Inf"`.
 *
 * @category Report model
 */
export type NumericValue = number | "NaN" | "Inf" | "-Inf";

/**
 * A measurement of a numeric limit step (`numericMeas[]`).
 *
 * @category Reports
 */
export interface NumericMeasurement {
  /** Measurement name: `null` in single steps, unique within multi steps. */
  name?: string | null;
  /** Measurement status. */
  status: StepStatus;
  /** The measured value. */
  value?: NumericValue | null;
  /** Display format of the value (a .NET format string). */
  valueFormat?: string | null;
  /** Unit of the value; the client default is `"NA"`. */
  unit?: string | null;
  /** Comparison operator; absent means `LOG`. */
  compOp?: NumericCompOp | null;
  /** The low limit, and the only limit of single-limit operators. */
  lowLimit?: NumericValue | null;
  /** Display format of the low limit. */
  lowLimitFormat?: string | null;
  /** The high limit of two-limit operators; `null` otherwise. */
  highLimit?: NumericValue | null;
  /** Display format of the high limit. */
  highLimitFormat?: string | null;
  /** Keys this model does not know, kept as they came. */
  [key: string]: unknown;
}

/**
 * A measurement of a pass/fail step (`booleanMeas[]`).
 *
 * @category Reports
 */
export interface BooleanMeasurement {
  /** Measurement name: `null` in single steps, unique within multi steps. */
  name?: string | null;
  /** Measurement status. */
  status: StepStatus;
  /** The boolean outcome, when sent (server exports carry only the status). */
  value?: boolean | null;
  /** Keys this model does not know, kept as they came. */
  [key: string]: unknown;
}

/**
 * A measurement of a string-value step (`stringMeas[]`).
 *
 * @category Reports
 */
export interface StringMeasurement {
  /** Measurement name: `null` in single steps, unique within multi steps. */
  name?: string | null;
  /** Measurement status. */
  status: StepStatus;
  /** The measured text. */
  value?: string | null;
  /** Comparison operator; absent means `LOG`. */
  compOp?: StringCompOp | null;
  /** The text compared against. */
  limit?: string | null;
  /** Keys this model does not know, kept as they came. */
  [key: string]: unknown;
}

const measurementName = text(100).nullish();

/**
 * @internal The zod form of {@linkcode NumericMeasurementSchema}.
 *
 * @category Report model
 */
export const numericMeasurement: z.ZodType<NumericMeasurement> = z.looseObject({
  name: measurementName,
  status: stepStatus,
  value: numericValue.nullish(),
  valueFormat: z.string().nullish(),
  unit: text(100).nullish(),
  compOp: numericCompOp.nullish(),
  lowLimit: numericValue.nullish(),
  lowLimitFormat: z.string().nullish(),
  highLimit: numericValue.nullish(),
  highLimitFormat: z.string().nullish(),
}).check(checkLimits);

/** Whether a numeric measurement's limits fit its operator: what {@linkcode checkLimits} checks. */
function limitsFit(
  compOp: NumericCompOp | null | undefined,
  lowLimit: unknown,
  highLimit: unknown,
): boolean {
  const limits = limitCount(compOp ?? "LOG");
  if (limits === 0) return true;
  const low = lowLimit !== undefined && lowLimit !== null;
  const high = highLimit !== undefined && highLimit !== null;
  return limits === 1 ? low && !high : low && high;
}

function checkLimits(ctx: { value: NumericMeasurement; issues: z.core.$ZodRawIssue[] }): void {
  const m = ctx.value;
  if (limitsFit(m.compOp, m.lowLimit, m.highLimit)) return;
  const op = m.compOp ?? "LOG";
  const limits = limitCount(op);
  if (limits >= 1 && (m.lowLimit === undefined || m.lowLimit === null)) {
    ctx.issues.push({
      code: "custom",
      message: `${op} compares against lowLimit, which is missing`,
      path: ["lowLimit"],
      input: m.lowLimit,
    });
  }
  if (limits === 2 && (m.highLimit === undefined || m.highLimit === null)) {
    ctx.issues.push({
      code: "custom",
      message: `${op} needs a highLimit, which is missing`,
      path: ["highLimit"],
      input: m.highLimit,
    });
  }
  if (limits === 1 && m.highLimit !== undefined && m.highLimit !== null) {
    ctx.issues.push({
      code: "custom",
      message: `${op} compares against lowLimit only; highLimit must be null`,
      path: ["highLimit"],
      input: m.highLimit,
    });
  }
}
markFieldCheck(checkLimits, ["compOp", "lowLimit", "highLimit"], limitsFit);

/**
 * @internal The zod form of {@linkcode BooleanMeasurementSchema}.
 *
 * @category Report model
 */
export const booleanMeasurement: z.ZodType<BooleanMeasurement> = z.looseObject({
  name: measurementName,
  status: stepStatus,
  value: bool.nullish(),
});

/**
 * @internal The zod form of {@linkcode StringMeasurementSchema}.
 *
 * @category Report model
 */
export const stringMeasurement: z.ZodType<StringMeasurement> = z.looseObject({
  name: measurementName,
  status: stepStatus,
  value: z.string().nullish(),
  compOp: stringCompOp.nullish(),
  limit: z.string().nullish(),
}).check((ctx) => {
  const m = ctx.value;
  const op = m.compOp ?? "LOG";
  if (op !== "LOG" && (m.limit === undefined || m.limit === null)) {
    ctx.issues.push({
      code: "custom",
      message: `${op} compares against limit, which is missing`,
      path: ["limit"],
      input: m.limit,
    });
  }
});

/**
 * Schema of a numeric measurement; checks that the limits fit the operator.
 *
 * @example Validate a numeric measurement
 * ```ts
 * import assert from "node:assert/strict";
 * import { NumericMeasurementSchema } from "@wats/toolkit/report";
 *
 * const meas = NumericMeasurementSchema.parse({
 *   status: "P",
 *   value: 5.02,
 *   unit: "V",
 *   compOp: "GELE",
 *   lowLimit: 4.9,
 *   highLimit: 5.1,
 * });
 * assert.equal(meas.value, 5.02);
 * // GT needs a lowLimit
 * assert.equal(NumericMeasurementSchema.safeParse({ status: "P", value: 1, compOp: "GT" }).success, false);
 * ```
 *
 * @category Report model
 */
export const NumericMeasurementSchema: Schema<NumericMeasurement> = numericMeasurement;

/**
 * Schema of a pass/fail measurement.
 *
 * @example Validate a pass/fail measurement
 * ```ts
 * import assert from "node:assert/strict";
 * import { BooleanMeasurementSchema } from "@wats/toolkit/report";
 *
 * assert.equal(BooleanMeasurementSchema.parse({ name: "LED red", status: "P" }).status, "P");
 * ```
 *
 * @category Report model
 */
export const BooleanMeasurementSchema: Schema<BooleanMeasurement> = booleanMeasurement;

/**
 * Schema of a string measurement; operators other than `LOG` need a `limit`.
 *
 * @example Validate a string measurement
 * ```ts
 * import assert from "node:assert/strict";
 * import { StringMeasurementSchema } from "@wats/toolkit/report";
 *
 * const meas = StringMeasurementSchema.parse({
 *   status: "P",
 *   value: "1.2.0",
 *   compOp: "CASESENSIT",
 *   limit: "1.2.0",
 * });
 * assert.equal(meas.limit, "1.2.0");
 * ```
 *
 * @category Report model
 */
export const StringMeasurementSchema: Schema<StringMeasurement> = stringMeasurement;
