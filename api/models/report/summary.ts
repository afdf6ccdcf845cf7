/**
 * The header summary of a report: the facts a queue, a status page or an emulator's header index
 * needs, without the step tree.
 *
 * @module
 */
import type { Report } from "./report.ts";
import type { ReportResult } from "./status.ts";
import { toUtcTimestamp } from "./time.ts";

/**
 * The header facts of a report.
 *
 * @category Reports
 */
export interface ReportSummary {
  /** Report id. */
  id: string;
  /** `"T"` (UUT) or `"R"` (UUR). */
  type: "T" | "R";
  /** Part number. */
  pn: string;
  /** Serial number. */
  sn: string;
  /** Revision. */
  rev: string;
  /** Test (UUT) or repair (UUR) operation code. */
  processCode: number;
  /** Result; `P` when the report carries none. */
  result: ReportResult;
  /** Station name. */
  machineName: string;
  /** Station location. */
  location: string;
  /** Station purpose. */
  purpose: string;
  /** Local start time with offset, as in the report. */
  start: string;
  /** Start time in UTC (`…Z`), derived from `start`; `null` if `start` is not a date-time. */
  startUtc: string | null;
}

/**
 * Sums up a report's header.
 *
 * @param report A parsed report.
 * @returns Its id, type, part, serial, revision, process, result, station and start times.
 *
 * @example Summarise a report
 * ```ts
 * import assert from "node:assert/strict";
 * import { createUutReport, reportSummary } from "@wats/toolkit";
 *
 * const report = createUutReport({
 *   pn: "PCBA-100",
 *   sn: "SN0001",
 *   rev: "A",
 *   processCode: 10,
 *   start: "2026-01-30T22:01:41.470+01:00",
 * }).build();
 * const { id, result, startUtc } = reportSummary(report);
 * assert.deepEqual([id, result, startUtc], [report.id, "P", "2026-01-30T21:01:41.470Z"]);
 * ```
 *
 * @category Reports
 */
export function reportSummary(report: Report): ReportSummary {
  return {
    id: report.id,
    type: report.type,
    pn: report.pn,
    sn: report.sn,
    rev: report.rev,
    processCode: report.processCode,
    result: report.result ?? "P",
    machineName: report.machineName,
    location: report.location,
    purpose: report.purpose,
    start: report.start,
    startUtc: toUtcTimestamp(report.start),
  };
}
