/**
 * Top failed steps (`/api/App/TopFailed`) computed from stored reports: the leaf steps of the
 * matching UUT reports, per part number, revision and step path (names joined by `¶`), with how
 * often each ran (skipped runs left out) and failed, most failures first.
 *
 * @module
 */
import { round } from "./_analytics.ts";
import { walkSteps } from "./_report_shape.ts";
import type { Rec } from "./_records.ts";

const GROUPS: Record<string, string> = { S: "Setup", M: "Main", C: "Cleanup" };

/** Top failed steps over stored reports (leaf steps, most failures first). */
export function topFailed(
  entries: readonly { header: Rec; report: Rec }[],
  topCount: number,
): Rec[] {
  const steps = new Map<string, Rec>();
  for (const { header, report } of entries) {
    const start = String(header.startUtc ?? "");
    for (const { step, path } of walkSteps(report.root)) {
      if (Array.isArray(step.steps) && step.steps.length > 0) continue;
      if (step.status === "S") continue;
      const stepPath = path.join("¶");
      const key = JSON.stringify([header.partNumber, header.revision, stepPath, step.stepType]);
      let row = steps.get(key);
      if (!row) {
        row = {
          stepName: step.name ?? null,
          stepPath,
          stepType: step.stepType ?? null,
          stepGroup: GROUPS[String(step.group ?? "M")] ?? step.group ?? null,
          partNumber: header.partNumber,
          revision: header.revision,
          productGroup: null,
          failCount: 0,
          totalCount: 0,
          failRate: 0,
          firstFailDate: null,
          lastFailDate: null,
        };
        steps.set(key, row);
      }
      row.totalCount = Number(row.totalCount) + 1;
      if (step.status === "F") {
        row.failCount = Number(row.failCount) + 1;
        if (row.firstFailDate === null || start < String(row.firstFailDate)) {
          row.firstFailDate = start;
        }
        if (row.lastFailDate === null || start > String(row.lastFailDate)) row.lastFailDate = start;
      }
    }
  }
  const failed = [...steps.values()].filter((row) => Number(row.failCount) > 0);
  for (const row of failed) {
    row.failRate = round((Number(row.failCount) / Number(row.totalCount)) * 100);
  }
  failed.sort((a, b) =>
    Number(b.failCount) - Number(a.failCount) ||
    String(a.stepPath).localeCompare(String(b.stepPath))
  );
  return failed.slice(0, topCount);
}
