import { deepStrictEqual, equal, match, ok } from "node:assert/strict";
import { ConversionError } from "../../../converters/contract.ts";
import { bytesInput, fileInput } from "../../../converters/input.ts";
import { csvConverter, type CsvMapping, sniffCsv } from "../../../converters/csv/csv.ts";
import { parseReport, type Report, type Step } from "../../../api/models/report/mod.ts";
import {
  assembleReport,
  type HeaderCells,
  numericStep,
  type ReportSettings,
} from "../../../converters/csv/_report.ts";
import { collect, rejection, samplePath, testContext } from "../_helpers.ts";

/** The mappings documented in samples/csv/README.md. */
async function readmeMappings(): Promise<CsvMapping[]> {
  const text = await Deno.readTextFile(samplePath("csv/README.md"));
  return [...text.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => JSON.parse(m[1]));
}

const ROW: CsvMapping = {
  columns: { serial: "SN", part: "PN", result: "Result" },
  measurements: [{ column: "V", name: "Volt", unit: "V", low: 1, high: 2 }],
};

function steps(report: Report): Step[] {
  return report.type === "T" ? report.root?.steps ?? [] : [];
}

async function failure(
  text: string | Uint8Array,
  mapping: CsvMapping | Record<string, unknown> = ROW,
): Promise<ConversionError> {
  const error = await rejection(
    collect(
      csvConverter,
      bytesInput("bad.csv", text, { chunkSize: 8 }),
      testContext(mapping as Record<string, unknown>),
    ),
  );
  if (!(error instanceof ConversionError)) throw error;
  return error;
}

Deno.test("the row-per-unit sample: a passing and a failing unit", async () => {
  const [mapping] = await readmeMappings();
  const reports = await collect(
    csvConverter,
    await fileInput(samplePath("csv/units.csv")),
    testContext(mapping as Record<string, unknown>),
  );
  deepStrictEqual(reports.map((r) => [r.sn, r.result]), [["PCBA100-000301", "P"], [
    "PCBA100-000302",
    "F",
  ]]);
  const [pass, fail] = reports;
  equal(pass.start, "2026-03-02T11:40:02.000+01:00");
  equal(pass.type === "T" && pass.uut?.user, "kari");
  const seq = steps(pass)[0];
  equal(seq.name, "Functional test");
  deepStrictEqual(
    seq.steps?.map((s) => [s.name, s.numericMeas?.[0].value, s.numericMeas?.[0].compOp, s.status]),
    [
      ["Supply 5V", 5.012, "GELE", "P"],
      ["Supply 3V3", 3.297, "GELE", "P"],
      ["Idle current", 0.118, "LE", "P"],
      ["Board temperature", 31.5, "LOG", "P"],
    ],
  );
  equal(steps(fail)[0].steps?.[0].status, "F");
  equal(
    steps(fail)[0].steps?.[2].numericMeas?.[0].lowLimit,
    0.15,
    "a single high limit is WSJF's lowLimit",
  );
});

Deno.test("the file-per-unit sample: one report, one step a row, serial from the name", async () => {
  const [, mapping] = await readmeMappings();
  const [r] = await collect(
    csvConverter,
    await fileInput(samplePath("csv/SN-PCBA100-000303.csv")),
    testContext(mapping as Record<string, unknown>),
  );
  equal(r.sn, "SN-PCBA100-000303");
  equal(r.pn, "PCBA-100");
  deepStrictEqual(steps(r).map((s) => [s.stepType, s.name, s.status]), [
    ["ET_NLT", "Supply 5V", "P"],
    ["ET_NLT", "Supply 3V3", "P"],
    ["ET_PFT", "LED check", "P"],
    ["ET_NLT", "Idle current", "P"],
  ]);
});

Deno.test("comma, semicolon and tab files with decimal commas read alike", async () => {
  const variants = [
    "SN,PN,Result,V\nS1,P1,Passed,1.5\n",
    "SN;PN;Result;V\nS1;P1;Passed;1,5\n",
    "SN\tPN\tResult\tV\r\nS1\tP1\tPassed\t1.5\r\n",
    'SN,PN,Result,V\nS1,P1,Passed,"1,5"\n',
  ];
  const values = [];
  for (const [i, text] of variants.entries()) {
    const mapping = i === 3 ? { ...ROW, decimalComma: true } : ROW;
    const [r] = await collect(
      csvConverter,
      bytesInput("v.csv", text),
      testContext(mapping as Record<string, unknown>),
    );
    values.push(steps(r)[0].numericMeas?.[0].value);
  }
  deepStrictEqual(values, [1.5, 1.5, 1.5, 1.5]);
});

Deno.test("per-row limit and unit columns, numbered columns without a header", async () => {
  const mapping: CsvMapping = {
    headerRow: false,
    columns: { serial: 1 },
    partNumber: "PX",
    measurements: [{ column: 2, name: "Gain", lowColumn: 3, highColumn: 4, unitColumn: 5 }],
  };
  const [a, b] = await collect(
    csvConverter,
    bytesInput("n.csv", "S1,10,9,11,dB\nS2,12,9,11,dB\n"),
    testContext(mapping as Record<string, unknown>),
  );
  equal(a.result, "P");
  equal(b.result, "F");
  equal(steps(b)[0].numericMeas?.[0].unit, "dB");
});

Deno.test("empty value cells are not measured; NaN is kept", async () => {
  const mapping: CsvMapping = {
    columns: { serial: "SN" },
    partNumber: "P",
    measurements: [{ column: "A" }, { column: "B" }],
  };
  const [r] = await collect(
    csvConverter,
    bytesInput("e.csv", "SN,A,B\nS1,,NaN\n"),
    testContext(mapping as Record<string, unknown>),
  );
  deepStrictEqual(steps(r).map((s) => [s.name, s.numericMeas?.[0].value]), [["B", "NaN"]]);
});

Deno.test("a 20 000-row file streams one report a row", async () => {
  const rows = [
    "SN,PN,Result,V",
    ...Array.from({ length: 20_000 }, (_, i) => `S${i},P1,Passed,1.${i % 10}`),
  ].join("\n");
  let count = 0;
  for await (
    const r of csvConverter.convert(
      bytesInput("big.csv", rows),
      testContext(ROW as Record<string, unknown>),
    )
  ) {
    if (count === 0) equal(r.sn, "S0");
    count++;
  }
  equal(count, 20_000);
});

Deno.test("sniff stays at pattern level", () => {
  const enc = (s: string) => new TextEncoder().encode(s);
  equal(sniffCsv(enc("a,b,c\n1,2,3"), "r.csv"), 0.4);
  equal(sniffCsv(enc("a;b;c"), "r.txt"), 0.2);
  equal(sniffCsv(enc("plain text"), "r.csv"), 0);
});

Deno.test("bad CSV input and mappings give clear errors", async () => {
  let e = await failure("SN,PN,Result,V\nS1,P1,Passed,1e999\n");
  equal(e.message, 'bad.csv:2 <Volt>: Number out of range: "1e999"');
  e = await failure("SN,PN,Result,V\nS1,P1,Passed,abc\n");
  equal(e.message, 'bad.csv:2 <Volt>: Not a number: "abc"');
  e = await failure("SN,PN,Result,V\nS1,P1,Passed,1\nS2,P1");
  equal(e.message, "bad.csv:3: Row has 2 fields, the mapping needs 4 (truncated row?)");
  e = await failure("SN,PN,Result\nS1,P1,Passed\n");
  equal(e.message, 'bad.csv:1: Column "V" (measurement) is not in the header row');
  e = await failure("SN,PN,Result,V\n,P1,Passed,1\n");
  equal(e.message, "bad.csv:2 <serial>: Missing serial number");
  e = await failure("SN,PN,Result,V\nS1,P1,Maybe,1\n");
  equal(e.message, 'bad.csv:2 <result>: Unknown result "Maybe"');
  e = await failure("");
  equal(e.message, "bad.csv: Empty file");
  e = await failure("SN,PN,Result,V\n");
  equal(e.message, "bad.csv: No data rows after the header");
  e = await failure(new Uint8Array([0x53, 0x4e, 0x2c, 0, 0, 0x81, 0xff, 0]));
  equal(e.stage, "decode");
  e = await failure("SN\nS1\n", {
    columns: {},
    measurements: [{ column: "V", compOp: "ABOUT" }],
    bogus: 1,
  });
  equal(e.stage, "load");
  match(e.message, /^\(arguments\): Invalid CSV mapping: (.*)bogus|columns\.serial/);
  e = await failure("SN,V\nS1,1\n", { columns: { serial: "SN" }, measurements: [{ column: "V" }] });
  equal(e.message, "bad.csv:2 <part>: Missing part number");
});

Deno.test("a UTF-16 CSV with BOM and a Latin-1 CSV read", async () => {
  const text = "SN;PN;Result;V\r\nSü;P1;Passed;1,5\r\n";
  const utf16 = new Uint8Array(2 + text.length * 2);
  utf16.set([0xff, 0xfe]);
  for (let i = 0; i < text.length; i++) utf16[2 + 2 * i] = text.charCodeAt(i);
  const latin = new Uint8Array([...text].map((c) => c.charCodeAt(0)));
  for (const bytes of [utf16, latin]) {
    const [r] = await collect(
      csvConverter,
      bytesInput("u.csv", bytes, { chunkSize: 5 }),
      testContext(ROW as Record<string, unknown>),
    );
    equal(r.sn, "Sü");
    ok(steps(r)[0].numericMeas?.[0].value === 1.5);
  }
});

Deno.test("CSV reports are built in normal form, so validation keeps them instead of copying", () => {
  // A report the schema would change comes back as zod's copy; one in normal form comes back
  // itself. Every shape the assembly builds must be the second kind.
  const context = testContext();
  const shapes: [string, Step[], ReportSettings, HeaderCells][] = [
    ["two limits", [numericStep("V", 5, "GELE", 4, 6, "V")], {
      file: "a.csv",
      revision: "1",
      processCode: 10,
    }, { serial: "S1", part: "P1", start: "2026-03-02T11:40:02+01:00" }],
    ["one limit, no unit", [numericStep("V", 5, "LT", undefined, 6, undefined)], {
      file: "a.csv",
      revision: "1",
      processCode: 10,
    }, { serial: "S1", part: "P1", operator: "kari", station: "ICT 2", result: "Failed" }],
    [
      "logged, failing neighbour",
      [
        numericStep("I", "NaN", "LOG", undefined, undefined, "A"),
        numericStep("V", 7, "GE", 6.5, undefined, "V", "F"),
      ],
      { file: "a.csv", revision: "B", processCode: 20, sequence: "Board" },
      { serial: "S1", part: "P1", processCode: "30" },
    ],
  ];
  for (const [name, steps, settings, cells] of shapes) {
    const report = assembleReport(cells, steps, settings, context, 2);
    const root = report.root as Step;
    const kept = settings.sequence === undefined
      ? root.steps === steps
      : root.steps?.[0].steps === steps;
    ok(kept, `${name}: the built report is kept`);
    deepStrictEqual(report, parseReport(report));
  }
});
