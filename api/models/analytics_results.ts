/**
 * What the analytics routes answer: yield rows, top failed steps, repair statistics and history,
 * OEE. Step analysis and measurements are in `measurement_results.ts`, unit flow in `unit_flow.ts`.
 *
 * Yields and rates are percentages (0–100). Step paths use `¶` between steps.
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
 * One row of a yield query (dynamic, volume, worst, high volume).
 *
 * @category Analytics
 */
export interface YieldData {
  /** Part number, when grouped by it. */
  partNumber?: string | null;
  /** Revision, when grouped by it. */
  revision?: string | null;
  /** Product name. */
  productName?: string | null;
  /** Product group. */
  productGroup?: string | null;
  /** Station name. */
  stationName?: string | null;
  /** Test operation. */
  testOperation?: string | null;
  /** Start of the period, when grouped by `period`. */
  period?: string | null;
  /** Units tested. */
  unitCount?: number | null;
  /** Units that passed on the first run. */
  fpCount?: number | null;
  /** Units that passed within two runs. */
  spCount?: number | null;
  /** Units that passed within three runs. */
  tpCount?: number | null;
  /** Units whose last run passed. */
  lpCount?: number | null;
  /** First-pass yield, percent. */
  fpy?: number | null;
  /** Second-pass yield, percent. */
  spy?: number | null;
  /** Third-pass yield, percent. */
  tpy?: number | null;
  /** Last-pass yield, percent. */
  lpy?: number | null;
  /** Keys the server sent beyond these (other dimensions and KPIs). */
  [key: string]: unknown;
}

const yieldData: z.ZodType<YieldData> = z.looseObject({
  partNumber: str,
  revision: str,
  productName: str,
  productGroup: str,
  stationName: str,
  testOperation: str,
  period: str,
  unitCount: int,
  fpCount: int,
  spCount: int,
  tpCount: int,
  lpCount: int,
  fpy: num,
  spy: num,
  tpy: num,
  lpy: num,
});

/**
 * Validates a list of {@linkcode YieldData}.
 *
 * @category Analytics
 */
export const YieldDataListSchema: Schema<YieldData[]> = z.array(yieldData);

/**
 * A step that failed units, with how often.
 *
 * @category Analytics
 */
export interface TopFailedStep {
  /** Step name. */
  stepName?: string | null;
  /** Step path, `¶` between steps. */
  stepPath?: string | null;
  /** Step type, e.g. `ET_NLT`. */
  stepType?: string | null;
  /** Step group: Setup, Main or Cleanup. */
  stepGroup?: string | null;
  /** Part number. */
  partNumber?: string | null;
  /** Revision. */
  revision?: string | null;
  /** Product group. */
  productGroup?: string | null;
  /** Times the step failed. */
  failCount?: number | null;
  /** Times the step ran. */
  totalCount?: number | null;
  /** Failures per run, percent. */
  failRate?: number | null;
  /** First failure (UTC). */
  firstFailDate?: string | null;
  /** Latest failure (UTC). */
  lastFailDate?: string | null;
  /** Keys the server sent beyond these. */
  [key: string]: unknown;
}

const topFailedStep: z.ZodType<TopFailedStep> = z.looseObject({
  stepName: str,
  stepPath: str,
  stepType: str,
  stepGroup: str,
  partNumber: str,
  revision: str,
  productGroup: str,
  failCount: int,
  totalCount: int,
  failRate: num,
  firstFailDate: str,
  lastFailDate: str,
});

/**
 * Validates a list of {@linkcode TopFailedStep}s.
 *
 * @category Analytics
 */
export const TopFailedStepListSchema: Schema<TopFailedStep[]> = z.array(topFailedStep);

/**
 * One row of the repair statistics: the requested dimensions plus counts.
 *
 * @category Analytics
 */
export interface RepairStatistics {
  /** UUR reports in the row. */
  repairReportCount?: number | null;
  /** Failures repaired in the row. */
  repairCount?: number | null;
  /** Units tested in the row's scope. */
  totalCount?: number | null;
  /** Repaired units per unit tested, percent. */
  repairRate?: number | null;
  /** Failure code, when grouped by it. */
  failCode?: string | null;
  /** Repair code, when grouped by it. */
  repairCode?: string | null;
  /** The dimension columns and keys the server sent beyond these. */
  [key: string]: unknown;
}

const repairStatistics: z.ZodType<RepairStatistics> = z.looseObject({
  repairReportCount: int,
  repairCount: int,
  totalCount: int,
  repairRate: num,
  failCode: str,
  repairCode: str,
});

/**
 * Validates a list of {@linkcode RepairStatistics}.
 *
 * @category Analytics
 */
export const RepairStatisticsListSchema: Schema<RepairStatistics[]> = z.array(repairStatistics);

/**
 * One repaired failure of a part number and revision.
 *
 * @category Analytics
 */
export interface RepairHistoryRecord {
  /** Serial number. */
  serialNumber?: string | null;
  /** Part number. */
  partNumber?: string | null;
  /** Revision. */
  revision?: string | null;
  /** The UUR report id. */
  reportId?: string | null;
  /** When the repair was made (UTC). */
  repairDate?: string | null;
  /** The step that failed the unit. */
  failStepName?: string | null;
  /** Its path. */
  failStepPath?: string | null;
  /** Failure code. */
  failCode?: string | null;
  /** Repair code (failure category). */
  repairCode?: string | null;
  /** Component reference. */
  componentRef?: string | null;
  /** Keys the server sent beyond these. */
  [key: string]: unknown;
}

const repairHistoryRecord: z.ZodType<RepairHistoryRecord> = z.looseObject({
  serialNumber: str,
  partNumber: str,
  revision: str,
  reportId: str,
  repairDate: str,
  failStepName: str,
  failStepPath: str,
  failCode: str,
  repairCode: str,
  componentRef: str,
});

/**
 * Validates a list of {@linkcode RepairHistoryRecord}s.
 *
 * @category Analytics
 */
export const RepairHistoryListSchema: Schema<RepairHistoryRecord[]> = z.array(
  repairHistoryRecord,
);

/**
 * Overall equipment effectiveness over the filter's scope.
 *
 * @category Analytics
 */
export interface OeeAnalysisResult {
  /** Availability × performance × quality, percent. */
  oee?: number | null;
  /** Run time per planned time, percent. */
  availability?: number | null;
  /** Ideal cycle time × count per run time, percent. */
  performance?: number | null;
  /** Good count per total count, percent. */
  quality?: number | null;
  /** Seconds in the scope. */
  totalTime?: number | null;
  /** Seconds spent testing. */
  runTime?: number | null;
  /** Planned seconds not spent testing. */
  downTime?: number | null;
  /** Planned production seconds. */
  plannedProductionTime?: number | null;
  /** Tests run. */
  totalCount?: number | null;
  /** Tests passed. */
  goodCount?: number | null;
  /** Tests not passed. */
  rejectCount?: number | null;
  /** Shortest cycle, seconds. */
  idealCycleTime?: number | null;
  /** Mean cycle, seconds. */
  actualCycleTime?: number | null;
  /** Period. */
  period?: string | null;
  /** Part number. */
  partNumber?: string | null;
  /** Station name. */
  stationName?: string | null;
  /** Keys the server sent beyond these. */
  [key: string]: unknown;
}

const oeeAnalysisResult: z.ZodType<OeeAnalysisResult> = z.looseObject({
  oee: num,
  availability: num,
  performance: num,
  quality: num,
  totalTime: num,
  runTime: num,
  downTime: num,
  plannedProductionTime: num,
  totalCount: int,
  goodCount: int,
  rejectCount: int,
  idealCycleTime: num,
  actualCycleTime: num,
  period: str,
  partNumber: str,
  stationName: str,
});

/**
 * Validates an {@linkcode OeeAnalysisResult}.
 *
 * @category Analytics
 */
export const OeeAnalysisResultSchema: Schema<OeeAnalysisResult> = oeeAnalysisResult;
