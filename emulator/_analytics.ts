/**
 * Analytics computed from the stored reports, not canned.
 *
 * - `WATSFilter` matching on header rows: WATS wildcards (`;` list, `%` any run, `_` one
 *   character, case-insensitive), date ranges, `periodCount` with `dateGrouping`, run selection.
 * - Dynamic yield: reports are grouped by the requested dimensions; inside a group a unit is one
 *   serial number + part number + process, its runs ordered by start. First-pass count = units
 *   whose first run passed; second/third-pass = passed within two/three runs; last-pass = last
 *   run passed. Yields are percentages (0–100).
 *
 * @module
 */
import { KPI_NAMES, YIELD_DIMENSIONS } from "../api/models/dimensions.ts";
import { EmulatorHttpError } from "./_http.ts";
import type { Rec } from "./_records.ts";

const DAY_MS = 86_400_000;

/** A matcher for a WATS text criterion: `;` alternatives, `%` any run, `_` one character. */
export function wildcard(pattern: string): (value: unknown) => boolean {
  const options = pattern.split(";").map((p) => p.trim()).filter((p) => p !== "").map((p) =>
    new RegExp(
      "^" + [...p].map((ch) =>
        ch === "%" ? ".*" : ch === "_" ? "." : ch.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
      ).join("") + "$",
      "is",
    )
  );
  return (value) =>
    value !== null && value !== undefined && options.some((r) => r.test(String(value)));
}

/** The start of the period containing `ms` (UTC), for `dateGrouping` 0 year … 5 hour. */
export function periodStart(ms: number, grouping: number): string {
  const d = new Date(ms);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  let start: number;
  switch (grouping) {
    case 0:
      start = Date.UTC(y, 0, 1);
      break;
    case 1:
      start = Date.UTC(y, m - (m % 3), 1);
      break;
    case 2:
      start = Date.UTC(y, m, 1);
      break;
    case 3: {
      const day = Date.UTC(y, m, d.getUTCDate());
      start = day - ((new Date(day).getUTCDay() + 6) % 7) * DAY_MS; // weeks start on Monday
      break;
    }
    case 5:
      start = Date.UTC(y, m, d.getUTCDate(), d.getUTCHours());
      break;
    default:
      start = Date.UTC(y, m, d.getUTCDate());
  }
  return new Date(start).toISOString();
}

function subtractPeriods(startIso: string, grouping: number, count: number): number {
  const d = new Date(startIso);
  if (grouping === 0) d.setUTCFullYear(d.getUTCFullYear() - count);
  else if (grouping === 1) d.setUTCMonth(d.getUTCMonth() - 3 * count);
  else if (grouping === 2) d.setUTCMonth(d.getUTCMonth() - count);
  else if (grouping === 3) return d.getTime() - 7 * count * DAY_MS;
  else if (grouping === 5) return d.getTime() - count * 3_600_000;
  else return d.getTime() - count * DAY_MS;
  return d.getTime();
}

/** The filter's `dateGrouping` (0 year … 5 hour), day when absent or invalid. */
export function grouping(filter: Rec): number {
  const value = Number(filter.dateGrouping ?? 4);
  return Number.isInteger(value) && value >= 0 && value <= 5 ? value : 4;
}

/** A predicate for header rows from a `WATSFilter` body. */
export function headerPredicate(filter: Rec, now: number): (header: Rec) => boolean {
  const tests: ((header: Rec) => boolean)[] = [];
  const text = (key: string, field: string | ((h: Rec) => unknown[])) => {
    const value = filter[key];
    if (typeof value !== "string" || value.trim() === "") return;
    const match = wildcard(value);
    tests.push((h) =>
      typeof field === "string" ? match(h[field]) : field(h).some((candidate) => match(candidate))
    );
  };
  text("serialNumber", "serialNumber");
  text("partNumber", "partNumber");
  text("revision", "revision");
  text("batchNumber", "batchNumber");
  text("stationName", "stationName");
  text("swFilename", "swFilename");
  text("swVersion", "swVersion");
  text("productGroup", "productGroup");
  text("level", "level");
  text("testOperation", (h) => [h.processName, h.processCode, h.testOperation]);
  text("miscDescription", (h) => (h.miscInfo as Rec[]).map((m) => m.description));
  text("miscInfoDescription", (h) => (h.miscInfo as Rec[]).map((m) => m.description));
  text("miscValue", (h) => (h.miscInfo as Rec[]).map((m) => m.value));
  text("miscInfoString", (h) => (h.miscInfo as Rec[]).map((m) => m.value));
  text("assetSerialNumber", (h) => (h.assets as Rec[]).map((a) => a.serialNumber));
  if (typeof filter.status === "string" && filter.status.toLowerCase() !== "all") {
    const status = filter.status.toLowerCase();
    tests.push((h) => String(h.result).toLowerCase() === status);
  }
  if (filter.socket !== undefined && filter.socket !== null) {
    tests.push((h) => String(h.testSocketIndex) === String(filter.socket));
  }
  let from = typeof filter.dateFrom === "string" ? Date.parse(filter.dateFrom) : NaN;
  const to = typeof filter.dateTo === "string" ? Date.parse(filter.dateTo) : NaN;
  const periods = Number(filter.periodCount);
  if (Number.isNaN(from) && Number.isInteger(periods) && periods > 0) {
    const current = periodStart(now, grouping(filter));
    const include = filter.includeCurrentPeriod !== false;
    from = subtractPeriods(current, grouping(filter), include ? periods - 1 : periods);
  }
  if (!Number.isNaN(from)) tests.push((h) => Date.parse(String(h.startUtc)) >= from);
  if (!Number.isNaN(to)) tests.push((h) => Date.parse(String(h.startUtc)) <= to);
  return (header) => tests.every((test) => test(header));
}

/** Keep the runs a filter's `run` asks for (1, 2, 3, -1 last, -2 or absent all). */
export function selectRuns(headers: Rec[], run: unknown): Rec[] {
  const wanted = Number(run ?? -2);
  if (wanted === -2 || !Number.isInteger(wanted)) return headers;
  if (wanted > 0) return headers.filter((h) => h.run === wanted);
  const last = new Map<string, Rec>();
  for (const h of headers) {
    const key = unitKey(h);
    const seen = last.get(key);
    if (!seen || Number(h.run) > Number(seen.run)) last.set(key, h);
  }
  return [...last.values()];
}

function unitKey(h: Rec): string {
  return [h.serialNumber, h.partNumber, h.processCode].map((v) => String(v ?? "").toLowerCase())
    .join("\u0000");
}

/** KPIs the emulator computes; the rest (ppm, test yield, repair counts) it does not. */
const KPIS: ReadonlySet<string> = new Set(
  KPI_NAMES.filter((name) =>
    !name.startsWith("ppm") && !name.startsWith("testYield") && !name.startsWith("repair")
  ),
);

function dimensionValue(name: string, h: Rec, dateGrouping: number): unknown {
  switch (name) {
    case "testOperation":
      return h.processName;
    case "period":
      return h.startUtc ? periodStart(Date.parse(String(h.startUtc)), dateGrouping) : null;
    case "socketIndex":
      return h.testSocketIndex;
    case "stepCausedUutFailure":
      return h.causedUutFailure;
    case "stepPathCausedUutFailure":
      return h.causedUutFailurePath;
    case "productName":
    case "productGroup":
    case "level":
    case "unitType":
      return h[name] ?? null;
    default:
      return h[name];
  }
}

/** Yield dimensions the emulator groups by: header rows carry no misc info or assets. */
const DIMENSIONS: ReadonlySet<string> = new Set(
  YIELD_DIMENSIONS.filter((name) => !name.startsWith("miscInfo") && !name.startsWith("asset")),
);

/** Round to two decimals (yields and rates). */
export function round(value: number): number {
  return Math.round(value * 100) / 100;
}

/** Dynamic yield rows. `dimensions` is `name[ asc|desc];…` (KPI names sort only). */
export function dynamicYield(
  headers: readonly Rec[],
  filter: Rec,
  dimensions: string | undefined,
  now: number,
): Rec[] {
  const spec =
    (dimensions && dimensions.trim() !== "" ? dimensions : "partNumber;processCode;testOperation")
      .split(";").map((part) => part.trim()).filter((part) => part !== "").map((part) => {
        const [name, direction = "asc"] = part.split(/\s+/);
        const canonical = [...DIMENSIONS, ...KPIS].find((d) =>
          d.toLowerCase() === name.toLowerCase()
        );
        if (!canonical) throw new EmulatorHttpError(400, `Unknown dimension '${name}'`);
        return { name: canonical, descending: direction.toLowerCase() === "desc" };
      });
  const groupBy = spec.filter((d) => DIMENSIONS.has(d.name)).map((d) => d.name);
  const dateGrouping = grouping(filter);
  const matching = headers.filter((h) => h.reportType === "T").filter(headerPredicate(filter, now));
  const groups = new Map<string, Rec[]>();
  for (const h of matching) {
    const key = JSON.stringify(groupBy.map((d) => dimensionValue(d, h, dateGrouping)));
    groups.set(key, [...(groups.get(key) ?? []), h]);
  }
  const rows: Rec[] = [];
  for (const reports of groups.values()) {
    const units = new Map<string, Rec[]>();
    for (const h of reports) units.set(unitKey(h), [...(units.get(unitKey(h)) ?? []), h]);
    const counts = { fp: 0, sp: 0, tp: 0, lp: 0 };
    for (const runs of units.values()) {
      runs.sort((a, b) => String(a.startUtc).localeCompare(String(b.startUtc)));
      const passedBy = (n: number) => runs.slice(0, n).some((r) => r.result === "Passed");
      if (passedBy(1)) counts.fp += 1;
      if (passedBy(2)) counts.sp += 1;
      if (passedBy(3)) counts.tp += 1;
      if (runs[runs.length - 1].result === "Passed") counts.lp += 1;
    }
    const unitCount = units.size;
    const starts = reports.map((h) => String(h.startUtc)).sort();
    const row: Rec = {};
    for (const d of groupBy) row[d] = dimensionValue(d, reports[0], dateGrouping);
    Object.assign(row, {
      unitCount,
      fpCount: counts.fp,
      spCount: counts.sp,
      tpCount: counts.tp,
      lpCount: counts.lp,
      fpFailCount: unitCount - counts.fp,
      spFailCount: unitCount - counts.sp,
      tpFailCount: unitCount - counts.tp,
      lpFailCount: unitCount - counts.lp,
      fpy: round((counts.fp / unitCount) * 100),
      spy: round((counts.sp / unitCount) * 100),
      tpy: round((counts.tp / unitCount) * 100),
      lpy: round((counts.lp / unitCount) * 100),
      testReportCount: reports.length,
      retestCount: reports.length - unitCount,
      firstUtc: starts[0],
      lastUtc: starts[starts.length - 1],
    });
    rows.push(row);
  }
  const order = spec.length > 0 ? spec : [];
  rows.sort((a, b) => {
    for (const { name, descending } of order) {
      const x = a[name];
      const y = b[name];
      const c = typeof x === "number" && typeof y === "number"
        ? x - y
        : String(x ?? "").localeCompare(String(y ?? ""));
      if (c !== 0) return descending ? -c : c;
    }
    return 0;
  });
  const top = Number(filter.topCount ?? filter.maxCount);
  return Number.isInteger(top) && top > 0 ? rows.slice(0, top) : rows;
}
