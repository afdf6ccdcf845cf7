/**
 * A WSJF report: a UUT report (`type "T"`) or a UUR report (`type "R"`).
 *
 * @module
 */
import { z } from "zod";
import type { Schema } from "./schema.ts";
import { type UurReport, uurReport } from "./uur.ts";
import { type UutReport, uutReport } from "./uut.ts";

/**
 * A WSJF report, told apart by `type`.
 *
 * @category Reports
 */
export type Report = UutReport | UurReport;

/**
 * @internal The zod form of {@linkcode ReportSchema}.
 *
 * @category Report model
 */
export const report: z.ZodType<Report> = z.discriminatedUnion(
  "type",
  [
    uutReport as z.ZodType<UutReport> & z.core.$ZodTypeDiscriminable,
    uurReport as z.ZodType<UurReport> & z.core.$ZodTypeDiscriminable,
  ],
  {
    error: (issue) =>
      issue.code === "invalid_union" ? 'Expected "T" (UUT) or "R" (UUR)' : undefined,
  },
);

/**
 * Schema of a WSJF report, UUT or UUR by `type`. {@linkcode parseReport} is the fast way to use
 * it and explains failures with paths.
 *
 * @example Tell the kind of a report
 * ```ts
 * import assert from "node:assert/strict";
 * import { ReportSchema } from "@wats/toolkit/report";
 *
 * const result = ReportSchema.safeParse({ type: "X" });
 * assert.equal(result.success, false); // type must be "T" or "R"
 * ```
 *
 * @category Report model
 */
export const ReportSchema: Schema<Report> = report;
