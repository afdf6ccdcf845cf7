/**
 * Overall equipment effectiveness (`/api/App/OeeAnalysis`) as far as stored reports allow.
 *
 * Planned production time is the filter's `dateFrom`…`dateTo`, or else the span from the first
 * report's start to the end (start + execution time) of the last. Run time is the sum of the
 * reports' execution times; the ideal cycle is the shortest execution time of a passed report.
 * Availability = run / planned, performance = ideal × count / run, quality = passed / all, and
 * OEE their product, all in percent (rounded to two decimals).
 *
 * @module
 */
import { round } from "./_analytics.ts";
import type { Rec } from "./_records.ts";

/** OEE over UUT header rows. */
export function oee(headers: readonly Rec[], filter: Rec): Rec {
  const seconds = (h: Rec) => typeof h.executionTime === "number" ? h.executionTime : 0;
  const starts = headers.map((h) => Date.parse(String(h.startUtc))).filter(Number.isFinite);
  const from = typeof filter.dateFrom === "string" ? Date.parse(filter.dateFrom) : NaN;
  const to = typeof filter.dateTo === "string" ? Date.parse(filter.dateTo) : NaN;
  let planned = 0;
  if (Number.isFinite(from) && Number.isFinite(to)) planned = (to - from) / 1000;
  else if (starts.length > 0) {
    const ends = headers.map((h) => Date.parse(String(h.startUtc)) + seconds(h) * 1000);
    planned = (Math.max(...ends) - Math.min(...starts)) / 1000;
  }
  const totalCount = headers.length;
  const good = headers.filter((h) => h.result === "Passed");
  const runTime = headers.reduce((sum, h) => sum + seconds(h), 0);
  const cycles = good.map(seconds).filter((s) => s > 0);
  const ideal = cycles.length > 0 ? Math.min(...cycles) : null;
  const availability = planned > 0 ? Math.min(1, runTime / planned) : 0;
  const performance = ideal !== null && runTime > 0
    ? Math.min(1, (ideal * totalCount) / runTime)
    : 0;
  const quality = totalCount > 0 ? good.length / totalCount : 0;
  return {
    oee: round(availability * performance * quality * 100),
    availability: round(availability * 100),
    performance: round(performance * 100),
    quality: round(quality * 100),
    totalTime: planned,
    runTime,
    downTime: Math.max(0, planned - runTime),
    plannedProductionTime: planned,
    totalCount,
    goodCount: good.length,
    rejectCount: totalCount - good.length,
    idealCycleTime: ideal,
    actualCycleTime: totalCount > 0 ? runTime / totalCount : null,
    period: null,
    partNumber: typeof filter.partNumber === "string" ? filter.partNumber : null,
    stationName: typeof filter.stationName === "string" ? filter.stationName : null,
  };
}
