/**
 * Asset alarm rules as pure functions: is the calibration or maintenance overdue, has a count
 * reached its limit, and the asset's alarm state (`ok`, `warning`, `alarm`). Time is a parameter
 * (`now`), so the rules are tested without waiting and agree with any clock the caller injects.
 *
 * The rules, per limit of the asset's type:
 *
 * - **Counts.** A limit > 0 is checked: use = count ÷ limit. A count *exceeds* its limit when it
 *   has reached it (`count >= limit`), as the server's `runningCountExceeded` says.
 * - **Intervals** (days). `-1` (or no value, or 0) means unlimited: never due. A positive interval
 *   is due `interval` days after the last calibration (or maintenance); when no last date is known
 *   but the next date is, the next date is the due date. `-2` means managed externally: the due
 *   date is the next date recorded with the external record (its `toDate`), the window starts at
 *   the last date. Use = time elapsed in the window ÷ the window's length. A tracked interval with
 *   no date at all is overdue: nothing says the asset was ever calibrated.
 * - **State.** Each use in percent is compared with the type's `warningThreshold` (default 80) and
 *   `alarmThreshold` (default 100); the worst wins, and anything overdue is an alarm whatever the
 *   thresholds say.
 *
 * Dates the server sends without a zone are read as UTC (WATS stores UTC), never as the station's
 * local time. (pyWATS' helpers for this referenced enum members that do not exist and crashed.)
 *
 * @module
 */

import type { Asset, AssetType } from "../models/asset.ts";

/**
 * The alarm state of an asset.
 *
 * @category Assets
 */
export type AlarmLevel = "ok" | "warning" | "alarm";

/**
 * What a check looked at.
 *
 * @category Assets
 */
export type AlarmCheckKind = "runningCount" | "totalCount" | "calibration" | "maintenance";

/**
 * The outcome of one limit check.
 *
 * @category Assets
 */
export interface AlarmCheck {
  /** Which limit. */
  kind: AlarmCheckKind;
  /** The state this limit alone gives. */
  level: AlarmLevel;
  /** Use of the limit in percent, or `null` when it cannot be computed. */
  percent: number | null;
  /** For intervals, when it is (or was) due; `null` when unknown. */
  due: Date | null;
  /** An interval is past due (or no date is known); a count has reached its limit. */
  exceeded: boolean;
}

const DAY_MS = 86_400_000;

function toMs(now: number | Date): number {
  const ms = typeof now === "number" ? now : now.getTime();
  if (!Number.isFinite(ms)) throw new RangeError("The current time must be a valid date");
  return ms;
}

/**
 * Reads a server date: ISO text with a zone as given, without a zone as UTC.
 *
 * @param value The date text.
 * @returns Milliseconds since the epoch, or `null` when absent or unreadable.
 */
function parseServerDate(value: string | null | undefined): number | null {
  if (typeof value !== "string" || value.trim() === "") return null;
  const text = value.trim();
  const zoned = /([zZ]|[+-]\d{2}:?\d{2})$/.test(text) || !text.includes("T") ? text : `${text}Z`;
  const ms = Date.parse(zoned);
  return Number.isNaN(ms) ? null : ms;
}

function thresholds(type: AssetType | null | undefined): { warning: number; alarm: number } {
  return {
    warning: typeof type?.warningThreshold === "number" ? type.warningThreshold : 80,
    alarm: typeof type?.alarmThreshold === "number" ? type.alarmThreshold : 100,
  };
}

function levelOf(percent: number | null, exceeded: boolean, type?: AssetType | null): AlarmLevel {
  const { warning, alarm } = thresholds(type);
  if (exceeded) return "alarm";
  if (percent === null) return "ok";
  if (percent >= alarm) return "alarm";
  if (percent >= warning) return "warning";
  return "ok";
}

function countCheck(
  kind: "runningCount" | "totalCount",
  count: number | null | undefined,
  limit: number | null | undefined,
  type: AssetType | null | undefined,
): AlarmCheck | null {
  if (typeof limit !== "number" || !(limit > 0)) return null;
  const used = typeof count === "number" && Number.isFinite(count) ? count : 0;
  const percent = (used / limit) * 100;
  const exceeded = used >= limit;
  return { kind, level: levelOf(percent, exceeded, type), percent, due: null, exceeded };
}

function intervalCheck(
  kind: "calibration" | "maintenance",
  asset: Asset,
  type: AssetType | null | undefined,
  now: number,
): AlarmCheck | null {
  const interval = kind === "calibration" ? type?.calibrationInterval : type?.maintenanceInterval;
  const last = parseServerDate(
    kind === "calibration" ? asset.lastCalibrationDate : asset.lastMaintenanceDate,
  );
  const next = parseServerDate(
    kind === "calibration" ? asset.nextCalibrationDate : asset.nextMaintenanceDate,
  );
  let start: number | null;
  let due: number | null;
  if (typeof interval === "number" && interval > 0) {
    due = last !== null ? last + interval * DAY_MS : next;
    start = last ?? (next !== null ? next - interval * DAY_MS : null);
  } else if (interval === -2) {
    due = next;
    start = last;
  } else {
    return null;
  }
  if (due === null) return { kind, level: "alarm", percent: null, due: null, exceeded: true };
  const exceeded = now > due;
  let percent: number | null = null;
  if (start !== null) {
    const span = due - start;
    percent = span > 0 ? ((now - start) / span) * 100 : now >= due ? 100 : 0;
  } else if (now >= due) {
    percent = 100;
  }
  return { kind, level: levelOf(percent, exceeded, type), percent, due: new Date(due), exceeded };
}

/**
 * Checks every limit of an asset's type against the asset.
 *
 * @param asset The asset.
 * @param type Its type; `null` uses `asset.assetType` when the server included it.
 * @param now The current time (milliseconds or a date).
 * @returns One check per limit the type sets (no entry for an unlimited one).
 *
 * @example A fixture at 85 % of its running count
 * ```ts
 * import assert from "node:assert/strict";
 * import { alarmChecks } from "@wats/toolkit/models";
 *
 * const checks = alarmChecks(
 *   { serialNumber: "FX-1", runningCount: 85 },
 *   { typeName: "Fixture", runningCountLimit: 100 },
 *   Date.now(),
 * );
 * assert.deepEqual(checks, [
 *   { kind: "runningCount", level: "warning", percent: 85, due: null, exceeded: false },
 * ]);
 * ```
 *
 * @category Assets
 */
export function alarmChecks(
  asset: Asset,
  type: AssetType | null | undefined,
  now: number | Date,
): AlarmCheck[] {
  const ms = toMs(now);
  const limits = type ?? asset.assetType ?? null;
  return [
    countCheck("runningCount", asset.runningCount, limits?.runningCountLimit, limits),
    countCheck("totalCount", asset.totalCount, limits?.totalCountLimit, limits),
    intervalCheck("calibration", asset, limits, ms),
    intervalCheck("maintenance", asset, limits, ms),
  ].filter((check): check is AlarmCheck => check !== null);
}

/**
 * The alarm state of an asset: the worst of its checks.
 *
 * @param asset The asset.
 * @param type Its type; `null` uses `asset.assetType` when the server included it.
 * @param now The current time (milliseconds or a date).
 * @returns `ok`, `warning` or `alarm`.
 *
 * @example Calibration due in 5 of 100 days
 * ```ts
 * import assert from "node:assert/strict";
 * import { alarmState } from "@wats/toolkit/models";
 *
 * const now = Date.parse("2026-04-10T00:00:00Z");
 * const state = alarmState(
 *   { serialNumber: "DMM-1", lastCalibrationDate: "2026-01-05T00:00:00Z" },
 *   { typeName: "DMM", calibrationInterval: 100 },
 *   now,
 * );
 * assert.equal(state, "warning"); // 95 % of the interval used
 * ```
 *
 * @category Assets
 */
export function alarmState(
  asset: Asset,
  type: AssetType | null | undefined,
  now: number | Date,
): AlarmLevel {
  let worst: AlarmLevel = "ok";
  for (const check of alarmChecks(asset, type, now)) {
    if (check.level === "alarm") return "alarm";
    if (check.level === "warning") worst = "warning";
  }
  return worst;
}

/**
 * The alarm state as the number the server's status uses.
 *
 * @param level The state.
 * @returns 0 OK, 1 warning, 2 alarm.
 *
 * @example Map a level to its code
 * ```ts
 * import assert from "node:assert/strict";
 * import { alarmStateCode } from "@wats/toolkit/models";
 *
 * assert.equal(alarmStateCode("warning"), 1);
 * ```
 *
 * @category Assets
 */
export function alarmStateCode(level: AlarmLevel): 0 | 1 | 2 {
  return level === "alarm" ? 2 : level === "warning" ? 1 : 0;
}

/**
 * Whether the asset's calibration is overdue (or required and never recorded).
 *
 * @param asset The asset.
 * @param type Its type; `null` uses `asset.assetType` when the server included it.
 * @param now The current time (milliseconds or a date).
 * @returns `true` when past due; `false` when not due yet or the interval is unlimited.
 *
 * @example A yearly calibration a day late
 * ```ts
 * import assert from "node:assert/strict";
 * import { isCalibrationOverdue } from "@wats/toolkit/models";
 *
 * const overdue = isCalibrationOverdue(
 *   { serialNumber: "DMM-1", lastCalibrationDate: "2025-01-01T00:00:00Z" },
 *   { typeName: "DMM", calibrationInterval: 365 },
 *   Date.parse("2026-01-02T00:00:00Z"),
 * );
 * assert.equal(overdue, true);
 * ```
 *
 * @category Assets
 */
export function isCalibrationOverdue(
  asset: Asset,
  type: AssetType | null | undefined,
  now: number | Date,
): boolean {
  return intervalCheck("calibration", asset, type ?? asset.assetType, toMs(now))?.exceeded ===
    true;
}

/**
 * Whether the asset's maintenance is overdue (or required and never recorded).
 *
 * @param asset The asset.
 * @param type Its type; `null` uses `asset.assetType` when the server included it.
 * @param now The current time (milliseconds or a date).
 * @returns `true` when past due; `false` when not due yet or the interval is unlimited.
 *
 * @example Managed externally: due at the recorded end date
 * ```ts
 * import assert from "node:assert/strict";
 * import { isMaintenanceOverdue } from "@wats/toolkit/models";
 *
 * const overdue = isMaintenanceOverdue(
 *   { serialNumber: "FX-1", nextMaintenanceDate: "2026-03-01T00:00:00Z" },
 *   { typeName: "Fixture", maintenanceInterval: -2 },
 *   Date.parse("2026-02-01T00:00:00Z"),
 * );
 * assert.equal(overdue, false);
 * ```
 *
 * @category Assets
 */
export function isMaintenanceOverdue(
  asset: Asset,
  type: AssetType | null | undefined,
  now: number | Date,
): boolean {
  return intervalCheck("maintenance", asset, type ?? asset.assetType, toMs(now))?.exceeded ===
    true;
}

/**
 * Whether the running or the total count has reached its limit.
 *
 * @param asset The asset.
 * @param type Its type; `null` uses `asset.assetType` when the server included it.
 * @returns `true` when a count is at or over its limit.
 *
 * @example A fixture at its running-count limit
 * ```ts
 * import assert from "node:assert/strict";
 * import { isCountExceeded } from "@wats/toolkit/models";
 *
 * const exceeded = isCountExceeded({ serialNumber: "FX-1", runningCount: 100, totalCount: 4000 }, {
 *   typeName: "Fixture",
 *   runningCountLimit: 100,
 *   totalCountLimit: 10000,
 * });
 * assert.equal(exceeded, true);
 * ```
 *
 * @category Assets
 */
export function isCountExceeded(asset: Asset, type: AssetType | null | undefined): boolean {
  const limits = type ?? asset.assetType ?? null;
  return [
    countCheck("runningCount", asset.runningCount, limits?.runningCountLimit, limits),
    countCheck("totalCount", asset.totalCount, limits?.totalCountLimit, limits),
  ].some((check) => check?.exceeded === true);
}
