import assert from "node:assert/strict";
import {
  createUurReport,
  createUutReport,
  parseReport,
  ReportFormatError,
} from "../../../../api/models/report/mod.ts";

const NOW = new Date("2026-01-31T10:00:00.000Z");
const clock = { now: () => NOW, utcOffsetMinutes: 60 };

function failedUut() {
  return createUutReport({
    pn: "PCBA-100",
    sn: "SN0001",
    rev: "C",
    processCode: 90,
    machineName: "Burn-in 3",
    location: "Line 2",
    purpose: "Production",
    ...clock,
  })
    .passFailStep("Boot", false)
    .subUnit({ pn: "PSU-1", sn: "PSU-0001", rev: "B", partType: "PSU" })
    .subUnit({ pn: "FAN-2", sn: "FAN-0002" })
    .build();
}

Deno.test("uur: from a failed UUT report it copies the unit, station and sub-units", () => {
  const uut = failedUut();
  const uur = createUurReport(uut, { ...clock, operator: "Kari", comment: "Replaced PSU" });
  assert.equal(uur.type, "R");
  assert.deepStrictEqual([uur.pn, uur.sn, uur.rev], ["PCBA-100", "SN0001", "C"]);
  assert.equal(uur.machineName, "Burn-in 3");
  assert.equal(uur.location, "Line 2");
  assert.equal(uur.purpose, "Repair");
  assert.equal(uur.processCode, 500);
  assert.equal(uur.result, "P");
  assert.equal(uur.start, "2026-01-31T11:00:00.000+01:00");
  assert.deepStrictEqual(uur.uur, {
    user: "Kari",
    comment: "Replaced PSU",
    execTime: 0,
    processCode: 90,
    refUUT: uut.id,
    confirmDate: "2026-01-31T11:00:00.000+01:00",
    finalizeDate: "2026-01-31T11:00:00.000+01:00",
    active: true,
  });
  assert.deepStrictEqual(uur.subUnits, [
    { pn: "PCBA-100", rev: "C", sn: "SN0001", partType: "Main", idx: 0 },
    { pn: "PSU-1", rev: "B", sn: "PSU-0001", partType: "PSU", idx: 1 },
    { pn: "FAN-2", rev: "", sn: "FAN-0002", partType: "Unknown", idx: 2 },
  ]);
  assert.notEqual(uur.id, uut.id);
});

Deno.test("uur: from a part number, serial number and test code, with the spec's defaults", () => {
  const standalone = createUurReport({ pn: "PCBA-100", sn: "SN0002", testCode: 20 }, clock);
  assert.equal(standalone.rev, "A");
  assert.equal(standalone.machineName, "Unknown");
  assert.equal(standalone.uur.user, "Unknown");
  assert.equal(standalone.uur.processCode, 20);
  assert.equal(standalone.uur.refUUT, null);
  assert.deepStrictEqual(standalone.subUnits, [
    { pn: "PCBA-100", rev: "A", sn: "SN0002", partType: "Main", idx: 0 },
  ]);
  const refUUT = "873d67f8-7669-4f4b-a627-e598e444d323";
  const linked = createUurReport(
    { pn: "PCBA-100", sn: "SN0002", testCode: 20, rev: "B", refUUT },
    { ...clock, repairCode: 510, id: "21c12627-6489-4cd0-8cbb-177c4b1b1be3" },
  );
  assert.equal(linked.uur.refUUT, refUUT);
  assert.equal(linked.processCode, 510);
  assert.equal(linked.id, "21c12627-6489-4cd0-8cbb-177c4b1b1be3");
  assert.equal(linked.rev, "B");
});

Deno.test("uur: failures go on the main unit with Unknown as default category and code", () => {
  const uur = createUurReport(failedUut(), {
    ...clock,
    failures: [{ category: "Component", code: "Burned", comRef: "U1", refStepId: 2 }, {}],
    subUnits: [{
      pn: "PSU-1",
      sn: "PSU-0009",
      rev: "B",
      replacedIdx: 1,
      failures: [{ code: "DOA" }],
    }],
  });
  const [main, , , replacement] = uur.subUnits ?? [];
  assert.deepStrictEqual(main.failures, [
    { category: "Component", code: "Burned", comRef: "U1", refStepId: 2 },
    { category: "Unknown", code: "Unknown" },
  ]);
  assert.deepStrictEqual(replacement, {
    pn: "PSU-1",
    sn: "PSU-0009",
    rev: "B",
    partType: "Unknown",
    idx: 3,
    replacedIdx: 1,
    failures: [{ category: "Unknown", code: "DOA" }],
  });
});

Deno.test("uur: the report is one parseReport accepts", () => {
  const uur = createUurReport(failedUut(), { ...clock, failures: [{ code: "x" }] });
  assert.deepStrictEqual(parseReport(structuredClone(uur)), uur);
  assert.throws(
    () => createUurReport({ pn: "A/B", sn: "1", testCode: 1 }, clock),
    ReportFormatError,
  );
  assert.throws(
    () =>
      createUurReport({ pn: "P", sn: "1", testCode: 1 }, { ...clock, comment: "c".repeat(5001) }),
    (error: unknown) =>
      error instanceof ReportFormatError && error.issues[0].path === "uur.comment",
  );
});
