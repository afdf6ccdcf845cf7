import assert from "node:assert/strict";
import { NotFoundError, type Report, ValidationError, Wats } from "../../../mod.ts";
import { ManualClock } from "../../../http.ts";
import {
  createUurReport,
  createUutReport,
  type UutReport,
} from "../../../api/models/report/mod.ts";
import { dimensions } from "../../../api/models/dimensions.ts";
import { type Harness, startEmulator } from "../../emulator/_helpers.ts";

const NOW = Date.UTC(2026, 4, 10, 12); // 2026-05-10T12:00Z
const ROOT = "MainSequence Callback";
const ICT = 20;
const FINAL = 100;

interface Run {
  sn: string;
  pn: string;
  code: number;
  at: string;
  volts: number;
  execTime: number;
}

/** The seeded runs; the expected numbers below follow from them. */
const RUNS: Run[] = [
  { sn: "U1", pn: "PCB-1", code: ICT, at: "2026-05-10T08:00:00Z", volts: 3.30, execTime: 60 },
  { sn: "U2", pn: "PCB-1", code: ICT, at: "2026-05-10T09:00:00Z", volts: 3.60, execTime: 90 },
  { sn: "U2", pn: "PCB-1", code: ICT, at: "2026-05-10T09:30:00Z", volts: 3.31, execTime: 60 },
  { sn: "U3", pn: "PCB-1", code: ICT, at: "2026-05-10T10:00:00Z", volts: 3.29, execTime: 120 },
  { sn: "U1", pn: "PCB-1", code: FINAL, at: "2026-05-10T11:00:00Z", volts: 3.30, execTime: 30 },
  { sn: "U4", pn: "PCB-2", code: ICT, at: "2026-05-09T08:00:00Z", volts: 3.70, execTime: 60 },
  { sn: "U4", pn: "PCB-2", code: ICT, at: "2026-05-09T09:00:00Z", volts: 3.80, execTime: 60 },
];

function build(run: Run): UutReport {
  const builder = createUutReport({
    pn: run.pn,
    sn: run.sn,
    rev: "A",
    processCode: run.code,
    machineName: run.code === ICT ? "ict-1" : "fct-1",
    location: "Line 1",
    purpose: "Production",
    start: new Date(run.at),
    execTime: run.execTime,
  });
  if (run.code === FINAL) return builder.passFailStep("Boot", true).build();
  return builder
    .numericStep("Voltage", run.volts, { compOp: "GELE", low: 3.2, high: 3.4, unit: "V" })
    .multiNumericStep("Rails", [
      {
        name: "5V",
        value: 5 + (run.volts - 3.3) / 10,
        compOp: "GELE",
        low: 4.9,
        high: 5.1,
        unit: "V",
      },
      { name: "3V3", value: 3.3, compOp: "GELE", low: 3.2, high: 3.4, unit: "V" },
    ])
    .build();
}

async function seeded(): Promise<{ h: Harness; reports: Report[] }> {
  const h = await startEmulator({ clock: new ManualClock(NOW) });
  const reports: Report[] = [];
  for (const run of RUNS) {
    const report = build(run);
    await h.wats.report.submit(report);
    reports.push(report);
  }
  const lastFailure = reports[reports.length - 1] as UutReport;
  const repair = createUurReport(lastFailure, {
    operator: "kari",
    now: () => new Date("2026-05-09T10:00:00Z"),
    failures: [
      { category: "Component", code: "Cracked", comRef: "U7" },
      { category: "Solder", code: "Bridge", comRef: "U8" },
    ],
  });
  await h.wats.report.submit(repair);
  reports.push(repair);
  return { h, reports };
}

function mean(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

function stdev(values: number[]): number {
  const m = mean(values);
  return Math.sqrt(values.reduce((a, v) => a + (v - m) ** 2, 0) / (values.length - 1));
}

function near(actual: unknown, expected: number, message?: string): void {
  assert.ok(
    typeof actual === "number" && Math.abs(actual - expected) < 1e-9,
    `${message ?? "value"}: expected ${expected}, got ${actual}`,
  );
}

const ictVolts = RUNS.filter((r) => r.pn === "PCB-1" && r.code === ICT).map((r) => r.volts);

Deno.test("dynamicYield: 3 units, one failing first and passing on retest, give FPY 66.67 and LPY 100", async () => {
  const { h } = await seeded();
  await using _ = h;
  const rows = await h.wats.analytics.dynamicYield({
    testOperation: "ICT",
    dimensions: dimensions("partNumber", "processCode"),
  });
  const pcb1 = rows.find((r) => r.partNumber === "PCB-1")!;
  assert.deepEqual([pcb1.unitCount, pcb1.fpCount, pcb1.spCount, pcb1.lpCount], [3, 2, 3, 3]);
  assert.deepEqual([pcb1.fpy, pcb1.spy, pcb1.lpy], [66.67, 100, 100]);
  const pcb2 = rows.find((r) => r.partNumber === "PCB-2")!;
  assert.deepEqual([pcb2.unitCount, pcb2.fpy, pcb2.lpy], [1, 0, 0]);
});

Deno.test("yieldSummary counts days back from the server's today, the current day included", async () => {
  const { h } = await seeded();
  await using _ = h;
  assert.deepEqual(await h.wats.analytics.yieldSummary("PCB-2", { days: 1 }), []);
  const twoDays = await h.wats.analytics.yieldSummary("PCB-2", { days: 2 });
  assert.deepEqual(twoDays.map((r) => [r.period, r.unitCount]), [["2026-05-09T00:00:00.000Z", 1]]);
  const station = await h.wats.analytics.stationYield("fct-1", 1);
  assert.deepEqual(station.map((r) => [r.stationName, r.fpy]), [["fct-1", 100]]);
});

Deno.test("volume, high-volume and worst yield order products; the GET form is used without a filter", async () => {
  const { h } = await seeded();
  await using _ = h;
  const worst = await h.wats.analytics.worstYield();
  assert.equal(worst[0].partNumber, "PCB-2");
  const high = await h.wats.analytics.highVolume({ testOperation: "ICT" });
  assert.deepEqual(high.map((r) => [r.partNumber, r.unitCount]), [["PCB-1", 3], ["PCB-2", 1]]);
  const volume = await h.wats.analytics.volumeYield({ partNumber: "PCB-2" });
  assert.deepEqual(volume.map((r) => r.partNumber), ["PCB-2"]);
  const stats = await h.stats();
  assert.equal(stats.requests["GET /api/App/WorstYield"]?.["200"], 1);
});

Deno.test("yield by product group follows the groups' part numbers", async () => {
  const { h } = await seeded();
  await using _ = h;
  await h.wats.request({
    method: "PUT",
    path: "/api/Product/Group",
    json: { productGroupName: "Boards", partNumbers: ["PCB-1"] },
    operation: "test.group",
  });
  const rows = await h.wats.analytics.highVolumeByProductGroup({ testOperation: "ICT" });
  assert.deepEqual(rows.map((r) => [r.productGroup, r.unitCount]), [["Boards", 3], [null, 1]]);
  const worst = await h.wats.analytics.worstYieldByProductGroup({ productGroup: "Boards" });
  assert.deepEqual(worst.map((r) => [r.productGroup, r.fpy]), [["Boards", 75]]);
});

Deno.test("topFailed ranks the Voltage step of PCB-2 first, with its fail rate", async () => {
  const { h } = await seeded();
  await using _ = h;
  const rows = await h.wats.analytics.topFailed({});
  assert.deepEqual(
    rows.map((r) => [r.partNumber, r.stepName, r.failCount, r.totalCount, r.failRate]),
    [
      ["PCB-2", "Voltage", 2, 2, 100],
      ["PCB-1", "Voltage", 1, 4, 25],
    ],
  );
  assert.equal((await h.wats.analytics.topFailed({ topCount: 1 })).length, 1);
});

Deno.test("testStepAnalysis counts step statuses and computes the measurement statistics", async () => {
  const { h } = await seeded();
  await using _ = h;
  const rows = await h.wats.analytics.testStepAnalysis({
    partNumber: "PCB-1",
    testOperation: "ICT",
  });
  const voltage = rows.find((r) => r.stepName === "Voltage")!;
  assert.equal(voltage.stepPath, `${ROOT}¶Voltage`);
  assert.deepEqual(
    [
      voltage.stepCount,
      voltage.stepPassedCount,
      voltage.stepFailedCount,
      voltage.stepCausedUutFailed,
    ],
    [4, 3, 1, 1],
  );
  assert.deepEqual([voltage.limit1, voltage.limit2, voltage.compOperator], [3.2, 3.4, "GELE"]);
  near(voltage.avg, mean(ictVolts), "avg");
  near(voltage.stdev, stdev(ictVolts), "stdev");
  near(voltage.cp, 0.2 / (6 * stdev(ictVolts)), "cp");
  const passing = ictVolts.filter((v) => v <= 3.4);
  near(voltage.avgWof, mean(passing), "avgWof");
  assert.equal(voltage.measureCountWof, 3);
  const rails = rows.filter((r) => r.stepName === "Rails").map((r) => r.measureName).sort();
  assert.deepEqual(rails, ["3V3", "5V"]);
  const firstRuns = await h.wats.analytics.testStepAnalysisForOperation("PCB-1", "ICT", {
    now: () => new Date(NOW),
  });
  assert.equal(firstRuns.find((r) => r.stepName === "Voltage")?.stepCount, 3);
});

Deno.test("measurements take / and :: paths, and the nested answer is flattened", async () => {
  const { h, reports } = await seeded();
  await using _ = h;
  const filter = { partNumber: "PCB-1", testOperation: "ICT" };
  const rows = await h.wats.analytics.measurements(filter, `${ROOT}/Voltage`);
  assert.deepEqual(rows.map((r) => r.value).sort(), [...ictVolts].sort());
  assert.equal(rows.every((r) => r.stepPath === `${ROOT}¶Voltage` && r.unit === "V"), true);
  assert.ok(
    rows.every((r) => reports.some((rep) => rep.id === r.reportId)),
    "rows name their reports",
  );
  assert.equal(rows.find((r) => r.value === 3.6)?.status, "Failed");
  const rail = await h.wats.analytics.measurements(filter, "Rails::5V");
  assert.equal(rail.length, 4);
  assert.equal(rail[0].stepPath, `${ROOT}¶Rails¶¶5V`);
  const stats = await h.wats.analytics.aggregatedMeasurements(filter, [`${ROOT}/Voltage`]);
  assert.equal(stats.length, 1);
  assert.deepEqual([stats[0].count, stats[0].min, stats[0].max], [4, 3.29, 3.6]);
  near(stats[0].stdev, stdev(ictVolts), "stdev");
  near(stats[0].cpk, Math.min(3.4 - mean(ictVolts), mean(ictVolts) - 3.2) / (3 * stdev(ictVolts)));
});

Deno.test("report lists: serial-number history, UUT and UUR headers", async () => {
  const { h } = await seeded();
  await using _ = h;
  const history = await h.wats.analytics.serialNumberHistory("U4");
  assert.deepEqual(history.map((r) => r.reportType), ["R", "T", "T"]);
  const failed = await h.wats.analytics.uutReports({ partNumber: "PCB-1", status: "Failed" });
  assert.deepEqual(failed.map((r) => r.serialNumber), ["U2"]);
  assert.deepEqual((await h.wats.analytics.uutReports()).length, RUNS.length);
  assert.deepEqual((await h.wats.analytics.uurReports()).map((r) => r.serialNumber), ["U4"]);
  const passedOrAll = await h.wats.analytics.uutReports({ partNumber: "PCB-1", status: "all" });
  assert.equal(passedOrAll.length, 5);
});

Deno.test("repair statistics and history come from the UUR's failures", async () => {
  const { h } = await seeded();
  await using _ = h;
  const rows = await h.wats.analytics.dynamicRepair({
    dimensions: dimensions("partNumber", "repairCategory"),
  });
  assert.deepEqual(
    rows.map((r) => [r.partNumber, r.repairCategory, r.repairCount, r.totalCount, r.repairRate])
      .sort(),
    [["PCB-2", "Component", 1, 1, 100], ["PCB-2", "Solder", 1, 1, 100]],
  );
  const byPart = await h.wats.analytics.dynamicRepair({});
  assert.deepEqual(byPart.map((r) => [r.repairReportCount, r.repairCount]), [[1, 2]]);
  const history = await h.wats.analytics.relatedRepairHistory("PCB-2", "A");
  assert.deepEqual(history.map((r) => r.failCode).sort(), ["Bridge", "Cracked"]);
  assert.equal(history[0].failStepPath, `${ROOT}¶Voltage`);
});

Deno.test("OEE follows from the execution times and results in the planned window", async () => {
  const { h } = await seeded();
  await using _ = h;
  const result = await h.wats.analytics.oee({
    partNumber: "PCB-1",
    testOperation: "ICT",
    dateFrom: new Date("2026-05-10T08:00:00Z"),
    dateTo: new Date("2026-05-10T10:00:00Z"),
  });
  const runs = RUNS.filter((r) => r.pn === "PCB-1" && r.code === ICT);
  const runTime = runs.reduce((a, r) => a + r.execTime, 0);
  const planned = 7200;
  const ideal = Math.min(...runs.filter((r) => r.volts <= 3.4).map((r) => r.execTime));
  const availability = runTime / planned;
  const performance = (ideal * runs.length) / runTime;
  const quality = 3 / 4;
  assert.deepEqual([result?.totalCount, result?.goodCount, result?.runTime], [4, 3, runTime]);
  assert.deepEqual(result?.availability, Math.round(availability * 10000) / 100);
  assert.equal(result?.quality, 75);
  assert.deepEqual(result?.oee, Math.round(availability * performance * quality * 10000) / 100);
});

Deno.test("unit flow follows units from ICT to final test, counting first visits", async () => {
  const { h } = await seeded();
  await using _ = h;
  const flow = await h.wats.analytics.unitFlow({ partNumber: "PCB-1" });
  const ict = flow.nodes.find((n) => n.name === "ICT")!;
  assert.deepEqual([ict.unitCount, ict.passCount, ict.failCount], [3, 2, 1]);
  assert.deepEqual(
    flow.links.map((l) => [l.sourceName, l.targetName, l.unitCount]),
    [["ICT", "Final Function test", 1]],
  );
  assert.deepEqual(flow.units.find((u) => u.serialNumber === "U1")?.nodePath, [
    "ICT",
    "Final Function test",
  ]);
  // U4's repair passed, but its last ICT test did not
  const failedOnly = await h.wats.analytics.unitFlow({ includePassed: false, processCodes: [ICT] });
  assert.deepEqual(failedOnly.units.map((u) => u.serialNumber), ["U4"]);
});

Deno.test("unit flow of chosen units, split by station, and in a chosen unit order", async () => {
  const { h } = await seeded();
  await using _ = h;
  const internal = h.wats.analytics.internal;
  const one = await internal.unitFlowOf(["U1"]);
  assert.deepEqual(one.units.map((u) => [u.serialNumber, u.nodePath]), [
    ["U1", ["ICT", "Final Function test"]],
  ]);
  const split = await internal.unitFlowSplitBy("stationName", { partNumber: "PCB-1" });
  assert.deepEqual(split.nodes.map((n) => [n.name, n.unitCount]), [
    ["ICT @ ict-1", 3],
    ["Final Function test @ fct-1", 1],
  ]);
  const ordered = await internal.unitFlowOrdered("serialNumber desc", { partNumber: "PCB-1" });
  assert.deepEqual(ordered.units.map((u) => u.serialNumber), ["U3", "U2", "U1"]);
  await assert.rejects(() => internal.unitFlowSplitBy("colour"), ValidationError);
  await assert.rejects(() => internal.unitFlowOrdered("height"), ValidationError);
  await assert.rejects(() => internal.unitFlowOf([]), TypeError);
});

Deno.test("internal step lists: measurements and step statuses, by filter or by days", async () => {
  const { h } = await seeded();
  await using _ = h;
  const internal = h.wats.analytics.internal;
  const voltage = await internal.measurementList({
    filter: { partNumber: "PCB-1" },
    stepFilters: '<Filters><Filter Name="Voltage"/></Filters>',
  });
  assert.deepEqual(voltage.map((r) => [r.serialNumber, r.value, r.status]), [
    ["U3", 3.29, "Passed"],
    ["U2", 3.31, "Passed"],
    ["U2", 3.6, "Failed"],
    ["U1", 3.3, "Passed"],
  ]);
  // the GET form: one day back from 2026-05-10T12:00Z leaves PCB-2's runs of the 9th out
  const rails = await internal.measurementList({
    days: 1,
    stepFilters: "<Filters><Filter Path='Rails'/></Filters>",
  });
  assert.deepEqual(rails.length, 8);
  assert.deepEqual(new Set(rails.map((r) => r.measureName)), new Set(["5V", "3V3"]));
  assert.deepEqual(rails[0].stepPath, `${ROOT}¶Rails¶¶5V`);
  const boot = await internal.stepStatusList({
    filter: { serialNumber: "U1" },
    sequenceFilters: `<Filters><Filter Name="${ROOT}"/></Filters>`,
  });
  assert.deepEqual(boot.map((r) => [r.stepName, r.status, r.stationName]), [
    ["Boot", "Passed", "fct-1"],
    ["Voltage", "Passed", "ict-1"],
    ["Rails", "Passed", "ict-1"],
  ]);
  await assert.rejects(() => internal.stepStatusList({}), ValidationError); // days is required
  await assert.rejects(() => internal.stepStatusList({ days: 1, levelId: 99 }), NotFoundError);
  await assert.rejects(
    () => internal.measurementList({ days: 1, stepFilters: "Voltage" }),
    ValidationError,
  );
});

Deno.test("internal top failed: the GET form by part number and days, the POST form by filter", async () => {
  const { h } = await seeded();
  await using _ = h;
  const internal = h.wats.analytics.internal;
  const pcb1 = await internal.topFailed({ partNumber: "PCB-1", processCode: ICT, days: 1 });
  assert.deepEqual(pcb1.map((r) => [r.stepName, r.failCount, r.totalCount]), [["Voltage", 1, 4]]);
  const recent = await internal.topFailed({ days: 1, count: 5 });
  assert.deepEqual(recent.map((r) => r.partNumber), ["PCB-1"], "PCB-2 failed two days ago");
  const pcb2 = await internal.topFailed({ filter: { partNumber: "PCB-2" }, count: 1 });
  assert.deepEqual(pcb2.map((r) => [r.stepName, r.failCount]), [["Voltage", 2]]);
});

Deno.test("alarm logs: failed UUT reports and assets over their limits, newest first", async () => {
  const { h } = await seeded();
  await using _ = h;
  const type = await h.wats.asset.saveType({ typeName: "Fixture", runningCountLimit: 2 });
  await h.wats.asset.save({ serialNumber: "FX-1", typeId: type.typeId!, assetName: "Bed" });
  const internal = h.wats.analytics.internal;
  assert.deepEqual((await internal.alarmLogs({ type: 5 })).length, 0, "not over its limit yet");
  await h.wats.asset.incrementCount({ serialNumber: "FX-1" }, { by: 2 });
  const logs = await internal.alarmLogs();
  assert.deepEqual(logs.map((l) => [l.type, l.serialNumber, l.name]), [
    [5, "FX-1", "Asset alarm"],
    [1, "U2", "UUT report not passed"],
    [1, "U4", "UUT report not passed"],
    [1, "U4", "UUT report not passed"],
  ]);
  assert.deepEqual(logs.map((l) => l.logId), [4, 3, 2, 1]);
  const today = await internal.alarmLogs({ type: 1, dateFrom: "2026-05-10T00:00:00Z" });
  assert.deepEqual(today.map((l) => [l.serialNumber, l.processName]), [["U2", "ICT"]]);
  assert.deepEqual((await internal.alarmLogs({ topCount: 2 })).length, 2);
  await assert.rejects(() => internal.alarmLogs({ topCount: 0 }), ValidationError);
});

Deno.test("the filter is sent as the server reads it: UTC dates, period default, dimensions in the query", async () => {
  const seen: { url: URL; body: Record<string, unknown> }[] = [];
  const wats = new Wats({
    baseUrl: "http://wats.invalid",
    token: "dG9rZW4=",
    limiter: false,
    retry: false,
    breaker: false,
    fetch: (input, init) => {
      seen.push({ url: new URL(String(input)), body: JSON.parse(String(init?.body ?? "{}")) });
      return Promise.resolve(
        new Response("[]", { headers: { "content-type": "application/json" } }),
      );
    },
  });
  await wats.analytics.dynamicYield({
    partNumber: ["PCB-1", "PCB-2"],
    dateFrom: "2026-05-01T08:00:00+02:00",
    dateGrouping: "week",
    status: "all",
    dimensions: "partNumber;period",
  });
  await wats.analytics.dynamicRepair({ periodCount: 3, includeCurrentPeriod: false });
  await wats.analytics.topFailed({ partNumber: "PCB-1" });
  await wats.analytics.measurements({ partNumber: "PCB-1", measurementPaths: "Main/A::x" });
  assert.deepEqual(seen[0].body, {
    partNumber: "PCB-1;PCB-2",
    dateFrom: "2026-05-01T06:00:00.000Z",
    dateGrouping: 3,
    dimensions: "partNumber;period",
    includeCurrentPeriod: true,
  });
  assert.equal(seen[0].url.searchParams.get("dimensions"), "partNumber;period");
  assert.equal(seen[1].body.includeCurrentPeriod, false, "an explicit choice is kept");
  assert.equal("includeCurrentPeriod" in seen[2].body, false, "only period queries get it");
  assert.equal(seen[3].url.searchParams.get("measurementPaths"), "Main¶A¶¶x");
  assert.equal("measurementPaths" in seen[3].body, false);
});
