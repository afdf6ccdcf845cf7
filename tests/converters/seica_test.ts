import { seicaConverter as converter } from "../../converters/seica.ts";
import assert from "node:assert/strict";
import {
  badInputErrors,
  BILLION_LAUGHS,
  conversionError,
  convertAll,
  inputOf,
  latin1,
  rootSteps,
  sampleBytes,
  sampleInput,
  stepAt,
  utf16le,
  XXE,
} from "./_vendor_helpers.ts";

const FORMAT = "seica";
const text = (name: string) => new TextDecoder().decode(sampleBytes(FORMAT, name));

Deno.test("seica converts a passing board", async () => {
  const reports = await convertAll(converter, sampleInput(FORMAT, "board_pass.xml"));
  assert.equal(reports.length, 1);
  const [r] = reports;
  assert.deepEqual([r.pn, r.rev, r.sn, r.processCode, r.result], [
    "PCBA4711",
    "B",
    "PCB4711-0101",
    10,
    "P",
  ]);
  assert.equal(r.start.slice(0, 23), "2025-09-14T12:01:47.000");
  assert.equal(r.uut?.user, "jdoe");
  assert.deepEqual(r.miscInfos, [
    { description: "Board Name", text: "Controller board" },
    { description: "Operator", text: "jdoe" },
  ]);
  assert.equal(r.root?.seqCall?.name, "PCBA4711_B_top");
  assert.deepEqual(rootSteps(r).map((s) => s.name), ["Resistors", "Capacitors", "Diodes"]);
  const r101 = stepAt(r, ["Resistors", "R101"]);
  assert.equal(r101.totTime, 0.12);
  assert.deepEqual(r101.numericMeas, [{
    status: "P",
    value: 100.5,
    unit: "Ohm",
    compOp: "GELE",
    lowLimit: 90,
    highLimit: 110,
  }]);
  assert.equal(stepAt(r, ["Diodes", "D1"]).numericMeas![0].unit, "?");
});

Deno.test("seica station fields fall back to Seica, Production, ICT Test", async () => {
  const input = sampleInput(FORMAT, "board_pass.xml");
  const reports = [];
  for await (
    const report of converter.convert(input, {
      station: { name: "", location: "", purpose: "" },
      args: { operationTypeCode: "12", sequenceName: "ICT", sequenceVersion: "2.0" },
      log: { info() {}, warn() {} },
      now: () => 0,
      signal: new AbortController().signal,
    })
  ) reports.push(report);
  const [r] = reports as {
    machineName: string;
    location: string;
    purpose: string;
    processCode: number;
    root: { seqCall: unknown };
  }[];
  assert.deepEqual([r.machineName, r.location, r.purpose, r.processCode], [
    "Seica",
    "Production",
    "ICT Test",
    12,
  ]);
  assert.deepEqual(r.root.seqCall, { path: "C:/SequenceCall.seq", name: "ICT", version: "2.0" });
});

Deno.test("seica converts a failing board", async () => {
  const [r] = await convertAll(converter, sampleInput(FORMAT, "board_fail.xml"));
  assert.deepEqual([r.sn, r.result], ["PCB4711-0102", "F"]);
  assert.equal(stepAt(r, ["Resistors", "R102"]).status, "F");
  // The step that failed the unit is the server's to mark (WATS API spec §4.3), not the converter's.
  assert.equal(stepAt(r, ["Resistors", "R102"]).causedUUTFailure, undefined);
  assert.equal(stepAt(r, ["Capacitors"]).status, "P");
});

Deno.test("seica yields every board of a panel", async () => {
  const reports = await convertAll(converter, sampleInput(FORMAT, "panel.xml"));
  assert.deepEqual(reports.map((r) => [r.sn, r.pn, r.rev, r.result]), [
    ["PCB4711-0201", "PCBA4711", "B", "P"],
    ["PCB4711-0202", "PCBA4711", "B", "F"],
  ]);
});

Deno.test("seica sniffs per the table", () => {
  const enc = (t: string) => new TextEncoder().encode(t);
  assert.equal(converter.sniff(sampleBytes(FORMAT, "board_pass.xml"), "b.xml"), 0.85);
  assert.equal(
    converter.sniff(enc('<R><ST NM="a"/><BI BCP="1"></BI><ET NF="0"/></R>'), "b.xml"),
    0.7,
  );
  assert.equal(converter.sniff(enc('<R><ST NM="a"/><BI BCP="1"><TEST/></BI></R>'), "b.xml"), 0.6);
  assert.equal(converter.sniff(enc('<R><ST NM="a"/></R>'), "b.xml"), 0.5);
  assert.equal(converter.sniff(enc("<R><BI/></R>"), "b.xml"), 0.4);
  assert.equal(converter.sniff(sampleBytes("atml", "uut_pass.xml"), "u.xml"), 0);
  assert.equal(converter.sniff(sampleBytes("keysight-testexec", "uut_pass.xml"), "u.xml"), 0);
});

Deno.test("seica reads UTF-16 and Latin-1 files", async () => {
  const [u] = await convertAll(
    converter,
    inputOf("u.xml", utf16le(text("board_pass.xml").replace("utf-8", "utf-16"))),
  );
  assert.equal(u.sn, "PCB4711-0101");
  const [l] = await convertAll(
    converter,
    inputOf(
      "l.xml",
      latin1(
        text("board_pass.xml").replace('encoding="utf-8"', 'encoding="windows-1252"').replace(
          "jdoe",
          "Jörg",
        ),
      ),
    ),
  );
  assert.equal(l.uut?.user, "Jörg");
});

Deno.test("seica refuses bad input with the file and place", async () => {
  const errors = await badInputErrors(converter, { format: FORMAT, name: "board_pass.xml" });
  assert.ok(/Empty file/.test(errors.empty.message));
  assert.ok(/Binary data|not|Malformed|Text/.test(errors.junk.message), errors.junk.message);
  assert.ok(/Truncated XML|Malformed/.test(errors.truncated.message), errors.truncated.message);
  assert.ok(errors.truncated.line !== null);
  const huge = await conversionError(
    converter,
    inputOf("h.xml", text("board_pass.xml").replace('MR="99.8"', 'MR="1e999"')),
  );
  assert.deepEqual([huge.line, huge.element], [8, "TEST"]);
  const nan = await conversionError(
    converter,
    inputOf("n.xml", text("board_pass.xml").replace('MR="99.8"', 'MR="NaN"')),
  );
  assert.deepEqual([nan.line, nan.element], [8, "TEST"]);
  const date = await conversionError(
    converter,
    inputOf("d.xml", text("board_pass.xml").replace("14-09-2025", "2025-09-14")),
  );
  assert.equal(date.element, "BI");
  const root = await conversionError(converter, inputOf("r.xml", "<Other/>"));
  assert.ok(/root element/.test(root.message));
});

Deno.test("seica refuses billion laughs and XXE quickly", async () => {
  for (const doc of [BILLION_LAUGHS, XXE]) {
    const error = await conversionError(converter, inputOf("evil.xml", doc));
    assert.equal(error.line, 2);
    assert.ok(/document type/.test(error.message), error.message);
  }
});
