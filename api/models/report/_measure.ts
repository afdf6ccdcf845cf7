/**
 * Measurements as the builder writes them: statuses evaluated, names made unique, non-finite
 * values as tokens.
 *
 * @module
 */
import { foldNonFinite } from "./_primitives.ts";
import { limitCount, type StringCompOp } from "./comp_op.ts";
import { evaluate } from "./evaluate.ts";
import type { NumericMeasurement, NumericValue, StringMeasurement } from "./measurements.ts";
import type { StepStatus } from "./status.ts";
import type { NumericMeasurementInput } from "./step_options.ts";

function decode(value: number | NumericValue | undefined): number | undefined {
  if (value === "NaN") return NaN;
  if (value === "Inf") return Infinity;
  if (value === "-Inf") return -Infinity;
  return value;
}

/** Makes names unique by suffixing repeats with ` #2`, ` #3` … (as pyWATS does). */
export function uniqueNames<T extends { name: string }>(items: readonly T[]): T[] {
  const counts = new Map<string, number>();
  return items.map((item) => {
    const seen = (counts.get(item.name) ?? 0) + 1;
    counts.set(item.name, seen);
    return seen === 1 ? item : { ...item, name: `${item.name} #${seen}` };
  });
}

function verdict(name: string, passed: boolean | null, op: string): StepStatus {
  if (passed === null) {
    throw new TypeError(`Step ${JSON.stringify(name)}: ${op} is not evaluated here; give a status`);
  }
  return passed ? "P" : "F";
}

/** A numeric measurement with its status evaluated unless given; throws when it cannot be. */
export function numericMeasurement(
  step: string,
  name: string | null,
  value: number | NumericValue,
  options: Omit<NumericMeasurementInput, "name" | "value">,
): NumericMeasurement {
  const op = options.compOp ?? "LOG";
  const limits = limitCount(op);
  // The option types already require these limits; this is for callers without the types.
  if (limits >= 1 && options.low === undefined) {
    throw new TypeError(`Step ${JSON.stringify(step)}: ${op} compares against low; give one`);
  }
  if (limits === 2 && options.high === undefined) {
    throw new TypeError(`Step ${JSON.stringify(step)}: ${op} needs high as well as low`);
  }
  const status = options.status ??
    verdict(
      step,
      evaluate(op, decode(value) ?? NaN, decode(options.low), decode(options.high)),
      op,
    );
  const m: NumericMeasurement = { status, value: foldNonFinite(value) as NumericValue };
  if (name !== null) m.name = name;
  m.unit = options.unit ?? "NA";
  m.compOp = op;
  if (limits >= 1) m.lowLimit = foldNonFinite(options.low) as NumericValue;
  if (limits === 2) m.highLimit = foldNonFinite(options.high) as NumericValue;
  return m;
}

/** A string measurement with its status evaluated unless given; throws when it cannot be. */
export function stringMeasurement(
  step: string,
  name: string | null,
  value: string,
  options: { compOp?: StringCompOp; limit?: string; status?: StepStatus },
): StringMeasurement {
  const op = options.compOp ?? "LOG";
  if (op !== "LOG" && options.limit === undefined) {
    throw new TypeError(`Step ${JSON.stringify(step)}: ${op} compares against limit; give one`);
  }
  const status = options.status ?? verdict(step, evaluate(op, value, options.limit), op);
  const m: StringMeasurement = { status, value, compOp: op };
  if (name !== null) m.name = name;
  if (options.limit !== undefined) m.limit = options.limit;
  return m;
}

/** The status a step gets from its measurements: `F` if any failed, else `P`. */
export function measuredStatus(measurements: readonly { status: StepStatus }[]): StepStatus {
  return measurements.some((m) => m.status === "F") ? "F" : "P";
}
