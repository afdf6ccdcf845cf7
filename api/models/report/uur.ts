/**
 * UUR (repair) reports (§4.5): the header, the `uur` object, sub-units with their failures.
 *
 * Sub-unit `idx` 0 is the repaired main unit (`partType "Main"`); {@linkcode createUurReport}
 * always inserts it.
 *
 * @module
 */
import { z } from "zod";
import { dateTime, guid, int, num, text } from "./_primitives.ts";
import { headerShape, type ReportBase } from "./header.ts";
import { type BinaryData, binaryData } from "./misc.ts";
import type { Schema } from "./schema.ts";

/**
 * The `uur` object of a UUR report.
 *
 * @category Report model
 */
export interface UurInfo {
  /** Operator, at most 100 characters. */
  user?: string | null;
  /** Comment, at most 5000 characters. */
  comment?: string | null;
  /** Execution time in seconds. */
  execTime?: number | null;
  /** The test operation that failed (required by the server). */
  processCode?: number | null;
  /** Name of that test operation. */
  processName?: string | null;
  /** Display format of the test operation code. */
  processCodeFormat?: string | null;
  /** The failed UUT report, or `null` for a standalone repair. */
  refUUT?: string | null;
  /** When the repair was confirmed (required by the server). */
  confirmDate?: string | null;
  /** When the repair was finalised (required by the server). */
  finalizeDate?: string | null;
  /** Whether the repair is active (client default `true`). */
  active?: boolean | null;
  /** Parent repair (output only). */
  parent?: string | null;
  /** Child repairs (output only). */
  children?: string[] | null;
  /** Keys this model does not know (such as pyWATS' `testOperation*`), kept as they came. */
  [key: string]: unknown;
}

/**
 * A failure found on a sub-unit.
 *
 * @category Report model
 */
export interface UurFailure {
  /** Failure category (`"Unknown"` by default). */
  category: string;
  /** Failure code (`"Unknown"` by default). */
  code: string;
  /** Remark. */
  comment?: string | null;
  /** Component reference, e.g. `U1`, at most 50 characters. */
  comRef?: string | null;
  /** Function block. */
  funcBlock?: string | null;
  /** Id of the UUT step the failure relates to. */
  refStepId?: number | null;
  /** Name of that step (output only). */
  refStepName?: string | null;
  /** Article number of the replaced part. */
  artNumber?: string | null;
  /** Article revision. */
  artRev?: string | null;
  /** Article vendor. */
  artVendor?: string | null;
  /** Article description. */
  artDescription?: string | null;
  /** Files on the failure (vendor sample). */
  attachments?: BinaryData[] | null;
  /** Keys this model does not know, kept as they came. */
  [key: string]: unknown;
}

/**
 * A sub-unit of the repaired unit; `idx` 0 is the main unit.
 *
 * @category Report model
 */
export interface UurSubUnit {
  /** Part number, 1–100 characters. */
  pn: string;
  /** Revision. */
  rev: string;
  /** Serial number, 1–100 characters. */
  sn: string;
  /** Part type, at most 50 characters; `"Main"` for idx 0. */
  partType: string;
  /** Index; 0 is the repaired main unit. */
  idx: number;
  /** Index of the parent sub-unit. */
  parentIdx?: number | null;
  /** Position. */
  position?: number | null;
  /** Index of the sub-unit this one replaced. */
  replacedIdx?: number | null;
  /** Failures found on this sub-unit. */
  failures?: UurFailure[] | null;
  /** Keys this model does not know, kept as they came. */
  [key: string]: unknown;
}

/**
 * A UUR (repair) report.
 *
 * @category Reports
 */
export interface UurReport extends ReportBase {
  /** Always `"R"`. */
  type: "R";
  /** Repair details. */
  uur: UurInfo;
  /** The repaired unit (idx 0) and its parts. */
  subUnits?: UurSubUnit[] | null;
}

/**
 * @internal The `uur` object.
 *
 * @category Report model
 */
export const uurInfo: z.ZodType<UurInfo> = z.looseObject({
  user: text(100).nullish(),
  comment: text(5000).nullish(),
  execTime: num.nullish(),
  processCode: int.nullish(),
  processName: z.string().nullish(),
  processCodeFormat: z.string().nullish(),
  refUUT: guid.nullish(),
  confirmDate: dateTime.nullish(),
  finalizeDate: dateTime.nullish(),
  active: z.boolean().nullish(),
  parent: guid.nullish(),
  children: z.array(guid).nullish(),
});

/**
 * @internal A failure.
 *
 * @category Report model
 */
export const uurFailure: z.ZodType<UurFailure> = z.looseObject({
  category: text(100, 1),
  code: text(100, 1),
  comment: z.string().nullish(),
  comRef: text(50).nullish(),
  funcBlock: z.string().nullish(),
  refStepId: int.nullish(),
  refStepName: z.string().nullish(),
  artNumber: z.string().nullish(),
  artRev: z.string().nullish(),
  artVendor: z.string().nullish(),
  artDescription: z.string().nullish(),
  attachments: z.array(binaryData).nullish(),
});

/**
 * @internal A UUR sub-unit.
 *
 * @category Report model
 */
export const uurSubUnit: z.ZodType<UurSubUnit> = z.looseObject({
  pn: text(100, 1),
  rev: text(100),
  sn: text(100, 1),
  partType: text(50),
  idx: int,
  parentIdx: int.nullish(),
  position: int.nullish(),
  replacedIdx: int.nullish(),
  failures: z.array(uurFailure).nullish(),
});

/**
 * @internal The zod form of {@linkcode UurReportSchema}.
 *
 * @category Report model
 */
export const uurReport: z.ZodType<UurReport> = z.looseObject({
  ...headerShape,
  type: z.literal("R"),
  uur: uurInfo,
  subUnits: z.array(uurSubUnit).nullish(),
}).check((ctx) => {
  for (const key of ["uut", "root"]) {
    if (ctx.value[key] !== undefined) {
      ctx.issues.push({
        code: "custom",
        message: `A UUR report (type "R") carries no ${key}; is the type wrong?`,
        path: [key],
        input: ctx.value[key],
      });
    }
  }
});

/**
 * Schema of a UUR report.
 *
 * @example Validate a UUR report
 * ```ts
 * import assert from "node:assert/strict";
 * import { UurReportSchema } from "@wats/toolkit/report";
 *
 * assert.equal(UurReportSchema.safeParse({ type: "R", pn: "PCBA-100" }).success, false);
 * ```
 *
 * @category Report model
 */
export const UurReportSchema: Schema<UurReport> = uurReport;
