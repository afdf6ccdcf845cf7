/**
 * The events the station service publishes: one for each report the server accepted, one for
 * each change of the service's health. Each has a stable `messageId` (the report id for a report
 * event) so a consumer can drop a repeat: delivery is at least once.
 *
 * A report event carries the header facts (serial and part number, revision, result, process,
 * start time, duration), the names of the failed steps and a compact list of the steps with their
 * measurements, bounded to {@linkcode MAX_EVENT_STEPS} steps so an event stays small in the
 * outbox and on the broker.
 *
 * @module
 */

import type { QueueReport } from "../queue/envelope.ts";

/** Most steps a report event lists (the rest is counted in `stepsOmitted`). */
export const MAX_EVENT_STEPS = 100;
/** Most measurements an event lists for one step. */
export const MAX_STEP_MEASUREMENTS = 20;
/** Most failed step names a report event lists. */
export const MAX_FAILED_STEPS = 50;

/** One measurement of a step, as events carry it. */
export interface EventMeasurement {
  /** The measurement's name, when the step has several. */
  name?: string;
  /** `P`, `F` or another WSJF status. */
  status: string;
  /** The measured value (numeric, boolean or text measurements). */
  value?: number | string | boolean;
  /** The unit. */
  unit?: string;
  /** The comparison operator, e.g. `GELE`. */
  compOp?: string;
  /** The low limit. */
  lowLimit?: number;
  /** The high limit. */
  highLimit?: number;
}

/** One step of a report event. */
export interface EventStep {
  /** The step's name. */
  name: string;
  /** The step's WSJF status (`P`, `F`, `S`, `E`, `T`, `D`). */
  status: string;
  /** Its measurements; none for steps that only pass or fail. */
  measurements: EventMeasurement[];
}

/** What a report event says about the report. */
export interface ReportEventBody {
  /** The report id (also the event's message id). */
  reportId: string;
  /** Serial number. */
  serialNumber: string;
  /** Part number. */
  partNumber: string;
  /** Revision. */
  revision: string;
  /** `P`, `F`, `E`, `T` or another WSJF result. */
  result: string;
  /** The process (operation) code. */
  processCode: number | null;
  /** Start time as the report gives it, with its offset. */
  start: string;
  /** Test duration in seconds, when the report gives it. */
  durationSeconds: number | null;
  /** Names of the failed steps (at most {@linkcode MAX_FAILED_STEPS}). */
  failedSteps: string[];
  /** Steps with measurements, depth first (at most {@linkcode MAX_EVENT_STEPS}). */
  steps: EventStep[];
  /** Steps left out of `steps`. */
  stepsOmitted: number;
}

/** What a status event says about the service. */
export interface StatusEventBody {
  /** `online` while the service runs, `offline` once it stopped (or, as last will, died). */
  state: "online" | "offline";
  /** The health verdict. */
  health: "ok" | "degraded" | "failing";
  /** Its reasons. */
  reasons: string[];
  /** Reports waiting to be uploaded. */
  backlog: number;
  /** The circuit breaker in front of the server: `closed`, `open` or `half-open`. */
  breaker: string;
}

/** An event as the outbox keeps it and sinks publish it. */
export interface StationEvent {
  /** Stable id: the report id for report events, a UUID for status events. */
  messageId: string;
  /** What happened. */
  kind: "report" | "status";
  /** When it happened (acceptance by the server, health change), ISO 8601. */
  at: string;
  /** The station it happened on. */
  station: { name: string; location: string };
  /** For `report` events. */
  report?: ReportEventBody;
  /** For `status` events. */
  status?: StatusEventBody;
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function text(value: unknown): string {
  return typeof value === "string"
    ? value
    : value === undefined || value === null
    ? ""
    : String(value);
}

function numberOrNull(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

function measurementsOf(step: Json): EventMeasurement[] {
  const measurements: EventMeasurement[] = [];
  for (const key of ["numericMeas", "booleanMeas", "stringMeas"]) {
    const list = step[key];
    if (!Array.isArray(list)) continue;
    for (const raw of list) {
      if (measurements.length >= MAX_STEP_MEASUREMENTS) return measurements;
      if (!isObject(raw)) continue;
      const measurement: EventMeasurement = { status: text(raw.status) || text(step.status) };
      if (typeof raw.name === "string" && raw.name) measurement.name = raw.name;
      const value = raw.value;
      if (typeof value === "number" || typeof value === "string" || typeof value === "boolean") {
        measurement.value = value;
      }
      if (typeof raw.unit === "string" && raw.unit) measurement.unit = raw.unit;
      if (typeof raw.compOp === "string") measurement.compOp = raw.compOp;
      const low = numberOrNull(raw.lowLimit);
      const high = numberOrNull(raw.highLimit);
      if (low !== null) measurement.lowLimit = low;
      if (high !== null) measurement.highLimit = high;
      measurements.push(measurement);
    }
  }
  return measurements;
}

/**
 * Makes the event of an accepted report.
 *
 * @param report The report as queued (WSJF wire form).
 * @param acceptedAt When the server accepted it, ISO 8601.
 * @param station The station's name and location.
 * @returns The event, with the report id as its message id.
 *
 * @example The event of a report
 * ```ts
 * import assert from "node:assert/strict";
 * import { reportEvent } from "@wats/toolkit/client";
 * const event = reportEvent({
 *   id: "8c1f0d6e-3b1a-4f0e-9a2b-1d2c3e4f5a6b", sn: "SN1", pn: "PCBA-100", rev: "A",
 *   result: "F", processCode: 10, start: "2026-01-30T22:01:41.470+01:00",
 *   root: { name: "Main", status: "F", steps: [{ name: "Supply 5V", status: "F" }] },
 * }, "2026-01-30T21:02:00.000Z", { name: "ICT-1", location: "Line 2" });
 * assert.equal(event.messageId, "8c1f0d6e-3b1a-4f0e-9a2b-1d2c3e4f5a6b");
 * assert.deepEqual(event.report?.failedSteps, ["Supply 5V"]);
 * ```
 */
export function reportEvent(
  report: QueueReport,
  acceptedAt: string,
  station: { name: string; location: string },
): StationEvent {
  const failedSteps: string[] = [];
  const steps: EventStep[] = [];
  let stepsOmitted = 0;
  // Depth first without recursion: a deep report cannot overflow the stack.
  const stack: Json[] = isObject(report.root) && Array.isArray(report.root.steps)
    ? [...(report.root.steps as unknown[])].filter(isObject).reverse()
    : [];
  while (stack.length > 0) {
    const step = stack.pop()!;
    const status = text(step.status);
    const children = Array.isArray(step.steps) ? step.steps.filter(isObject) : [];
    if (status === "F" && children.length === 0 && failedSteps.length < MAX_FAILED_STEPS) {
      failedSteps.push(text(step.name));
    }
    if (children.length === 0) {
      if (steps.length < MAX_EVENT_STEPS) {
        steps.push({ name: text(step.name), status, measurements: measurementsOf(step) });
      } else stepsOmitted++;
    }
    for (let index = children.length - 1; index >= 0; index--) stack.push(children[index]);
  }
  const uut = isObject(report.uut) ? report.uut : {};
  return {
    messageId: report.id,
    kind: "report",
    at: acceptedAt,
    station: { ...station },
    report: {
      reportId: report.id,
      serialNumber: text(report.sn),
      partNumber: text(report.pn),
      revision: text(report.rev),
      result: text(report.result) || "P",
      processCode: numberOrNull(report.processCode),
      start: text(report.start),
      durationSeconds: numberOrNull(uut.execTime),
      failedSteps,
      steps,
      stepsOmitted,
    },
  };
}
