/**
 * UUT (test) reports: the header, the `uut` object (§4.2), sub-units and the step tree.
 *
 * @module
 */
import { z } from "zod";
import { dateTime, guid, int, num, text } from "./_primitives.ts";
import { headerShape, type ReportBase } from "./header.ts";
import type { Schema } from "./schema.ts";
import { type Step, step } from "./steps.ts";
import { stepKind } from "./step_kinds.ts";

/**
 * A UUR that refers to a UUT report (`uut.referencedByUURs[]`, output only).
 *
 * @category Report model
 */
export interface UurReference {
  /** The UUR report id. */
  id: string;
  /** When the repair started. */
  start?: string | null;
  /** Keys this model does not know, kept as they came. */
  [key: string]: unknown;
}

/**
 * The `uut` object of a UUT report.
 *
 * @category Report model
 */
export interface UutInfo {
  /** Operator, at most 100 characters. */
  user?: string | null;
  /** Comment, at most 5000 characters. */
  comment?: string | null;
  /** Execution time in seconds. */
  execTime?: number | null;
  /** Fixture id, at most 100 characters (client default `"Fixture"`). */
  fixtureId?: string | null;
  /** Test socket index; exports use -1 for none. */
  testSocketIndex?: number | null;
  /** Display format of the socket index. */
  testSocketIndexFormat?: string | null;
  /** Error code. */
  errorCode?: number | null;
  /** Display format of the error code. */
  errorCodeFormat?: string | null;
  /** Error message. */
  errorMessage?: string | null;
  /** Batch serial number, at most 100 characters. */
  batchSN?: string | null;
  /** Failures in the batch. */
  batchFailCount?: number | null;
  /** Display format of the batch fail count. */
  batchFailCountFormat?: string | null;
  /** Loop index within the batch. */
  batchLoopIndex?: number | null;
  /** Display format of the batch loop index. */
  batchLoopIndexFormat?: string | null;
  /** Id of the step that failed the unit (set by the server). */
  stepIdCausedUUTFailure?: number | null;
  /** Repairs that refer to this report (output only). */
  referencedByUURs?: UurReference[] | null;
  /** Keys this model does not know, kept as they came. */
  [key: string]: unknown;
}

/**
 * A sub-unit (part) of the tested unit.
 *
 * @category Report model
 */
export interface UutSubUnit {
  /** Part number, 1–100 characters. */
  pn: string;
  /** Serial number, 1–100 characters. */
  sn: string;
  /** Revision. */
  rev?: string | null;
  /** Part type, at most 50 characters (`"Unknown"` by default). */
  partType?: string | null;
  /** Index among the sub-units (exports). */
  idx?: number | null;
  /** Position (exports). */
  position?: number | null;
  /** Index of the parent sub-unit. */
  parentIdx?: number | null;
  /** Keys this model does not know, kept as they came. */
  [key: string]: unknown;
}

/**
 * A UUT (test) report.
 *
 * @category Reports
 */
export interface UutReport extends ReportBase {
  /** Always `"T"`. */
  type: "T";
  /** Operator, fixture, batch and error details. */
  uut?: UutInfo | null;
  /** The root step: a sequence call named `"MainSequence Callback"`. */
  root?: Step | null;
  /** Parts of the tested unit. */
  subUnits?: UutSubUnit[] | null;
}

/**
 * @internal The `uut` object.
 *
 * @category Report model
 */
export const uutInfo: z.ZodType<UutInfo> = z.looseObject({
  user: text(100).nullish(),
  comment: text(5000).nullish(),
  execTime: num.nullish(),
  fixtureId: text(100).nullish(),
  testSocketIndex: int.nullish(),
  testSocketIndexFormat: z.string().nullish(),
  errorCode: int.nullish(),
  errorCodeFormat: z.string().nullish(),
  errorMessage: z.string().nullish(),
  batchSN: text(100).nullish(),
  batchFailCount: int.nullish(),
  batchFailCountFormat: z.string().nullish(),
  batchLoopIndex: int.nullish(),
  batchLoopIndexFormat: z.string().nullish(),
  stepIdCausedUUTFailure: int.nullish(),
  referencedByUURs: z.array(z.looseObject({ id: guid, start: dateTime.nullish() })).nullish(),
});

/**
 * @internal A UUT sub-unit.
 *
 * @category Report model
 */
export const uutSubUnit: z.ZodType<UutSubUnit> = z.looseObject({
  pn: text(100, 1),
  sn: text(100, 1),
  rev: text(100).nullish(),
  partType: text(50).nullish(),
  idx: int.nullish(),
  position: int.nullish(),
  parentIdx: int.nullish(),
});

/**
 * @internal The zod form of {@linkcode UutReportSchema}.
 *
 * @category Report model
 */
export const uutReport: z.ZodType<UutReport> = z.looseObject({
  ...headerShape,
  type: z.literal("T"),
  uut: uutInfo.nullish(),
  root: step.nullish(),
  subUnits: z.array(uutSubUnit).nullish(),
}).check((ctx) => {
  if (ctx.value.uur !== undefined) {
    ctx.issues.push({
      code: "custom",
      message: 'A UUT report (type "T") carries no uur object; is the type wrong?',
      path: ["uur"],
      input: ctx.value.uur,
    });
  }
  const root = ctx.value.root;
  if (root && stepKind(root.stepType) !== "sequenceCall") {
    ctx.issues.push({
      code: "custom",
      message: `The root step is a SequenceCall or WATS_SeqCall, not ${root.stepType}`,
      path: ["root", "stepType"],
      input: root.stepType,
    });
  }
});

/**
 * Schema of a UUT report.
 *
 * @example Validate a UUT report
 * ```ts
 * import assert from "node:assert/strict";
 * import { UutReportSchema } from "@wats/toolkit/report";
 *
 * const result = UutReportSchema.safeParse({ type: "T", pn: "PCBA-100" });
 * assert.equal(result.success, false); // id, sn, rev … are missing
 * ```
 *
 * @category Report model
 */
export const UutReportSchema: Schema<UutReport> = uutReport;
