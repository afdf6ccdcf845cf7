/**
 * The report header shared by UUT and UUR reports (§4.1).
 *
 * Output-only keys (`startUTC`, `origin`, `productName`, `processName`, `processCodeFormat`,
 * `assetStats`) are read and kept so that a report read back from a server survives a round trip;
 * the server ignores them on submit.
 *
 * @module
 */
import { z } from "zod";
import { dateTime, guid, int, text } from "./_primitives.ts";
import {
  type AdditionalData,
  additionalData,
  asset,
  assetStats,
  type BinaryData,
  binaryData,
  type MiscInfo,
  miscInfo,
  type ReportAsset,
  type ReportAssetStats,
} from "./misc.ts";
import { type ReportResult, reportResult } from "./status.ts";

/**
 * The header keys every report has, UUT or UUR.
 *
 * @category Report model
 */
export interface ReportBase {
  /** Report id, a GUID the client generates (v4); re-posting an id overwrites the report. */
  id: string;
  /** `"T"` for a UUT (test) report, `"R"` for a UUR (repair) report. */
  type: "T" | "R";
  /** Part number, 1–100 characters. */
  pn: string;
  /** Serial number, 1–100 characters. */
  sn: string;
  /** Part revision, 1–100 characters. */
  rev: string;
  /** UUT: the test operation code; UUR: the repair operation code. */
  processCode: number;
  /** Display format of the process code (output only). */
  processCodeFormat?: string | null;
  /** Name of the process (output only). */
  processName?: string | null;
  /** Product name (output only). */
  productName?: string | null;
  /** Where the report came from (output only). */
  origin?: string | null;
  /** Report result; `P` when absent. */
  result?: ReportResult | null;
  /** Station name, 1–100 characters. */
  machineName: string;
  /** Station location, 1–100 characters. */
  location: string;
  /** Station purpose, 1–100 characters. */
  purpose: string;
  /** Local start time with offset, e.g. `2026-01-30T22:01:41.470+01:00`. */
  start: string;
  /** Start time in UTC (output only). */
  startUTC?: string | null;
  /** Description/value pairs. */
  miscInfos?: MiscInfo[] | null;
  /** Assets used. */
  assets?: ReportAsset[] | null;
  /** Asset statistics (output only). */
  assetStats?: ReportAssetStats[] | null;
  /** Files on the report (UUR attachments too). */
  binaryData?: BinaryData[] | null;
  /** Property trees. */
  additionalData?: AdditionalData[] | null;
  /** Keys this model does not know, kept as they came. */
  [key: string]: unknown;
}

/**
 * @internal The header keys as a zod shape, shared by the UUT and UUR schemas.
 *
 * @category Report model
 */
export const headerShape = {
  id: guid,
  pn: text(100, 1),
  sn: text(100, 1),
  rev: text(100, 1),
  processCode: int,
  processCodeFormat: z.string().nullish(),
  processName: z.string().nullish(),
  productName: z.string().nullish(),
  origin: z.string().nullish(),
  result: reportResult.nullish(),
  machineName: text(100, 1),
  location: text(100, 1),
  purpose: text(100, 1),
  start: dateTime,
  startUTC: dateTime.nullish(),
  miscInfos: z.array(miscInfo).nullish(),
  assets: z.array(asset).nullish(),
  assetStats: z.array(assetStats).nullish(),
  binaryData: z.array(binaryData).nullish(),
  additionalData: z.array(additionalData).nullish(),
};
