import { speaConverter as converter } from "../../converters/spea.ts";
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

const FORMAT = "spea";
const text = (name: string) => new TextDecoder().decode(sampleBytes(FORMAT, name));

Deno.test("spea converts a passing board", async () => {
  const [r] = await convertAll(converter, sampleInput(FORMAT, "board_pass.txt"));
  assert.deepEqual([r.pn, r.sn, r.processCode, r.result], ["PCBA4711-B", "PCB4711-0301", 31, "P"]);
  assert.equal(r.machineName, "U62P-ICT-02");
  assert.equal(r.uut?.user, "jdoe");
  assert.equal(r.uut?.batchSN, "LOT-2025-37");
  assert.equal(r.uut?.execTime, 18);
  assert.equal(r.root?.seqCall?.name, "PCBA4711/ICT_main");
  assert.deepEqual(r.miscInfos, [
    { description: "Source File", text: "board_pass.txt" },
    { description: "Batch Serial", text: "LOT-2025-37" },
  ]);
  assert.deepEqual(rootSteps(r).map((s) => s.name), ["Resistors", "Capacitors", "Diodes", "ICs"]);
  assert.deepEqual(stepAt(r, ["Resistors", "R101 RES"]).numericMeas![0], {
    status: "P",
    value: 100.5,
    unit: "Ohm",
    compOp: "GELE",
    lowLimit: 90,
    highLimit: 110,
  });
  const diode = stepAt(r, ["Diodes", "D1 DIODE"]).numericMeas![0];
  assert.deepEqual([diode.compOp, diode.lowLimit, diode.highLimit], ["GE", 0.5, undefined]);
  assert.equal(stepAt(r, ["ICs", "U7 BOOT"]).stepType, "ET_PFT");
});

Deno.test("spea converts a failing board and yields every board of a log", async () => {
  const reports = await convertAll(converter, sampleInput(FORMAT, "two_boards.txt"));
  assert.deepEqual(reports.map((r) => [r.sn, r.result]), [["PCB4711-0301", "P"], [
    "PCB4711-0302",
    "F",
  ]]);
  const fail = reports[1];
  const r102 = stepAt(fail, ["Resistors", "R102 RES"]);
  assert.deepEqual([r102.status, r102.reportText], ["F", "R102 open or high"]);
  assert.equal(stepAt(fail, ["ICs", "U7 BOOT"]).status, "F");
});

Deno.test("spea applies its arguments", async () => {
  const [r] = await convertAll(converter, sampleInput(FORMAT, "board_pass.txt"), {
    stationNamePrefix: "ICT-",
    location: "Line 4",
    operationTypeCode: 35,
  });
  assert.deepEqual([r.machineName, r.location, r.purpose, r.processCode], [
    "ICT-2",
    "Line 4",
    "Default purpose",
    35,
  ]);
  const bad = await conversionError(converter, sampleInput(FORMAT, "board_pass.txt"), {
    operationTypeCode: "abc",
  });
  assert.ok(/operationTypeCode/.test(bad.message));
});

Deno.test("spea sniffs per the table", () => {
  const enc = (t: string) => new TextEncoder().encode(t);
  assert.equal(converter.sniff(sampleBytes(FORMAT, "board_pass.txt"), "a.txt"), 0.95);
  assert.equal(converter.sniff(enc("START;a;b;1;p;u;09/14/2025;12:00:00\n"), "a.txt"), 0.5);
  assert.equal(converter.sniff(enc("START;a\nLOT;1\nSN;2\n"), "a.txt"), 0.7);
  assert.equal(converter.sniff(enc("START;a\nSN;2\nANL;x\n"), "a.txt"), 0.8);
  assert.equal(converter.sniff(sampleBytes("teradyne-ict", "board_pass.log"), "a.log"), 0);
});

Deno.test("spea reads UTF-16 and Latin-1 logs", async () => {
  await assertReadsEncodings(converter, { format: FORMAT, name: "board_pass.txt" }, {
    sn: "PCB4711-0301",
    from: "jdoe",
    user: "Jörg",
  });
});

Deno.test("spea refuses bad input with the file and line", async () => {
  const errors = await badInputErrors(converter, { format: FORMAT, name: "board_pass.txt" });
  assert.ok(/Empty file/.test(errors.empty.message));
  assert.ok(/Binary data/.test(errors.junk.message), errors.junk.message);
  assert.ok(errors.truncated.line !== null);
  const cut = text("board_pass.txt").split("\r\n").slice(0, 6).join("\r\n");
  const noEnd = await conversionError(converter, inputOf("cut.txt", cut));
  assert.equal(noEnd.line, 1);
  assert.ok(/no END/.test(noEnd.message));
  const pass = text("board_pass.txt");
  const huge = await conversionError(
    converter,
    inputOf("h.txt", pass.replace(";100.5;", ";1e999;")),
  );
  assert.equal(huge.line, 4);
  const nan = await conversionError(converter, inputOf("n.txt", pass.replace(";100.5;", ";NaN;")));
  assert.equal(nan.line, 4);
  const word = await conversionError(
    converter,
    inputOf("w.txt", pass.replace("BOARDRESULT;PASS", "BOARDRESULT;MAYBE")),
  );
  assert.equal(word.line, 10);
  const stray = await conversionError(converter, inputOf("s.txt", "SN;1\r\n"));
  assert.equal(stray.line, 1);
});
