import { deepStrictEqual, equal, match, ok, throws } from "node:assert/strict";
import { bytesInput, fileInput } from "../../../converters/input.ts";
import { wsxfConverter } from "../../../converters/wsxf/wsxf.ts";
import { wsjfConverter } from "../../../converters/wsjf.ts";
import { toWsxf } from "../../../converters/wsxf/write.ts";
import { parseXml } from "../../../converters/_xml.ts";
import { createUutReport, parseReport } from "../../../api/models/report/mod.ts";
import { collect, fixturePath, samplePath } from "../_helpers.ts";

Deno.test("toWsxf writes a report the WSXF reader reads back equal", async () => {
  const report = createUutReport({
    pn: "PCBA-100",
    sn: 'SN <&> "1"',
    rev: "A",
    processCode: 10,
    machineName: "St\tation",
    location: "Line 2",
    purpose: "Production",
    start: "2026-01-30T22:01:41.470+01:00",
    comment: "two\nlines & <tags>",
    allowSpecialCharacters: true,
  })
    .sequence("Power", (s) => {
      s.numericStep("Supply 5V", 5.3, { compOp: "GELE", low: 4.9, high: 5.1, unit: "V" });
      s.numericStep("Leakage", Number.NaN, {
        compOp: "LT",
        low: Number.POSITIVE_INFINITY,
        unit: "A",
      });
      s.multiNumericStep("Rails", [{ name: "1V8", value: 1.8, compOp: "GE", low: 1.7 }, {
        name: "3V3",
        value: 3.3,
      }]);
    })
    .passFailStep("LED", true)
    .multiStringStep("IDs", [{ name: "HW", value: "r2", compOp: "IGNORECASE", limit: "R2" }])
    .actionStep("Beep", { reportText: "done\r\nok" })
    .chartStep("Curve", {
      chartType: "Line",
      label: "I(t)",
      series: [{ name: "I", dataType: "XYG", xdata: "0;1", ydata: "1;2" }],
    }, { measurements: [{ name: "Max", value: 2, compOp: "LE", low: 3 }] })
    .miscInfo("Firmware", "1.4.2 <beta>")
    .subUnit({ pn: "MOD-1", sn: "M1", rev: "C", partType: "Module" })
    .build();
  const xml = toWsxf(report);
  ok(
    xml.startsWith(
      '<?xml version="1.0" encoding="utf-8"?><Reports xmlns="http://wats.virinco.com/schemas/WATS/Report/wsxf">',
    ),
  );
  const [back] = await collect(wsxfConverter, bytesInput("w.xml", xml));
  // WSXF's PassFail element has no value attribute (only Name and Status): the one field of the
  // report that does not survive the format.
  const expected = structuredClone(report);
  const led = expected.root!.steps!.find((step) => step.name === "LED")!;
  equal(led.booleanMeas?.[0].value, true);
  delete led.booleanMeas![0].value;
  deepStrictEqual(back, expected);
});

Deno.test("toWsxf writes several reports into one document", async () => {
  const reports = [
    ...await collect(wsjfConverter, await fileInput(samplePath("wsjf/uut_pass.json"))),
    ...await collect(wsjfConverter, await fileInput(samplePath("wsjf/uut_fail.json"))),
  ];
  const root = parseXml(toWsxf(reports), { file: "x.xml" });
  equal(root.children.length, 2);
  equal(root.children[1].attrs.Result, "Failed");
  const back = await collect(wsxfConverter, bytesInput("two.xml", toWsxf(reports)));
  deepStrictEqual(back.map((r) => r.sn), reports.map((r) => r.sn));
});

Deno.test("toWsxf numbers steps and measurements as WSXF does", () => {
  const report = createUutReport({ pn: "P", sn: "S", rev: "A", processCode: 10 })
    .multiNumericStep("M", [{ name: "a", value: 1 }, { name: "b", value: 2 }])
    .passFailStep("PF", false)
    .build();
  const root = parseXml(toWsxf(report), { file: "x.xml" });
  const steps = root.children[0].children.find((c) => c.name === "Step")!.children.filter((c) =>
    c.name === "Step"
  );
  deepStrictEqual(steps.map((s) => s.attrs.StepIndex), ["0", "1"]);
  const limits = steps[0].children.filter((c) => c.name === "NumericLimit");
  deepStrictEqual(limits.map((l) => [l.attrs.MeasIndex, l.attrs.MeasOrderNumber]), [["0", "0"], [
    "1",
    "1",
  ]]);
  equal(steps[1].children[0].attrs.MeasOrderNumber, "2");
  equal(steps[1].attrs.Status, "Failed");
});

Deno.test("toWsxf refuses a repair (UUR) report", async () => {
  const uur = parseReport(JSON.parse(await Deno.readTextFile(fixturePath("uur_example.json"))));
  throws(() => toWsxf(uur), (e) => e instanceof TypeError && /UUT reports only/.test(e.message));
  match(toWsxf([]), /<Reports [^>]*><\/Reports>$/);
});
