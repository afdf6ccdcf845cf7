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
 * import assert from "node:assert/strict";
 * import { STEP_STATUSES } from "@wats/toolkit/report";
 *
 * assert.ok(STEP_STATUSES.includes("S"));
 * ```
 *
 * @category Report model
 */
export const STEP_STATUSES = ["P", "F", "S", "D", "E", "T"] as const;

/**
 * A step or measurement status letter.
 *
 * @category Reports
 */
export type StepStatus = (typeof STEP_STATUSES)[number];

/**
 * Report results: Passed, Failed, Done, Error, Terminated (a report is never Skipped).
 *
 * @example List the results
 * ```ts
 * import assert from "node:assert/strict";
 * import { REPORT_RESULTS } from "@wats/toolkit/report";
 *
 * assert.equal(REPORT_RESULTS.join(""), "PFDET");
 * ```
 *
 * @category Report model
 */
export const REPORT_RESULTS = ["P", "F", "D", "E", "T"] as const;

/**
 * A report result letter.
 *
 * @category Reports
 */
export type ReportResult = (typeof REPORT_RESULTS)[number];

/**
 * Step groups: Setup, Main, Cleanup.
 *
 * @example List the groups
 * ```ts
 * import assert from "node:assert/strict";
 * import { STEP_GROUPS } from "@wats/toolkit/report";
 *
 * assert.deepEqual(STEP_GROUPS, ["S", "M", "C"]);
 * ```
 *
 * @category Report model
 */
export const STEP_GROUPS = ["S", "M", "C"] as const;

/**
 * A step group letter.
 *
 * @category Report model
 */
export type StepGroup = (typeof STEP_GROUPS)[number];

/**
 * @internal The zod form of {@linkcode StepStatusSchema}.
 *
 * @category Report model
 */
export const stepStatus: z.ZodType<StepStatus> = z.enum(STEP_STATUSES);

/**
 * @internal The zod form of {@linkcode ReportResultSchema}.
 *
 * @category Report model
 */
export const reportResult: z.ZodType<ReportResult> = z.enum(REPORT_RESULTS);

/**
 * @internal The zod form of a step group.
 *
 * @category Report model
 */
export const stepGroup: z.ZodType<StepGroup> = z.enum(STEP_GROUPS);

/**
 * Schema of a step or measurement status letter.
 *
 * @example Check a status
 * ```ts
 * import assert from "node:assert/strict";
 * import { StepStatusSchema } from "@wats/toolkit/report";
 *
 * assert.equal(StepStatusSchema.parse("F"), "F");
 * ```
 *
 * @category Report model
 */
export const StepStatusSchema: Schema<StepStatus> = stepStatus;

/**
 * Schema of a report result letter.
 *
 * @example Check a result
 * ```ts
 * import assert from "node:assert/strict";
 * import { ReportResultSchema } from "@wats/toolkit/report";
 *
 * assert.equal(ReportResultSchema.safeParse("S").success, false); // a report is never skipped
 * ```
 *
 * @category Report model
 */
export const ReportResultSchema: Schema<ReportResult> = reportResult;
