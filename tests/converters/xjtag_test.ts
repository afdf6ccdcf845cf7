import { xjtagConverter as converter } from "../../converters/xjtag.ts";
import assert from "node:assert/strict";
import {
  BILLION_LAUGHS,
  conversionError,
  convertAll,
  inputOf,
  junk,
  rootSteps,
  sampleBytes,
  sampleInput,
  stepAt,
  utf16le,
  XXE,
} from "./_vendor_helpers.ts";
import { makeZip } from "./_zip_writer.ts";

const FORMAT = "xjtag";
const INFO = (n: number) => `<LogFileInfo><TestRunCount>${n}</TestRunCount></LogFileInfo>`;
const RUN = (serial: string, result = "Passed", value = "12") =>
  `<testrun datetime="2025-09-14T12:00:00"><testruninfo><serial>${serial}</serial>` +
  `<result>${result}</result><time-taken>${value}</time-taken></testruninfo>` +
  `<testgroup name="G"><testfunction name="F"><result value="${result}"/></testfunction></testgroup></testrun>`;

Deno.test("xjtag converts a passing run", async () => {
  const reports = await convertAll(converter, sampleInput(FORMAT, "board_pass.zip"));
  assert.equal(reports.length, 1);
  const [r] = reports;
  assert.deepEqual([r.pn, r.sn, r.rev, r.processCode, r.result], [
    "PN",
    "PCB4711-0501",
    "1.0",
    210,
    "P",
  ]);
  assert.equal(r.start.slice(0, 19), "2025-09-14T12:01:47");
  assert.deepEqual([r.uut?.user, r.uut?.execTime], ["jdoe", 5.321]);
  assert.equal(r.root?.seqCall?.name, "JTAGSeq1");
  assert.deepEqual(r.miscInfos?.map((m) => [m.description, m.text]), [
    ["xjlink-name", "XJLink2"],
    ["xjlink-serial", "XJL2-00123"],
    ["xjtag-version", "3.14.7"],
    ["project-description", "PCBA4711 boundary scan"],
  ]);
  assert.deepEqual(rootSteps(r).map((s) => s.name), ["Connection tests", "Memory tests"]);
  const chain = stepAt(r, ["Connection tests", "Chain integrity"]);
  assert.deepEqual([chain.stepType, chain.status, chain.reportText, chain.totTime], [
    "ET_PFT",
    "P",
    "Chain OK: 3 devices found",
    0.12,
  ]);
});

Deno.test("xjtag converts a failing run", async () => {
  const [r] = await convertAll(converter, sampleInput(FORMAT, "board_fail.zip"));
  assert.deepEqual([r.sn, r.result], ["PCB4711-0502", "F"]);
  const interconnect = stepAt(r, ["Connection tests", "Interconnect"]);
  assert.deepEqual([interconnect.status, interconnect.reportText], [
    "F",
    "Open: U12.A7 - U3.B2 (net DDR_A7)",
  ]);
  assert.equal(stepAt(r, ["Memory tests"]).status, "P");
});

Deno.test("xjtag yields every run and applies its arguments", async () => {
  const reports = await convertAll(converter, sampleInput(FORMAT, "two_runs.zip"), {
    partNumber: "PCBA4711",
    partRevision: "B",
    sequenceName: "BScan",
    operationTypeCode: 211,
  });
  assert.deepEqual(
    reports.map((r) => [r.sn, r.result, r.pn, r.rev, r.processCode, r.root?.seqCall?.name]),
    [
      ["PCB4711-0503", "F", "PCBA4711", "B", 211, "BScan"],
      ["PCB4711-0504", "P", "PCBA4711", "B", 211, "BScan"],
    ],
  );
  const ten = makeZip([
    { name: "Info.xml", data: INFO(10) },
    ...Array.from(
      { length: 10 },
      (_, i) => ({ name: `Run ${10 - i}.xml`, data: RUN(`S${10 - i}`) }),
    ),
  ]);
  const all = await convertAll(converter, inputOf("ten.xjlog", ten));
  assert.deepEqual(all.map((r) => r.sn), Array.from({ length: 10 }, (_, i) => `S${i + 1}`));
});

Deno.test("xjtag sniffs per the table", () => {
  assert.equal(converter.sniff(sampleBytes(FORMAT, "board_pass.zip"), "b.zip"), 0.9);
  assert.equal(converter.sniff(sampleBytes(FORMAT, "two_runs.zip"), "b.zip"), 0.9);
  const some = makeZip([{ name: "Info.xml", data: INFO(3) }, {
    name: "Run 1.xml",
    data: RUN("A"),
  }]);
  assert.equal(converter.sniff(some, "b.zip"), 0.7);
  assert.equal(converter.sniff(makeZip([{ name: "Info.xml", data: INFO(1) }]), "b.zip"), 0.5);
  assert.equal(converter.sniff(sampleBytes("klippel", "speaker_pass.zip"), "b.zip"), 0);
  assert.equal(converter.sniff(sampleBytes("seica", "board_pass.xml"), "b.xml"), 0);
});

Deno.test("xjtag reads UTF-16 runs", async () => {
  const zip = makeZip([{ name: "Info.xml", data: INFO(1) }, {
    name: "Run 1.xml",
    data: utf16le(RUN("U16")),
  }]);
  const [r] = await convertAll(converter, inputOf("u.zip", zip));
  assert.equal(r.sn, "U16");
});

Deno.test("xjtag refuses bad archives and runs, naming the file and entry", async () => {
  const empty = await conversionError(converter, inputOf("e.zip", new Uint8Array(0)));
  assert.ok(/Empty file/.test(empty.message));
  const text = await conversionError(converter, inputOf("j.zip", junk(2048)));
  assert.ok(/Not a zip/.test(text.message));
  const whole = sampleBytes(FORMAT, "board_pass.zip");
  const cut = await conversionError(
    converter,
    inputOf("cut.zip", whole.subarray(0, whole.length - 40)),
  );
  assert.ok(/zip|Zip/.test(cut.message), cut.message);
  const slip = makeZip([{ name: "Info.xml", data: INFO(1) }, {
    name: "../Run 1.xml",
    data: RUN("A"),
  }]);
  const slipError = await conversionError(converter, inputOf("slip.zip", slip));
  assert.ok(/unsafe path/.test(slipError.message));
  const bomb = makeZip([
    { name: "Info.xml", data: INFO(1) },
    { name: "Run 1.xml", data: new Uint8Array(4 * 1024 * 1024) },
  ]);
  const bombError = await conversionError(converter, inputOf("bomb.zip", bomb));
  assert.ok(/ratio|limit/.test(bombError.message), bombError.message);
  const noRuns = await conversionError(
    converter,
    inputOf("n.zip", makeZip([{ name: "Info.xml", data: INFO(1) }])),
  );
  assert.ok(/Run N/.test(noRuns.message));
  const truncated = makeZip([{ name: "Run 1.xml", data: RUN("A").slice(0, 80) }]);
  const truncatedError = await conversionError(converter, inputOf("t.zip", truncated));
  assert.ok(truncatedError.message.includes("Run 1.xml"), truncatedError.message);
  const huge = await conversionError(
    converter,
    inputOf("h.zip", makeZip([{ name: "Run 1.xml", data: RUN("A", "Passed", "1e999") }])),
  );
  assert.ok(/out of range/.test(huge.message) && huge.element === "testruninfo", huge.message);
  const nan = await conversionError(
    converter,
    inputOf("n.zip", makeZip([{ name: "Run 1.xml", data: RUN("A", "Passed", "NaN") }])),
  );
  assert.equal(nan.element, "testruninfo");
  for (const doc of [BILLION_LAUGHS, XXE]) {
    const error = await conversionError(
      converter,
      inputOf("evil.zip", makeZip([{ name: "Run 1.xml", data: doc }])),
    );
    assert.ok(/document type/.test(error.message), error.message);
  }
});
