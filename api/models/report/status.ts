/**
 * Status letters of steps and measurements, report results and step groups.
 *
 * @module
 */
import { z } from "zod";
import type { Schema } from "./schema.ts";

/**
 * Step and measurement statuses: Passed, Failed, Skipped, Done, Error, Terminated.
 *
 * @example List the statuses
 * ```ts
 * import { STEP_STATUSES } from "./mod.ts";
 * STEP_STATUSES.includes("S"); // true
 * ```
 */
export const STEP_STATUSES: readonly ["P", "F", "S", "D", "E", "T"] = [
  "P",
  "F",
  "S",
  "D",
  "E",
  "T",
];

/** A step or measurement status letter. */
export type StepStatus = typeof STEP_STATUSES[number];

/**
 * Report results: Passed, Failed, Done, Error, Terminated (a report is never Skipped).
 *
 * @example List the results
 * ```ts
 * import { REPORT_RESULTS } from "./mod.ts";
 * REPORT_RESULTS.join(""); // "PFDET"
 * ```
 */
export const REPORT_RESULTS: readonly ["P", "F", "D", "E", "T"] = ["P", "F", "D", "E", "T"];

/** A report result letter. */
export type ReportResult = typeof REPORT_RESULTS[number];

/**
 * Step groups: Setup, Main, Cleanup.
 *
 * @example List the groups
 * ```ts
 * import { STEP_GROUPS } from "./mod.ts";
 * STEP_GROUPS; // ["S", "M", "C"]
 * ```
 */
export const STEP_GROUPS: readonly ["S", "M", "C"] = ["S", "M", "C"];

/** A step group letter. */
export type StepGroup = typeof STEP_GROUPS[number];

/** @internal The zod form of {@linkcode StepStatusSchema}. */
export const stepStatus: z.ZodType<StepStatus> = z.enum(STEP_STATUSES);

/** @internal The zod form of {@linkcode ReportResultSchema}. */
export const reportResult: z.ZodType<ReportResult> = z.enum(REPORT_RESULTS);

/** @internal The zod form of a step group. */
export const stepGroup: z.ZodType<StepGroup> = z.enum(STEP_GROUPS);

/**
 * Schema of a step or measurement status letter.
 *
 * @example Check a status
 * ```ts
 * import { StepStatusSchema } from "./mod.ts";
 * StepStatusSchema.parse("F"); // "F"
 * ```
 */
export const StepStatusSchema: Schema<StepStatus> = stepStatus;

/**
 * Schema of a report result letter.
 *
 * @example Check a result
 * ```ts
 * import { ReportResultSchema } from "./mod.ts";
 * ReportResultSchema.safeParse("S").success; // false: a report is never skipped
 * ```
 */
export const ReportResultSchema: Schema<ReportResult> = reportResult;
