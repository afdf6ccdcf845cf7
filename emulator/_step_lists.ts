/**
 * The internal step lists (`/api/internal/App/MeasurementList` and `…/StepStatusList`) computed
 * from stored UUT reports: one row per numeric measurement, or per executed step (the root
 * sequence left out), newest report first.
 *
 * Both routes take `stepFilters` and `sequenceFilters` as XML text. The WATS API spec does not give
 * their schema, so the emulator reads any element's `Name`, `Path`, `StepName` or `StepPath`
 * attribute (any case) as a pattern with the WATS wildcards: a step filter keeps steps whose name
 * or path (with or without the root sequence) matches; a sequence filter keeps steps below a
 * sequence whose name matches. No patterns, or empty text, keeps every step.
 *
 * @module
 */
import type { Rec } from "./_records.ts";
import { wildcard } from "./_analytics.ts";
import { EmulatorHttpError } from "./_http.ts";
import { resultWord, walkSteps } from "./_report_shape.ts";
import type { ReportEntry } from "./_step_analysis.ts";

const GROUPS: Record<string, string> = { S: "Setup", M: "Main", C: "Cleanup" };

/** The step and sequence filters of a request. */
export interface StepFilters {
  /** Step name or path patterns; empty keeps every step. */
  steps: string[];
  /** Sequence name patterns; empty keeps every step. */
  sequences: string[];
}

/** The patterns of a filter's XML text; 400 naming the parameter when it is not XML. */
export function parseFilterXml(text: string | undefined, parameter: string): string[] {
  if (text === undefined || text.trim() === "") return [];
  const xml = text.trim();
  if (!xml.startsWith("<") || !xml.endsWith(">")) {
    throw new EmulatorHttpError(400, `Query parameter '${parameter}' must be XML`);
  }
  const patterns: string[] = [];
  for (const m of xml.matchAll(/\s(?:step)?(?:name|path)\s*=\s*("([^"]*)"|'([^']*)')/gi)) {
    const value = (m[2] ?? m[3]).replace(/&amp;/g, "&").replace(/&lt;/g, "<").replace(
      /&gt;/g,
      ">",
    ).replace(/&quot;/g, '"').replace(/&apos;/g, "'");
    if (value.trim() !== "") patterns.push(value);
  }
  return patterns;
}

function keeps(filters: StepFilters): (path: string[]) => boolean {
  const steps = filters.steps.map(wildcard);
  const sequences = filters.sequences.map(wildcard);
  return (path) => {
    const full = path.join("¶");
    const below = path.slice(1).join("¶");
    const stepOk = steps.length === 0 ||
      steps.some((m) => m(path.at(-1)) || m(full) || m(below));
    const sequenceOk = sequences.length === 0 ||
      path.slice(0, -1).some((name) => sequences.some((m) => m(name)));
    return stepOk && sequenceOk;
  };
}

function reportFields(header: Rec): Rec {
  return {
    reportId: header.uuid,
    serialNumber: header.serialNumber,
    partNumber: header.partNumber,
    revision: header.revision,
    processCode: header.processCode,
    stationName: header.stationName,
    startUtc: header.startUtc,
  };
}

function finite(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

/** One row per numeric measurement of the kept steps. */
export function measurementList(entries: readonly ReportEntry[], filters: StepFilters): Rec[] {
  const kept = keeps(filters);
  const rows: Rec[] = [];
  for (const { header, report } of entries) {
    for (const { step, path } of walkSteps(report.root)) {
      const list = Array.isArray(step.numericMeas) ? step.numericMeas as Rec[] : [];
      if (list.length === 0 || !kept(path)) continue;
      for (const m of list) {
        rows.push({
          ...reportFields(header),
          stepName: step.name ?? null,
          stepPath: list.length > 1 ? `${path.join("¶")}¶¶${m.name ?? ""}` : path.join("¶"),
          measureName: list.length > 1 ? m.name ?? null : null,
          value: finite(m.value),
          lowLimit: finite(m.lowLimit),
          highLimit: finite(m.highLimit),
          compOp: m.compOp ?? null,
          unit: m.unit ?? null,
          status: resultWord(m.status),
        });
      }
    }
  }
  return rows;
}

/** One row per executed step of the kept steps (the root sequence left out). */
export function stepStatusList(entries: readonly ReportEntry[], filters: StepFilters): Rec[] {
  const kept = keeps(filters);
  const rows: Rec[] = [];
  for (const { header, report } of entries) {
    for (const { step, path } of walkSteps(report.root)) {
      if (path.length === 1 || !kept(path)) continue;
      rows.push({
        ...reportFields(header),
        stepName: step.name ?? null,
        stepPath: path.join("¶"),
        stepType: step.stepType ?? null,
        stepGroup: GROUPS[String(step.group ?? "M")] ?? step.group ?? null,
        status: resultWord(step.status),
        stepTime: finite(step.totTime),
      });
    }
  }
  return rows;
}
