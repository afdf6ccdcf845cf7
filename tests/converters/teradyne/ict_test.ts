import { teradyneIctConverter as converter } from "../../../converters/teradyne/ict.ts";
import assert from "node:assert/strict";
import {
  badInputErrors,
  conversionError,
  convertAll,
  inputOf,
  latin1,
  rootSteps,
  sampleBytes,
  sampleInput,
  stepAt,
  utf16le,
} from "../_vendor_helpers.ts";

const FORMAT = "teradyne-ict";

Deno.test("teradyne-ict converts a passing classic log", async () => {
  const [report] = await convertAll(converter, sampleInput(FORMAT, "board_pass.log"));
  assert.equal(report.pn, "PCBA4711");
  assert.equal(report.sn, "PCB4711-0001");
  assert.equal(report.rev, "1");
  assert.equal(report.processCode, 20);
  assert.equal(report.result, "P");
  assert.deepEqual(report.start, "2025-09-14T12:01:47.000" + report.start.slice(23));
  assert.equal(report.uut?.execTime, 12);
  assert.equal(report.root?.seqCall?.name, "PCBA4711_main.obc");
  assert.deepEqual(rootSteps(report).map((s) => s.name), [
    "Relays",
    "Resistors",
    "Capacitors",
    "ICs",
  ]);
  const r205 = stepAt(report, ["Resistors", "R205 (R)"]).numericMeas![0];
  assert.deepEqual([r205.value, r205.lowLimit, r205.highLimit, r205.unit], [
    4.71,
    4.23,
    5.17,
    "kOhm",
  ]);
  const relay = stepAt(report, ["Relays", "K500_RLY1_NO (V)"]).numericMeas![0];
  assert.deepEqual([relay.value, relay.lowLimit, relay.highLimit, relay.unit], [
    62.532611,
    -500,
    500,
    "mV",
  ]);
  assert.equal(stepAt(report, ["Relays", "K500_CLEAR (VS)"]).stepType, "Action");
  const c102 = stepAt(report, ["Capacitors", "C102 (CP)"]).numericMeas![0];
  assert.deepEqual([c102.unit, c102.compOp, c102.status], ["nF", "GELE", "P"]);
});

Deno.test("teradyne-ict converts a failing classic log", async () => {
  const [report] = await convertAll(converter, sampleInput(FORMAT, "board_fail.log"));
  assert.equal(report.sn, "PCB4711-0002");
  assert.equal(report.result, "F");
  const shorts = stepAt(report, ["Shorts"]);
  assert.equal(shorts.status, "F");
  assert.equal(shorts.stringMeas![0].value, "Short #1 from R12-1 to R12-2");
  const r102 = stepAt(report, ["Resistors", "R102 (R)"]);
  assert.deepEqual([r102.status, r102.numericMeas![0].value], ["F", 125.3]);
  assert.equal(stepAt(report, ["Capacitors", "C101 (CP)"]).status, "F");
  assert.equal(stepAt(report, ["Resistors"]).status, "F");
  assert.equal(stepAt(report, ["ICs", "U7_VCC (DC)"]).status, "P");
});

Deno.test("teradyne-ict yields every board of a log record panel", async () => {
  const reports = await convertAll(converter, sampleInput(FORMAT, "panel_batch.log"));
  assert.deepEqual(reports.map((r) => [r.sn, r.result]), [["PCB4711-0101", "P"], [
    "PCB4711-0102",
    "F",
  ]]);
  const [first, second] = reports;
  assert.deepEqual([first.pn, first.rev, first.machineName], ["PCBA4711", "B", "ict-line2"]);
  assert.equal(first.uut?.batchSN, "LOT-2025-37");
  assert.equal(first.uut?.user, "jdoe");
  assert.equal(first.uut?.fixtureId, "FX-12");
  assert.equal(first.root?.seqCall?.version, "2.1");
  assert.equal(first.miscInfos?.find((m) => m.description === "Panel")?.text, "PANEL-0001");
  const r101 = stepAt(first, ["Resistors", "r101"]).numericMeas![0];
  assert.deepEqual([r101.value, r101.lowLimit, r101.highLimit, r101.unit], [100.5, 90, 110, "Ohm"]);
  const rails = stepAt(first, ["ICs", "u7_vcc"]);
  assert.equal(rails.stepType, "ET_MNLT");
  assert.deepEqual(rails.numericMeas!.map((m) => [m.name, m.lowLimit, m.highLimit]), [
    ["vcc", 3.135, 3.465],
    ["vio", 1.71, 1.89],
  ]);
  assert.equal(stepAt(second, ["Resistors", "r101"]).status, "F");
  assert.equal(stepAt(second, ["Shorts"]).status, "F");
  assert.equal(stepAt(first, ["Shorts"]).status, "P");
});

Deno.test("teradyne-ict yields every unit of a multi-run classic log", async () => {
  const pass = new TextDecoder().decode(sampleBytes(FORMAT, "board_pass.log"));
  const fail = new TextDecoder().decode(sampleBytes(FORMAT, "board_fail.log"));
  const reports = await convertAll(
    converter,
    inputOf("runs.log", pass + fail.split("\r\n").slice(1).join("\r\n")),
  );
  assert.deepEqual(reports.map((r) => [r.sn, r.result]), [["PCB4711-0001", "P"], [
    "PCB4711-0002",
    "F",
  ]]);
});

Deno.test("teradyne-ict sniffs per the table", () => {
  const head = (name: string) => sampleBytes(FORMAT, name);
  assert.equal(converter.sniff(head("board_pass.log"), "board_pass.log"), 0.95);
  assert.equal(converter.sniff(head("panel_batch.log"), "panel_batch.log"), 0.9);
  const enc = (text: string) => new TextEncoder().encode(text);
  assert.equal(converter.sniff(enc("@14-SEP-25  12:01:47 SN X\r\n"), "a.log"), 0.7);
  assert.equal(converter.sniff(enc("C:\\p\\A_b.obc[14-SEP-25  12:01:45\n"), "a.log"), 0.7);
  assert.equal(converter.sniff(enc("START;a;b;1;p;u;09/14/2025;12:00:00\n"), "a.log"), 0);
  assert.equal(converter.sniff(sampleBytes("seica", "board_pass.xml"), "board_pass.xml"), 0);
});

Deno.test("teradyne-ict reads UTF-16 and Latin-1 logs", async () => {
  const text = new TextDecoder().decode(sampleBytes(FORMAT, "board_pass.log"));
  const [utf16] = await convertAll(converter, inputOf("u16.log", utf16le(text)));
  assert.deepEqual([utf16.sn, utf16.result], ["PCB4711-0001", "P"]);
  const [latin] = await convertAll(
    converter,
    inputOf("l1.log", latin1(text.replace("SN PCB4711-0001", "SN PCB4711-Ä01"))),
  );
  assert.equal(latin.sn, "PCB4711-Ä01");
});

Deno.test("teradyne-ict refuses bad input with the file and line", async () => {
  const errors = await badInputErrors(converter, { format: FORMAT, name: "board_pass.log" });
  assert.ok(/Empty file/.test(errors.empty.message));
  assert.ok(/Binary data/.test(errors.junk.message), errors.junk.message);
  assert.equal(errors.truncated.line, 2);
  assert.ok(/no end event/.test(errors.truncated.message));
  const batch = await badInputErrors(converter, {
    format: FORMAT,
    name: "panel_batch.log",
    cut: 0.8,
  });
  assert.ok(/not closed/.test(batch.truncated.message), batch.truncated.message);
  const text = new TextDecoder().decode(sampleBytes(FORMAT, "board_pass.log"));
  const huge = await conversionError(
    converter,
    inputOf("huge.log", text.replace("100.5(", "1E999(")),
  );
  assert.equal(huge.line, 5);
  assert.ok(/out of range/.test(huge.message), huge.message);
  const noSn = await conversionError(
    converter,
    inputOf("nosn.log", text.replace(" SN PCB4711-0001", "")),
  );
  assert.equal(noSn.line, 2);
  const lim = await conversionError(
    converter,
    inputOf(
      "nan.log",
      new TextDecoder().decode(sampleBytes(FORMAT, "panel_batch.log")).replace(
        "+1.0050E+02",
        "NaN",
      ),
    ),
  );
  assert.equal(lim.line, 4);
});

Deno.test("teradyne-ict streams a large multi-unit log in bounded time", async () => {
  const unit = new TextDecoder().decode(sampleBytes(FORMAT, "board_pass.log")).split("\r\n").slice(
    1,
  )
    .join("\r\n");
  const head = "C:\\x\\PCBA4711_main.obc[14-SEP-25  12:01:45\r\n";
  const count = 2000;
  const started = performance.now();
  let n = 0;
  for await (
    const _ of converter.convert(inputOf("big.log", head + unit.repeat(count)), {
      station: { name: "S", location: "L", purpose: "P" },
      args: {},
      log: { info() {}, warn() {} },
      now: () => 0,
      signal: new AbortController().signal,
    })
  ) n++;
  assert.deepEqual(n, count);
  assert.ok(performance.now() - started < 20_000);
});
