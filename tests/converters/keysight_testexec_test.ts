import { keysightTestExecConverter as converter } from "../../converters/keysight_testexec.ts";
import assert from "node:assert/strict";
import {
  assertReadsEncodings,
  badInputErrors,
  BILLION_LAUGHS,
  conversionError,
  convertAll,
  inputOf,
  rootSteps,
  sampleBytes,
  sampleInput,
  stepAt,
  XXE,
} from "./_vendor_helpers.ts";

const FORMAT = "keysight-testexec";
const text = (name: string) => new TextDecoder().decode(sampleBytes(FORMAT, name));
const POWER = ["Functional", "Power"];

Deno.test("keysight-testexec converts a passing unit", async () => {
  const [r] = await convertAll(converter, sampleInput(FORMAT, "uut_pass.xml"));
  assert.deepEqual([r.pn, r.sn, r.rev, r.processCode, r.result], [
    "PCBA4711",
    "PCB4711-0401",
    "B",
    20,
    "P",
  ]);
  assert.deepEqual([r.machineName, r.location], ["TXSL-03", "Line 2"]);
  assert.deepEqual([r.uut?.user, r.uut?.batchSN, r.uut?.execTime], ["jdoe", "LOT-2025-37", 44]);
  assert.equal(r.start.slice(0, 19), "2025-09-14T12:01:47");
  assert.equal(r.root?.seqCall?.name, "PCBA4711_FCT");
  assert.equal(r.root?.seqCall?.version, "4.2.0");
  assert.deepEqual(r.miscInfos?.map((m) => [m.description, m.text]), [
    ["TotalTests", "5"],
    ["Failed", "0"],
    ["Result", "Passed"],
  ]);
  assert.deepEqual(rootSteps(r).map((s) => s.name), ["Functional"]);
  assert.deepEqual(stepAt(r, ["Functional"]).steps!.map((s) => s.name), ["Power", "Communication"]);
  assert.deepEqual(stepAt(r, [...POWER, "VCC_3V3"]).numericMeas![0], {
    status: "P",
    value: 3.301,
    unit: "V",
    compOp: "GELE",
    lowLimit: 3.135,
    highLimit: 3.465,
  });
  const rails = stepAt(r, [...POWER, "Rails"]);
  assert.equal(rails.stepType, "ET_MNLT");
  assert.deepEqual(rails.numericMeas!.map((m) => m.name), ["VCC_1V8", "VCC_5V0"]);
  const idle = stepAt(r, [...POWER, "Idle current"]).numericMeas![0];
  assert.deepEqual([idle.compOp, idle.lowLimit], ["LE", 0.05]);
  assert.equal(
    stepAt(r, ["Functional", "Communication", "Firmware version"]).stringMeas![0].value,
    "1.4.2",
  );
  assert.equal(stepAt(r, ["Functional", "Communication", "CAN loopback"]).stepType, "ET_PFT");
});

Deno.test("keysight-testexec converts a failing unit", async () => {
  const [r] = await convertAll(converter, sampleInput(FORMAT, "uut_fail.xml"));
  assert.deepEqual([r.sn, r.result], ["PCB4711-0402", "F"]);
  const idle = stepAt(r, [...POWER, "Idle current"]);
  assert.deepEqual([idle.status, idle.numericMeas![0].value], ["F", 0.0637]);
  assert.equal(stepAt(r, ["Functional", "Communication", "CAN loopback"]).status, "F");
  assert.equal(stepAt(r, [...POWER, "VCC_3V3"]).status, "P");
});

Deno.test("keysight-testexec applies its arguments and yields every UUT", async () => {
  const [r] = await convertAll(converter, sampleInput(FORMAT, "uut_pass.xml"), {
    includePassedMeasurements: "false",
  });
  assert.equal(stepAt(r, [...POWER, "VCC_3V3"]).stepType, "ET_PFT");
  const [logged] = await convertAll(
    converter,
    inputOf(
      "x.xml",
      text("uut_pass.xml").replace("<LowLimit>3.135</LowLimit><HighLimit>3.465</HighLimit>", "")
        .replace(/\s*<LowLimit>3\.135<\/LowLimit>\s*<HighLimit>3\.465<\/HighLimit>/, ""),
    ),
    { treatMissingLimitsAsPassFail: false },
  );
  assert.equal(stepAt(logged, [...POWER, "VCC_3V3"]).numericMeas![0].compOp, "LOG");
  const panel = `<Results><Header><ProgramName>P</ProgramName></Header>
<UUT SerialNumber="A1" PartNumber="PN"><Test name="t" status="Passed"/></UUT>
<UUT SerialNumber="A2" PartNumber="PN"><Test name="t" status="Failed"/></UUT></Results>`;
  const reports = await convertAll(converter, inputOf("panel.xml", panel));
  assert.deepEqual(reports.map((x) => [x.sn, x.result, x.machineName]), [
    ["A1", "P", "Default station"],
    ["A2", "F", "Default station"],
  ]);
  const bad = await conversionError(converter, sampleInput(FORMAT, "uut_pass.xml"), {
    includePassedMeasurements: "maybe",
  });
  assert.ok(/includePassedMeasurements/.test(bad.message));
});

Deno.test("keysight-testexec sniffs per the table", () => {
  const enc = (t: string) => new TextEncoder().encode(t);
  assert.equal(converter.sniff(sampleBytes(FORMAT, "uut_pass.xml"), "u.xml"), 0.95);
  assert.equal(converter.sniff(enc("<TestResults/>"), "u.xml"), 0.3);
  assert.equal(converter.sniff(enc("<TestExecSL><Header/><UUT/></TestExecSL>"), "u.xml"), 0.7);
  assert.equal(converter.sniff(enc("<Results><Header/><UUT/><Test/></Results>"), "u.xml"), 0.9);
  assert.equal(converter.sniff(sampleBytes("seica", "board_pass.xml"), "u.xml"), 0);
  assert.equal(converter.sniff(sampleBytes("atml", "uut_pass.xml"), "u.xml"), 0);
});

Deno.test("keysight-testexec reads UTF-16 and Latin-1 files", async () => {
  await assertReadsEncodings(converter, { format: FORMAT, name: "uut_pass.xml" }, {
    sn: "PCB4711-0401",
    from: "jdoe",
    user: "Jörg",
  });
});

Deno.test("keysight-testexec refuses bad input with the file and place", async () => {
  const errors = await badInputErrors(converter, { format: FORMAT, name: "uut_pass.xml" });
  assert.ok(/Empty file/.test(errors.empty.message));
  assert.ok(errors.junk.line !== null || /Binary/.test(errors.junk.message), errors.junk.message);
  assert.ok(/Truncated XML|Malformed/.test(errors.truncated.message), errors.truncated.message);
  const pass = text("uut_pass.xml");
  const huge = await conversionError(
    converter,
    inputOf("h.xml", pass.replace("<Value>3.301</Value>", "<Value>1e999</Value>")),
  );
  assert.deepEqual([huge.line, huge.element], [21, "Measurement"]);
  const nan = await conversionError(
    converter,
    inputOf("n.xml", pass.replace("<Value>3.301</Value>", "<Value>NaN</Value>")),
  );
  assert.deepEqual([nan.line, nan.element], [21, "Measurement"]);
  const status = await conversionError(
    converter,
    inputOf("s.xml", pass.replace('status="Passed"/>', 'status="Meh"/>')),
  );
  assert.equal(status.element, "Test");
  const noUut = await conversionError(
    converter,
    inputOf("u.xml", "<TestResults><Header/></TestResults>"),
  );
  assert.ok(/UUT/.test(noUut.message));
  for (const doc of [BILLION_LAUGHS, XXE]) {
    const error = await conversionError(converter, inputOf("evil.xml", doc));
    assert.ok(/document type/.test(error.message), error.message);
  }
});
