import { atmlConverter as converter } from "../../converters/atml.ts";
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

const FORMAT = "atml";
const text = (name: string) => new TextDecoder().decode(sampleBytes(FORMAT, name));

Deno.test("atml converts a passing 2013 collection with NI extensions", async () => {
  const reports = await convertAll(converter, sampleInput(FORMAT, "uut_pass.xml"));
  assert.equal(reports.length, 1);
  const [r] = reports;
  assert.deepEqual([r.pn, r.sn, r.rev, r.processCode, r.result], [
    "PCBA4711",
    "PCB4711-0601",
    "1.0",
    10,
    "P",
  ]);
  assert.equal(r.start, "2025-09-14T12:01:47.120+02:00");
  assert.equal(r.machineName, "FCT-STATION-07");
  assert.deepEqual([r.uut?.user, r.uut?.batchSN, r.uut?.testSocketIndex, r.uut?.execTime], [
    "John Doe",
    "LOT-2025-37",
    0,
    44.42,
  ]);
  assert.equal(r.root?.seqCall?.name, "PCBA4711 Functional");
  assert.deepEqual(rootSteps(r).map((s) => [s.name, s.stepType]), [
    ["Power on", "Action"],
    ["Power rails", "SequenceCall"],
    ["Firmware version", "ET_SVT"],
    ["Self test", "ET_PFT"],
  ]);
  const action = stepAt(r, ["Power on"]);
  assert.deepEqual([action.group, action.status, action.totTime], ["S", "D", 0.25]);
  const group = stepAt(r, ["Power rails"]);
  assert.deepEqual([group.seqCall?.name, group.totTime], ["Power", 1.8]);
  assert.deepEqual(stepAt(r, ["Power rails", "VCC 3V3"]).numericMeas![0], {
    status: "P",
    value: 3.301,
    unit: "V",
    compOp: "GELE",
    lowLimit: 3.135,
    highLimit: 3.465,
  });
  const rails = stepAt(r, ["Power rails", "Rails"]);
  assert.equal(rails.stepType, "ET_MNLT");
  assert.deepEqual(rails.numericMeas!.map((m) => [m.name, m.lowLimit, m.highLimit]), [
    ["VCC_1V8", 1.71, 1.89],
    ["VCC_5V0", 4.75, 5.25],
  ]);
  assert.deepEqual(stepAt(r, ["Firmware version"]).stringMeas![0], {
    status: "P",
    value: "1.4.2",
    compOp: "IGNORECASE",
    limit: "1.4.2",
  });
});

Deno.test("atml converts a failing 2006 file with other prefixes", async () => {
  const [r] = await convertAll(converter, sampleInput(FORMAT, "uut_fail.xml"));
  assert.deepEqual([r.pn, r.sn, r.result, r.uut?.user], [
    "PCBA4711",
    "PCB4711-0602",
    "F",
    "asmith",
  ]);
  const vcc = stepAt(r, ["Power", "VCC 3V3"]);
  assert.deepEqual([vcc.status, vcc.numericMeas![0].value], ["F", 3.512]);
  const idle = stepAt(r, ["Power", "Idle current"]).numericMeas![0];
  assert.deepEqual([idle.compOp, idle.lowLimit, idle.status], ["LE", 0.05, "P"]);
  assert.equal(stepAt(r, ["Self test"]).status, "F");
});

Deno.test("atml yields every TestResults of a collection and uses the arguments", async () => {
  const pass = text("uut_pass.xml");
  const inner = pass.slice(
    pass.indexOf("<trc:TestResults "),
    pass.indexOf("</trc:TestResultsCollection>"),
  );
  const doubled = pass.replace(
    "</trc:TestResultsCollection>",
    inner.replace("PCB4711-0601", "PCB4711-0603") + "</trc:TestResultsCollection>",
  );
  const reports = await convertAll(converter, inputOf("two.xml", doubled), {
    partRevision: "C",
    operationTypeCode: "15",
  });
  assert.deepEqual(reports.map((r) => [r.sn, r.rev, r.processCode]), [
    ["PCB4711-0601", "C", 15],
    ["PCB4711-0603", "C", 15],
  ]);
  const noPn = pass.replace(/<c:IdentificationNumber [^>]*\/>/, "");
  const [withArg] = await convertAll(converter, inputOf("p.xml", noPn), { partNumber: "FALLBACK" });
  assert.equal(withArg.pn, "FALLBACK");
  const missing = await conversionError(converter, inputOf("p.xml", noPn));
  assert.equal(missing.element, "UUT");
});

Deno.test("atml keeps a measured NaN and refuses an out-of-range number", async () => {
  const pass = text("uut_pass.xml");
  const [r] = await convertAll(
    converter,
    inputOf("nan.xml", pass.replace('value="3.301"', 'value="NaN"')),
  );
  const vcc = stepAt(r, ["Power rails", "VCC 3V3"]).numericMeas![0];
  assert.deepEqual([vcc.value, vcc.status], ["NaN", "P"]);
  const huge = await conversionError(
    converter,
    inputOf("huge.xml", pass.replace('value="3.301"', 'value="1e999"')),
  );
  assert.deepEqual([huge.line, huge.element], [41, "Datum"]);
});

Deno.test("atml sniffs per the table", () => {
  const enc = (t: string) => new TextEncoder().encode(t);
  assert.equal(converter.sniff(sampleBytes(FORMAT, "uut_pass.xml"), "u.xml"), 0.9);
  assert.equal(converter.sniff(sampleBytes(FORMAT, "uut_fail.xml"), "u.xml"), 0.9);
  assert.equal(
    converter.sniff(enc('<x:Other xmlns:x="urn:IEEE-1636.1:2011:TestResults"/>'), "u.xml"),
    0.3,
  );
  assert.equal(converter.sniff(sampleBytes("seica", "board_pass.xml"), "u.xml"), 0);
  assert.equal(converter.sniff(sampleBytes("keysight-testexec", "uut_pass.xml"), "u.xml"), 0);
});

Deno.test("atml reads UTF-16 and Latin-1 files", async () => {
  await assertReadsEncodings(converter, { format: FORMAT, name: "uut_fail.xml" }, {
    sn: "PCB4711-0602",
    from: "asmith",
    user: "Åsa",
  });
});

Deno.test("atml refuses bad input, billion laughs and XXE", async () => {
  const errors = await badInputErrors(converter, { format: FORMAT, name: "uut_pass.xml" });
  assert.ok(/Empty file/.test(errors.empty.message));
  assert.ok(errors.junk.stage === "decode" || errors.junk.stage === "parse", errors.junk.message);
  assert.ok(/Truncated XML|Malformed/.test(errors.truncated.message), errors.truncated.message);
  const root = await conversionError(converter, inputOf("r.xml", "<Report/>"));
  assert.ok(/root element/.test(root.message));
  const pair = await conversionError(
    converter,
    inputOf(
      "p.xml",
      text("uut_fail.xml").replace(
        'comparator="LE"><com:Datum xsi:type="com:double" value="3.465"',
        'comparator="XX"><com:Datum xsi:type="com:double" value="3.465"',
      ),
    ),
  );
  assert.equal(pair.element, "LimitPair");
  for (const doc of [BILLION_LAUGHS, XXE]) {
    const error = await conversionError(converter, inputOf("evil.xml", doc));
    assert.ok(/document type/.test(error.message), error.message);
  }
});
