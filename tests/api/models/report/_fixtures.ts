/**
 * Access to the report fixtures (`tests/fixtures/`) and small helpers for report tests.
 *
 * @module
 */
import assert from "node:assert/strict";
import { FIXTURES } from "../../../fixtures/mod.ts";
import { safeParseReport } from "../../../../api/models/report/mod.ts";

export { FIXTURES } from "../../../fixtures/mod.ts";

/** Every JSON fixture, by its path below the fixtures folder. */
export function fixtureNames(): string[] {
  const names = ["uut-wsjf-export.json", "new_report_example.json", "uur_example.json"];
  for (const entry of Deno.readDirSync(new URL("server-roundtrip/", FIXTURES))) {
    if (entry.isFile && entry.name.endsWith(".json")) names.push(`server-roundtrip/${entry.name}`);
  }
  return names.sort();
}

/** Reads a fixture as parsed JSON. */
export function readFixture(name: string): Record<string, unknown> {
  return JSON.parse(Deno.readTextFileSync(new URL(name, FIXTURES)));
}

/** A minimal valid UUT report, as plain JSON, for tests to change one thing at a time. */
export function minimalUut(): Record<string, unknown> {
  return {
    id: "4f8d1c9e-2b7a-4c3e-9f10-6a5b4c3d2e1f",
    type: "T",
    pn: "PCBA-100",
    sn: "SN0001",
    rev: "A",
    processCode: 10,
    result: "P",
    machineName: "Station 7",
    location: "Line 2",
    purpose: "Production",
    start: "2026-01-30T22:01:41.470+01:00",
    root: {
      stepType: "SequenceCall",
      name: "MainSequence Callback",
      status: "P",
      steps: [],
    },
  };
}

/** A minimal UUT report whose root holds the given steps. */
export function uutWithSteps(...steps: Record<string, unknown>[]): Record<string, unknown> {
  const report = minimalUut();
  (report.root as Record<string, unknown>).steps = steps;
  return report;
}

/**
 * Lists where two JSON values differ, ignoring key order: `path: before -> after`.
 */
export function jsonDiff(before: unknown, after: unknown, path = ""): string[] {
  if (Object.is(before, after)) return [];
  const isObject = (v: unknown) => typeof v === "object" && v !== null;
  if (Array.isArray(before) && Array.isArray(after)) {
    const out: string[] = [];
    const length = Math.max(before.length, after.length);
    for (let i = 0; i < length; i++) out.push(...jsonDiff(before[i], after[i], `${path}[${i}]`));
    return out;
  }
  if (isObject(before) && isObject(after) && !Array.isArray(before) && !Array.isArray(after)) {
    const a = before as Record<string, unknown>;
    const b = after as Record<string, unknown>;
    const out: string[] = [];
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const sub = path === "" ? key : `${path}.${key}`;
      if (!(key in b)) out.push(`${sub}: ${JSON.stringify(a[key])} -> (absent)`);
      else if (!(key in a)) out.push(`${sub}: (absent) -> ${JSON.stringify(b[key])}`);
      else out.push(...jsonDiff(a[key], b[key], sub));
    }
    return out;
  }
  return [`${path}: ${JSON.stringify(before)} -> ${JSON.stringify(after)}`];
}

/** The issues of a report that must fail. */
export function issuesOf(input: unknown): { path: string; message: string }[] {
  const result = safeParseReport(input);
  assert.equal(result.ok, false, "the report should have been rejected");
  return result.ok ? [] : result.error.issues;
}

/** The issue paths of a report that must fail. */
export function pathsOf(input: unknown): string[] {
  return issuesOf(input).map((issue) => issue.path);
}

/** A numeric limit step holding `meas` as its measurements. */
export function nlt(meas: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { stepType: "ET_NLT", name: "Supply", status: "P", numericMeas: meas, ...extra };
}
