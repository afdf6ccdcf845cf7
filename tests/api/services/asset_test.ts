import assert from "node:assert/strict";
import { createUutReport, NotFoundError, ValidationError } from "../../../mod.ts";
import { ManualClock } from "../../../http.ts";
import { AssetLogType, AssetState } from "../../../api/models/asset.ts";
import {
  assetFilter as f,
  assetLogFilter as lf,
  assetRefOf,
  reportAssetOf,
} from "../../../api/services/asset.ts";
import { type Harness, recordingClient, startEmulator } from "../../emulator/_helpers.ts";

async function fixtureType(h: Harness, limits: Record<string, unknown> = {}): Promise<string> {
  const type = await h.wats.asset.saveType({ typeName: "Fixture", ...limits });
  assert.ok(type.typeId, "the server assigns a type id");
  return type.typeId;
}

Deno.test("assets are saved, read by id or serial (even with '/'), listed, deleted", async () => {
  await using h = await startEmulator();
  const typeId = await fixtureType(h);
  const saved = await h.wats.asset.save({ serialNumber: "FX/01", typeId, assetName: "Bed" });
  assert.ok(saved.assetId);
  assert.deepEqual(saved.state, AssetState.InOperation);
  const byId = await h.wats.asset.get({ id: saved.assetId });
  const bySerial = await h.wats.asset.get({ serialNumber: "FX/01" });
  assert.equal(byId?.serialNumber, "FX/01");
  assert.deepEqual(bySerial?.assetId, saved.assetId);
  const updated = await h.wats.asset.save({ ...saved, location: "Line 2" });
  assert.deepEqual(updated.assetId, saved.assetId);
  assert.equal((await h.wats.asset.get({ serialNumber: "FX/01" }))?.location, "Line 2");
  assert.equal(await h.wats.asset.delete({ serialNumber: "FX/01" }), true);
  await assert.rejects(() => h.wats.asset.get({ id: saved.assetId! }), NotFoundError);
  const lenient = h.client({ mode: "lenient" });
  assert.equal(await lenient.asset.get({ serialNumber: "FX/01" }), null);
});

Deno.test("a call with neither id nor serial number is refused before sending", async () => {
  await using h = await startEmulator();
  const refs = [{}, { id: "" }, { serialNumber: "  " }, null] as unknown as { id: string }[];
  for (const ref of refs) {
    await assert.rejects(() => h.wats.asset.get(ref), TypeError);
    await assert.rejects(() => h.wats.asset.incrementCount(ref), TypeError);
    await assert.rejects(() => h.wats.asset.status(ref), TypeError);
    await assert.rejects(() => h.wats.asset.delete(ref), TypeError);
  }
  await assert.rejects(() => h.wats.asset.save({ serialNumber: "" }), TypeError);
  assert.equal((await h.stats()).totalRequests, 0);
});

Deno.test("a new asset without a type is refused by the server", async () => {
  await using h = await startEmulator();
  await assert.rejects(() => h.wats.asset.save({ serialNumber: "FX-9" }), ValidationError);
});

Deno.test("query pages with $top/$skip and filters with escaped quotes", async () => {
  await using h = await startEmulator();
  const typeId = await fixtureType(h);
  const serials = ["A-1", "A-2", "O'Brien-1", "A-4", "A-5", "A-6", "A-7"];
  for (const serialNumber of serials) await h.wats.asset.save({ serialNumber, typeId });
  await h.wats.asset.setState({ serialNumber: "A-5" }, AssetState.InMaintenance);
  const all = await h.wats.asset.list({ pageSize: 3 });
  assert.deepEqual(all.map((a) => a.serialNumber), [...serials].sort());
  const stats = await h.stats();
  assert.equal(stats.requests["GET /api/Asset"]["200"], 3, "7 rows in pages of 3");
  const quoted = await h.wats.asset.list({ filter: f.eq("serialNumber", "O'Brien-1") });
  assert.deepEqual(quoted.map((a) => a.serialNumber), ["O'Brien-1"]);
  const maintenance = await h.wats.asset.list({ filter: f.eq("state", AssetState.InMaintenance) });
  assert.deepEqual(maintenance.map((a) => a.serialNumber), ["A-5"]);
  const window = await h.wats.asset.list({ orderBy: "serialNumber desc", skip: 1, top: 2 });
  assert.deepEqual(window.map((a) => a.serialNumber), ["A-7", "A-6"]); // after O'Brien-1
  const stopped: string[] = [];
  for await (const a of h.wats.asset.query({ pageSize: 2 })) {
    stopped.push(a.serialNumber);
    if (stopped.length === 3) break;
  }
  assert.equal(stopped.length, 3);
});

Deno.test("counts increment, reset and are set; the status and the client agree", async () => {
  await using h = await startEmulator();
  const typeId = await fixtureType(h, { runningCountLimit: 10, totalCountLimit: 1000 });
  await h.wats.asset.save({ serialNumber: "FX-1", typeId });
  const ref = { serialNumber: "FX-1" };
  assert.ok(await h.wats.asset.incrementCount(ref, { by: 3 }));
  assert.ok(await h.wats.asset.incrementCount(ref));
  let asset = await h.wats.asset.get(ref);
  assert.deepEqual([asset?.runningCount, asset?.totalCount], [4, 4]);
  assert.equal((await h.wats.asset.status(ref)).alarmState, 0);
  assert.equal(await h.wats.asset.alarm(ref), "ok");
  await h.wats.asset.setRunningCount(ref, 9);
  assert.equal((await h.wats.asset.status(ref)).alarmState, 1);
  assert.equal(await h.wats.asset.alarm(ref), "warning");
  await h.wats.asset.incrementCount(ref);
  const status = await h.wats.asset.status(ref);
  assert.equal(status.alarmState, 2);
  assert.equal(status.runningCountExceeded, true);
  assert.equal(await h.wats.asset.alarm(ref), "alarm");
  await h.wats.asset.resetRunningCount(ref, "new pins");
  await h.wats.asset.setTotalCount(ref, 500);
  asset = await h.wats.asset.get(ref);
  assert.deepEqual([asset?.runningCount, asset?.totalCount], [0, 500]);
  assert.equal(await h.wats.asset.alarm(ref), "ok");
  await assert.rejects(() => h.wats.asset.incrementCount(ref, { by: 0 }), RangeError);
  await assert.rejects(() => h.wats.asset.setRunningCount(ref, -1), RangeError);
  const log = await h.wats.asset.log({ filter: lf.eq("type", AssetLogType.ResetCount) });
  assert.deepEqual(log.map((row) => row.comment), ["new pins"]);
});

Deno.test("calibration and maintenance records move the due dates; alarms follow the clock", async () => {
  const clock = new ManualClock(Date.parse("2026-01-01T00:00:00Z"));
  await using h = await startEmulator({ clock });
  const wats = h.client({ clock });
  const type = await wats.asset.saveType({
    typeName: "DMM",
    calibrationInterval: 100,
    maintenanceInterval: -2,
  });
  await wats.asset.save({ serialNumber: "DMM-1", typeId: type.typeId });
  const ref = { serialNumber: "DMM-1" };
  assert.equal(await wats.asset.alarm(ref), "alarm", "never calibrated");
  await wats.asset.recordCalibration(ref, { comment: "yearly" });
  await wats.asset.recordExternalMaintenance(ref, {
    from: new Date("2026-01-01T00:00:00Z"),
    to: new Date("2026-03-01T00:00:00Z"),
    comment: "by the vendor",
  });
  const asset = await wats.asset.get(ref);
  assert.equal(asset?.nextCalibrationDate, "2026-04-11T00:00:00.000Z");
  assert.equal(asset?.nextMaintenanceDate, "2026-03-01T00:00:00.000Z");
  assert.equal(await wats.asset.alarm(ref), "ok");
  await clock.set(Date.parse("2026-02-20T00:00:00Z")); // 51 of 59 maintenance days
  assert.equal(await wats.asset.alarm(ref), "warning");
  await clock.set(Date.parse("2026-03-02T00:00:00Z"));
  assert.equal(await wats.asset.alarm(ref), "alarm");
  await wats.asset.recordMaintenance(ref, { date: new Date("2026-03-02T00:00:00Z") });
  await wats.asset.recordExternalCalibration(ref, {
    from: new Date("2026-03-01T00:00:00Z"),
    to: new Date("2027-03-01T00:00:00Z"),
  });
  const after = await wats.asset.get(ref);
  assert.equal(after?.lastCalibrationDate, "2026-03-01T00:00:00.000Z");
  await assert.rejects(
    () =>
      wats.asset.recordExternalCalibration(ref, {
        from: new Date("2026-03-01T00:00:00Z"),
        to: new Date("2026-02-01T00:00:00Z"),
      }),
    RangeError,
  );
  const kinds = (await wats.asset.log({ filter: lf.eq("serialNumber", "DMM-1") }))
    .map((row) => row.type);
  assert.equal(kinds.filter((k) => k === AssetLogType.Calibration).length, 2);
  assert.equal(kinds.filter((k) => k === AssetLogType.Maintenance).length, 2);
});

Deno.test("log filters convert local times to UTC; messages resolve the asset id", async () => {
  const clock = new ManualClock(Date.parse("2026-01-30T09:00:00Z"));
  await using h = await startEmulator({ clock });
  const typeId = await fixtureType(h);
  await h.wats.asset.save({ serialNumber: "FX-2", typeId }); // logged at 09:00Z
  await clock.set(Date.parse("2026-01-30T11:00:00Z"));
  assert.ok(await h.wats.asset.addMessage({ serialNumber: "FX-2" }, "pins cleaned", "ola"));
  // 11:30 at UTC+1 is 10:30Z: the message (11:00Z) is after it, the registration is not.
  // Written with a false Z (11:30Z) the filter would drop the message.
  const since = new Date("2026-01-30T11:30:00+01:00");
  const rows = await h.wats.asset.log({ filter: lf.ge("date", since) });
  assert.deepEqual(rows.map((r) => [r.type, r.comment, r.user]), [[0, "pins cleaned", "ola"]]);
  const older = await h.wats.asset.log({ filter: lf.lt("date", since) });
  assert.deepEqual(older.map((r) => r.type), [AssetLogType.Register]);
  await assert.rejects(() => h.wats.asset.addMessage({ serialNumber: "FX-2" }, " "), TypeError);
});

Deno.test("sub-assets are attached, counted with their parent, and detached", async () => {
  await using h = await startEmulator();
  const typeId = await fixtureType(h);
  await h.wats.asset.save({ serialNumber: "RACK-1", typeId });
  await h.wats.asset.save({ serialNumber: "PROBE-1", typeId });
  const child = await h.wats.asset.addChild({ serialNumber: "RACK-1" }, {
    serialNumber: "PROBE-1",
  });
  assert.equal(child.parentSerialNumber, "RACK-1");
  const subs = await h.wats.asset.subAssets({ serialNumber: "RACK-1" });
  assert.deepEqual(subs.map((a) => a.serialNumber), ["PROBE-1"]);
  await h.wats.asset.incrementCount({ serialNumber: "RACK-1" }, { by: 2 });
  assert.equal((await h.wats.asset.get({ serialNumber: "PROBE-1" }))?.runningCount, 2);
  await h.wats.asset.incrementCount({ serialNumber: "RACK-1" }, { incrementChildren: false });
  assert.equal((await h.wats.asset.get({ serialNumber: "PROBE-1" }))?.runningCount, 2);
  await h.wats.asset.removeChild({ serialNumber: "PROBE-1" });
  assert.deepEqual(await h.wats.asset.subAssets({ serialNumber: "RACK-1" }), []);
  await assert.rejects(
    () => h.wats.asset.addChild({ serialNumber: "RACK-1" }, { serialNumber: "RACK-1" }),
    TypeError,
  );
  await assert.rejects(
    () => h.wats.asset.addChild({ serialNumber: "RACK-1" }, { serialNumber: "NONE" }),
    NotFoundError,
  );
});

Deno.test("asset types are saved and filtered", async () => {
  await using h = await startEmulator();
  await h.wats.asset.saveType({ typeName: "Fixture", runningCountLimit: 5000 });
  await h.wats.asset.saveType({ typeName: "DMM", calibrationInterval: 365 });
  const types = await h.wats.asset.types();
  assert.deepEqual(types.map((t) => t.typeName).sort(), ["DMM", "Fixture"]);
  const dmm = await h.wats.asset.types({ filter: "typeName eq 'DMM'" });
  assert.deepEqual(dmm.map((t) => t.calibrationInterval), [365]);
  await assert.rejects(() => h.wats.asset.saveType({ typeName: "" }), TypeError);
});

Deno.test("asset keys: a report names the asset assetSN + usageCount, the API serialNumber", async () => {
  await using h = await startEmulator();
  const typeId = await fixtureType(h);
  const fixture = await h.wats.asset.save({ serialNumber: "FX-0042", typeId });
  const entry = reportAssetOf(fixture, 2);
  assert.deepEqual(entry, { assetSN: "FX-0042", usageCount: 2 });
  const report = createUutReport({
    pn: "PCB-1",
    sn: "SN-1",
    rev: "A",
    processCode: 10,
    machineName: "station-7",
    location: "Line 1",
    purpose: "Production",
  }).asset(entry.assetSN!, entry.usageCount!).passFailStep("Boot", true).build();
  assert.deepEqual(report.assets, [{ assetSN: "FX-0042", usageCount: 2 }]);
  assert.ok(!("serialNumber" in (report.assets?.[0] ?? {})));
  await h.wats.report.submit(report);
  const [header] = await h.wats.report.headers({ expand: ["assets"] });
  const assets = header.assets as Record<string, unknown>[];
  assert.deepEqual(assets, [{
    serialNumber: "FX-0042",
    runningCount: 2,
    totalCount: null,
    daysSinceCalibration: null,
    calibrationDaysOverdue: null,
  }]);
  const back = await h.wats.asset.get(assetRefOf(report.assets![0]));
  assert.deepEqual(back?.assetId, fixture.assetId);
  assert.deepEqual(assetRefOf({ sn: "FX-0042" }), { serialNumber: "FX-0042" });
  let refused: unknown;
  try {
    assetRefOf({ usageCount: 1 });
  } catch (error) {
    refused = error;
  }
  assert.ok(refused instanceof TypeError);
});

Deno.test("a new asset is sent with the documented default state; an update only with what it gives", async () => {
  await using h = await startEmulator();
  const typeId = await fixtureType(h);
  const { wats, sent } = recordingClient(h);
  const saved = await wats.asset.save({ serialNumber: "FX-D1", typeId });
  await wats.asset.save({ assetId: saved.assetId, serialNumber: "FX-D1", assetName: "Bed" });
  assert.deepEqual(sent.map((r) => r.body), [
    { serialNumber: "FX-D1", typeId, state: 1 },
    { assetId: saved.assetId, serialNumber: "FX-D1", assetName: "Bed" },
  ]);
});

Deno.test("asset files are uploaded, listed, downloaded, replaced and deleted by name", async () => {
  await using h = await startEmulator();
  const files = h.wats.asset.files;
  const { assetId } = await h.wats.asset.save({
    serialNumber: "DMM-7",
    typeId: await fixtureType(h),
  });
  const id = assetId!;
  const pdf = new Uint8Array([37, 80, 68, 70, 0, 255, 1]);
  assert.ok(await files.upload(id, "cal.pdf", pdf));
  assert.ok(await files.upload(id, "notes.txt", new TextEncoder().encode("first")));
  assert.ok(await files.upload(id, "notes.txt", new TextEncoder().encode("second")));
  assert.deepEqual(await files.list(id), ["cal.pdf", "notes.txt"]);
  assert.deepEqual(await files.download(id, "cal.pdf"), pdf);
  assert.deepEqual(new TextDecoder().decode((await files.download(id, "notes.txt"))!), "second");
  await assert.rejects(() => files.download(id, "gone.txt"), NotFoundError);
  await assert.rejects(() => files.upload(crypto.randomUUID(), "a.txt", pdf), NotFoundError);
  await assert.rejects(() => files.list("not-a-guid"), ValidationError);
  await assert.rejects(() => files.upload(id, "dir/a.txt", pdf), TypeError);

  // every name must exist; then only the named files go
  await assert.rejects(() => files.delete(id, ["cal.pdf", "gone.txt"]), NotFoundError);
  assert.ok(await files.delete(id, ["CAL.pdf"]));
  assert.deepEqual(await files.list(id), ["notes.txt"]);
  await assert.rejects(() => files.download(id, "cal.pdf"), NotFoundError);
  // the body pyWATS drops: without the names the server refuses, and deletes nothing
  await assert.rejects(
    () =>
      h.wats.request({
        method: "DELETE",
        path: "/api/internal/Blob/Assets",
        query: { assetId: id },
        internal: true,
        operation: "test.noNames",
      }),
    ValidationError,
  );
  assert.deepEqual(await files.list(id), ["notes.txt"]);
  // and the internal routes need the Referer header
  await assert.rejects(
    () =>
      h.wats.request({
        method: "GET",
        path: `/api/internal/Blob/Asset/List/${id}`,
        operation: "test.noReferer",
      }),
    ValidationError,
  );
});
