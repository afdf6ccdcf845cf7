import assert from "node:assert/strict";
import { NotFoundError, ValidationError } from "../../../mod.ts";
import { ManualClock } from "../../../http.ts";
import { call, failure, type Harness, startEmulator } from "../_helpers.ts";

type Rec = Record<string, unknown>;

async function withType(h: Harness, limits: Rec = {}): Promise<string> {
  const type = await call(h, "PUT", "/api/Asset/Types", {
    json: { typeName: "Fixture", ...limits },
  });
  return String(type.typeId);
}

Deno.test("assets are created, read by id or serial, listed with OData, deleted", async () => {
  await using h = await startEmulator();
  const typeId = await withType(h);
  const created = await call(h, "PUT", "/api/Asset", {
    json: { serialNumber: "FX-1", typeId, assetName: "Bed of nails" },
  });
  await call(h, "PUT", "/api/Asset", { json: { serialNumber: "FX-2", typeId, state: 3 } });
  assert.equal(created.state, 1);
  const byId = await call(h, "GET", "/api/Asset/{ref}", {
    params: { ref: String(created.assetId) },
  });
  const bySerial = await call(h, "GET", "/api/Asset/{ref}", { params: { ref: "fx-1" } });
  assert.deepEqual(byId, bySerial);
  const inMaintenance = await call<Rec[]>(h, "GET", "/api/Asset", {
    query: { $filter: "state eq 3" },
  });
  assert.deepEqual(inMaintenance.map((a) => a.serialNumber), ["FX-2"]);
  const ordered = await call<Rec[]>(h, "GET", "/api/Asset", {
    query: { $orderby: "serialNumber desc", $top: 1 },
  });
  assert.deepEqual(ordered.map((a) => a.serialNumber), ["FX-2"]);
  await call(h, "DELETE", "/api/Asset", { query: { serialNumber: "FX-2" } });
  const gone = await failure(call(h, "GET", "/api/Asset/{ref}", { params: { ref: "FX-2" } }));
  assert.ok(gone instanceof NotFoundError);
  const untyped = await failure(call(h, "PUT", "/api/Asset", { json: { serialNumber: "FX-3" } }));
  assert.ok(untyped instanceof ValidationError);
  assert.match(untyped.serverMessage ?? "", /typeId/);
});

Deno.test("counts move the alarm state through warning to alarm; reset clears it", async () => {
  await using h = await startEmulator();
  const typeId = await withType(h, {
    runningCountLimit: 10,
    warningThreshold: 80,
    alarmThreshold: 100,
  });
  await call(h, "PUT", "/api/Asset", { json: { serialNumber: "FX-9", typeId } });
  const status = () => call(h, "GET", "/api/Asset/Status", { query: { serialNumber: "FX-9" } });
  await call(h, "PUT", "/api/Asset/Count", { query: { serialNumber: "FX-9", incrementBy: 8 } });
  assert.equal((await status()).alarmState, 1);
  await call(h, "PUT", "/api/Asset/Count", { query: { serialNumber: "FX-9", incrementBy: 2 } });
  const alarm = await status();
  assert.equal(alarm.alarmState, 2);
  assert.equal(alarm.runningCountExceeded, true);
  assert.match(String(alarm.message), /Running count at 100 %/);
  await call(h, "POST", "/api/Asset/ResetRunningCount", {
    query: { serialNumber: "FX-9", comment: "new pins" },
  });
  const after = await status();
  assert.equal(after.alarmState, 0);
  assert.equal(after.totalCount, 10);
  const log = await call<Rec[]>(h, "GET", "/api/Asset/Log", { query: { $filter: "type eq 3" } });
  assert.deepEqual(log.map((row) => row.comment), ["new pins"]);
});

Deno.test("calibration sets the next date from the type's interval, by the injected clock", async () => {
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  await using h = await startEmulator({ clock });
  const typeId = await withType(h, { calibrationInterval: 30 });
  await call(h, "PUT", "/api/Asset", { json: { serialNumber: "DMM-1", typeId } });
  await call(h, "POST", "/api/Asset/Calibration", { query: { serialNumber: "DMM-1" } });
  const asset = await call(h, "GET", "/api/Asset/{ref}", { params: { ref: "DMM-1" } });
  assert.equal(asset.lastCalibrationDate, "2026-01-01T00:00:00.000Z");
  assert.equal(asset.nextCalibrationDate, "2026-01-31T00:00:00.000Z");
  await clock.advance(40 * 86_400_000);
  const status = await call(h, "GET", "/api/Asset/Status", { query: { serialNumber: "DMM-1" } });
  assert.equal(status.daysSinceCalibration, 40);
  assert.equal(status.calibrationDaysOverdue, 10);
  assert.equal(status.alarmState, 2);
});

Deno.test("sub-assets follow parentAssetId; state changes are logged", async () => {
  await using h = await startEmulator();
  const typeId = await withType(h);
  const parent = await call(h, "PUT", "/api/Asset", { json: { serialNumber: "RACK-1", typeId } });
  await call(h, "PUT", "/api/Asset", {
    json: { serialNumber: "CARD-1", typeId, parentAssetId: parent.assetId },
  });
  const children = await call<Rec[]>(h, "GET", "/api/Asset/SubAssets", {
    query: { serialNumber: "RACK-1" },
  });
  assert.deepEqual(children.map((a) => a.serialNumber), ["CARD-1"]);
  await call(h, "PUT", "/api/Asset/Count", { query: { serialNumber: "RACK-1" } });
  const card = await call(h, "GET", "/api/Asset/{ref}", { params: { ref: "CARD-1" } });
  assert.equal(card.runningCount, 1);
  await call(h, "PUT", "/api/Asset/State", { query: { serialNumber: "CARD-1", state: 4 } });
  const log = await call<Rec[]>(h, "GET", "/api/Asset/Log", {
    query: { $filter: "serialNumber eq 'CARD-1' and type eq 6" },
  });
  assert.equal(log.length, 1);
});
