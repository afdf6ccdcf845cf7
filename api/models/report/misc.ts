/**
 * Report-level extras: misc info, assets and their statistics, binary data (files) and
 * additional data (typed property trees, also used for a step's `additionalResults`).
 *
 * `miscInfos[].numeric` is read-only legacy: the reader folds it into `text` (when `text` is
 * empty) and drops it, so it is never sent. Assets are read with `assetSN` or `sn` (see §8 #1 of
 * the API spec; writers prefer `assetSN` + `usageCount`).
 *
 * @module
 */
import { z } from "zod";
import { base64, bool, deferred, int, isRecord, normalised, num, text } from "./_primitives.ts";
import type { Schema } from "./schema.ts";

/**
 * A free description/value pair on a report (`miscInfos[]`).
 *
 * @category Report model
 */
export interface MiscInfo {
  /** What the value is, 1–100 characters. */
  description: string;
  /** The value, at most 100 characters. */
  text?: string | null;
  /** Keys this model does not know, kept as they came. */
  [key: string]: unknown;
}

/**
 * An asset (fixture, instrument …) used by the test (`assets[]`).
 *
 * @category Report model
 */
export interface ReportAsset {
  /** Asset serial number (preferred key). */
  assetSN?: string | null;
  /** Asset serial number (current pyWATS key). */
  sn?: string | null;
  /** How many times the test used the asset. */
  usageCount?: number | null;
  /** Display format of the usage count. */
  usageCountFormat?: string | null;
  /** Keys this model does not know, kept as they came. */
  [key: string]: unknown;
}

/**
 * Asset counters and calibration state the server reports back (`assetStats[]`, output only).
 *
 * @category Report model
 */
export interface ReportAssetStats {
  /** Asset serial number. */
  assetSN?: string | null;
  /** Asset serial number (alternative key). */
  sn?: string | null;
  /** Uses since the counter was last reset. */
  runningCount?: number | null;
  /** Whether (or by how much) the running count passed its limit. */
  runningCountExceeded?: number | boolean | null;
  /** Uses in total. */
  totalCount?: number | null;
  /** Whether (or by how much) the total count passed its limit. */
  totalCountExceeded?: number | boolean | null;
  /** Days since the last calibration. */
  daysSinceCalibration?: number | null;
  /** Whether the calibration date is unknown. */
  isDaysSinceCalibrationUnknown?: boolean | null;
  /** Days the calibration is overdue. */
  calibrationDaysOverdue?: number | null;
  /** Days since the last maintenance. */
  daysSinceMaintenance?: number | null;
  /** Whether the maintenance date is unknown. */
  isDaysMaintenanceUnknown?: boolean | null;
  /** Days the maintenance is overdue. */
  maintenanceDaysOverdue?: number | null;
  /** The server's remark. */
  message?: string | null;
  /** Keys this model does not know, kept as they came. */
  [key: string]: unknown;
}

/**
 * A file on a report (`binaryData[]`); UUR attachments use the same shape.
 *
 * @category Report model
 */
export interface BinaryData {
  /** MIME type, 1–100 characters. */
  contentType: string;
  /** The content, base64. */
  data: string;
  /** File name, 1–256 characters. */
  name: string;
  /** Keys this model does not know, kept as they came. */
  [key: string]: unknown;
}

/**
 * One element of an array-typed {@linkcode Prop}.
 *
 * @category Report model
 */
export interface PropArrayIndex {
  /** The index as text, e.g. `[0][1]`. */
  text: string;
  /** The index per dimension. */
  indexes: number[];
  /** The element's value. */
  value?: Prop | null;
  /** Keys this model does not know, kept as they came. */
  [key: string]: unknown;
}

/**
 * The array part of an array-typed {@linkcode Prop}.
 *
 * @category Report model
 */
export interface PropArray {
  /** Number of dimensions. */
  dimension: number;
  /** Element type. */
  type: string;
  /** The elements. */
  indexes: PropArrayIndex[];
  /** Keys this model does not know, kept as they came. */
  [key: string]: unknown;
}

/**
 * A typed property, possibly nested (TestStand's property objects).
 *
 * @category Report model
 */
export interface Prop {
  /** Property name. */
  name: string;
  /** Property type, e.g. `Number`, `String`, `Obj`. */
  type: string;
  /** TestStand property flags. */
  flags?: number | null;
  /** The value as text. */
  value?: string | null;
  /** Remark. */
  comment?: string | null;
  /** Display format of a number. */
  numFormat?: string | null;
  /** Child properties. */
  props?: Prop[] | null;
  /** Elements, for array types. */
  array?: PropArray | null;
  /** Keys this model does not know, kept as they came. */
  [key: string]: unknown;
}

/**
 * A named property tree (`additionalData[]`, and a step's `additionalResults[]`).
 *
 * @category Report model
 */
export interface AdditionalData {
  /** Name, 1–200 characters. */
  name: string;
  /** The properties. */
  props: Prop[];
  /** Keys this model does not know, kept as they came. */
  [key: string]: unknown;
}

/**
 * @internal Folds a legacy misc-info `numeric` into `text` and drops it.
 *
 * @category Report model
 */
export function foldNumericMisc(value: unknown): unknown {
  if (!isRecord(value) || !("numeric" in value)) return value;
  const { numeric, ...rest } = value;
  const empty = rest.text === undefined || rest.text === null || rest.text === "";
  if (empty && numeric !== undefined && numeric !== null) rest.text = String(numeric);
  return rest;
}

/**
 * @internal Misc info, `numeric` folded into `text`.
 *
 * @category Report model
 */
export const miscInfo: z.ZodType<MiscInfo> = normalised(
  foldNumericMisc,
  z.looseObject({ description: text(100, 1), text: text(100).nullish() }),
);

/**
 * @internal An asset reference.
 *
 * @category Report model
 */
export const asset: z.ZodType<ReportAsset> = z.looseObject({
  assetSN: text(100, 1).nullish(),
  sn: text(100, 1).nullish(),
  usageCount: int.nullish(),
  usageCountFormat: z.string().nullish(),
}).refine((a) => (a.assetSN ?? a.sn) != null, {
  message: "An asset needs assetSN (or sn)",
  path: ["assetSN"],
});

const countOrFlag = z.union([num, bool]).nullish();

/**
 * @internal Asset statistics (output only).
 *
 * @category Report model
 */
export const assetStats: z.ZodType<ReportAssetStats> = z.looseObject({
  assetSN: z.string().nullish(),
  sn: z.string().nullish(),
  runningCount: num.nullish(),
  runningCountExceeded: countOrFlag,
  totalCount: num.nullish(),
  totalCountExceeded: countOrFlag,
  daysSinceCalibration: num.nullish(),
  isDaysSinceCalibrationUnknown: bool.nullish(),
  calibrationDaysOverdue: num.nullish(),
  daysSinceMaintenance: num.nullish(),
  isDaysMaintenanceUnknown: bool.nullish(),
  maintenanceDaysOverdue: num.nullish(),
  message: z.string().nullish(),
});

/**
 * @internal A report file.
 *
 * @category Report model
 */
export const binaryData: z.ZodType<BinaryData> = z.looseObject({
  contentType: text(100, 1),
  data: base64(),
  name: text(256, 1),
});

const propRef: z.ZodType<Prop> = deferred(() => prop);

/**
 * @internal A typed property (children go through a hop to keep the schema compilable).
 *
 * @category Report model
 */
export const prop: z.ZodType<Prop> = z.looseObject({
  name: z.string(),
  type: z.string(),
  flags: int.nullish(),
  value: z.string().nullish(),
  comment: z.string().nullish(),
  numFormat: z.string().nullish(),
  props: z.array(propRef).nullish(),
  array: z.looseObject({
    dimension: int,
    type: z.string(),
    indexes: z.array(z.looseObject({
      text: z.string(),
      indexes: z.array(int),
      value: propRef.nullish(),
    })),
  }).nullish(),
});

/**
 * @internal A named property tree.
 *
 * @category Report model
 */
export const additionalData: z.ZodType<AdditionalData> = z.looseObject({
  name: text(200, 1),
  props: z.array(prop),
});

/**
 * Schema of a misc-info entry; a legacy `numeric` is folded into `text`.
 *
 * @example Read a legacy numeric entry
 * ```ts
 * import assert from "node:assert/strict";
 * import { MiscInfoSchema } from "@wats/toolkit/report";
 *
 * assert.deepEqual(MiscInfoSchema.parse({ description: "Cycle", text: null, numeric: 3 }), {
 *   description: "Cycle",
 *   text: "3",
 * });
 * ```
 *
 * @category Report model
 */
export const MiscInfoSchema: Schema<MiscInfo> = miscInfo;

/**
 * Schema of an asset reference (`assetSN` or `sn` required).
 *
 * @example Validate an asset
 * ```ts
 * import assert from "node:assert/strict";
 * import { ReportAssetSchema } from "@wats/toolkit/report";
 *
 * assert.equal(ReportAssetSchema.parse({ assetSN: "FIX-0042", usageCount: 1 }).assetSN, "FIX-0042");
 * ```
 *
 * @category Report model
 */
export const ReportAssetSchema: Schema<ReportAsset> = asset;

/**
 * Schema of a report file.
 *
 * @example Validate a file
 * ```ts
 * import assert from "node:assert/strict";
 * import { BinaryDataSchema } from "@wats/toolkit/report";
 *
 * const file = BinaryDataSchema.parse({ contentType: "text/plain", data: btoa("log"), name: "run.log" });
 * assert.equal(atob(file.data ?? ""), "log");
 * ```
 *
 * @category Report model
 */
export const BinaryDataSchema: Schema<BinaryData> = binaryData;

/**
 * Schema of a named property tree.
 *
 * @example Validate additional data
 * ```ts
 * import assert from "node:assert/strict";
 * import { AdditionalDataSchema } from "@wats/toolkit/report";
 *
 * const data = AdditionalDataSchema.parse({
 *   name: "Station",
 *   props: [{ name: "Temp", type: "Number", value: "23.5" }],
 * });
 * assert.equal(data.props?.[0].value, "23.5");
 * ```
 *
 * @category Report model
 */
export const AdditionalDataSchema: Schema<AdditionalData> = additionalData;
