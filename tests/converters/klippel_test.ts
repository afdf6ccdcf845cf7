import { klippelConverter as converter } from "../../converters/klippel.ts";
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
} from "./_vendor_helpers.ts";
import { makeZip } from "./_zip_writer.ts";

const FORMAT = "klippel";
const text = (name: string) => new TextDecoder().decode(sampleBytes(FORMAT, name));

Deno.test("klippel converts a passing bundle with its data tables", async () => {
  const [r] = await convertAll(converter, sampleInput(FORMAT, "speaker_pass.zip"));
  assert.deepEqual([r.pn, r.sn, r.rev, r.processCode, r.result], [
    "PartNumber1",
    "SPK-0001",
    "1.0",
    700,
    "P",
  ]);
  assert.equal(r.start, "2025-09-14T12:01:47.250+02:00");
  assert.equal(r.uut?.user, "jdoe");
  assert.deepEqual(r.root?.seqCall, {
    path: "C:/SequenceCall.seq",
    name: "SequenceName1",
    version: "1.0.0",
  });
  assert.deepEqual(r.miscInfos?.map((m) => [m.description, m.text]), [
    ["FileName", "speaker_pass.zip"],
    ["Cfg_LoginMode", "Operator"],
    ["Cfg_Speaker", "Woofer W18"],
    ["Verdict", "Pass"],
  ]);
  assert.deepEqual(rootSteps(r).map((s) => s.name), ["Polarity", "SPL"]);
  assert.deepEqual(stepAt(r, ["SPL"]).steps!.map((s) => s.name), [
    "Response SPL",
    "Response OutOfBounds",
    "Resonance frequency",
    "Sensitivity",
    "Rub and buzz peak",
  ]);
  const stats = stepAt(r, ["SPL", "Response SPL"]).numericMeas!;
  assert.deepEqual(stats.map((m) => [m.name, m.value]), [["avg", 87.64], ["min", 86.2], [
    "max",
    88.6,
  ]]);
  const oob = stepAt(r, ["SPL", "Response OutOfBounds"]).numericMeas![0];
  assert.deepEqual([oob.value, oob.compOp, oob.lowLimit, oob.status], [0, "EQ", 0, "P"]);
  const res = stepAt(r, ["SPL", "Resonance frequency"]).numericMeas![0];
  assert.deepEqual([res.value, res.compOp, res.lowLimit, res.highLimit], [42.1, "GELE", 38, 46]);
  assert.equal(stepAt(r, ["Polarity", "Polarity"]).numericMeas![0].compOp, "LOG");
});

Deno.test("klippel converts a failing bundle", async () => {
  const [r] = await convertAll(converter, sampleInput(FORMAT, "speaker_fail.zip"));
  assert.deepEqual([r.sn, r.result], ["SPK-0002", "F"]);
  assert.equal(stepAt(r, ["SPL", "Response OutOfBounds"]).numericMeas![0].value, 1);
  assert.equal(stepAt(r, ["SPL", "Response OutOfBounds"]).status, "F");
  assert.equal(stepAt(r, ["SPL", "Resonance frequency"]).status, "F");
  assert.equal(stepAt(r, ["Polarity"]).status, "P");
});

Deno.test("klippel converts a header alone to the verdict", async () => {
  const [pass] = await convertAll(converter, sampleInput(FORMAT, "speaker_pass.txt"), {
    partNumber: "SPK-W18",
    operationTypeCode: "701",
  });
  assert.deepEqual([pass.pn, pass.processCode, pass.result], ["SPK-W18", 701, "P"]);
  assert.deepEqual(rootSteps(pass).map((s) => [s.name, s.status]), [["Overall verdict", "P"]]);
  const [fail] = await convertAll(converter, sampleInput(FORMAT, "speaker_fail.txt"));
  assert.equal(fail.result, "F");
  const [noise] = await convertAll(
    converter,
    inputOf("n.txt", text("speaker_pass.txt").replace("Verdict=1", "Verdict=3")),
  );
  assert.equal(noise.result, "E");
});

Deno.test("klippel sniffs per the table", () => {
  const enc = (t: string) => new TextEncoder().encode(t);
  assert.equal(converter.sniff(sampleBytes(FORMAT, "speaker_pass.txt"), "s.txt"), 0.85);
  assert.equal(converter.sniff(sampleBytes(FORMAT, "speaker_pass.zip"), "s.zip"), 0.95);
  assert.equal(
    converter.sniff(
      enc("Cfg_SerialNumber=1\nCtrl_OverallVerdict=1\nCfg_DutStartTime=x\n"),
      "s.txt",
    ),
    0.8,
  );
  assert.equal(converter.sniff(enc("Cfg_SerialNumber=1\nCtrl_OverallVerdict=1\n"), "s.txt"), 0.5);
  assert.equal(converter.sniff(enc("Cfg_SerialNumber=1\n"), "s.txt"), 0.4);
  assert.equal(converter.sniff(sampleBytes("spea", "board_pass.txt"), "s.txt"), 0);
  assert.equal(converter.sniff(sampleBytes("xjtag", "board_pass.zip"), "s.zip"), 0);
});

Deno.test("klippel reads UTF-16 and Latin-1 headers", async () => {
  await assertReadsEncodings(converter, { format: FORMAT, name: "speaker_pass.txt" }, {
    sn: "SPK-0001",
    from: "jdoe",
    user: "Jörg",
  });
});

Deno.test("klippel refuses bad input with the file and place", async () => {
  const errors = await badInputErrors(converter, {
    format: FORMAT,
    name: "speaker_pass.txt",
    cut: 0.3,
  });
  assert.ok(/Empty file/.test(errors.empty.message));
  assert.ok(/Binary data/.test(errors.junk.message), errors.junk.message);
  assert.ok(/Cfg_SerialNumber/.test(errors.truncated.message), errors.truncated.message);
  const header = text("speaker_pass.txt");
  const time = await conversionError(
    converter,
    inputOf("t.txt", header.replace("2025-9-37", "2025-13-37")),
  );
  assert.deepEqual([time.line, time.element], [6, "Cfg_DutStartTime"]);
  const verdict = await conversionError(
    converter,
    inputOf("v.txt", header.replace("Verdict=1", "Verdict=9")),
  );
  assert.equal(verdict.line, 7);
  const table = (value: string) =>
    makeZip([
      { name: "s.txt", data: header },
      { name: "s/SPL-Summary.txt", data: `name\tvalue\tmin\tmax\nSensitivity\t${value}\t86\t91\n` },
    ]);
  const huge = await conversionError(converter, inputOf("h.zip", table("1e999")));
  assert.deepEqual([huge.line, huge.element], [2, "s/SPL-Summary.txt"]);
  const nan = await conversionError(converter, inputOf("n.zip", table("NaN")));
  assert.equal(nan.line, 2);
  const slip = makeZip([{ name: "s.txt", data: header }, {
    name: "../s/x.txt",
    data: "name\tvalue\n",
  }]);
  assert.ok(/unsafe path/.test((await conversionError(converter, inputOf("z.zip", slip))).message));
});
