/**
 * Unit verification (`GET /api/Production/UnitVerification`) computed from the stored reports:
 * per test process the unit went through, how many runs, how many did not pass, the last result,
 * and repairs; then the grade flags over all processes.
 *
 * Grade: `A` every process passed on its first run, `B` every process passed on its last run,
 * `C` some process has not passed (last run failed); `null` with status `Unknown` when the unit
 * has no test reports.
 *
 * @module
 */
import type { EmulatorContext } from "./_context.ts";
import type { Rec } from "./_records.ts";

function same(a: unknown, b: unknown): boolean {
  return String(a ?? "").toLowerCase() === String(b ?? "").toLowerCase();
}

/** The verification grade object of one unit. */
export function unitVerification(
  ctx: EmulatorContext,
  headers: readonly Rec[],
  unit: { serialNumber: string; partNumber: string; revision?: string },
): Rec {
  const mine = headers.filter((h) =>
    same(h.serialNumber, unit.serialNumber) && same(h.partNumber, unit.partNumber) &&
    (unit.revision === undefined || same(h.revision, unit.revision))
  );
  const tests = mine.filter((h) => h.reportType === "T");
  const repairs = mine.filter((h) => h.reportType === "R");
  const byProcess = new Map<number, Rec[]>();
  for (const header of tests) {
    const code = Number(header.processCode);
    byProcess.set(code, [...(byProcess.get(code) ?? []), header]);
  }
  const results = [...byProcess.entries()].map(([code, runs]) => {
    runs.sort((a, b) => Number(a.run) - Number(b.run));
    const last = runs[runs.length - 1];
    const info = ctx.processes.find((p) => p.code === code);
    const name = info?.name ?? last.processName ?? null;
    return {
      processCode: code,
      processName: name,
      processIndex: info?.processIndex ?? null,
      status: last.result,
      startUtc: last.startUtc,
      stationName: last.stationName,
      totalCount: runs.length,
      nonPassedCount: runs.filter((r) => r.result !== "Passed").length,
      repairCount: repairs.filter((r) => name !== null && same(r.testOperation, name)).length,
      firstRunPassed: runs[0].result === "Passed",
      anyRunPassed: runs.some((r) => r.result === "Passed"),
    };
  }).sort((a, b) => (a.processIndex ?? 0) - (b.processIndex ?? 0) || a.processCode - b.processCode);
  if (results.length === 0) {
    return {
      serialNumber: unit.serialNumber,
      partNumber: unit.partNumber,
      status: "Unknown",
      grade: null,
      allProcessesExecutedInCorrectOrder: false,
      allProcessesPassedFirstRun: false,
      allProcessesPassedAnyRun: false,
      allProcessesPassedLastRun: false,
      noRepairs: repairs.length === 0,
      results: [],
    };
  }
  const firstStarts = results.map((r) =>
    byProcess.get(r.processCode)!.map((h) => String(h.startUtc ?? "")).sort()[0]
  );
  const inOrder = firstStarts.every((start, i) => i === 0 || start >= firstStarts[i - 1]);
  const passedFirst = results.every((r) => r.firstRunPassed);
  const passedLast = results.every((r) => r.status === "Passed");
  return {
    serialNumber: unit.serialNumber,
    partNumber: unit.partNumber,
    status: passedLast ? "Passed" : "Failed",
    grade: passedFirst ? "A" : passedLast ? "B" : "C",
    allProcessesExecutedInCorrectOrder: inOrder,
    allProcessesPassedFirstRun: passedFirst,
    allProcessesPassedAnyRun: results.every((r) => r.anyRunPassed),
    allProcessesPassedLastRun: passedLast,
    noRepairs: repairs.length === 0,
    results: results.map(({ firstRunPassed: _f, anyRunPassed: _a, ...row }) => row),
  };
}
