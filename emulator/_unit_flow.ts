/**
 * Unit flow (internal `/api/internal/UnitFlow`) computed from stored reports: each unit (serial
 * and part number) is followed through its reports in start order; a node is an operation (process
 * name, or operation and station with `expandOperations`), repeated visits in a row (retests)
 * collapse into one, and a link is a move between consecutive nodes. A node's pass count is the
 * units whose first visit there passed. `includePassed`/`includeFailed` select units by the result
 * of their latest report; `showList`/`hideList` keep or drop nodes by name or process code.
 *
 * @module
 */
import { round, wildcard } from "./_analytics.ts";
import type { Rec } from "./_records.ts";

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
  const expand = query.expandOperations === true;
  const show = list(query.showList);
  const hide = list(query.hideList);
  const nodeOf = (h: Rec) => {
    const operation = String(h.processName ?? h.processCode ?? "Unknown");
    return expand ? `${operation} @ ${h.stationName ?? "?"}` : operation;
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
          stationName: expand ? h.stationName ?? null : null,
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
  return {
    nodes: [...nodes.values()],
    links: [...links.values()],
    units: unitRows,
    totalUnits: unitRows.length,
  };
}
