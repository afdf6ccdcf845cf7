/**
 * Repair analytics computed from stored UUR reports: dynamic repair statistics
 * (`/api/App/DynamicRepair`) and the repair history of a part (`/api/App/RelatedRepairHistory`).
 *
 * Each failure of a repair (on any of its sub-units) is one repair; a repair report without
 * failures counts as a report with no repairs. Rows group repairs by the requested dimensions
 * (default `partNumber`): `repairReportCount` distinct UUR reports, `repairCount` failures,
 * `totalCount` the distinct units tested (UUT reports matching the filter, narrowed by the row's
 * part number and revision where those are dimensions), and `repairRate` the repaired units per
 * unit tested, in percent. `test…` dimensions come from the UUT report the repair references.
 *
 * @module
 */
import { periodStart, round } from "./_analytics.ts";
import { EmulatorHttpError, isRecord } from "./_http.ts";
import type { ReportEntry } from "./_step_analysis.ts";
import type { Rec } from "./_records.ts";

const FAILURE_DIMENSIONS: Record<string, string> = {
  repairCode: "code",
  repairCategory: "category",
  componentRef: "comRef",
  componentNumber: "artNumber",
  componentRevision: "artRev",
  componentVendor: "artVendor",
  componentDescription: "artDescription",
  functionBlock: "funcBlock",
  referencedStep: "refStepName",
};

const REPORT_DIMENSIONS: Record<string, string> = {
  partNumber: "partNumber",
  revision: "revision",
  productName: "productName",
  productGroup: "productGroup",
  stationName: "stationName",
  location: "location",
  purpose: "purpose",
  operator: "operator",
  repairOperation: "processName",
  processCode: "processCode",
  testOperation: "testOperation",
  level: "level",
};

const TEST_DIMENSIONS: Record<string, string> = {
  testStationName: "stationName",
  testLocation: "location",
  testPurpose: "purpose",
  testOperator: "operator",
  testLevel: "level",
  referencedStepPath: "causedUutFailurePath",
};

/** One repaired failure, with its report and the UUT report it refers to. */
interface Repair {
  header: Rec;
  failure: Rec | null;
  test: Rec | null;
}

function failuresOf(report: Rec): Rec[] {
  const units = Array.isArray(report.subUnits) ? report.subUnits.filter(isRecord) : [];
  return units.flatMap((u) => Array.isArray(u.failures) ? u.failures.filter(isRecord) : []);
}

function value(name: string, repair: Repair, grouping: number): unknown {
  if (name === "period") return periodStart(Date.parse(String(repair.header.startUtc)), grouping);
  if (name === "testPeriod") {
    return repair.test ? periodStart(Date.parse(String(repair.test.startUtc)), grouping) : null;
  }
  if (name in FAILURE_DIMENSIONS) return repair.failure?.[FAILURE_DIMENSIONS[name]] ?? null;
  if (name in REPORT_DIMENSIONS) return repair.header[REPORT_DIMENSIONS[name]] ?? null;
  if (name in TEST_DIMENSIONS) return repair.test?.[TEST_DIMENSIONS[name]] ?? null;
  throw new EmulatorHttpError(400, `Unknown repair dimension '${name}'`);
}

function unitKey(h: Rec): string {
  return `${String(h.serialNumber).toLowerCase()}\u0000${String(h.partNumber).toLowerCase()}`;
}

/** Repair statistics rows. */
export function dynamicRepair(
  repairs: readonly ReportEntry[],
  tested: readonly Rec[],
  dimensions: string | undefined,
  grouping: number,
): Rec[] {
  const names = (dimensions?.trim() ? dimensions : "partNumber").split(";").map((d) =>
    d.trim().split(/\s+/)[0]
  ).filter((d) => d !== "");
  const byId = new Map(tested.map((h) => [String(h.uuid).toLowerCase(), h]));
  const all: Repair[] = repairs.flatMap(({ header, report }): Repair[] => {
    const ref = isRecord(report.uur) ? String(report.uur.refUUT ?? "").toLowerCase() : "";
    const test = byId.get(ref) ?? null;
    const failures = failuresOf(report);
    return failures.length === 0
      ? [{ header, failure: null, test }]
      : failures.map((failure) => ({ header, failure, test }));
  });
  const groups = new Map<string, Repair[]>();
  for (const repair of all) {
    const key = JSON.stringify(names.map((n) => value(n, repair, grouping)));
    groups.set(key, [...(groups.get(key) ?? []), repair]);
  }
  const rows: Rec[] = [];
  for (const members of groups.values()) {
    const first = members[0];
    const row: Rec = Object.fromEntries(names.map((n) => [n, value(n, first, grouping)]));
    const scope = tested.filter((h) =>
      (!names.includes("partNumber") || h.partNumber === row.partNumber) &&
      (!names.includes("revision") || h.revision === row.revision)
    );
    const totalCount = new Set(scope.map(unitKey)).size;
    const repairedUnits = new Set(members.map((r) => unitKey(r.header))).size;
    Object.assign(row, {
      repairReportCount: new Set(members.map((r) => r.header.uuid)).size,
      repairCount: members.filter((r) => r.failure !== null).length,
      totalCount,
      repairRate: totalCount > 0 ? round((repairedUnits / totalCount) * 100) : null,
    });
    rows.push(row);
  }
  return rows.sort((a, b) => Number(b.repairCount) - Number(a.repairCount));
}

/** Every repaired failure of a part number and revision, newest first. */
export function relatedRepairHistory(
  repairs: readonly ReportEntry[],
  tested: readonly Rec[],
): Rec[] {
  const byId = new Map(tested.map((h) => [String(h.uuid).toLowerCase(), h]));
  const rows: Rec[] = [];
  for (const { header, report } of repairs) {
    const uur = isRecord(report.uur) ? report.uur : {};
    const test = byId.get(String(uur.refUUT ?? "").toLowerCase());
    for (const failure of failuresOf(report)) {
      rows.push({
        serialNumber: header.serialNumber,
        partNumber: header.partNumber,
        revision: header.revision,
        reportId: header.uuid,
        repairDate: header.startUtc,
        failStepName: failure.refStepName ?? test?.causedUutFailure ?? null,
        failStepPath: test?.causedUutFailurePath ?? null,
        failCode: failure.code ?? null,
        repairCode: failure.category ?? null,
        componentRef: failure.comRef ?? null,
        comment: failure.comment ?? null,
        referencedUut: uur.refUUT ?? null,
      });
    }
  }
  return rows.sort((a, b) => String(b.repairDate).localeCompare(String(a.repairDate)));
}
