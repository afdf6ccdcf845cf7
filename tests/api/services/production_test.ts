import assert from "node:assert/strict";
import {
  ConflictError,
  createUutReport,
  NotFoundError,
  UnexpectedResponseError,
  ValidationError,
} from "../../../mod.ts";
import { ManualClock } from "../../../http.ts";
import { UnitPhaseFlag } from "../../../api/models/production.ts";
import { parseSerialNumbers, unitChangeFilter as f } from "../../../api/services/production.ts";
import { type Harness, startEmulator } from "../../emulator/_helpers.ts";

function served(h: { requests: Record<string, Record<string, number>> }, route: string): number {
  return Object.values(h.requests[route] ?? {}).reduce((a, b) => a + b, 0);
}

async function test(h: Harness, sn: string, processCode: number, passed: boolean, minute: number) {
  const start = `2026-01-30T10:${String(minute).padStart(2, "0")}:00.000+01:00`;
  await h.wats.report.submit(
    createUutReport({
      pn: "PCB-1",
      sn,
      rev: "A",
      processCode,
      machineName: "station-7",
      location: "Line 1",
      purpose: "Production",
      start,
    }).passFailStep("Boot", passed).build(),
  );
}

Deno.test("units are saved and read back, also with a '/' in the serial number", async () => {
  await using h = await startEmulator();
  const saved = await h.wats.production.saveUnits([
    { serialNumber: "SN/0001", partNumber: "PCB-1", revision: "A", batchNumber: "B1" },
    { serialNumber: "SN-0002", partNumber: "PCB-1", revision: "A" },
  ]);
  assert.deepEqual(saved.map((u) => u.unitPhaseId), [1, 1]);
  const unit = await h.wats.production.unit({ serialNumber: "SN/0001", partNumber: "PCB-1" });
  assert.equal(unit?.batchNumber, "B1");
  const again = await h.wats.production.saveUnit({
    serialNumber: "SN/0001",
    partNumber: "PCB-1",
    currentLocation: "Line 2",
  });
  assert.deepEqual([again.currentLocation, again.batchNumber], ["Line 2", "B1"]);
  await assert.rejects(
    () => h.wats.production.unit({ serialNumber: "SN-404", partNumber: "PCB-1" }),
    NotFoundError,
  );
  const lenient = h.client({ mode: "lenient" });
  assert.equal(
    await lenient.production.unit({ serialNumber: "SN-404", partNumber: "PCB-1" }),
    null,
  );
  const saves = served(await h.stats(), "PUT /api/Production/Units");
  await assert.rejects(
    () => h.wats.production.saveUnits([{ serialNumber: " ", partNumber: "PCB-1" }]),
    TypeError,
  );
  await assert.rejects(
    () => h.wats.production.unit({ serialNumber: "SN-1", partNumber: "" }),
    TypeError,
  );
  const after = await h.stats();
  assert.deepEqual(served(after, "PUT /api/Production/Units"), saves, "refused before sending");
  assert.equal(served(after, "GET /api/Production/Unit/:serialNumber/:partNumber"), 3);
  assert.deepEqual(await h.wats.production.saveUnits([]), []);
  assert.ok(await h.wats.production.isConnected());
});

Deno.test("a save answered with a summary that counts errors is an error", async () => {
  await using h = await startEmulator();
  const wats = h.client({
    fetch: () =>
      Promise.resolve(Response.json({ errorCount: 1, message: "Unknown part number 'X'" })),
  });
  await assert.rejects(
    () => wats.production.saveUnits([{ serialNumber: "S", partNumber: "X" }]),
    (error) => {
      assert.ok(error instanceof ValidationError);
      assert.ok(error.message.includes("1 of 1") && error.message.includes("Unknown part number"));
      return true;
    },
  );
  const ok = h.client({ fetch: () => Promise.resolve(Response.json({ errorCount: 0 })) });
  assert.deepEqual(await ok.production.saveUnits([{ serialNumber: "S", partNumber: "X" }]), [
    { serialNumber: "S", partNumber: "X" },
  ]);
});

Deno.test("verification, grade and passing come from the unit's reports", async () => {
  await using h = await startEmulator();
  await test(h, "SN-A", 10, true, 0);
  await test(h, "SN-A", 20, true, 1);
  await test(h, "SN-B", 10, false, 2);
  await test(h, "SN-B", 10, true, 3);
  await test(h, "SN-C", 10, true, 4);
  await test(h, "SN-C", 20, false, 5);
  const a = { serialNumber: "SN-A", partNumber: "PCB-1" };
  const verification = await h.wats.production.verify(a, "A");
  assert.deepEqual(verification?.results?.map((r) => [r.processCode, r.status]), [
    [10, "Passed"],
    [20, "Passed"],
  ]);
  assert.equal(await h.wats.production.grade(a), "A");
  assert.equal(await h.wats.production.grade({ serialNumber: "SN-B", partNumber: "PCB-1" }), "B");
  assert.equal(await h.wats.production.grade({ serialNumber: "SN-C", partNumber: "PCB-1" }), "C");
  assert.ok(await h.wats.production.isPassing(a));
  assert.ok(await h.wats.production.isPassing({ serialNumber: "SN-B", partNumber: "PCB-1" }));
  assert.ok(!await h.wats.production.isPassing({ serialNumber: "SN-C", partNumber: "PCB-1" }));
  assert.ok(!await h.wats.production.isPassing({ serialNumber: "SN-NONE", partNumber: "PCB-1" }));
  assert.equal(
    await h.wats.production.grade({ serialNumber: "SN-NONE", partNumber: "PCB-1" }),
    null,
  );
});

Deno.test("phases resolve by id, code or name through the cached phase list", async () => {
  const clock = new ManualClock(0);
  await using h = await startEmulator();
  const wats = h.client({ clock });
  const unit = { serialNumber: "SN-1", partNumber: "PCB-1" };
  await wats.production.saveUnit(unit);
  const cases: [number | string, number][] = [
    ["finalized", UnitPhaseFlag.Finalized],
    ["UnderProduction", UnitPhaseFlag.UnderProduction],
    ["production repair", UnitPhaseFlag.ProductionRepair],
    [UnitPhaseFlag.Shipped, UnitPhaseFlag.Shipped],
    ["1024", UnitPhaseFlag.InStorage],
  ];
  for (const [phase, id] of cases) {
    assert.ok(await wats.production.setPhase(unit, phase, `to ${phase}`));
    assert.deepEqual((await wats.production.unit(unit))?.unitPhaseId, id, String(phase));
  }
  assert.equal(served(await h.stats(), "GET /api/internal/Mes/GetUnitPhases"), 1);
  const sets = served(await h.stats(), "PUT /api/Production/SetUnitPhase");
  await assert.rejects(() => wats.production.setPhase(unit, "Teleported"), RangeError);
  await assert.rejects(() => wats.production.setPhase(unit, 3), RangeError);
  assert.deepEqual(served(await h.stats(), "PUT /api/Production/SetUnitPhase"), sets, "not sent");
  await clock.advance(300_000);
  await wats.production.phases();
  assert.equal(served(await h.stats(), "GET /api/internal/Mes/GetUnitPhases"), 2);
  assert.equal((await wats.production.phases()).length, 12);
});

Deno.test("the process is set and read back", async () => {
  await using h = await startEmulator();
  const unit = { serialNumber: "SN-1", partNumber: "PCB-1" };
  await h.wats.production.saveUnit(unit);
  assert.ok(await h.wats.production.setProcess(unit, 50, "to PCBA test"));
  assert.equal((await h.wats.production.unit(unit))?.processCode, 50);
  await assert.rejects(() => h.wats.production.setProcess(unit, 1.5), TypeError);
});

Deno.test("child units are added, checked and removed", async () => {
  await using h = await startEmulator();
  const box = { serialNumber: "BOX-1", partNumber: "BOX" };
  const pcb = { serialNumber: "PCB-9", partNumber: "PCB-1" };
  await h.wats.production.saveUnits([box, pcb]);
  assert.ok(await h.wats.production.addChild(box, pcb));
  assert.deepEqual((await h.wats.production.unit(box))?.subUnits?.map((u) => u.serialNumber), [
    "PCB-9",
  ]);
  const check = await h.wats.production.checkChildren(box);
  assert.deepEqual((check?.children as { serialNumber: string }[]).map((c) => c.serialNumber), [
    "PCB-9",
  ]);
  assert.ok(await h.wats.production.removeChild(box, pcb));
  assert.deepEqual((await h.wats.production.unit(box))?.subUnits, []);
  await assert.rejects(() => h.wats.production.removeChild(box, pcb), ValidationError);
});

Deno.test("serial numbers are taken without repeats and found by range and reference", async () => {
  await using h = await startEmulator();
  const types = await h.wats.production.serialNumberTypes();
  assert.deepEqual(types.map((t) => t.name), ["SerialNumber", "MAC"]);
  const first = await h.wats.production.takeSerialNumbers("SerialNumber", { quantity: 3 });
  const second = await h.wats.production.takeSerialNumbers("serialnumber", {
    quantity: 2,
    referenceSerialNumber: "BOX-1",
    referencePartNumber: "BOX",
    stationName: "station-7",
  });
  assert.deepEqual(first, ["SN000001", "SN000002", "SN000003"]);
  assert.equal(new Set([...first, ...second]).size, 5);
  const [mac] = await h.wats.production.takeSerialNumbers("MAC");
  assert.ok(/^([0-9A-F]{2}-){5}[0-9A-F]{2}$/.test(mac), mac);
  const range = await h.wats.production.serialNumbersInRange(
    "SerialNumber",
    "SN000002",
    "SN000004",
  );
  assert.deepEqual(range.map((r) => r.serialNumber), ["SN000002", "SN000003", "SN000004"]);
  const byRef = await h.wats.production.serialNumbersByReference("SerialNumber", {
    serialNumber: "box-1",
  });
  assert.deepEqual(byRef.map((r) => [r.serialNumber, r.stationName]), [
    ["SN000004", "station-7"],
    ["SN000005", "station-7"],
  ]);
  await assert.rejects(() => h.wats.production.takeSerialNumbers("Nope"), NotFoundError);
  await assert.rejects(
    () => h.wats.production.takeSerialNumbers("SerialNumber", { quantity: 0 }),
    RangeError,
  );
  await assert.rejects(
    () => h.wats.production.serialNumbersByReference("SerialNumber", {}),
    TypeError,
  );
});

Deno.test("allocation answers are read as XML (with entities) or JSON", () => {
  assert.deepEqual(
    parseSerialNumbers(`<?xml version="1.0"?><SerialNumbers>
      <SN id="SN-1"/><SN id='A&amp;B&#47;1' other="x"/><SN  id="&#x41;Z" /></SerialNumbers>`),
    ["SN-1", "A&B/1", "AZ"],
  );
  assert.deepEqual(parseSerialNumbers("<SerialNumbers/>"), []);
  assert.deepEqual(parseSerialNumbers("<SerialNumbers></SerialNumbers>"), []);
  assert.deepEqual(parseSerialNumbers(["A", "B"]), ["A", "B"]);
  assert.deepEqual(parseSerialNumbers([{ id: "A" }, { serialNumber: "B" }]), ["A", "B"]);
  assert.deepEqual(parseSerialNumbers({ SerialNumbers: [{ Id: "C" }] }), ["C"]);
  assert.deepEqual(parseSerialNumbers(null), []);
  for (const bad of ["OK", "<Other/>", [{ x: 1 }], 42, { a: [] }]) {
    let error: unknown;
    try {
      parseSerialNumbers(bad);
    } catch (e) {
      error = e;
    }
    assert.ok(error instanceof UnexpectedResponseError, JSON.stringify(bad));
  }
});

Deno.test("unit changes page, filter with escaped quotes, and are acknowledged once each", async () => {
  await using h = await startEmulator();
  const units = ["O'Neil-1", "SN-2", "SN-3", "SN-4", "SN-5"].map((serialNumber) => ({
    serialNumber,
    partNumber: "PCB-1",
  }));
  await h.wats.production.saveUnits(units);
  const all = await Array.fromAsync(h.wats.production.unitChanges({ pageSize: 2 }));
  assert.deepEqual(all.map((c) => c.unitSerialNumber), units.map((u) => u.serialNumber));
  const quoted = await Array.fromAsync(
    h.wats.production.unitChanges({ filter: f.eq("unitSerialNumber", "O'Neil-1") }),
  );
  assert.deepEqual(quoted.map((c) => c.unitSerialNumber), ["O'Neil-1"]);
  const one = await Array.fromAsync(h.wats.production.unitChanges({ serialNumber: "sn-3" }));
  assert.equal(one.length, 1);
  // at-least-once: the change whose handling fails stays queued
  const handled: string[] = [];
  try {
    for await (const change of h.wats.production.unitChanges({ acknowledge: true, pageSize: 2 })) {
      if (change.unitSerialNumber === "SN-3") throw new Error("handler failed");
      handled.push(change.unitSerialNumber!);
    }
  } catch (error) {
    assert.equal((error as Error).message, "handler failed");
  }
  assert.deepEqual(handled, ["O'Neil-1", "SN-2"]);
  for await (const change of h.wats.production.unitChanges({ acknowledge: true, pageSize: 2 })) {
    handled.push(change.unitSerialNumber!);
  }
  assert.deepEqual(handled, units.map((u) => u.serialNumber), "every change once, none skipped");
  assert.deepEqual(await Array.fromAsync(h.wats.production.unitChanges()), []);
  await h.wats.production.setPhase(units[1], "Finalized");
  const [change] = await Array.fromAsync(h.wats.production.unitChanges());
  assert.deepEqual(change.newUnitPhaseId, UnitPhaseFlag.Finalized);
  assert.ok(await h.wats.production.acknowledgeChange(change.id));
  await assert.rejects(() => h.wats.production.acknowledgeChange(change.id), NotFoundError);
});

Deno.test("batches are saved one by one or many at once and found by product or id", async () => {
  await using h = await startEmulator();
  const batch = await h.wats.production.saveBatch({
    batchNumber: "B-1",
    batchSize: 50,
    partNumber: "PCB-1",
  });
  assert.equal(batch.batchSize, 50);
  await h.wats.production.saveBatches([
    { batchNumber: "B-2", batchSize: 10, partNumber: "PCB-2" },
    { batchNumber: "b-1", batchSize: 60 },
  ]);
  const pcb1 = await h.wats.production.batches({ partNumber: "pcb-1" });
  assert.deepEqual(pcb1.map((b) => [b.batchNumber, b.batchSize]), [["b-1", 60]]);
  assert.equal((await h.wats.production.batches()).length, 2);
  assert.deepEqual((await h.wats.production.batches({ batchId: "B-2" })).map((b) => b.partNumber), [
    "PCB-2",
  ]);
  await assert.rejects(() => h.wats.production.saveBatch({ batchNumber: "" }), TypeError);
  assert.deepEqual(await h.wats.production.saveBatches([]), []);
});

Deno.test("serial numbers imported into a pool are taken first, exported, freed and counted", async () => {
  await using h = await startEmulator();
  const admin = h.wats.production.serialNumbers;
  assert.deepEqual(
    await admin.importNumbers("SerialNumber\r\nSN900001\r\nSN900002\r\n", { type: "SerialNumber" }),
    true,
  );
  await assert.rejects(
    () => admin.importNumbers("SerialNumber,Type\nSN900001,SerialNumber\n"),
    ConflictError,
  );
  await assert.rejects(
    () => admin.importNumbers(`<SerialNumbers type="MAC"><SN id="not-a-mac"/></SerialNumbers>`),
    ValidationError,
  );
  const taken = await h.wats.production.takeSerialNumbers("SerialNumber", {
    quantity: 3,
    referenceSerialNumber: "BOX-1",
  });
  assert.deepEqual(taken, ["SN900001", "SN900002", "SN000001"]);
  const csv = new TextDecoder().decode(await admin.exportNumbers("SerialNumber"));
  assert.deepEqual(csv.split("\r\n")[0].split(",").slice(0, 3), ["SerialNumber", "Type", "State"]);
  assert.ok(csv.includes("SN900001,SerialNumber,Taken,BOX-1"), csv);
  assert.deepEqual(
    await admin.count({ type: "SerialNumber", startAddress: "SN900000", endAddress: "SN999999" }),
    2,
  );
  assert.deepEqual(
    await admin.free([{
      serialNumberType: "SerialNumber",
      startAddress: "SN900002",
      endAddress: "SN900002",
    }]),
    1,
  );
  const xml = new TextDecoder().decode(
    await admin.exportNumbers("SerialNumber", { state: "Free", format: "xml" }),
  );
  assert.deepEqual(
    xml,
    `<SerialNumbers type="SerialNumber"><SN id="SN900002" state="Free"/></SerialNumbers>`,
  );
  assert.deepEqual(
    (await admin.ranges("SerialNumber")).map((r) => [r.startAddress, r.endAddress, r.state]),
    [["SN000001", "SN000001", "Taken"], ["SN900001", "SN900001", "Taken"], [
      "SN900002",
      "SN900002",
      "Free",
    ]],
  );
  const [stats] = await admin.statistics("SerialNumber");
  assert.deepEqual([stats.total, stats.free, stats.taken], [3, 1, 2]);
  const listed = await admin.list({ type: "SerialNumber", from: new Date(0) });
  assert.deepEqual(listed.map((r) => r.serialNumber), ["SN000001", "SN900001"]);
  assert.deepEqual(
    await admin.dropFree([{
      serialNumberType: "SerialNumber",
      startAddress: "SN000000",
      endAddress: "SN999999",
    }]),
    1,
  );
  assert.deepEqual((await admin.statistics("SerialNumber"))[0].total, 2);
  assert.deepEqual(
    await h.wats.production.takeSerialNumbers("SerialNumber"),
    ["SN000002"],
    "a dropped number is not handed out",
  );
});

Deno.test("internal unit routes: create, find, fit with checks, contents, history, sites", async () => {
  await using h = await startEmulator();
  const units = h.wats.production.units;
  for (const pn of ["BOX", "PCB-1", "CABLE"]) {
    await h.wats.product.save({ partNumber: pn, name: `${pn} product` });
    await h.wats.product.saveRevision({ partNumber: pn, revision: "A" });
  }
  await h.wats.product.addSubunit({ partNumber: "BOX", revision: "A" }, {
    partNumber: "PCB-1",
    revision: "A",
  });
  const box = await units.create({ serialNumber: "BOX-1", partNumber: "BOX", revision: "A" });
  assert.deepEqual([box.serialNumber, box.unitPhaseId], ["BOX-1", 1]);
  await assert.rejects(
    () => units.create({ serialNumber: "BOX-1", partNumber: "BOX", revision: "A" }),
    ConflictError,
  );
  await assert.rejects(
    () => units.create({ serialNumber: "X-1", partNumber: "NOPE" }),
    NotFoundError,
  );
  await units.create({
    serialNumber: "P-1",
    partNumber: "PCB-1",
    revision: "A",
    unitPhase: "Finalized",
  });
  await units.create({ serialNumber: "C-1", partNumber: "CABLE", revision: "A", unitPhase: 32 });
  assert.deepEqual((await units.find("P-1"))?.partNumber, "PCB-1");
  assert.deepEqual(
    (await units.phase({ serialNumber: "P-1", partNumber: "PCB-1" }))?.unitPhase,
    "Finalized",
  );
  const before = await units.check({ serialNumber: "BOX-1", partNumber: "BOX" });
  assert.deepEqual([before?.isComplete, before?.required[0].missing], [false, 1]);
  await assert.rejects(
    () =>
      units.fit({ serialNumber: "BOX-1", partNumber: "BOX" }, {
        serialNumber: "C-1",
        partNumber: "CABLE",
      }, { checkPartNumber: true }),
    ValidationError,
    "not in the box-build template",
  );
  await assert.rejects(
    () =>
      units.fit({ serialNumber: "BOX-1", partNumber: "BOX" }, {
        serialNumber: "C-1",
        partNumber: "CABLE",
      }, { checkPhase: true }),
    ValidationError,
    "Scrapped",
  );
  const fitted = await units.fit({ serialNumber: "BOX-1", partNumber: "BOX" }, {
    serialNumber: "P-1",
    partNumber: "PCB-1",
  }, { checkPartNumber: true, checkRevision: true, checkPhase: true });
  assert.deepEqual([fitted.isComplete, fitted.children.map((u) => u.serialNumber)], [true, [
    "P-1",
  ]]);
  await assert.rejects(
    () =>
      units.fit({ serialNumber: "P-1", partNumber: "PCB-1" }, {
        serialNumber: "BOX-1",
        partNumber: "BOX",
      }),
    ValidationError,
    "one of its parents",
  );
  const tree = await units.hierarchy({ serialNumber: "BOX-1", partNumber: "BOX" });
  assert.deepEqual(tree?.subUnits?.map((u) => u.serialNumber), ["P-1"]);
  const info = await units.info({ serialNumber: "BOX-1", partNumber: "BOX" });
  assert.deepEqual([info?.productName, info?.childCount], ["BOX product", 1]);
  assert.deepEqual(
    (await units.contents({ serialNumber: "BOX-1", partNumber: "BOX" }, "A"))?.isComplete,
    true,
  );
  await h.wats.production.setProcess({ serialNumber: "P-1", partNumber: "PCB-1" }, 10);
  assert.deepEqual(
    (await units.process({ serialNumber: "P-1", partNumber: "PCB-1" }))?.processCode,
    10,
  );
  assert.deepEqual(await units.removeAll({ serialNumber: "BOX-1", partNumber: "BOX" }), 1);
  const history = await units.stateHistory({ serialNumber: "P-1", partNumber: "PCB-1" });
  assert.deepEqual(history.map((c) => c.newParentSerialNumber), [null, "BOX-1", null]);
  assert.deepEqual(history[0].newUnitPhase, "Finalized");
  await units.fit({ serialNumber: "BOX-1", partNumber: "BOX" }, {
    serialNumber: "P-1",
    partNumber: "PCB-1",
  });
  const after = await units.remove({ serialNumber: "BOX-1", partNumber: "BOX" }, {
    serialNumber: "P-1",
    partNumber: "PCB-1",
  });
  assert.deepEqual(after.children, []);
  await h.wats.production.saveUnit({
    serialNumber: "P-1",
    partNumber: "PCB-1",
    currentLocation: "Line 9",
  });
  await h.wats.report.submit(
    createUutReport({
      pn: "PCB-1",
      sn: "P-1",
      rev: "A",
      processCode: 10,
      machineName: "st-1",
      location: "Line 9",
      purpose: "Production",
      start: "2026-01-30T10:00:00.000+01:00",
    }).build(),
  );
  assert.deepEqual(await units.sites(), [{ name: "Line 9", unitCount: 1, reportCount: 1 }]);
});
