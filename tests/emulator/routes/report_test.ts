import { fixtureUrl } from "../../fixtures/mod.ts";
import assert from "node:assert/strict";
import {
  createUutReport,
  NotFoundError,
  parseReport,
  serializeReport,
  ValidationError,
} from "../../../mod.ts";
import { bytesInput } from "../../../converters/input.ts";
import { wsxfConverter } from "../../../converters/wsxf/wsxf.ts";
import { failure, fixture, startEmulator, uut } from "../_helpers.ts";

type Rec = Record<string, unknown>;

function dropSinglePassFailNames(step: unknown): void {
  if (typeof step !== "object" || step === null) return;
  const record = step as Rec;
  const measurements = record.booleanMeas as Rec[] | undefined;
  if (["ET_PFT", "PassFailTest"].includes(String(record.stepType)) && measurements?.length === 1) {
    delete measurements[0].name;
  }
  for (const child of (record.steps ?? []) as unknown[]) dropSinglePassFailNames(child);
}

/** The changes a WATS server makes between accepting a report and handing it back. */
function asServerReturnsIt(input: Rec, includeAttachments: boolean): Rec {
  const report = structuredClone(input);
  if (typeof report.rev === "string") report.rev = report.rev.trimEnd();
  for (const unit of (report.subUnits ?? []) as Rec[]) {
    if (typeof unit.rev === "string") unit.rev = unit.rev.trimEnd();
    if (typeof unit.partType === "string") unit.partType = unit.partType.trimEnd();
  }
  for (const misc of (report.miscInfos ?? []) as Rec[]) delete misc.numeric;
  dropSinglePassFailNames(report.root);
  if (!Array.isArray(report.assetStats)) report.assetStats = [];
  if (!includeAttachments && report.type !== "R") delete report.binaryData;
  if (report.type === "R") {
    const uur = report.uur as Rec;
    for (
      const key of [
        "repairProcessCode",
        "repairProcessName",
        "testOperationCode",
        "testOperationName",
        "testOperationGuid",
      ]
    ) {
      uur[key] = null;
    }
    uur.processCodeFormat ??= null;
    uur.parent ??= null;
    for (const unit of (report.subUnits ?? []) as Rec[]) {
      for (const key of ["parentIdx", "position", "replacedIdx"]) unit[key] ??= null;
      for (const failure of (unit.failures ?? []) as Rec[]) {
        for (const key of ["funcBlock", "artNumber", "artRev", "artVendor", "artDescription"]) {
          failure[key] ??= null;
        }
      }
    }
  }
  return report;
}

function canonical(input: unknown): Rec {
  return serializeReport(parseReport(input));
}

for (const name of ["uut-wsjf-export.json", "new_report_example.json", "uur_example.json"]) {
  Deno.test(`the real export ${name} is accepted and read back equal`, async () => {
    await using h = await startEmulator();
    const input = await fixture(name);
    const id = await h.wats.report.submit(input);
    assert.equal(id, input.id);
    const back = await h.wats.report.get(id, { includeAttachments: true });
    assert.ok(back);
    const expected = canonical(asServerReturnsIt(canonical(input), true));
    assert.deepEqual(serializeReport(back), expected);
  });
}

for (const pair of ["v1", "v3", "uur_v1"]) {
  Deno.test(`a submitted report reads back as the WATS server returned it (${pair})`, async () => {
    await using h = await startEmulator();
    const submitted = await fixture(`server-roundtrip/${pair}_submitted.json`);
    const loaded = await fixture(`server-roundtrip/${pair}_loaded.json`);
    const id = await h.wats.report.submit(submitted);
    const back = await h.wats.report.get(id);
    assert.ok(back);
    assert.deepEqual(serializeReport(back), canonical(loaded));
  });
}

Deno.test("the same id posted again overwrites and counts receiveCount", async () => {
  await using h = await startEmulator();
  const first = uut({ sn: "SN-OVER", result: "F" });
  const post = (json: Rec) =>
    h.wats.request({ method: "POST", path: "/api/Report/WSJF", json, operation: "test.post" });
  const res = await post(first);
  assert.deepEqual(res.data, { ID: first.id });
  await post({ ...first, result: "P" });
  const back = await h.wats.report.get(String(first.id));
  assert.equal(back?.result, "P");
  const [header] = await h.wats.report.headersBySerial("SN-OVER");
  assert.equal(header.receiveCount, 2);
  assert.equal(header.result, "Passed");
  const stats = await h.stats();
  assert.deepEqual(stats.reports[String(first.id)], { received: 2, applied: 2, replayed: 0 });
  assert.equal(stats.reportsAccepted, 2);
});

Deno.test("a report that does not exist is a NotFoundError; a bad id is a 400", async () => {
  await using h = await startEmulator();
  const missing = await failure(h.wats.report.get(crypto.randomUUID()));
  assert.ok(missing instanceof NotFoundError);
  assert.match(missing.serverMessage ?? "", /was not found/);
  const bad = await failure(h.wats.report.get("not-a-guid"));
  assert.ok(bad instanceof ValidationError);
  assert.match(bad.serverMessage ?? "", /not a GUID/);
});

Deno.test("a UUR without the dates the server requires gets 400 naming them", async () => {
  await using h = await startEmulator();
  const uur = await fixture("uur_example.json");
  const { confirmDate: _c, ...rest } = uur.uur as Rec;
  const error = await failure(h.wats.request({
    method: "POST",
    path: "/api/Report/WSJF",
    json: { ...uur, uur: rest },
    operation: "test.uur",
  }));
  assert.ok(error instanceof ValidationError);
  assert.match(error.serverMessage ?? "", /uur\.confirmDate/);
});

Deno.test("a UUR without refUUT or without the idx-0 Main sub-unit gets 400, as WATS answers", async () => {
  await using h = await startEmulator();
  const uur = await fixture("uur_example.json");
  const { refUUT: _r, ...withoutRef } = uur.uur as Rec;
  const [main] = uur.subUnits as Rec[];
  const cases: [Rec, RegExp][] = [
    [{ ...uur, id: crypto.randomUUID(), uur: withoutRef }, /uur\.refUUT/],
    [{ ...uur, id: crypto.randomUUID(), subUnits: [] }, /idx 0 with partType 'Main'/],
    [
      { ...uur, id: crypto.randomUUID(), subUnits: [{ ...main, partType: "PCB" }] },
      /idx 0 with partType 'Main'/,
    ],
  ];
  for (const [json, reason] of cases) {
    const error = await failure(h.wats.request({
      method: "POST",
      path: "/api/Report/WSJF",
      json,
      operation: "test.uur",
    }));
    assert.ok(error instanceof ValidationError);
    assert.match(error.serverMessage ?? "", reason);
  }
  const standalone = { ...uur, id: crypto.randomUUID(), uur: { ...withoutRef, refUUT: null } };
  assert.equal(await h.wats.report.submit(standalone), standalone.id);
  assert.equal((await h.stats()).reportsAccepted, 1);
});

Deno.test("the server numbers steps and marks the step that failed the unit, as WATS does", async () => {
  await using h = await startEmulator();
  const report = createUutReport({
    pn: "PCB-1",
    sn: "SN-STEPS",
    rev: "A",
    processCode: 10,
    machineName: "station-7",
    location: "Line 1",
    purpose: "Production",
  })
    .sequence(
      "Power",
      (power) =>
        power.numericStep("V", 3.3, { compOp: "GELE", low: 3.2, high: 3.4 })
          .numericStep("Ripple", 0.08, { compOp: "LT", low: 0.05 }),
    )
    .passFailStep("Ping", true)
    .build();
  const id = await h.wats.report.submit(report);
  const back = await h.wats.report.get(id);
  const flat: Rec[] = [];
  const walk = (step: Rec) => {
    flat.push(step);
    for (const child of (step.steps ?? []) as Rec[]) walk(child);
  };
  walk(back!.root as Rec);
  assert.deepEqual(flat.map((s) => [s.name, s.id, s.causedUUTFailure]), [
    ["MainSequence Callback", 1, false],
    ["Power", 2, false],
    ["V", 3, false],
    ["Ripple", 4, true],
    ["Ping", 5, false],
  ]);
  const [header] = await h.wats.report.headersBySerial("SN-STEPS");
  assert.equal(header.causedUutFailure, "Ripple");
});

Deno.test("headers carry result words, the UTC start, run numbers and the report type", async () => {
  await using h = await startEmulator();
  const first = uut({ sn: "SN-RUN", result: "F", start: "2026-02-01T09:00:00+01:00" });
  const second = uut({ sn: "SN-RUN", result: "P", start: "2026-02-01T10:00:00+01:00" });
  await h.wats.report.submit(second);
  await h.wats.report.submit(first);
  const headers = await h.wats.report.headersBySerial("SN-RUN", { orderBy: "start asc" });
  assert.deepEqual(
    headers.map((x) => [x.uuid, x.result, x.startUtc, x.run, x.reportType]),
    [
      [first.id, "Failed", "2026-02-01T08:00:00.000Z", 1, "T"],
      [second.id, "Passed", "2026-02-01T09:00:00.000Z", 2, "T"],
    ],
  );
});

Deno.test("attachments: left out unless asked for, served by id, by step and as zip", async () => {
  await using h = await startEmulator();
  const hello = btoa("hello, attachment");
  const report = uut({
    binaryData: [{ contentType: "text/plain", data: hello, name: "note.txt" }],
    root: {
      stepType: "SequenceCall",
      name: "MainSequence Callback",
      status: "P",
      steps: [{
        stepType: "Action",
        name: "Photo",
        status: "D",
        id: 4711,
        attachment: {
          name: "photo.bin",
          contentType: "application/octet-stream",
          data: btoa("\x01\x02\x03"),
        },
      }],
    },
  });
  const id = await h.wats.report.submit(report);
  const plain = await h.wats.report.get(id);
  assert.equal(serializeReport(plain!).binaryData, undefined);
  const full = await h.wats.report.get(id, { includeAttachments: true });
  assert.equal((serializeReport(full!).binaryData as Rec[])[0].data, hello);

  const [header] = await h.wats.report.headers({ expand: ["attachments"] });
  const attachments = header.attachments as Rec[];
  assert.deepEqual(attachments.map((a) => [a.fileName, a.mimeType, a.size]), [
    ["note.txt", "text/plain", 17],
    ["photo.bin", "application/octet-stream", 3],
  ]);
  const bytes = await h.wats.report.attachment({
    attachmentId: Number(attachments[0].attachmentId),
  });
  assert.equal(new TextDecoder().decode(bytes!), "hello, attachment");
  const byStep = await h.wats.report.attachment({ stepId: 4711 });
  assert.deepEqual([...byStep!], [1, 2, 3]);
  const zip = await h.wats.report.attachments(id);
  assert.deepEqual([...zip!.subarray(0, 4)], [0x50, 0x4b, 0x03, 0x04]);
  assert.ok(new TextDecoder().decode(zip!).includes("hello, attachment"));
  const none = await failure(h.wats.report.attachment({ attachmentId: 999 }));
  assert.ok(none instanceof NotFoundError);
});

Deno.test("headers by misc info match description and value without case", async () => {
  await using h = await startEmulator();
  const tagged = uut({ sn: "SN-MISC", miscInfos: [{ description: "Fixture", text: "F-12" }] });
  await h.wats.report.submit(tagged);
  await h.wats.report.submit(
    uut({ sn: "SN-OTHER", miscInfos: [{ description: "Fixture", text: "F-99" }] }),
  );
  const found = await h.wats.report.headersByMiscInfo({
    description: "fixture",
    stringValue: "f-12",
  });
  assert.deepEqual(found.map((x) => x.serialNumber), ["SN-MISC"]);
  assert.deepEqual(found[0].miscInfo, [{ description: "Fixture", value: "F-12" }]);
});

Deno.test("a report of several megabytes is stored in chunks, read back whole, and overwritten", async () => {
  await using h = await startEmulator();
  const bytes = new Uint8Array(1_500_000).map((_, i) => (i * 7) % 251);
  const data = btoa(Array.from(bytes, (b) => String.fromCharCode(b)).join(""));
  const report = uut({
    binaryData: [{ contentType: "application/octet-stream", data, name: "dump.bin" }],
  });
  const post = (json: Rec) =>
    h.wats.request({ method: "POST", path: "/api/Report/WSJF", json, operation: "test.big" });
  await post(report);
  await post({ ...report, result: "F" });
  const back = await h.wats.report.get(String(report.id), { includeAttachments: true });
  assert.equal(back?.result, "F");
  assert.equal((serializeReport(back!).binaryData as Rec[])[0].data, data);
  const [header] = await h.wats.report.headers({ expand: ["attachments"] });
  assert.equal(header.receiveCount, 2);
  assert.equal((header.attachments as Rec[])[0].size, 1_500_000);
  const attachmentId = Number((header.attachments as Rec[])[0].attachmentId);
  assert.deepEqual(await h.wats.report.attachment({ attachmentId }), bytes);
});

async function convertWsxf(xml: string | Uint8Array): Promise<Rec[]> {
  const context = {
    station: { name: "Unknown", location: "Unknown", purpose: "Unknown" },
    args: {},
    log: { info() {}, warn() {} },
    now: () => Date.now(),
    signal: new AbortController().signal,
  };
  const out: Rec[] = [];
  for await (const report of wsxfConverter.convert(bytesInput("in.xml", xml), context)) {
    out.push(serializeReport(report));
  }
  return out;
}

Deno.test("the real WSXF export is accepted, read back as WSJF and as WSXF", async () => {
  await using h = await startEmulator();
  const xml = await Deno.readTextFile(
    fixtureUrl("uut-wsxf-export.xml"),
  );
  const [converted] = await convertWsxf(xml);
  const id = await h.wats.report.submitWsxf(xml);
  assert.equal(id?.toLowerCase(), String(converted.id).toLowerCase());
  const back = await h.wats.report.get(id!, { includeAttachments: true });
  assert.deepEqual(serializeReport(back!), canonical(asServerReturnsIt(converted, true)));
  const written = await h.wats.report.getWsxf(id!);
  const [again] = await convertWsxf(written!);
  assert.deepEqual(canonical(asServerReturnsIt(again, true)), serializeReport(back!));
});

Deno.test("a WSXF submission is answered with `id`, the key pyWATS reads", async () => {
  await using h = await startEmulator();
  const xml = await Deno.readTextFile(fixtureUrl("uut-wsxf-export.xml"));
  const res = await h.wats.request<Rec>({
    method: "POST",
    path: "/api/Report/WSXF",
    body: xml,
    contentType: "application/xml",
    operation: "test.wsxf",
  });
  assert.deepEqual(Object.keys(res.data), ["id"]);
  const [converted] = await convertWsxf(xml);
  assert.equal(String(res.data.id).toLowerCase(), String(converted.id).toLowerCase());
});

Deno.test("an invalid WSXF document gets 400 naming the problem", async () => {
  await using h = await startEmulator();
  const error = await failure(h.wats.report.submitWsxf("<Inventory><Item/></Inventory>"));
  assert.ok(error instanceof ValidationError);
  assert.match(
    error.serverMessage ?? "",
    /WSXF document is invalid: .*root element is <Inventory>/,
  );
});
