/**
 * What the step and measurement analytics answer: the test-step analysis, measured values and
 * their statistics.
 *
 * Step paths use `¶` between steps; a measurement of a multi-measurement step is `path¶¶name`.
 * Every field but the identity of a row may be `null`; unknown keys are kept.
 *
 * @module
 */

import { z } from "zod";
import type { Schema } from "./report/schema.ts";

const num = z.number().nullish();
const int = z.number().int().nullish();
const str = z.string().nullish();

/**
 * Statistics of a step's measurement; each has a `…Wof` twin computed without failures.
 *
 * @category Analytics
 */
export interface MeasurementStatistics {
  /** Smallest value. */
  min?: number | null;
  /** Largest value. */
  max?: number | null;
  /** Mean. */
  avg?: number | null;
  /** Sample standard deviation. */
  stdev?: number | null;
  /** Sample variance. */
  var?: number | null;
  /** Process capability index, min(cpLower, cpUpper). */
  cpk?: number | null;
  /** Process capability, (high − low) / 6σ. */
  cp?: number | null;
  /** (mean − low) / 3σ. */
  cpLower?: number | null;
  /** (high − mean) / 3σ. */
  cpUpper?: number | null;
  /** Mean + 3σ. */
  sigmaHigh3?: number | null;
  /** Mean − 3σ. */
  sigmaLow3?: number | null;
}

/**
 * One row of the test-step analysis: a step, or one measurement of a multi-measurement step.
 *
 * @category Analytics
 */
export interface StepAnalysisRow extends MeasurementStatistics {
  /** Step name. */
  stepName?: string | null;
  /** Step path, `¶` between steps. */
  stepPath?: string | null;
  /** Step type. */
  stepType?: string | null;
  /** Step group. */
  stepGroup?: string | null;
  /** Times the step ran. */
  stepCount?: number | null;
  /** Runs that passed. */
  stepPassedCount?: number | null;
  /** Runs that were done (no verdict). */
  stepDoneCount?: number | null;
  /** Runs that were skipped. */
  stepSkippedCount?: number | null;
  /** Runs that failed. */
  stepFailedCount?: number | null;
  /** Runs that ended in error. */
  stepErrorCount?: number | null;
  /** Runs that were terminated. */
  stepTerminatedCount?: number | null;
  /** Runs with another status. */
  stepOtherCount?: number | null;
  /** Reports this step failed. */
  stepCausedUutFailed?: number | null;
  /** Reports this step put in error. */
  stepCausedUutError?: number | null;
  /** Reports this step terminated. */
  stepCausedUutTerminated?: number | null;
  /** Low (or only) limit. */
  limit1?: number | null;
  /** High limit. */
  limit2?: number | null;
  /** Comparison operator, e.g. `GELE`. */
  compOperator?: string | null;
  /** Mean step time, seconds. */
  stepTimeAvg?: number | null;
  /** Longest step time, seconds. */
  stepTimeMax?: number | null;
  /** Shortest step time, seconds. */
  stepTimeMin?: number | null;
  /** Measurement name (multi-measurement steps). */
  measureName?: string | null;
  /** Measurements counted. */
  measureCount?: number | null;
  /** Keys the server sent beyond these (the `…Wof` statistics among them). */
  [key: string]: unknown;
}

const stats = {
  min: num,
  max: num,
  avg: num,
  stdev: num,
  var: num,
  cpk: num,
  cp: num,
  cpLower: num,
  cpUpper: num,
  sigmaHigh3: num,
  sigmaLow3: num,
};

const stepAnalysisRow: z.ZodType<StepAnalysisRow> = z.looseObject({
  stepName: str,
  stepPath: str,
  stepType: str,
  stepGroup: str,
  stepCount: int,
  stepPassedCount: int,
  stepDoneCount: int,
  stepSkippedCount: int,
  stepFailedCount: int,
  stepErrorCount: int,
  stepTerminatedCount: int,
  stepOtherCount: int,
  stepCausedUutFailed: int,
  stepCausedUutError: int,
  stepCausedUutTerminated: int,
  limit1: num,
  limit2: num,
  compOperator: str,
  stepTimeAvg: num,
  stepTimeMax: num,
  stepTimeMin: num,
  measureName: str,
  measureCount: int,
  ...stats,
});

/**
 * Validates a list of {@linkcode StepAnalysisRow}s.
 *
 * @category Analytics
 */
export const StepAnalysisRowListSchema: Schema<StepAnalysisRow[]> = z.array(stepAnalysisRow);

/**
 * One measured value of one report.
 *
 * @category Analytics
 */
export interface MeasurementData {
  /** Serial number. */
  serialNumber?: string | null;
  /** Part number. */
  partNumber?: string | null;
  /** Revision. */
  revision?: string | null;
  /** The report id. */
  reportId?: string | null;
  /** Step name. */
  stepName?: string | null;
  /** Step path (with `¶¶name` for a measurement of a multi-measurement step). */
  stepPath?: string | null;
  /** The value. */
  value?: number | null;
  /** Low limit (`limit1` on some servers). */
  limitLow?: number | null;
  /** High limit (`limit2` on some servers). */
  limitHigh?: number | null;
  /** Unit, e.g. `V`. */
  unit?: string | null;
  /** Measurement status word. */
  status?: string | null;
  /** Report start (UTC). */
  startUtc?: string | null;
  /** Keys the server sent beyond these. */
  [key: string]: unknown;
}

const measurementData: z.ZodType<MeasurementData> = z.preprocess(
  (row) => withLimitAliases(row),
  z.looseObject({
    serialNumber: str,
    partNumber: str,
    revision: str,
    reportId: str,
    stepName: str,
    stepPath: str,
    value: num,
    limitLow: num,
    limitHigh: num,
    unit: str,
    status: str,
    startUtc: str,
  }),
);

/** `limit1`/`limit2` are the older names of `limitLow`/`limitHigh`. */
function withLimitAliases(row: unknown): unknown {
  if (!row || typeof row !== "object" || Array.isArray(row)) return row;
  const record = { ...row as Record<string, unknown> };
  if (record.limitLow === undefined && record.limit1 !== undefined) record.limitLow = record.limit1;
  if (record.limitHigh === undefined && record.limit2 !== undefined) {
    record.limitHigh = record.limit2;
  }
  return record;
}

/**
 * Validates a list of {@linkcode MeasurementData}.
 *
 * @category Analytics
 */
export const MeasurementDataListSchema: Schema<MeasurementData[]> = z.array(measurementData);

/**
 * Statistics of one measurement path over many reports.
 *
 * @category Analytics
 */
export interface AggregatedMeasurement extends MeasurementStatistics {
  /** Step name. */
  stepName?: string | null;
  /** Step (measurement) path. */
  stepPath?: string | null;
  /** Part number. */
  partNumber?: string | null;
  /** Revision. */
  revision?: string | null;
  /** Values counted. */
  count?: number | null;
  /** Low limit. */
  limitLow?: number | null;
  /** High limit. */
  limitHigh?: number | null;
  /** Unit. */
  unit?: string | null;
  /** Keys the server sent beyond these. */
  [key: string]: unknown;
}

const aggregatedMeasurement: z.ZodType<AggregatedMeasurement> = z.preprocess(
  (row) => withLimitAliases(row),
  z.looseObject({
    stepName: str,
    stepPath: str,
    partNumber: str,
    revision: str,
    count: int,
    limitLow: num,
    limitHigh: num,
    unit: str,
    ...stats,
  }),
);

/**
 * Validates a list of {@linkcode AggregatedMeasurement}s.
 *
 * @category Analytics
 */
export const AggregatedMeasurementListSchema: Schema<AggregatedMeasurement[]> = z.array(
  aggregatedMeasurement,
);
