import assert from "node:assert/strict";
import {
  createUutReport,
  parseReport,
  ReportFormatError,
  serializeReport,
  type Step,
  type UutReportOptions,
} from "../../../../api/models/report/mod.ts";

const NOW = new Date("2026-01-30T21:01:41.470Z");

function options(extra: Partial<UutReportOptions> = {}): UutReportOptions {
  return {
    pn: "PCBA-100",
    sn: "SN0001",
    rev: "A",
    processCode: 10,
    now: () => NOW,
    utcOffsetMinutes: 60,
    ...extra,
  };
}

function steps(report: { root?: Step | null }): Step[] {
  return report.root?.steps ?? [];
}

Deno.test("builder: the header gets the factory defaults and an injected start time", () => {
  const report = createUutReport(options()).build();
  assert.equal(report.type, "T");
  assert.equal(report.start, "2026-01-30T22:01:41.470+01:00");
  assert.equal(report.machineName, "Unknown");
  assert.equal(report.location, "Unknown");
  assert.equal(report.purpose, "Unknown");
  assert.equal(report.result, "P");
  assert.equal(report.uut?.fixtureId, "Fixture");
  assert.match(report.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.notEqual(createUutReport(options()).build().id, report.id);
  assert.equal(report.root?.name, "MainSequence Callback");
  assert.equal(report.root?.stepType, "SequenceCall");
  const west = createUutReport(options({ utcOffsetMinutes: -330 })).build();
  assert.equal(west.start, "2026-01-30T15:31:41.470-05:30");
});

Deno.test("builder: given values win over defaults", () => {
  const id = "4f8d1c9e-2b7a-4c3e-9f10-6a5b4c3d2e1f";
  const report = createUutReport(options({
    id,
    machineName: "Station 7",
    location: "Line 2",
    purpose: "Production",
    start: "2026-01-29T08:00:00.000+01:00",
    operator: "Kari",
    fixtureId: "FX-1",
    batchSN: "B-9",
    execTime: 12.5,
  })).build();
  assert.equal(report.id, id);
  assert.equal(report.machineName, "Station 7");
  assert.equal(report.start, "2026-01-29T08:00:00.000+01:00");
  assert.deepStrictEqual(report.uut, {
    fixtureId: "FX-1",
    user: "Kari",
    execTime: 12.5,
    batchSN: "B-9",
  });
});

Deno.test("builder: measurement statuses are evaluated and roll up the tree", () => {
  const report = createUutReport(options())
    .sequence("Power", (power) => {
      power.numericStep("3V3", 3.31, { compOp: "GELE", low: 3.2, high: 3.4, unit: "V" });
      power.sequence("Load", (load) => {
        load.numericStep("Ripple", 0.08, { compOp: "LT", low: 0.05, unit: "V" });
        load.actionStep("Load off");
      });
    })
    .sequence("Comms", (comms) => comms.passFailStep("Ping", true))
    .build();
  const [power, comms] = steps(report);
  const [v33, load] = power.steps ?? [];
  const [ripple, loadOff] = load.steps ?? [];
  assert.equal(v33.status, "P");
  assert.equal(v33.numericMeas?.[0].status, "P");
  assert.equal(ripple.numericMeas?.[0].status, "F");
  assert.equal(ripple.status, "F");
  assert.equal(loadOff.status, "D");
  assert.equal(load.status, "F");
  assert.equal(power.status, "F");
  assert.equal(comms.status, "P");
  assert.equal(report.root?.status, "F");
  assert.equal(report.result, "F");
  // Step ids and causedUUTFailure are server-set (WATS API spec §4.3): the builder sends neither.
  for (const step of [v33, load, ripple, loadOff, power, comms, report.root!]) {
    assert.equal(step.id, undefined, step.name);
    assert.equal(step.causedUUTFailure, undefined, step.name);
  }
  const wire = JSON.stringify(serializeReport(report));
  assert.ok(!wire.includes('"id":1') && !wire.includes("causedUUTFailure"), wire);
});

Deno.test("builder: a passing report passes; an explicit sequence status still fails on a failed child", () => {
  const passing = createUutReport(options())
    .numericStep("5V", 5.0, { compOp: "GELE", low: 4.9, high: 5.1 })
    .stringStep("FW", "1.4.2", { compOp: "CASESENSIT", limit: "1.4.2" })
    .build();
  assert.equal(passing.result, "P");
  assert.ok(steps(passing).every((step) => !("causedUUTFailure" in step) && !("id" in step)));
  const forced = createUutReport(options())
    .sequence("S", (s) => s.passFailStep("x", false), { status: "P" })
    .build();
  assert.equal(steps(forced)[0].status, "F");
  const errored = createUutReport(options())
    .sequence("S", (s) => s.actionStep("x", { status: "E" }))
    .build();
  assert.equal(steps(errored)[0].status, "E");
  assert.equal(errored.result, "E");
  assert.equal(createUutReport(options({ result: "T" })).build().result, "T");
});

Deno.test("builder: step content follows the wire form and the defaults", () => {
  const report = createUutReport(options())
    .numericStep("Temp", 23.5)
    .numericStep("Overflow", NaN, { compOp: "LT", low: 100 })
    .stringStep("Mode", "auto", { compOp: "IGNORECASE", limit: "AUTO" })
    .passFailStep("Fuse", false, { group: "S", reportText: "blown" })
    .actionStep("Init", { start: new Date("2026-01-30T21:05:00.000Z"), totTime: 0.5 })
    .build();
  const [temp, overflow, mode, fuse, init] = steps(report);
  assert.deepStrictEqual(temp.numericMeas, [
    { status: "P", value: 23.5, unit: "NA", compOp: "LOG" },
  ]);
  assert.equal(temp.stepType, "ET_NLT");
  assert.equal(temp.group, "M");
  assert.deepStrictEqual(overflow.numericMeas, [
    { status: "F", value: "NaN", unit: "NA", compOp: "LT", lowLimit: 100 },
  ]);
  assert.deepStrictEqual(mode.stringMeas, [
    { status: "P", value: "auto", compOp: "IGNORECASE", limit: "AUTO" },
  ]);
  assert.equal(fuse.stepType, "ET_PFT");
  assert.deepStrictEqual(fuse.booleanMeas, [{ status: "F", value: false }]);
  assert.equal(fuse.group, "S");
  assert.equal(fuse.reportText, "blown");
  assert.equal(init.stepType, "Action");
  assert.equal(init.start, "2026-01-30T22:05:00.000+01:00");
  assert.equal(init.totTime, 0.5);
});

Deno.test("builder: multi steps name their measurements uniquely", () => {
  const report = createUutReport(options())
    .multiNumericStep("Rails", [
      { name: "V", value: 3.3, compOp: "GELE", low: 3.2, high: 3.4, unit: "V" },
      { name: "V", value: 5.0, compOp: "GELE", low: 4.9, high: 5.1, unit: "V" },
      { name: "V", value: 12.9, compOp: "LE", low: 12.5, unit: "V" },
    ])
    .multiPassFailStep("LEDs", [{ name: "red", passed: true }, { name: "green", passed: true }])
    .multiStringStep("IDs", [{ name: "HW", value: "B", compOp: "EQ", limit: "B" }])
    .build();
  const [rails, leds, ids] = steps(report);
  assert.equal(rails.stepType, "ET_MNLT");
  assert.deepStrictEqual(rails.numericMeas?.map((m) => [m.name, m.status]), [
    ["V", "P"],
    ["V #2", "P"],
    ["V #3", "F"],
  ]);
  assert.equal(rails.status, "F");
  assert.equal(leds.stepType, "ET_MPFT");
  assert.equal(leds.status, "P");
  assert.deepStrictEqual(leds.booleanMeas, [
    { name: "red", status: "P", value: true },
    { name: "green", status: "P", value: true },
  ]);
  assert.equal(ids.stepType, "ET_MSVT");
  assert.equal(ids.stringMeas?.[0].status, "P");
});

Deno.test("builder: chart steps, raw steps and report extras", () => {
  const chart = {
    chartType: "Line" as const,
    label: "Ripple",
    series: [{ dataType: "XYG", name: "V", xdata: "0;1;2", ydata: "4.9;5.0;5.1" }],
  };
  const report = createUutReport(options())
    .chartStep("Ripple", chart, {
      measurements: [{ name: "Max", value: 5.1, compOp: "LE", low: 5.2 }],
    })
    .step({ stepType: "CallExecutable", name: "Flash", status: "P", callExe: { exitCode: 0 } })
    .step({
      stepType: "AcmeScan",
      name: "Vendor",
      status: "F",
      custom: { lanes: 4 },
      steps: [{ stepType: "Action", name: "Inner", status: "F" }],
    })
    .miscInfo("Firmware", "1.4.2")
    .subUnit({ pn: "PSU-1", sn: "PSU-0001", rev: "B" })
    .asset("FIX-0042")
    .attach("log.txt", "text/plain", new TextEncoder().encode("hello"))
    .build();
  const [chartStep, callExe, vendor] = steps(report);
  assert.equal(chartStep.stepType, "WATS_XYGMNLT");
  assert.deepStrictEqual(chartStep.chart, chart);
  assert.equal(chartStep.numericMeas?.[0].status, "P");
  assert.deepStrictEqual(callExe.callExe, { exitCode: 0 });
  assert.deepStrictEqual(vendor.custom, { lanes: 4 });
  assert.equal(vendor.causedUUTFailure, undefined);
  assert.equal(vendor.steps?.[0].causedUUTFailure, undefined);
  assert.equal(vendor.steps?.[0].id, undefined);
  assert.equal(report.result, "F");
  assert.deepStrictEqual(report.miscInfos, [{ description: "Firmware", text: "1.4.2" }]);
  assert.deepStrictEqual(report.subUnits, [
    { partType: "Unknown", pn: "PSU-1", sn: "PSU-0001", rev: "B" },
  ]);
  assert.deepStrictEqual(report.assets, [{ assetSN: "FIX-0042", usageCount: 1 }]);
  assert.deepStrictEqual(report.binaryData, [
    { name: "log.txt", contentType: "text/plain", data: btoa("hello") },
  ]);
});

Deno.test("builder: the built report is one parseReport accepts and round-trips", () => {
  const report = createUutReport(options())
    .sequence("S", (s) => s.numericStep("x", 1, { compOp: "GE", low: 0 }))
    .build();
  assert.deepStrictEqual(parseReport(structuredClone(report)), report);
  assert.deepStrictEqual(parseReport(JSON.parse(JSON.stringify(serializeReport(report)))), report);
});

Deno.test("builder: build can be called again and gives the same report", () => {
  const builder = createUutReport(options()).passFailStep("x", false);
  assert.deepStrictEqual(builder.build(), builder.build());
});

Deno.test("builder: what cannot be evaluated or stored is refused", () => {
  assert.throws(
    () => createUutReport(options()).numericStep("x", 1, { compOp: "EQT" }),
    /EQT is not evaluated here; give a status/,
  );
  assert.doesNotThrow(() =>
    createUutReport(options()).numericStep("x", 1, { compOp: "EQT", status: "P" }).build()
  );
  // The types refuse a missing limit; callers without them (JavaScript, casts) get the check.
  assert.throws(
    // @ts-expect-error GT needs low
    () => createUutReport(options()).numericStep("x", 1, { compOp: "GT" }),
    /GT compares against low/,
  );
  assert.throws(
    // @ts-expect-error GTLT needs high
    () => createUutReport(options()).numericStep("x", 1, { compOp: "GTLT", low: 0 }),
    /needs high/,
  );
  assert.throws(
    () => createUutReport(options()).stringStep("x", "a", { compOp: "CASESENSIT" }),
    /compares against limit/,
  );
  assert.throws(
    () => createUutReport(options()).actionStep("n".repeat(101)).build(),
    (error: unknown) =>
      error instanceof ReportFormatError && error.issues[0].path === "root.steps[0].name",
  );
});

Deno.test("builder: serial and part numbers with characters WATS rejects are refused", () => {
  for (const sn of ["SN*1", "SN/1", "SN\\1", "SN?1", "SN[1]", "SN^1", "SN!1", "SN%1"]) {
    assert.throws(
      () => createUutReport(options({ sn })),
      (error: unknown) => error instanceof ReportFormatError && error.issues[0].path === "sn",
      sn,
    );
  }
  assert.throws(() => createUutReport(options({ pn: "A/B" })), /pn: Contains "\/"/);
  assert.equal(createUutReport(options({ sn: "SUPPRESS:SN/1" })).build().sn, "SN/1");
  assert.equal(
    createUutReport(options({ sn: "SN/1", allowSpecialCharacters: true })).build().sn,
    "SN/1",
  );
});
