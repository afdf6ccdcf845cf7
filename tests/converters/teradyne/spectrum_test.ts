import { teradyneSpectrumConverter as converter } from "../../../converters/teradyne/spectrum.ts";
import assert from "node:assert/strict";
import {
  assertReadsEncodings,
  badInputErrors,
  conversionError,
  convertAll,
  inputOf,
  rootSteps,
  sampleBytes,
  sampleInput,
  stepAt,
} from "../_vendor_helpers.ts";

const FORMAT = "teradyne-spectrum";
const PASS = "PB2941200_pass.txt";
const FAIL = "PB2941200_fail.txt";
const text = (name: string) => new TextDecoder().decode(sampleBytes(FORMAT, name));

Deno.test("teradyne-spectrum converts a passing board", async () => {
  const [r] = await convertAll(converter, sampleInput(FORMAT, PASS));
  assert.deepEqual([r.pn, r.sn, r.processCode, r.result], [
    "PB2941200_MainBoard",
    "SN29412-0001",
    30,
    "P",
  ]);
  assert.equal(r.machineName, "SPECTRUM-07");
  assert.equal(r.uut?.user, "jdoe");
  assert.equal(r.start.slice(0, 19), "2025-09-14T12:01:47");
  assert.equal(r.root?.seqCall?.version, "3.2");
  assert.deepEqual(r.miscInfos?.map((m) => m.description), ["File", "OrderNumber", "TestSpecRef"]);
  assert.deepEqual(rootSteps(r).map((s) => s.name), ["Analog", "Power"]);
  assert.deepEqual(stepAt(r, ["Analog", "C101"]).numericMeas![0], {
    status: "P",
    value: 10.2,
    unit: "uF",
    compOp: "GELE",
    lowLimit: 9,
    highLimit: 11,
  });
  const rails = stepAt(r, ["Power", "Rails"]);
  assert.equal(rails.stepType, "SequenceCall");
  assert.deepEqual(rails.steps!.map((s) => s.name), ["VCC_3V3", "VCC_1V8"]);
  assert.equal(stepAt(r, ["Power", "JTAG chain"]).stepType, "ET_PFT");
});

Deno.test("teradyne-spectrum converts a failing board", async () => {
  const [r] = await convertAll(converter, sampleInput(FORMAT, FAIL));
  assert.deepEqual([r.sn, r.result], ["SN29412-0002", "F"]);
  assert.equal(stepAt(r, ["Analog", "R101"]).status, "F");
  assert.equal(stepAt(r, ["Power", "JTAG chain"]).status, "F");
  assert.equal(stepAt(r, ["Power", "Rails"]).status, "P");
});

Deno.test("teradyne-spectrum yields every unit and applies the arguments", async () => {
  const reports = await convertAll(converter, inputOf("two.txt", text(PASS) + text(FAIL)), {
    programNameToPartNumberRegEx: "^(?P<PartNumber>PB\\d+)_",
    userInfoStationName: "Nope",
    userInfoAddMiscInfo: "OrderNumber",
    operationTypeCode: "33",
  });
  assert.deepEqual(reports.map((r) => [r.pn, r.sn, r.result, r.processCode]), [
    ["PB2941200", "SN29412-0001", "P", 33],
    ["PB2941200", "SN29412-0002", "F", 33],
  ]);
  assert.equal(reports[0].machineName, "Default station");
  assert.deepEqual(reports[0].miscInfos?.map((m) => m.description), ["File", "OrderNumber"]);
  const bad = await conversionError(converter, sampleInput(FORMAT, PASS), {
    programNameToPartNumberRegEx: "(",
  });
  assert.ok(/programNameToPartNumberRegEx/.test(bad.message));
});

Deno.test("teradyne-spectrum sniffs per the table", () => {
  const enc = (t: string) => new TextEncoder().encode(t);
  assert.equal(converter.sniff(sampleBytes(FORMAT, PASS), PASS), 0.95);
  assert.equal(converter.sniff(enc('(PROGRAM_NAME: "PB1")\n'), "a.txt"), 0.85);
  assert.equal(converter.sniff(enc('(PAGE_NAME: "R1") (STAT: Pass)\n'), "a.txt"), 0.7);
  assert.equal(converter.sniff(sampleBytes("spea", "board_pass.txt"), "a.txt"), 0);
  assert.equal(converter.sniff(sampleBytes("klippel", "speaker_pass.txt"), "a.txt"), 0);
});

Deno.test("teradyne-spectrum reads UTF-16 and Latin-1 files", async () => {
  await assertReadsEncodings(converter, { format: FORMAT, name: PASS }, {
    sn: "SN29412-0001",
    from: "jdoe",
    user: "Jörg",
  });
});

Deno.test("teradyne-spectrum refuses bad input with the file and line", async () => {
  const errors = await badInputErrors(converter, { format: FORMAT, name: PASS, cut: 0.03 });
  assert.ok(/Empty file/.test(errors.empty.message));
  assert.ok(/Binary data/.test(errors.junk.message), errors.junk.message);
  assert.ok(/serial number/.test(errors.truncated.message), errors.truncated.message);
  const huge = await conversionError(
    converter,
    inputOf("h.txt", text(PASS).replace("(VAL: 100.5)", "(VAL: 1e999)")),
  );
  assert.equal(huge.line, 15);
  const nan = await conversionError(
    converter,
    inputOf("n.txt", text(PASS).replace("(VAL: 100.5)", "(VAL: NaN)")),
  );
  assert.equal(nan.line, 15);
  const date = await conversionError(
    converter,
    inputOf("d.txt", text(PASS).replace("09/14/2025 12:01:47", "14/09/2025 12:01:47")),
  );
  assert.equal(date.line, 9);
});
