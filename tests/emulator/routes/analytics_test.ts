import assert from "node:assert/strict";
import { ValidationError, type WatsError } from "../../../mod.ts";
import { type Harness, startEmulator, uut } from "../_helpers.ts";

type Rec = Record<string, unknown>;

function step(name: string, status: string): Rec {
  return {
    stepType: "ET_NLT",
    name,
    status,
    numericMeas: [{ status, value: 1, compOp: "LOG", unit: "V" }],
  };
}

function run(
  sn: string,
  pn: string,
  processCode: number,
  result: string,
  hour: number,
  failing?: string,
): Rec {
  const steps = [
    step("Voltage", failing === "Voltage" ? "F" : "P"),
    step("Current", failing === "Current" ? "F" : "P"),
  ];
  return uut({
    sn,
    pn,
    processCode,
    result,
    start: `2026-05-01T${String(hour).padStart(2, "0")}:00:00Z`,
    root: { stepType: "SequenceCall", name: "MainSequence Callback", status: result, steps },
  });
}

async function seeded(): Promise<Harness> {
  const h = await startEmulator();
  const reports = [
    run("U1", "PCB-1", 50, "P", 1), // first pass
    run("U2", "PCB-1", 50, "F", 2, "Voltage"), // passes on second run
    run("U2", "PCB-1", 50, "P", 3),
    run("U3", "PCB-1", 50, "F", 4, "Voltage"), // never passes
    run("U3", "PCB-1", 50, "F", 5, "Current"),
    run("U4", "PCB-2", 50, "P", 6),
    run("U1", "PCB-1", 100, "P", 7),
  ];
  for (const report of reports) await h.wats.report.submit(report);
  return h;
}

async function post<T = Rec[]>(
  h: Harness,
  path: string,
  json: unknown,
  query?: Record<string, string>,
) {
  return (await h.wats.request<T>({
    method: "POST",
    path,
    json,
    query,
    operation: "test.analytics",
  })).data;
}

Deno.test("dynamic yield gives first-pass and final yield per part number and process", async () => {
  await using h = await seeded();
  const rows = await post(h, "/api/App/DynamicYield", {});
  const pcb1 = rows.find((r) => r.partNumber === "PCB-1" && r.processCode === 50)!;
  assert.deepEqual(
    [
      pcb1.testOperation,
      pcb1.unitCount,
      pcb1.fpCount,
      pcb1.spCount,
      pcb1.lpCount,
      pcb1.testReportCount,
    ],
    ["PCBA test", 3, 1, 2, 2, 5],
  );
  assert.equal(pcb1.fpy, 33.33);
  assert.equal(pcb1.lpy, 66.67);
  assert.equal(rows.length, 3);
});

Deno.test("dynamic yield honours the filter, dimensions and their sort order", async () => {
  await using h = await seeded();
  const byPart = await post(h, "/api/App/DynamicYield", { testOperation: "PCBA%" }, {
    dimensions: "partNumber desc",
  });
  assert.deepEqual(byPart.map((r) => [r.partNumber, r.unitCount, r.fpy]), [["PCB-2", 1, 100], [
    "PCB-1",
    3,
    33.33,
  ]]);
  const window = await post(h, "/api/App/DynamicYield", {
    partNumber: "PCB-1",
    dateFrom: "2026-05-01T03:30:00Z",
    dimensions: "partNumber",
  });
  assert.deepEqual(window.map((r) => [r.unitCount, r.fpCount]), [[2, 1]]);
  let caught: unknown;
  try {
    await post(h, "/api/App/DynamicYield", {}, { dimensions: "colour" });
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof ValidationError);
  assert.match((caught as WatsError).serverMessage ?? "", /Unknown dimension 'colour'/);
});

Deno.test("top failed steps are counted from the stored step trees", async () => {
  await using h = await seeded();
  const rows = await post(h, "/api/App/TopFailed", { partNumber: "PCB-1" });
  assert.deepEqual(
    rows.map((r) => [r.stepName, r.stepPath, r.failCount, r.totalCount, r.failRate]),
    [
      ["Voltage", "MainSequence Callback¶Voltage", 2, 6, 33.33],
      ["Current", "MainSequence Callback¶Current", 1, 6, 16.67],
    ],
  );
  assert.equal(rows[0].firstFailDate, "2026-05-01T02:00:00.000Z");
  assert.equal(rows[0].lastFailDate, "2026-05-01T04:00:00.000Z");
  const top1 = (await h.wats.request<Rec[]>({
    method: "GET",
    path: "/api/App/TopFailed",
    query: { partNumber: "PCB-1", topCount: 1 },
    operation: "test.analytics",
  })).data;
  assert.equal(top1.length, 1);
});

Deno.test("report lists filter headers by WATSFilter, newest first", async () => {
  await using h = await seeded();
  const history = await post(h, "/api/App/SerialNumberHistory", { serialNumber: "U2" });
  assert.deepEqual(history.map((r) => [r.result, r.run]), [["Passed", 2], ["Failed", 1]]);
  const failed = await post(h, "/api/App/UutReport", { status: "Failed", partNumber: "PCB-%" });
  assert.equal(failed.length, 3);
  const lastRuns = await post(h, "/api/App/UutReport", {
    partNumber: "PCB-1",
    run: -1,
    testOperation: "50",
  });
  assert.deepEqual(lastRuns.map((r) => r.serialNumber).sort(), ["U1", "U2", "U3"]);
});
