import { deepStrictEqual, equal, match } from "node:assert/strict";
import { ConversionError } from "../../converters/contract.ts";
import { bytesInput, fileInput } from "../../converters/input.ts";
import { sniffWstf, wstfConverter } from "../../converters/wstf.ts";
import type { Step } from "../../api/models/report/mod.ts";
import { collect, rejection, samplePath, testContext } from "./_helpers.ts";

const ARGS = { utcOffsetMinutes: 60 };

function wstf(header: string[], steps: string[], footer: string[] = []): string {
  return [
    "--Header-Start--",
    ...header,
    "--Step-Data-Start--",
    ...steps,
    "--Step-Data-End--",
    ...footer,
    "--UUT-End--",
    "",
  ].join("\n");
}

const HEADER = [
  "SerialNumber\tS1",
  "PartNumber\tP1",
  "Revision\tA",
  "StartDateTime\t2026-03-03T13:20:05",
];

async function failure(
  text: string | Uint8Array,
  args: Record<string, unknown> = ARGS,
): Promise<ConversionError> {
  const error = await rejection(
    collect(wstfConverter, bytesInput("bad.txt", text, { chunkSize: 16 }), testContext(args)),
  );
  if (!(error instanceof ConversionError)) throw error;
  return error;
}

function root(text: string): Promise<Step> {
  return collect(wstfConverter, bytesInput("t.txt", text), testContext(ARGS)).then((
    [r],
  ) => (r.type === "T" ? r.root! : Promise.reject(new Error("not a UUT"))));
}

Deno.test("the passing WSTF sample maps header, sub-unit, misc info and steps", async () => {
  const [r] = await collect(
    wstfConverter,
    await fileInput(samplePath("wstf/uut_pass.txt")),
    testContext(ARGS),
  );
  if (r.type !== "T") throw new Error("not a UUT");
  equal(r.sn, "BRD7-120044");
  equal(r.processCode, 30);
  equal(r.machineName, "ICT-LAB-1");
  equal(r.start, "2026-03-03T13:20:05.000+01:00");
  equal(r.result, "P");
  equal(r.uut?.user, "nina");
  deepStrictEqual(r.miscInfos, [{ description: "BuildConfig", text: "Release" }]);
  deepStrictEqual(r.subUnits, [{
    pn: "DC-11",
    sn: "DC11-5567",
    rev: "B",
    partType: "Daughter card",
  }]);
  equal(r.root?.seqCall?.name, "BRD7 functional");
  const [power, interfaces, powerDown] = r.root?.steps ?? [];
  deepStrictEqual(power.steps?.map((s) => s.stepType), ["ET_NLT", "ET_MNLT"]);
  deepStrictEqual(power.steps?.[1].numericMeas?.map((m) => m.name), ["1V8", "3V3"]);
  deepStrictEqual(interfaces.steps?.map((s) => s.stepType), ["ET_PFT", "ET_SVT", "WATS_XYGMNLT"]);
  equal(interfaces.steps?.[2].chart?.series?.[0].ydata, "12;14;13;15");
  equal(powerDown.status, "D");
});

Deno.test("the failing WSTF sample fails, with the footer's error", async () => {
  const [r] = await collect(
    wstfConverter,
    await fileInput(samplePath("wstf/uut_fail.txt")),
    testContext(ARGS),
  );
  if (r.type !== "T") throw new Error("not a UUT");
  equal(r.result, "F");
  equal(r.uut?.errorCode, -12);
  equal(r.uut?.execTime, 14.9);
  const usb = r.root?.steps?.[1].steps?.[0];
  equal(usb?.status, "F");
  equal(usb?.errorMessage, "Enumeration timeout");
  equal(usb?.reportText, "Device not found");
});

Deno.test("several UUTs in one file are yielded one by one", async () => {
  const one = wstf(HEADER, ["NumericLimitTest\tV\t\t1\t0\t2\tGELE\tV"]);
  const reports = await collect(
    wstfConverter,
    bytesInput("m.txt", one + one.replace("S1", "S2")),
    testContext(ARGS),
  );
  deepStrictEqual(reports.map((r) => r.sn), ["S1", "S2"]);
});

Deno.test("limits choose the operator, statuses are evaluated when absent", async () => {
  const r = await root(wstf(HEADER, [
    "NumericLimitTest\tBoth\t\t5\t4\t6",
    "NumericLimitTest\tLow only\t\t3\t4",
    "NumericLimitTest\tNone\t\tNaN",
    "MultipleNumericLimitTest\tMulti",
    "NumericLimitTest\t\ta\t1\t0\t2",
    "NumericLimitTest\t\tb\t9\t0\t2",
    "EndMultipleNumericLimitTest",
  ]));
  deepStrictEqual(r.steps?.map((s) => [s.name, s.numericMeas?.[0].compOp, s.status]), [
    ["Both", "GELE", "P"],
    ["Low only", "GE", "F"],
    ["None", "LOG", "P"],
    ["Multi", "GELE", "F"],
  ]);
  equal(r.steps?.[2].numericMeas?.[0].value, "NaN");
  equal(r.status, "F");
});

Deno.test("decimal commas are read when asked", async () => {
  const [r] = await collect(
    wstfConverter,
    bytesInput("d.txt", wstf(HEADER, ["NumericLimitTest\tV\t\t4,95\t4,9\t5,1\tGELE\tV"])),
    testContext({ ...ARGS, decimalComma: true }),
  );
  equal(r.type === "T" && r.root?.steps?.[0].numericMeas?.[0].value, 4.95);
});

Deno.test("sniff finds the WSTF markers", () => {
  const enc = (s: string) => new TextEncoder().encode(s);
  equal(sniffWstf(enc(wstf(HEADER, []))), 0.98);
  equal(sniffWstf(enc("--Header-Start--\nSerialNumber\tS")), 0.85);
  equal(sniffWstf(enc("SerialNumber\tS")), 0);
});

Deno.test("bad WSTF input is refused naming the file and line", async () => {
  let e = await failure(wstf(HEADER, ["NumericLimitTest\tV\t\t1e999\t0\t1"]));
  equal(e.message, 'bad.txt:7 <Value>: Number out of range: "1e999"');
  e = await failure(wstf(HEADER, ["NumericLimitTest\tV\t\tabc"]));
  equal(e.message, 'bad.txt:7 <Value>: Not a number: "abc"');
  e = await failure(wstf(["PartNumber\tP1"], []));
  equal(e.message, "bad.txt:1: Missing SerialNumber in the header");
  e = await failure(wstf(HEADER, ["Teleport\tX"]));
  equal(e.message, 'bad.txt:7: Unknown step type "Teleport"');
  e = await failure(wstf(HEADER, ["EndSequenceCall"]));
  match(e.message, /bad\.txt:7: EndSequenceCall without a SequenceCall/);
  e = await failure(wstf(HEADER, []).split("--Step-Data-End--")[0]);
  match(e.message, /Truncated file: the UUT that starts on line 1 has no --UUT-End--/);
  e = await failure("");
  equal(e.message, "bad.txt: Empty file");
  e = await failure("hello\nworld\n");
  equal(e.message, 'bad.txt:1: Expected --Header-Start--, found "hello"');
  e = await failure(new Uint8Array([0x2d, 0x2d, 0, 0, 0xff, 0x10, 0, 1]));
  equal(e.stage, "decode");
  e = await failure(wstf([...HEADER.slice(0, 3), "StartDateTime\tyesterday"], []));
  match(e.message, /bad\.txt:5 <StartDateTime>: Not an ISO date-time: "yesterday"/);
  e = await failure(wstf(HEADER, ["PassFailTest\tX\t\tMaybe"]));
  match(e.message, /A pass\/fail Value is True or False, not "Maybe"/);
});

Deno.test("a WSTF file in UTF-16 with BOM and CRLF reads", async () => {
  const text = wstf(HEADER, ["NumericLimitTest\tV\t\t1\t0\t2"]).replaceAll("\n", "\r\n");
  const bytes = new Uint8Array(2 + text.length * 2);
  bytes.set([0xfe, 0xff]);
  for (let i = 0; i < text.length; i++) bytes[3 + 2 * i] = text.charCodeAt(i);
  const [r] = await collect(
    wstfConverter,
    bytesInput("u.txt", bytes, { chunkSize: 7 }),
    testContext(ARGS),
  );
  equal(r.sn, "S1");
});
