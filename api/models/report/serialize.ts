/**
 * Writing reports: the wire form a server accepts.
 *
 * The wire form is a JSON-ready copy: measurements always arrays, loop info as `idx`/`num`,
 * misc-info `numeric` folded into `text`, non-finite numbers as `"NaN"`/`"Inf"`/`"-Inf"`,
 * `undefined` dropped, and every key this model does not know kept. A parsed report is already in
 * this form; serialising also repairs a report that was edited by hand after parsing.
 *
 * @module
 */
import { foldNonFinite, isRecord } from "./_primitives.ts";
import { foldNumericMisc } from "./misc.ts";
import type { Report } from "./report.ts";
import { foldLoopAliases } from "./step_parts.ts";

const MEASUREMENT_KEYS = ["numericMeas", "booleanMeas", "stringMeas"] as const;

function toJsonValue(value: unknown): unknown {
  if (typeof value === "number") return Number.isFinite(value) ? value : foldNonFinite(value);
  if (Array.isArray(value)) return value.map(toJsonValue);
  if (isRecord(value)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      const item = value[key];
      if (item !== undefined) out[key] = toJsonValue(item);
    }
    return out;
  }
  return value;
}

function wireStep(step: Record<string, unknown>): Record<string, unknown> {
  for (const key of MEASUREMENT_KEYS) {
    if (isRecord(step[key])) step[key] = [step[key]];
  }
  if (isRecord(step.loop)) step.loop = foldLoopAliases(step.loop);
  if (Array.isArray(step.steps)) {
    step.steps = step.steps.map((child) => isRecord(child) ? wireStep(child) : child);
  }
  return step;
}

/**
 * Writes a report in its wire form, ready for `JSON.stringify` and `POST /api/Report/WSJF`.
 *
 * @param report A report, usually from {@linkcode parseReport} or a builder.
 * @returns A plain JSON-ready object; the report itself is not changed.
 *
 * @example Send a report
 * ```ts
 * import assert from "node:assert/strict";
 * import { createUutReport, serializeReport } from "@wats/toolkit";
 *
 * const report = createUutReport({ pn: "PCBA-100", sn: "SN0001", rev: "A", processCode: 10 })
 *   .numericStep("Supply 5V", 5.01, { compOp: "GELE", low: 4.9, high: 5.1, unit: "V" })
 *   .build();
 * const body = JSON.stringify(serializeReport(report));
 * assert.equal(JSON.parse(body).id, report.id);
 * ```
 *
 * @category Reports
 */
export function serializeReport(report: Report): Record<string, unknown> {
  const wire = toJsonValue(report) as Record<string, unknown>;
  if (isRecord(wire.root)) wire.root = wireStep(wire.root);
  if (Array.isArray(wire.miscInfos)) wire.miscInfos = wire.miscInfos.map(foldNumericMisc);
  return wire;
}
