import assert from "node:assert/strict";
import type { Asset, AssetType } from "../../../api/models/asset.ts";
import {
  alarmChecks,
  alarmState,
  alarmStateCode,
  isCalibrationOverdue,
  isCountExceeded,
  isMaintenanceOverdue,
} from "../../../api/services/asset_alarm.ts";

const DAY = 86_400_000;
const T0 = Date.parse("2026-01-01T00:00:00Z");
const at = (days: number) => T0 + days * DAY;
const iso = (ms: number) => new Date(ms).toISOString();

function asset(extra: Partial<Asset> = {}): Asset {
  return { serialNumber: "FX-1", ...extra };
}
function type(extra: Partial<AssetType> = {}): AssetType {
  return { typeName: "Fixture", ...extra };
}

Deno.test("counts: below warning ok, at 80 % warning, at the limit alarm and exceeded", () => {
  const t = type({ runningCountLimit: 100 });
  const cases: [number, "ok" | "warning" | "alarm", boolean][] = [
    [0, "ok", false],
    [79, "ok", false],
    [80, "warning", false],
    [99, "warning", false],
    [100, "alarm", true],
    [250, "alarm", true],
  ];
  for (const [count, level, exceeded] of cases) {
    const a = asset({ runningCount: count });
    assert.deepEqual(alarmState(a, t, T0), level, `running count ${count}`);
    assert.deepEqual(isCountExceeded(a, t), exceeded, `running count ${count}`);
  }
});

Deno.test("counts: the total count is checked on its own limit; no limit means no check", () => {
  const t = type({ runningCountLimit: 100, totalCountLimit: 1000 });
  assert.equal(alarmState(asset({ runningCount: 1, totalCount: 900 }), t, T0), "warning");
  assert.ok(isCountExceeded(asset({ runningCount: 1, totalCount: 1000 }), t));
  assert.ok(!isCountExceeded(asset({ runningCount: 99, totalCount: 999 }), t));
  for (const limit of [null, undefined, 0, -1]) {
    const unlimited = type({ runningCountLimit: limit, totalCountLimit: limit });
    assert.ok(!isCountExceeded(asset({ runningCount: 1e9, totalCount: 1e9 }), unlimited));
    assert.deepEqual(alarmChecks(asset({ runningCount: 1e9 }), unlimited, T0), []);
  }
  // missing counts read as 0
  assert.equal(alarmState(asset(), type({ runningCountLimit: 10 }), T0), "ok");
});

Deno.test("thresholds come from the type; defaults 80 and 100", () => {
  const strict = type({ runningCountLimit: 100, warningThreshold: 50, alarmThreshold: 90 });
  assert.equal(alarmState(asset({ runningCount: 49 }), strict, T0), "ok");
  assert.equal(alarmState(asset({ runningCount: 50 }), strict, T0), "warning");
  assert.equal(alarmState(asset({ runningCount: 90 }), strict, T0), "alarm");
  // an alarm threshold above 100 % does not hide an exceeded count
  const lax = type({ runningCountLimit: 100, alarmThreshold: 150, warningThreshold: 120 });
  assert.equal(alarmState(asset({ runningCount: 100 }), lax, T0), "alarm");
});

Deno.test("calibration with a positive interval: due interval days after the last one", () => {
  const t = type({ calibrationInterval: 100 });
  const a = asset({ lastCalibrationDate: iso(T0) });
  assert.equal(alarmState(a, t, at(0)), "ok");
  assert.equal(alarmState(a, t, at(79)), "ok");
  assert.equal(alarmState(a, t, at(80)), "warning");
  assert.equal(alarmState(a, t, at(100)), "alarm");
  assert.ok(!isCalibrationOverdue(a, t, at(100)), "due, not yet past due");
  assert.ok(isCalibrationOverdue(a, t, at(100) + 1));
  const [check] = alarmChecks(a, t, at(50));
  assert.equal(check.kind, "calibration");
  assert.equal(check.percent, 50);
  assert.deepEqual(check.due?.toISOString(), iso(at(100)));
});

Deno.test("maintenance follows the same rules on its own dates and interval", () => {
  const t = type({ maintenanceInterval: 30, calibrationInterval: -1 });
  const a = asset({ lastMaintenanceDate: iso(T0), lastCalibrationDate: null });
  assert.ok(!isMaintenanceOverdue(a, t, at(30)));
  assert.ok(isMaintenanceOverdue(a, t, at(31)));
  assert.ok(!isCalibrationOverdue(a, t, at(10_000)), "-1 is unlimited");
  assert.equal(alarmState(a, t, at(25)), "warning");
});

Deno.test("interval -1 (unlimited), 0 and absent are never due", () => {
  for (const interval of [-1, 0, null, undefined]) {
    const t = type({ calibrationInterval: interval, maintenanceInterval: interval });
    const a = asset();
    assert.ok(!isCalibrationOverdue(a, t, at(10_000)), `interval ${interval}`);
    assert.ok(!isMaintenanceOverdue(a, t, at(10_000)), `interval ${interval}`);
    assert.equal(alarmState(a, t, at(10_000)), "ok");
  }
});

Deno.test("a tracked interval with no date at all is overdue (never calibrated)", () => {
  const t = type({ calibrationInterval: 365 });
  assert.ok(isCalibrationOverdue(asset(), t, T0));
  assert.equal(alarmState(asset(), t, T0), "alarm");
  assert.ok(isCalibrationOverdue(asset(), type({ calibrationInterval: -2 }), T0));
});

Deno.test("a positive interval without a last date uses the next date as due date", () => {
  const t = type({ calibrationInterval: 10 });
  const a = asset({ nextCalibrationDate: iso(at(10)) });
  assert.equal(alarmState(a, t, at(1)), "ok");
  assert.equal(alarmState(a, t, at(9)), "warning");
  assert.ok(isCalibrationOverdue(a, t, at(11)));
});

Deno.test("interval -2 (managed externally): due at the recorded next date", () => {
  const t = type({ calibrationInterval: -2 });
  const a = asset({ lastCalibrationDate: iso(at(0)), nextCalibrationDate: iso(at(50)) });
  assert.equal(alarmState(a, t, at(10)), "ok");
  assert.equal(alarmState(a, t, at(40)), "warning");
  assert.equal(alarmState(a, t, at(50)), "alarm");
  assert.ok(!isCalibrationOverdue(a, t, at(50)));
  assert.ok(isCalibrationOverdue(a, t, at(51)));
  // without a start the warning cannot be computed, but past due is still an alarm
  const noStart = asset({ nextCalibrationDate: iso(at(50)) });
  assert.equal(alarmState(noStart, t, at(49)), "ok");
  assert.equal(alarmState(noStart, t, at(51)), "alarm");
  // a window of no length is due at once
  const instant = asset({ lastCalibrationDate: iso(at(5)), nextCalibrationDate: iso(at(5)) });
  assert.equal(alarmState(instant, t, at(4)), "ok");
  assert.equal(alarmState(instant, t, at(5)), "alarm");
});

Deno.test("server dates without a zone are UTC, not the station's local time", () => {
  const t = type({ calibrationInterval: 1 });
  // due 2026-01-02T00:00:00Z; one minute before that is fine, one minute after is overdue
  const naive = asset({ lastCalibrationDate: "2026-01-01T00:00:00" });
  assert.ok(!isCalibrationOverdue(naive, t, Date.parse("2026-01-01T23:59:00Z")));
  assert.ok(isCalibrationOverdue(naive, t, Date.parse("2026-01-02T00:01:00Z")));
  const offset = asset({ lastCalibrationDate: "2026-01-01T02:00:00+02:00" });
  assert.ok(isCalibrationOverdue(offset, t, Date.parse("2026-01-02T00:01:00Z")));
  const dateOnly = asset({ lastCalibrationDate: "2026-01-01" });
  assert.ok(isCalibrationOverdue(dateOnly, t, Date.parse("2026-01-02T00:01:00Z")));
  assert.ok(!isCalibrationOverdue(dateOnly, t, Date.parse("2026-01-01T23:59:00Z")));
});

Deno.test("an unreadable date counts as unknown", () => {
  const t = type({ calibrationInterval: 10 });
  assert.ok(isCalibrationOverdue(asset({ lastCalibrationDate: "not a date" }), t, T0));
});

Deno.test("the worst check wins; the type may come with the asset; now may be a Date", () => {
  const t = type({ runningCountLimit: 100, calibrationInterval: 100, maintenanceInterval: 100 });
  const a = asset({
    runningCount: 85,
    lastCalibrationDate: iso(T0),
    lastMaintenanceDate: iso(T0),
  });
  assert.equal(alarmState(a, t, at(10)), "warning");
  assert.equal(alarmState(a, t, at(101)), "alarm");
  const withType = { ...a, assetType: t };
  assert.equal(alarmState(withType, null, new Date(at(101))), "alarm");
  assert.ok(isCalibrationOverdue(withType, undefined, at(101)));
  assert.ok(!isCountExceeded(withType, null));
  assert.deepEqual(alarmChecks(withType, null, at(10)).map((c) => c.kind), [
    "runningCount",
    "calibration",
    "maintenance",
  ]);
  assert.equal(alarmState(a, null, at(10_000)), "ok", "no type, no limits");
});

Deno.test("alarm state codes match the server's 0/1/2", () => {
  assert.equal(alarmStateCode("ok"), 0);
  assert.equal(alarmStateCode("warning"), 1);
  assert.equal(alarmStateCode("alarm"), 2);
});

Deno.test("an invalid current time is refused", () => {
  let error: unknown;
  try {
    alarmState(asset(), type({ runningCountLimit: 1 }), new Date("nope"));
  } catch (e) {
    error = e;
  }
  assert.ok(error instanceof RangeError);
});
