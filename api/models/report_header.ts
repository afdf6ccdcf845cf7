/**
 * The report header, as report queries (`GET /api/Report/Query/Header`) answer it.
 *
 * Result is a word (`Passed`, `Failed`, `Error`, `Terminated`) here, not the letter of WSJF, and
 * `reportType` is `T` or `R`. Unknown keys are kept.
 *
 * @module
 */

import { z } from "zod";
import type { Schema } from "./report/schema.ts";

/**
 * An expanded sub-unit of a header.
 *
 * @category Report queries
 */
export interface HeaderSubUnit {
  /** Serial number. */
  serialNumber?: string | null;
  /** Part number. */
  partNumber?: string | null;
  /** Revision. */
  revision?: string | null;
  /** Part type. */
  partType?: string | null;
  /** Keys the server sent beyond these. */
  [key: string]: unknown;
}

/**
 * An expanded misc-info row of a header.
 *
 * @category Report queries
 */
export interface HeaderMiscInfo {
  /** The row's description (its name). */
  description?: string | null;
  /** The row's text. */
  value?: string | null;
  /** Keys the server sent beyond these. */
  [key: string]: unknown;
}

/**
 * One report header.
 *
 * @category Client
 */
export interface ReportHeader {
  /** The report id. */
  uuid: string;
  /** Unit serial number. */
  serialNumber?: string | null;
  /** Unit part number. */
  partNumber?: string | null;
  /** Unit revision. */
  revision?: string | null;
  /** Batch number. */
  batchNumber?: string | null;
  /** `T` (UUT) or `R` (UUR). */
  reportType?: string | null;
  /** Station (machine) name. */
  stationName?: string | null;
  /** Station location. */
  location?: string | null;
  /** Station purpose. */
  purpose?: string | null;
  /** Process (operation) code. */
  processCode?: number | null;
  /** Process name. */
  processName?: string | null;
  /** `Passed`, `Failed`, `Error` or `Terminated`. */
  result?: string | null;
  /** Start, UTC. */
  startUtc?: string | null;
  /** Operator. */
  operator?: string | null;
  /** Comment. */
  comment?: string | null;
  /** Execution time in seconds. */
  executionTime?: number | null;
  /** How many times the server received this report. */
  receiveCount?: number | null;
  /** For a UUR, the UUT report it repairs. */
  referencedUut?: string | null;
  /** Expanded sub-units (UUT). */
  subUnits?: HeaderSubUnit[] | null;
  /** Expanded sub-units (UUR). */
  uurSubUnits?: HeaderSubUnit[] | null;
  /** Expanded misc info (UUT). */
  miscInfo?: HeaderMiscInfo[] | null;
  /** Expanded misc info (UUR). */
  uurMiscInfo?: HeaderMiscInfo[] | null;
  /** Keys the server sent beyond these. */
  [key: string]: unknown;
}

const subUnit: z.ZodType<HeaderSubUnit> = z.looseObject({
  serialNumber: z.string().nullish(),
  partNumber: z.string().nullish(),
  revision: z.string().nullish(),
  partType: z.string().nullish(),
});

const miscInfo: z.ZodType<HeaderMiscInfo> = z.looseObject({
  description: z.string().nullish(),
  value: z.string().nullish(),
});

const reportHeader: z.ZodType<ReportHeader> = z.looseObject({
  uuid: z.string(),
  serialNumber: z.string().nullish(),
  partNumber: z.string().nullish(),
  revision: z.string().nullish(),
  batchNumber: z.string().nullish(),
  reportType: z.string().nullish(),
  stationName: z.string().nullish(),
  location: z.string().nullish(),
  purpose: z.string().nullish(),
  processCode: z.number().int().nullish(),
  processName: z.string().nullish(),
  result: z.string().nullish(),
  startUtc: z.string().nullish(),
  operator: z.string().nullish(),
  comment: z.string().nullish(),
  executionTime: z.number().nullish(),
  receiveCount: z.number().int().nullish(),
  referencedUut: z.string().nullish(),
  subUnits: z.array(subUnit).nullish(),
  uurSubUnits: z.array(subUnit).nullish(),
  miscInfo: z.array(miscInfo).nullish(),
  uurMiscInfo: z.array(miscInfo).nullish(),
});

/**
 * Validates a {@linkcode ReportHeader}.
 *
 * @category Report queries
 */
export const ReportHeaderSchema: Schema<ReportHeader> = reportHeader;

/**
 * Validates a list of {@linkcode ReportHeader}s.
 *
 * @category Report queries
 */
export const ReportHeaderListSchema: Schema<ReportHeader[]> = z.array(reportHeader);

/**
 * Header fields a `$filter` may name.
 *
 * @category Report queries
 */
export type ReportHeaderField =
  | "uuid"
  | "serialNumber"
  | "partNumber"
  | "revision"
  | "batchNumber"
  | "stationName"
  | "location"
  | "purpose"
  | "processCode"
  | "processName"
  | "result"
  | "start"
  | "startUtc"
  | "operator"
  | "executionTime"
  | "receiveCount"
  | "subUnits"
  | "uurSubUnits"
  | "miscInfo"
  | "uurMiscInfo";
