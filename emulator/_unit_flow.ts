/**
 * Unit flow (internal `/api/internal/UnitFlow`) computed from stored reports: each unit (serial
 * and part number) is followed through its reports in start order; a node is an operation (process
 * name, or operation and station with `expandOperations`), repeated visits in a row (retests)
 * collapse into one, and a link is a move between consecutive nodes. A node's pass count is the
 * units whose first visit there passed. `includePassed`/`includeFailed` select units by the result
 * of their latest report; `showList`/`hideList` keep or drop nodes by name or process code.
 *
 * `splitBy` (the `…/SplitBy` route) splits each operation by a header field, as
 * `expandOperations` does by station: a node per operation and value, named `operation @ value`.
 * `unitOrder` (the `…/UnitOrder` route) sorts the unit list by one of its fields, ` desc` for
 * descending; without it units keep the order their first report arrived in.
 *
 * @module
 */
import { round, wildcard } from "./_analytics.ts";
import type { Rec } from "./_records.ts";

/** The header fields a flow can be split by (`splitBy`), as WATS names them. */
export const SPLIT_BY_FIELDS: readonly string[] = [
  "stationName",
  "location",
  "purpose",
  "revision",
  "operator",
  "fixtureId",
  "batchNumber",
  "swFilename",
  "swVersion",
];

/** The unit fields a unit list can be ordered by (`unitOrder`). */
export const UNIT_ORDER_FIELDS: readonly string[] = [
  "serialNumber",
  "partNumber",
  "revision",
  "status",
  "startTime",
  "endTime",
];

/** The field of a `splitBy` value, spelled as WATS spells it, or null when it is not one. */
export function splitByField(value: string): string | null {
  return SPLIT_BY_FIELDS.find((f) => f.toLowerCase() === value.trim().toLowerCase()) ?? null;
}

/** The field and direction of a `unitOrder` value (`startTime desc`), or null. */
export function unitOrderOf(value: string): { field: string; descending: boolean } | null {
  const m = /^\s*(\w+)(?:\s+(asc|desc))?\s*$/i.exec(value);
  const field = m && UNIT_ORDER_FIELDS.find((f) => f.toLowerCase() === m[1].toLowerCase());
  return field ? { field, descending: m[2]?.toLowerCase() === "desc" } : null;
}

function list(value: unknown): string[] {
  return Array.isArray(value) ? value.map((v) => String(v).toLowerCase()) : [];
}

function selects(query: Rec): (h: Rec) => boolean {
  const tests: ((h: Rec) => boolean)[] = [];
  for (const key of ["partNumber", "revision", "stationName", "location", "purpose"]) {
    const value = query[key];
    if (typeof value === "string" && value.trim() !== "") {
      const match = wildcard(value);
      tests.push((h) => match(h[key]));
    }
  }
  const serials = [
    ...list(query.serialNumbers),
    ...(typeof query.serialNumber === "string" ? [query.serialNumber.toLowerCase()] : []),
  ];
  if (serials.length > 0) tests.push((h) => serials.includes(String(h.serialNumber).toLowerCase()));
  const codes = Array.isArray(query.processCodes) ? query.processCodes.map(Number) : [];
  if (codes.length > 0) tests.push((h) => codes.includes(Number(h.processCode)));
  const from = typeof query.dateFrom === "string" ? Date.parse(query.dateFrom) : NaN;
  const to = typeof query.dateTo === "string" ? Date.parse(query.dateTo) : NaN;
  if (Number.isFinite(from)) tests.push((h) => Date.parse(String(h.startUtc)) >= from);
  if (Number.isFinite(to)) tests.push((h) => Date.parse(String(h.startUtc)) <= to);
  return (h) => tests.every((t) => t(h));
}

/** The flow over stored header rows. */
export function unitFlow(headers: readonly Rec[], query: Rec): Rec {
  const split = typeof query.splitBy === "string" ? splitByField(query.splitBy) : null;
  const splitField = split ?? (query.expandOperations === true ? "stationName" : null);
  const show = list(query.showList);
  const hide = list(query.hideList);
  const nodeOf = (h: Rec) => {
    const operation = String(h.processName ?? h.processCode ?? "Unknown");
    return splitField ? `${operation} @ ${h[splitField] ?? "?"}` : operation;
  };
  const visible = (h: Rec) => {
    const names = [String(h.processName ?? "").toLowerCase(), String(h.processCode)];
    return (show.length === 0 || names.some((n) => show.includes(n))) &&
      !names.some((n) => hide.includes(n));
  };
  const units = new Map<string, Rec[]>();
  for (const h of headers.filter(selects(query))) {
    const key = `${String(h.serialNumber).toLowerCase()}\u0000${
      String(h.partNumber).toLowerCase()
    }`;
    units.set(key, [...(units.get(key) ?? []), h]);
  }
  const nodes = new Map<string, Rec>();
  const links = new Map<string, Rec>();
  const unitRows: Rec[] = [];
  for (const runs of units.values()) {
    runs.sort((a, b) => String(a.startUtc).localeCompare(String(b.startUtc)));
    const last = runs[runs.length - 1];
    const passed = last.result === "Passed";
    if ((passed && query.includePassed === false) || (!passed && query.includeFailed === false)) {
      continue;
    }
    const path: string[] = [];
    for (const h of runs.filter(visible)) {
      const name = nodeOf(h);
      if (path[path.length - 1] === name) continue;
      path.push(name);
      let node = nodes.get(name);
      if (!node) {
        node = {
          id: name,
          name,
          processCode: h.processCode ?? null,
          processName: h.processName ?? null,
          stationName: splitField === "stationName" ? h.stationName ?? null : null,
          ...(split ? { splitBy: split, splitValue: h[split] ?? null } : {}),
          unitCount: 0,
          passCount: 0,
          failCount: 0,
        };
        nodes.set(name, node);
      }
      if (path.indexOf(name) !== path.length - 1) continue; // a unit counts once per node
      node.unitCount = Number(node.unitCount) + 1;
      if (h.result === "Passed") node.passCount = Number(node.passCount) + 1;
      else node.failCount = Number(node.failCount) + 1;
    }
    const moves = new Set<string>();
    for (let i = 1; i < path.length; i++) {
      const id = `${path[i - 1]} -> ${path[i]}`;
      if (moves.has(id)) continue;
      moves.add(id);
      const link = links.get(id) ??
        {
          id,
          sourceId: path[i - 1],
          targetId: path[i],
          sourceName: path[i - 1],
          targetName: path[i],
          unitCount: 0,
        };
      link.unitCount = Number(link.unitCount) + 1;
      links.set(id, link);
    }
    unitRows.push({
      serialNumber: last.serialNumber,
      partNumber: last.partNumber,
      revision: last.revision,
      status: last.result,
      startTime: runs[0].startUtc,
      endTime: last.startUtc,
      nodePath: path,
    });
  }
  for (const node of nodes.values()) {
    node.yieldPercent = Number(node.unitCount) > 0
      ? round((Number(node.passCount) / Number(node.unitCount)) * 100)
      : null;
  }
  const order = typeof query.unitOrder === "string" ? unitOrderOf(query.unitOrder) : null;
  if (order) {
    const sign = order.descending ? -1 : 1;
    unitRows.sort((a, b) => sign * String(a[order.field]).localeCompare(String(b[order.field])));
  }
  return {
    nodes: [...nodes.values()],
    links: [...links.values()],
    units: unitRows,
    totalUnits: unitRows.length,
  };
}
