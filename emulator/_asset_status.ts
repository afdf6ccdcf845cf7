/**
 * The alarm status of an asset (`GET /api/Asset/Status`), computed from its counts and service
 * dates against its type's limits: each limit's use in percent, compared with the type's warning
 * and alarm thresholds (defaults 80 % and 100 %). Alarm state: 0 OK, 1 warning, 2 alarm.
 *
 * @module
 */

import type { Rec } from "./_records.ts";

const DAY_MS = 86_400_000;

function daysSince(date: unknown, now: number): number | null {
  if (typeof date !== "string") return null;
  const ms = Date.parse(date);
  return Number.isNaN(ms) ? null : Math.floor((now - ms) / DAY_MS);
}

/** The status object of one asset. */
export function assetStatus(asset: Rec, type: Rec | null, now: number): Rec {
  const warning = Number(type?.warningThreshold ?? 80);
  const alarm = Number(type?.alarmThreshold ?? 100);
  const reasons: string[] = [];
  let state = 0;
  function check(what: string, used: number | null, limit: unknown): void {
    const max = Number(limit);
    if (used === null || !(max > 0)) return;
    const percent = (used / max) * 100;
    if (percent >= alarm) {
      state = 2;
      reasons.push(`${what} at ${Math.round(percent)} % of its limit`);
    } else if (percent >= warning) {
      state = Math.max(state, 1);
      reasons.push(`${what} at ${Math.round(percent)} % of its limit`);
    }
  }
  const runningCount = Number(asset.runningCount ?? 0);
  const totalCount = Number(asset.totalCount ?? 0);
  const sinceCalibration = daysSince(asset.lastCalibrationDate, now);
  const sinceMaintenance = daysSince(asset.lastMaintenanceDate, now);
  check("Running count", runningCount, type?.runningCountLimit);
  check("Total count", totalCount, type?.totalCountLimit);
  check("Calibration interval", sinceCalibration, type?.calibrationInterval);
  check("Maintenance interval", sinceMaintenance, type?.maintenanceInterval);
  const overdue = (since: number | null, interval: unknown) =>
    since !== null && Number(interval) > 0 ? Math.max(0, since - Number(interval)) : null;
  return {
    assetId: asset.assetId,
    serialNumber: asset.serialNumber,
    alarmState: state,
    runningCount,
    runningCountLimit: type?.runningCountLimit ?? null,
    runningCountExceeded: Number(type?.runningCountLimit) > 0 &&
      runningCount >= Number(type?.runningCountLimit),
    totalCount,
    totalCountLimit: type?.totalCountLimit ?? null,
    totalCountExceeded: Number(type?.totalCountLimit) > 0 &&
      totalCount >= Number(type?.totalCountLimit),
    daysSinceCalibration: sinceCalibration,
    isDaysSinceCalibrationUnknown: sinceCalibration === null,
    calibrationDaysOverdue: overdue(sinceCalibration, type?.calibrationInterval),
    daysSinceMaintenance: sinceMaintenance,
    isDaysMaintenanceUnknown: sinceMaintenance === null,
    maintenanceDaysOverdue: overdue(sinceMaintenance, type?.maintenanceInterval),
    message: reasons.length > 0 ? reasons.join("; ") : "OK",
  };
}
