import { deepStrictEqual, equal, match, ok } from "node:assert/strict";
import { ConversionError } from "../../../converters/contract.ts";
import { bytesInput, fileInput } from "../../../converters/input.ts";
import { sniffWsxf, wsxfConverter } from "../../../converters/wsxf/wsxf.ts";
import { toWsxf } from "../../../converters/wsxf/write.ts";
import { parseReport, type Report, serializeReport } from "../../../api/models/report/mod.ts";
import { collect, fixturePath, rejection, samplePath, testContext } from "../_helpers.ts";

const NS = 'xmlns="http://wats.virinco.com/schemas/WATS/Report/wsxf"';

/** Drops nulls and empty arrays: what WSXF cannot tell apart from absent. */
function present(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(present);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      if (item === null || (Array.isArray(item) && item.length === 0)) continue;
      out[key] = present(item);
    }
    return out;
  }
  return value;
}

async function failure(xml: string | Uint8Array, name = "bad.xml"): Promise<ConversionError> {
  const error = await rejection(collect(wsxfConverter, bytesInput(name, xml, { chunkSize: 64 })));
  if (!(error instanceof ConversionError)) throw error;
  return error;
}

function report(body: string, attrs = 'SN="S1" PN="P1" Rev="A"'): string {
  return `<Report type="UUT" ID="5B0E2C77-1F3A-4D51-A6C2-9E8F7D6C5B41" Start="2026-03-02T10:02:11.250+01:00" Result="Passed" ${attrs} MachineName="M" Location="L" Purpose="P">${body}</Report>`;
}

Deno.test("the WSXF fixture reads, writes back to WSXF and reads again equal", async () => {
  const xml = await Deno.readFile(fixturePath("uut-wsxf-export.xml"));
  const first = await collect(wsxfConverter, bytesInput("export.xml", xml, { chunkSize: 4096 }));
  equal(first.length, 1);
  const again = await collect(wsxfConverter, bytesInput("again.xml", toWsxf(first)));
  deepStrictEqual(again, first);
});

Deno.test("the WSXF fixture matches what the XML holds: the same report as the WSJF export", async () => {
  const [fromXml] = await collect(
    wsxfConverter,
    await fileInput(fixturePath("uut-wsxf-export.xml")),
  );
  const fromJson = parseReport(
    JSON.parse(await Deno.readTextFile(fixturePath("uut-wsjf-export.json"))),
  );
  // Header, uut, misc info, sub-units and the whole step tree (measurements, loops, charts,
  // popups, exit codes, report texts), nulls aside.
  deepStrictEqual(present(serializeReport(fromXml)), present(serializeReport(fromJson)));
  equal(fromXml.type === "T" && fromXml.root?.steps?.length, 7);
});

Deno.test("every Report of a file is yielded, in order, streamed", async () => {
  const body =
    '<Process Code="10"/><Step Id="1" Name="MainSequence Callback" StepType="SequenceCall" Status="Passed" Group="Main"/>';
  const reports = Array.from(
    { length: 25 },
    (_, i) =>
      report(body, `SN="S${i}" PN="P1" Rev="A"`).replace(
        /ID="[^"]+"/,
        `ID="5B0E2C77-1F3A-4D51-A6C2-${String(i).padStart(12, "0")}"`,
      ),
  );
  const xml = `<?xml version="1.0"?><Reports ${NS}>${reports.join("\n")}</Reports>`;
  const out = await collect(wsxfConverter, bytesInput("many.xml", xml, { chunkSize: 100 }));
  deepStrictEqual(out.map((r) => r.sn), Array.from({ length: 25 }, (_, i) => `S${i}`));
});

Deno.test("the WSXF samples read: one passing unit, one failing", async () => {
  const [pass] = await collect(wsxfConverter, await fileInput(samplePath("wsxf/uut_pass.xml")));
  const [fail] = await collect(wsxfConverter, await fileInput(samplePath("wsxf/uut_fail.xml")));
  equal(pass.result, "P");
  equal(fail.result, "F");
  equal(pass.miscInfos?.[1].text, "23.4");
  equal(pass.type === "T" && pass.subUnits?.[0].partType, "Control board");
  const ripple = fail.type === "T" ? fail.root?.steps?.[1].steps?.[1] : undefined;
  equal(ripple?.numericMeas?.[0].status, "F");
  equal(ripple?.causedUUTFailure, true);
});

Deno.test("sniff tells WSXF by its namespace and elements", () => {
  const enc = (s: string) => new TextEncoder().encode(s);
  equal(sniffWsxf(enc(`<?xml version="1.0"?><Reports ${NS}><Report type="UUT">`)), 0.98);
  equal(sniffWsxf(enc("<Reports><Report>")), 0.85);
  equal(sniffWsxf(enc("<Reports/>")), 0.6);
  equal(sniffWsxf(enc("<R><ST/></R>")), 0);
});

Deno.test("a missing Process uses defaultProcessCode and station defaults fill gaps", async () => {
  const xml =
    `<Reports ${NS}><Report type="UUT" ID="5B0E2C77-1F3A-4D51-A6C2-9E8F7D6C5B41" Start="2026-03-02T10:02:11+01:00" SN="S" PN="P" Rev="A"/></Reports>`;
  const [r] = await collect(
    wsxfConverter,
    bytesInput("min.xml", xml),
    testContext({ defaultProcessCode: 30 }),
  );
  equal(r.processCode, 30);
  equal(r.machineName, "Default station");
  equal(r.purpose, "Default purpose");
});

Deno.test("unsafe and broken WSXF files are refused with a clear reason", async () => {
  let e = await failure(
    `<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>\n<Reports>&b;</Reports>`,
  );
  match(e.message, /^bad\.xml:2: XML document type declarations are refused/);
  e = await failure(
    `<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><Reports>&x;</Reports>`,
  );
  match(e.message, /document type declarations are refused/);
  const sample = await Deno.readTextFile(samplePath("wsxf/uut_pass.xml"));
  e = await failure(sample.slice(0, sample.indexOf('<Step Id="5"')));
  match(e.message, /^bad\.xml:\d+ <Step>: Truncated XML: <Step> opened on line 14 is not closed$/);
  e = await failure(
    `<Reports ${NS}>\n${report('<Step Id="1" Name="R" StepType="SequenceCall" Status="Passed">')}`,
  );
  match(e.message, /bad\.xml:2 <Step>: Expected <\/Step> \(opened on line 2\), found <\/Report>/);
  e = await failure(`<html><body/></html>`);
  equal(e.message, "bad.xml <html>: Not a WSXF file: the root element is <html>");
  e = await failure(`<Reports ${NS}></Reports>`);
  match(e.message, /No Report element in the file/);
  e = await failure(
    `<Reports>\n${
      report(
        '<Process Code="10"/><Step Id="1" Name="R" StepType="SequenceCall" Status="Passed"><Step Id="2" Name="V" StepType="ET_NLT" Status="Passed">\n<NumericLimit NumericValue="1e999" CompOperator="LOG" Status="Passed"/></Step></Step>',
      )
    }</Reports>`,
  );
  equal(e.message, 'bad.xml:3 <NumericLimit>: Number out of range: "1e999"');
  e = await failure(`<Reports>${report('<Process Code="ten"/>')}</Reports>`);
  match(e.message, /<Process>: Not a number: "ten"/);
  e = await failure(`<Reports>${report("", 'SN="" PN="P" Rev="A"')}</Reports>`);
  equal(e.stage, "validate");
  match(e.message, /<Report>: Report is not valid WSJF: sn: Must be at least 1 character/);
  e = await failure(
    `<Reports><Report type="UUR" ID="5B0E2C77-1F3A-4D51-A6C2-9E8F7D6C5B41"/></Reports>`,
  );
  match(e.message, /Report type "UUR" is not supported/);
  e = await failure(
    `<Reports>${
      report('<Step Id="1" Name="R" StepType="SequenceCall" Status="Maybe"/>')
    }</Reports>`,
  );
  match(e.message, /<Step>: Unknown status "Maybe"/);
});

Deno.test("WSXF in Latin-1 and UTF-16 reads", async () => {
  const xml = `<Reports>${
    report('<MiscInfo Description="Temp">25 °C</MiscInfo>', 'SN="Sü" PN="P" Rev="A"')
  }</Reports>`;
  const latin = new Uint8Array([...xml].map((c) => c.charCodeAt(0)));
  const [a] = await collect(wsxfConverter, bytesInput("l.xml", latin));
  equal(a.sn, "Sü");
  const utf16 = new Uint8Array(2 + xml.length * 2);
  utf16.set([0xff, 0xfe]);
  for (let i = 0; i < xml.length; i++) utf16[2 + 2 * i] = xml.charCodeAt(i);
  const [b] = await collect(wsxfConverter, bytesInput("u.xml", utf16, { chunkSize: 33 }));
  equal(b.miscInfos?.[0].text, "25 °C");
});

Deno.test("an unknown step element is skipped with one warning", async () => {
  const context = testContext();
  const xml = `<Reports>${
    report(
      '<Step Id="1" Name="R" StepType="SequenceCall" Status="Passed"><Gadget/><Gadget/></Step>',
    )
  }</Reports>`;
  const [r]: Report[] = await collect(wsxfConverter, bytesInput("g.xml", xml), context);
  ok(r);
  deepStrictEqual(context.lines.warn, ["Skipped the unknown WSXF step element <Gadget>"]);
});
