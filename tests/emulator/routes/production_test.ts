import assert from "node:assert/strict";
import { NotFoundError, ValidationError } from "../../../mod.ts";
import { call, failure, startEmulator, uut } from "../_helpers.ts";

type Rec = Record<string, unknown>;

const unit = (sn: string, pn = "PCB-1") => ({ serialNumber: sn, partNumber: pn, revision: "A" });

Deno.test("units saved can be read back; a unit's phase set can be read back", async () => {
  await using h = await startEmulator();
  const saved = await call<Rec[]>(h, "PUT", "/api/Production/Units", { json: [unit("SN-1")] });
  assert.equal(saved[0].unitPhaseId, 1);
  assert.equal(
    await call(h, "PUT", "/api/Production/SetUnitPhase", {
      query: { serialNumber: "SN-1", partNumber: "PCB-1", phase: 16, comment: "done" },
    }),
    true,
  );
  const back = await call(h, "GET", "/api/Production/Unit/{sn}/{pn}", {
    params: { sn: "SN-1", pn: "PCB-1" },
  });
  assert.equal(back.unitPhaseId, 16);
  assert.equal(back.unitPhase, "Finalized");
  await call(h, "PUT", "/api/Production/SetUnitProcess", {
    query: { serialNumber: "SN-1", partNumber: "PCB-1", processCode: 50 },
  });
  const again = await call(h, "GET", "/api/Production/Unit/{sn}/{pn}", {
    params: { sn: "SN-1", pn: "PCB-1" },
  });
  assert.equal(again.processCode, 50);
  const bad = await failure(call(h, "PUT", "/api/Production/SetUnitPhase", {
    query: { serialNumber: "SN-1", partNumber: "PCB-1", phase: 3 },
  }));
  assert.ok(bad instanceof ValidationError);
  const missing = await failure(
    call(h, "GET", "/api/Production/Unit/{sn}/{pn}", { params: { sn: "SN-404", pn: "PCB-1" } }),
  );
  assert.ok(missing instanceof NotFoundError);
});

Deno.test("children are added and removed, and every change is listed", async () => {
  await using h = await startEmulator();
  await call(h, "PUT", "/api/Production/Units", { json: [unit("BOX-1", "BOX"), unit("PCB-9")] });
  const relation = {
    parentSerialNumber: "BOX-1",
    parentPartNumber: "BOX",
    childSerialNumber: "PCB-9",
    childPartNumber: "PCB-1",
  };
  await call(h, "POST", "/api/Production/AddChildUnit", { query: relation });
  const box = await call(h, "GET", "/api/Production/Unit/{sn}/{pn}", {
    params: { sn: "BOX-1", pn: "BOX" },
  });
  assert.deepEqual((box.subUnits as Rec[]).map((u) => u.serialNumber), ["PCB-9"]);
  await call(h, "POST", "/api/Production/RemoveChildUnit", { query: relation });
  const emptied = await call(h, "GET", "/api/Production/Unit/{sn}/{pn}", {
    params: { sn: "BOX-1", pn: "BOX" },
  });
  assert.deepEqual(emptied.subUnits, []);
  const changes = await call<Rec[]>(h, "GET", "/api/Production/Units/Changes", {
    query: { serialNumber: "PCB-9" },
  });
  assert.deepEqual(changes.map((c) => c.newParentSerialNumber), [null, "BOX-1", null]);
  assert.equal(
    await call(h, "DELETE", "/api/Production/Units/Changes/{id}", {
      params: { id: String(changes[0].id) },
    }),
    true,
  );
  const left = await call<Rec[]>(h, "GET", "/api/Production/Units/Changes", {
    query: { serialNumber: "PCB-9" },
  });
  assert.equal(left.length, 2);
});

Deno.test("unit verification is computed from the stored reports", async () => {
  await using h = await startEmulator();
  const report = (processCode: number, result: string, hour: number) =>
    uut({
      sn: "SN-V",
      processCode,
      result,
      start: `2026-04-01T${String(hour).padStart(2, "0")}:00:00Z`,
    });
  await h.wats.report.submit(report(20, "P", 8));
  await h.wats.report.submit(report(50, "F", 9));
  await h.wats.report.submit(report(50, "P", 10));
  const grade = await call(h, "GET", "/api/Production/UnitVerification", {
    query: { serialNumber: "SN-V", partNumber: "PCB-1" },
  });
  assert.equal(grade.grade, "B");
  assert.equal(grade.allProcessesPassedFirstRun, false);
  assert.equal(grade.allProcessesPassedLastRun, true);
  assert.equal(grade.allProcessesExecutedInCorrectOrder, true);
  assert.deepEqual(
    (grade.results as Rec[]).map((
      r,
    ) => [r.processCode, r.processName, r.status, r.totalCount, r.nonPassedCount]),
    [[20, "ICT", "Passed", 1, 0], [50, "PCBA test", "Passed", 2, 1]],
  );
});

Deno.test("serial numbers are allocated in sequence; unit phases are listed", async () => {
  await using h = await startEmulator();
  const take = (quantity: number) =>
    call<string>(h, "POST", "/api/Production/SerialNumbers/Take", {
      query: { serialNumberType: "SerialNumber", quantity },
    });
  assert.equal(
    await take(2),
    '<SerialNumbers><SN id="SN000001"/><SN id="SN000002"/></SerialNumbers>',
  );
  assert.equal(await take(1), '<SerialNumbers><SN id="SN000003"/></SerialNumbers>');
  const phases = await call<Rec[]>(h, "GET", "/api/internal/Mes/GetUnitPhases");
  assert.deepEqual(phases[1], {
    UnitPhaseId: 2,
    Code: "Underproduction",
    Name: "Under production",
    Description: "Under production",
  });
});
