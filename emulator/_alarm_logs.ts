/**
 * Alarm and notification logs (`POST /api/internal/Trigger/GetAlarmAndNotificationLogs`). A WATS
 * server writes a log row each time an administrator's trigger fires; the emulator has no trigger
 * editor, so it has two triggers built in and computes their rows from the stored state:
 *
 * - trigger 1, type 1 (reports): "UUT report not passed", one row per UUT report whose result is
 *   not Passed, dated at the report's start;
 * - trigger 2, type 5 (assets): "Asset warning" or "Asset alarm", one row per asset whose alarm
 *   state (see `_asset_status.ts`) is 1 or 2, dated now.
 *
 * Rows are numbered (`logId`) in date order and answered newest first; `dateFrom`, `dateTo`,
 * `productGroup` (report rows whose product is in the group) and `topCount` narrow them. Alarm
 * types are filtered by the client, as pyWATS does.
 *
 * @module
 */
import type { Rec } from "./_records.ts";
import { wildcard } from "./_analytics.ts";
import { assetStatus } from "./_asset_status.ts";

/** What the logs are computed from. */
export interface AlarmSources {
  /** UUT header rows (with `productGroup`). */
  headers: readonly Rec[];
  /** Assets with their types. */
  assets: readonly { asset: Rec; type: Rec | null }[];
  /** The current instant. */
  now: number;
}

/** The query of the route, already validated. */
export interface AlarmQuery {
  dateFrom?: number;
  dateTo?: number;
  productGroup?: string;
  topCount?: number;
}

/** The log rows a query selects, newest first. */
export function alarmLogs(sources: AlarmSources, query: AlarmQuery): Rec[] {
  const rows: Rec[] = [];
  for (const h of sources.headers) {
    if (h.reportType !== "T" || h.result === "Passed") continue;
    rows.push({
      name: "UUT report not passed",
      logDate: h.startUtc,
      triggerId: 1,
      type: 1,
      state: "C",
      reportGuid: h.uuid,
      partNumber: h.partNumber,
      serialNumber: h.serialNumber,
      revision: h.revision,
      processCode: h.processCode === undefined ? null : String(h.processCode),
      processName: h.processName ?? null,
      stationName: h.stationName ?? null,
      operator: h.operator ?? null,
      result: h.result ?? null,
      startUtc: h.startUtc,
      productGroup: h.productGroup ?? null,
    });
  }
  const now = new Date(sources.now).toISOString();
  for (const { asset, type } of sources.assets) {
    const status = assetStatus(asset, type, sources.now);
    const alarmState = Number(status.alarmState);
    if (alarmState === 0) continue;
    rows.push({
      name: alarmState === 2 ? "Asset alarm" : "Asset warning",
      logDate: now,
      triggerId: 2,
      type: 5,
      state: "C",
      reportGuid: null,
      assetName: asset.assetName ?? null,
      serialNumber: asset.serialNumber,
      typeId: asset.typeId ?? null,
      alarmState,
      message: status.message,
    });
  }
  rows.sort((a, b) => String(a.logDate).localeCompare(String(b.logDate)));
  rows.forEach((row, i) => row.logId = i + 1);
  const group = query.productGroup ? wildcard(query.productGroup) : null;
  const selected = rows.filter((row) => {
    const at = Date.parse(String(row.logDate));
    if (query.dateFrom !== undefined && at < query.dateFrom) return false;
    if (query.dateTo !== undefined && at > query.dateTo) return false;
    return group === null || (row.type === 1 && group(row.productGroup));
  }).reverse();
  return selected.slice(0, query.topCount ?? selected.length);
}
