/**
 * Report validation for `POST /api/Report/WSJF`: the project's report model decides what a
 * valid WSJF report is (the same rules the client applies before sending) and gives its wire
 * form; then the rules only the server enforces are added (a UUR needs `uur.processCode`,
 * `uur.confirmDate`, `uur.finalizeDate`, the `uur.refUUT` key (null for a standalone repair) and
 * the idx-0 `Main` sub-unit, as the WATS API spec §4.5 gives them).
 *
 * @module
 */
import { safeParseReport, serializeReport } from "../api/models/report/mod.ts";
import { isRecord } from "./_http.ts";
import type { Rec } from "./_records.ts";

/** One validation problem. */
export interface ValidationIssue {
  path: string;
  message: string;
}

/** Outcome of {@link validateReport}. */
export type ValidationResult =
  | { ok: true; report: Rec }
  | { ok: false; message: string; issues: ValidationIssue[] };

function fail(issues: ValidationIssue[]): ValidationResult {
  const listed = issues.slice(0, 5).map((issue) => `${issue.path}: ${issue.message}`).join("; ");
  const more = issues.length > 5 ? ` (and ${issues.length - 5} more)` : "";
  return { ok: false, message: `Report is invalid: ${listed}${more}`, issues };
}

/** Validate a WSJF body; on success the report in its serialised (wire) form. */
export function validateReport(input: unknown): ValidationResult {
  if (!isRecord(input)) return fail([{ path: "(report)", message: "expected a report object" }]);
  const result = safeParseReport(input);
  if (!result.ok) {
    return fail(result.error.issues.map(({ path, message }) => ({ path, message })));
  }
  return serverRules(serializeReport(result.report));
}

function serverRules(report: Rec): ValidationResult {
  if (report.type !== "R") return { ok: true, report };
  const uur = isRecord(report.uur) ? report.uur : {};
  const issues: ValidationIssue[] = [];
  if (typeof uur.processCode !== "number") {
    issues.push({
      path: "uur.processCode",
      message: "required by the server (the test operation that failed)",
    });
  }
  for (const key of ["confirmDate", "finalizeDate"]) {
    if (typeof uur[key] !== "string") {
      issues.push({ path: `uur.${key}`, message: "required by the server" });
    }
  }
  if (!("refUUT" in uur)) {
    issues.push({
      path: "uur.refUUT",
      message: "required by the server (the failed UUT's id, or null for a standalone repair)",
    });
  }
  const units = Array.isArray(report.subUnits) ? report.subUnits : [];
  const main = units.find((unit) => isRecord(unit) && unit.idx === 0);
  if (!isRecord(main) || String(main.partType ?? "").toLowerCase() !== "main") {
    issues.push({
      path: "subUnits",
      message: "required by the server: sub-unit idx 0 with partType 'Main' (the repaired unit)",
    });
  }
  return issues.length > 0 ? fail(issues) : { ok: true, report };
}
