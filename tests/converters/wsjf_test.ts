import { deepStrictEqual, equal, match, ok } from "node:assert/strict";
import { ConversionError } from "../../converters/contract.ts";
import { bytesInput, fileInput } from "../../converters/input.ts";
import { sniffWsjf, wsjfConverter } from "../../converters/wsjf.ts";
import { parseReport, serializeReport } from "../../api/models/report/mod.ts";
import { collect, fixturePath, rejection, samplePath, testContext } from "./_helpers.ts";

async function failure(content: string | Uint8Array, name = "bad.json"): Promise<ConversionError> {
  const error = await rejection(collect(wsjfConverter, bytesInput(name, content)));
  if (!(error instanceof ConversionError)) throw error;
  return error;
}

Deno.test("the passing WSJF sample reads as written", async () => {
  const [report] = await collect(wsjfConverter, await fileInput(samplePath("wsjf/uut_pass.json")));
  const raw = JSON.parse(await Deno.readTextFile(samplePath("wsjf/uut_pass.json")));
  deepStrictEqual(report, parseReport(raw));
  equal(report.result, "P");
});

Deno.test("the failing WSJF sample has its aliases folded and unknown keys kept", async () => {
  const [report] = await collect(wsjfConverter, await fileInput(samplePath("wsjf/uut_fail.json")));
  equal(report.type, "T");
  equal(report.pn, "PCBA-100");
  equal(report.sn, "PCBA100-000232");
  equal(report.rev, "B");
  equal(report.result, "F");
  equal(report.stationNote, "kept as an unknown key");
  ok(!("partNumber" in report));
  match(report.id, /^[0-9a-f-]{36}$/);
  const steps = report.type === "T" ? report.root?.steps ?? [] : [];
  equal(steps[0].steps?.[1].numericMeas?.length, 1, "a bare measurement object becomes an array");
});

Deno.test("missing header fields come from the arguments, station defaults and clock", async () => {
  const input = bytesInput(
    "min.json",
    JSON.stringify({ type: "UUT", pn: "P1", sn: "S1", rev: "A" }),
  );
  const [report] = await collect(wsjfConverter, input, testContext({ defaultProcessCode: "40" }));
  equal(report.processCode, 40);
  equal(report.machineName, "Default station");
  equal(report.location, "Default location");
  ok(report.start.startsWith("2026-03-02T"));
  equal(report.type === "T" && report.root?.name, "MainSequence Callback");
});

Deno.test("every report of an array is read; a UUR too", async () => {
  const uur = JSON.parse(await Deno.readTextFile(fixturePath("uur_example.json")));
  const uut = JSON.parse(await Deno.readTextFile(fixturePath("uut-wsjf-export.json")));
  const reports = await collect(wsjfConverter, bytesInput("two.json", JSON.stringify([uut, uur])));
  deepStrictEqual(reports.map((r) => r.type), ["T", "R"]);
  deepStrictEqual(serializeReport(reports[0]), serializeReport(parseReport(uut)));
});

Deno.test("the large real export reads without loss", async () => {
  const text = await Deno.readTextFile(fixturePath("new_report_example.json"));
  const [report] = await collect(wsjfConverter, bytesInput("big.json", text));
  deepStrictEqual(report, parseReport(JSON.parse(text)));
});

Deno.test("sniff scores typed reports high and other JSON low", () => {
  const enc = (s: string) => new TextEncoder().encode(s);
  equal(sniffWsjf(enc('{"type":"T","pn":"x","root":{}}')), 0.98);
  equal(sniffWsjf(enc('{"pn":"x","sn":"y"}')), 0.7);
  equal(sniffWsjf(enc('{"hello":1}')), 0.4);
  equal(sniffWsjf(enc("<xml/>")), 0);
});

Deno.test("bad WSJF input gives clear errors naming file and line", async () => {
  let e = await failure('{\n  "type": "T",\n  "pn": 1e999\n}');
  equal(e.message, "bad.json:3: Number out of range: 1e999");
  e = await failure('{\n  "type": "T",\n  "pn": "P1",\n');
  equal(e.stage, "parse");
  match(e.message, /^bad\.json(:\d+)?: Not valid JSON/);
  e = await failure("");
  match(e.message, /Empty file, not JSON/);
  e = await failure(
    '{"type":"T","pn":"P","sn":"S","rev":"A","root":{"stepType":"ET_NLT","name":"x","status":"P"}}',
  );
  equal(e.stage, "validate");
  match(e.message, /root\.stepType: The root step is a SequenceCall/);
  e = await failure("[]");
  match(e.message, /Empty array, no report/);
  e = await failure(new Uint8Array([0x7b, 0, 0, 0x22, 1, 2, 0xff, 0]));
  equal(e.stage, "decode");
  e = await failure(
    '{"type":"T","pn":"1e999 in a string is text","sn":"S","rev":"A","processCode":1e400}',
  );
  equal(e.message, "bad.json:1: Number out of range: 1e400");
});

Deno.test("NaN and Inf values in their string forms are accepted", async () => {
  const text =
    '{"type":"T","pn":"P","sn":"S","rev":"A","root":{"stepType":"SequenceCall","name":"r",' +
    '"status":"P","steps":[{"stepType":"ET_NLT","name":"v","status":"P","numericMeas":[{"status":"P","value":"NaN","lowLimit":"-Inf","compOp":"GE"}]}]}}';
  const [report] = await collect(wsjfConverter, bytesInput("nan.json", text));
  const m = report.type === "T" ? report.root?.steps?.[0].numericMeas?.[0] : undefined;
  equal(m?.value, "NaN");
  equal(m?.lowLimit, "-Inf");
});

Deno.test("a UTF-16 WSJF file with BOM is read", async () => {
  const json = JSON.stringify({ type: "T", pn: "PÜ", sn: "S1", rev: "A" });
  const bytes = new Uint8Array(2 + json.length * 2);
  bytes[0] = 0xff;
  bytes[1] = 0xfe;
  for (let i = 0; i < json.length; i++) bytes[2 + i * 2] = json.charCodeAt(i) & 0xff;
  const [report] = await collect(wsjfConverter, bytesInput("u16.json", bytes));
  equal(report.pn, "PÜ");
});
