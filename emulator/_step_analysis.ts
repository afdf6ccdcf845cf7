/**
 * Step and measurement analytics computed from stored UUT reports: the test-step analysis
 * (`/api/App/TestStepAnalysis`), measured values (`/api/App/Measurements`, nested per report as
 * some servers answer) and their statistics (`/api/App/AggregatedMeasurements`).
 *
 * Paths are step names joined by `¶` from the root sequence; a measurement of a multi-measurement
 * step is `path¶¶name`. A requested path matches with or without the root sequence's name, and may
 * use the WATS wildcards. Statistics use the sample standard deviation; capability indexes use the
 * limits the operator implies (`GE`/`GT` low only, `LE`/`LT` high only, two-limit operators both);
 * the `…Wof` twins leave out failed measurements.
 *
 * @module
 */
import { wildcard } from "./_analytics.ts";
import { resultWord, walkSteps } from "./_report_shape.ts";
import type { Rec } from "./_records.ts";

/** A stored report with its header row. */
export interface ReportEntry {
  header: Rec;
  report: Rec;
}

const GROUPS: Record<string, string> = { S: "Setup", M: "Main", C: "Cleanup" };
const STATUS_KEYS: Record<string, string> = {
  P: "stepPassedCount",
  D: "stepDoneCount",
  S: "stepSkippedCount",
  F: "stepFailedCount",
  E: "stepErrorCount",
  T: "stepTerminatedCount",
};

function finite(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

/** The low and high limits an operator's limits stand for (for capability indexes). */
function bounds(m: Rec): { low: number | null; high: number | null } {
  const op = String(m.compOp ?? "").toUpperCase();
  const first = finite(m.lowLimit);
  const second = finite(m.highLimit);
  if (op === "GE" || op === "GT") return { low: first, high: null };
  if (op === "LE" || op === "LT") return { low: null, high: first };
  if (/^G[ET]L[ET]$/.test(op)) return { low: first, high: second };
  return { low: null, high: null };
}

/** Statistics of values against limits; `suffix` names the `Wof` twin. */
export function statistics(
  values: readonly number[],
  low: number | null,
  high: number | null,
  suffix = "",
): Rec {
  const n = values.length;
  const key = (name: string) => `${name}${suffix}`;
  if (n === 0) return {};
  const avg = values.reduce((a, b) => a + b, 0) / n;
  const variance = n > 1 ? values.reduce((a, v) => a + (v - avg) ** 2, 0) / (n - 1) : null;
  const sigma = variance === null ? null : Math.sqrt(variance);
  const usable = sigma !== null && sigma > 0;
  const cpUpper = usable && high !== null ? (high - avg) / (3 * sigma) : null;
  const cpLower = usable && low !== null ? (avg - low) / (3 * sigma) : null;
  const sides = [cpUpper, cpLower].filter((v): v is number => v !== null);
  return {
    [key("min")]: Math.min(...values),
    [key("max")]: Math.max(...values),
    [key("avg")]: avg,
    [key("stdev")]: sigma,
    [key("var")]: variance,
    [key("cp")]: usable && low !== null && high !== null ? (high - low) / (6 * sigma) : null,
    [key("cpUpper")]: cpUpper,
    [key("cpLower")]: cpLower,
    [key("cpk")]: sides.length > 0 ? Math.min(...sides) : null,
    [key("sigmaHigh3")]: sigma === null ? null : avg + 3 * sigma,
    [key("sigmaLow3")]: sigma === null ? null : avg - 3 * sigma,
  };
}

interface Sample {
  value: number;
  failed: boolean;
}

/** Per-step analysis rows (one per measurement of multi-measurement steps). */
export function testStepAnalysis(entries: readonly ReportEntry[]): Rec[] {
  const steps = new Map<string, { row: Rec; times: number[]; measures: Map<string, Rec> }>();
  const samples = new Map<string, Sample[]>();
  for (const { header, report } of entries) {
    for (const { step, path } of walkSteps(report.root)) {
      if (path.length === 1) continue; // the root sequence itself
      const stepPath = path.join("¶");
      let slot = steps.get(stepPath);
      if (!slot) {
        const row: Rec = {
          stepName: step.name ?? null,
          stepPath,
          stepType: step.stepType ?? null,
          stepGroup: GROUPS[String(step.group ?? "M")] ?? step.group ?? null,
          stepCount: 0,
          stepOtherCount: 0,
          stepCausedUutFailed: 0,
          stepCausedUutError: 0,
          stepCausedUutTerminated: 0,
          ...Object.fromEntries(Object.values(STATUS_KEYS).map((k) => [k, 0])),
        };
        slot = { row, times: [], measures: new Map() };
        steps.set(stepPath, slot);
      }
      const { row } = slot;
      row.stepCount = Number(row.stepCount) + 1;
      const statusKey = STATUS_KEYS[String(step.status)] ?? "stepOtherCount";
      row[statusKey] = Number(row[statusKey]) + 1;
      if (header.causedUutFailurePath === stepPath) {
        const caused = { Failed: "stepCausedUutFailed", Error: "stepCausedUutError" }[
          String(header.result)
        ] ?? (header.result === "Terminated" ? "stepCausedUutTerminated" : null);
        if (caused) row[caused] = Number(row[caused]) + 1;
      }
      const time = finite(step.totTime);
      if (time !== null) slot.times.push(time);
      const measurements = Array.isArray(step.numericMeas) ? step.numericMeas as Rec[] : [];
      for (const m of measurements) {
        const name = measurements.length > 1 ? String(m.name ?? "") : "";
        if (!slot.measures.has(name)) slot.measures.set(name, m);
        const value = finite(m.value);
        if (value === null) continue;
        const key = `${stepPath}\u0000${name}`;
        samples.set(key, [...(samples.get(key) ?? []), { value, failed: m.status === "F" }]);
      }
    }
  }
  const rows: Rec[] = [];
  for (const [stepPath, { row, times, measures }] of steps) {
    const timing = times.length === 0
      ? { stepTimeAvg: null, stepTimeMax: null, stepTimeMin: null }
      : {
        stepTimeAvg: times.reduce((a, b) => a + b, 0) / times.length,
        stepTimeMax: Math.max(...times),
        stepTimeMin: Math.min(...times),
      };
    if (measures.size === 0) {
      rows.push({ ...row, ...timing, measureName: null, measureCount: 0 });
      continue;
    }
    for (const [name, first] of measures) {
      const all = samples.get(`${stepPath}\u0000${name}`) ?? [];
      const { low, high } = bounds(first);
      const values = all.map((s) => s.value);
      const passing = all.filter((s) => !s.failed).map((s) => s.value);
      rows.push({
        ...row,
        ...timing,
        limit1: finite(first.lowLimit),
        limit2: finite(first.highLimit),
        compOperator: first.compOp ?? null,
        measureName: name === "" ? null : name,
        measureCount: values.length,
        measureCountWof: passing.length,
        ...statistics(values, low, high),
        ...statistics(passing, low, high, "Wof"),
      });
    }
  }
  return rows;
}

/** A path matcher for `measurementPaths` (`;`-separated, wildcards allowed). */
function pathMatcher(paths: string | undefined): (full: string) => boolean {
  if (!paths || paths.trim() === "") return () => true;
  const match = wildcard(paths);
  return (full) => {
    const cut = full.indexOf("¶");
    return match(full) || (cut >= 0 && match(full.slice(cut + 1)));
  };
}

function* numericMeasurements(report: Rec): Generator<{ step: Rec; m: Rec; key: string }> {
  for (const { step, path } of walkSteps(report.root)) {
    const list = Array.isArray(step.numericMeas) ? step.numericMeas as Rec[] : [];
    const stepPath = path.join("¶");
    for (const m of list) {
      yield { step, m, key: list.length > 1 ? `${stepPath}¶¶${m.name ?? ""}` : stepPath };
    }
  }
}

/** Measured values per report: `[{ report fields, measurements: [...] }]`. */
export function measurements(entries: readonly ReportEntry[], paths: string | undefined): Rec[] {
  const wanted = pathMatcher(paths);
  const out: Rec[] = [];
  for (const { header, report } of entries) {
    const rows: Rec[] = [];
    for (const { step, m, key } of numericMeasurements(report)) {
      const value = finite(m.value);
      if (value === null || !wanted(key)) continue;
      const { low, high } = bounds(m);
      rows.push({
        stepName: step.name ?? null,
        stepPath: key,
        value,
        limitLow: low ?? finite(m.lowLimit),
        limitHigh: high ?? finite(m.highLimit),
        unit: m.unit ?? null,
        status: resultWord(m.status),
      });
    }
    if (rows.length === 0) continue;
    out.push({
      serialNumber: header.serialNumber,
      partNumber: header.partNumber,
      revision: header.revision,
      reportId: header.uuid,
      startUtc: header.startUtc,
      measurements: rows,
    });
  }
  return out;
}

/** Statistics per part number, revision and measurement path. */
export function aggregatedMeasurements(
  entries: readonly ReportEntry[],
  paths: string | undefined,
): Rec[] {
  const wanted = pathMatcher(paths);
  const groups = new Map<
    string,
    { row: Rec; values: number[]; low: number | null; high: number | null }
  >();
  for (const { header, report } of entries) {
    for (const { step, m, key } of numericMeasurements(report)) {
      const value = finite(m.value);
      if (value === null || !wanted(key)) continue;
      const id = JSON.stringify([header.partNumber, header.revision, key]);
      let group = groups.get(id);
      if (!group) {
        const { low, high } = bounds(m);
        group = {
          row: {
            stepName: step.name ?? null,
            stepPath: key,
            partNumber: header.partNumber,
            revision: header.revision,
            unit: m.unit ?? null,
          },
          values: [],
          low,
          high,
        };
        groups.set(id, group);
      }
      group.values.push(value);
    }
  }
  return [...groups.values()].map(({ row, values, low, high }): Rec => ({
    ...row,
    count: values.length,
    limitLow: low,
    limitHigh: high,
    ...statistics(values, low, high),
  })).sort((a, b) => String(a.stepPath).localeCompare(String(b.stepPath)));
}
