import assert from "node:assert/strict";
import {
  createUutReport,
  headerFilter as f,
  NotFoundError,
  type Report,
  ReportFormatError,
} from "../../../mod.ts";
import { RecordingClock } from "../../_http_server.ts";
import { fixture, startEmulator } from "../../emulator/_helpers.ts";

function unit(
  sn: string,
  pn = "PCB-1",
  passed = true,
  start = "2026-01-30T10:00:00.000+01:00",
): Report {
  return createUutReport({
    pn,
    sn,
    rev: "A",
    processCode: 10,
    machineName: "station-7",
    location: "Line 1",
    purpose: "Production",
    start,
  })
    .numericStep("Voltage", passed ? 3.3 : 4.1, { compOp: "GELE", low: 3.2, high: 3.4, unit: "V" })
    .build();
}

Deno.test("report.submit sends the report id as idempotency key; get reads it back", async () => {
  await using h = await startEmulator();
  const report = unit("SN-1");
  const id = await h.wats.report.submit(report);
  assert.deepEqual(id, report.id);
  const back = await h.wats.report.get(id);
  assert.equal(back?.sn, "SN-1");
  assert.equal(back?.type, "T");
  const stats = await h.stats();
  assert.equal(stats.reports[id].applied, 1);
});

Deno.test("report.submit refuses an invalid report before sending anything", async () => {
  await using h = await startEmulator();
  const bad = { ...unit("SN-2"), pn: undefined } as unknown as Report;
  await assert.rejects(() => h.wats.report.submit(bad), (error) => {
    assert.ok(error instanceof ReportFormatError);
    assert.ok(error.message.includes("pn"), error.message);
    return true;
  });
  assert.equal((await h.stats()).totalRequests, 0);
});

Deno.test("a submission whose answer is lost is retried and applied exactly once", async () => {
  await using h = await startEmulator();
  await h.faults({ method: "POST", path: "/api/Report/WSJF", action: "apply-then-drop", times: 1 });
  const wats = h.client({ retry: { random: () => 0 }, clock: new RecordingClock() });
  const report = unit("SN-3");
  assert.deepEqual(await wats.report.submit(report), report.id);
  const stats = await h.stats();
  assert.equal(stats.reports[report.id].received, 2);
  assert.equal(stats.reports[report.id].applied, 1);
  assert.equal(stats.reportsAccepted, 1);
});

Deno.test("the real WSJF exports are accepted and read back", async () => {
  await using h = await startEmulator();
  for (const name of ["uut-wsjf-export.json", "new_report_example.json", "uur_example.json"]) {
    const body = await fixture(name);
    const id = await h.wats.report.submit(body);
    assert.deepEqual(id, body.id);
    const back = await h.wats.report.get(id);
    assert.deepEqual(back?.id, body.id);
    assert.deepEqual(back?.sn, body.sn);
  }
});

Deno.test("queryHeaders pages with $top/$skip and yields every match once", async () => {
  await using h = await startEmulator();
  const ids = new Set<string>();
  for (let i = 0; i < 23; i++) {
    const start = `2026-01-30T10:${String(i).padStart(2, "0")}:00.000+01:00`;
    ids.add(
      await h.wats.report.submit(unit(`SN-${i}`, i % 2 ? "PCB-ODD" : "PCB-EVEN", true, start)),
    );
  }
  const seen: string[] = [];
  for await (const header of h.wats.report.queryHeaders({ pageSize: 5 })) seen.push(header.uuid);
  assert.equal(seen.length, 23);
  assert.deepEqual(new Set(seen), ids);
  const odd = await h.wats.report.headersByPartNumber("PCB-ODD", { pageSize: 4 });
  assert.equal(odd.length, 11);
  assert.ok(odd.every((x) => x.partNumber === "PCB-ODD"));
  const limited = await h.wats.report.headers({ top: 7, pageSize: 3 });
  assert.equal(limited.length, 7);
  const newestFirst = limited.map((x) => x.startUtc ?? "");
  assert.deepEqual(newestFirst, [...newestFirst].sort().reverse());
});

Deno.test("header helpers: by serial, by date range in UTC, quotes escaped", async () => {
  await using h = await startEmulator();
  await h.wats.report.submit(unit("O'Brien-1", "PCB-1", false, "2026-01-30T23:30:00.000+01:00"));
  await h.wats.report.submit(unit("SN-X", "PCB-1", true, "2026-01-31T09:00:00.000+01:00"));
  const bySerial = await h.wats.report.headersBySerial("O'Brien-1");
  assert.deepEqual(bySerial.map((x) => x.serialNumber), ["O'Brien-1"]);
  assert.equal(bySerial[0].result, "Failed");
  // 23:30 local (+01:00) is 22:30 UTC on the 30th: inside a UTC window that ends at 23:00.
  const window = await h.wats.report.headersBetween(
    new Date("2026-01-30T22:00:00Z"),
    new Date("2026-01-30T23:00:00Z"),
  );
  assert.deepEqual(window.map((x) => x.serialNumber), ["O'Brien-1"]);
  const failed = await h.wats.report.headers({
    filter: f.and(f.eq("result", "Failed"), f.contains("serialNumber", "Brien")),
  });
  assert.equal(failed.length, 1);
});

Deno.test("get of a missing report: NotFoundError in strict mode, null in lenient mode", async () => {
  await using h = await startEmulator();
  const missing = crypto.randomUUID();
  await assert.rejects(() => h.wats.report.get(missing), NotFoundError);
  assert.equal(await h.client({ mode: "lenient" }).report.get(missing), null);
});

Deno.test("app service answers version, processes, levels and product groups", async () => {
  await using h = await startEmulator();
  assert.ok((await h.wats.app.version()).length > 0);
  const processes = await h.wats.app.processes();
  assert.ok(processes.some((p) => p.isTestOperation));
  assert.ok(processes.some((p) => p.isRepairOperation));
  assert.ok(Array.isArray(await h.wats.app.levels()));
  assert.ok(Array.isArray(await h.wats.app.productGroups()));
});

Deno.test("a corrected report under the same id overwrites, as WATS does", async () => {
  await using h = await startEmulator();
  const first = unit("SN-C1", "PCB-1", false);
  await h.wats.report.submit(first);
  await h.wats.report.submit(first);
  const corrected = { ...first, result: "P" as const, root: unit("SN-C1").root };
  await h.wats.report.submit(corrected);
  assert.equal((await h.wats.report.get(first.id))?.result, "P");
  const counters = (await h.stats()).reports[first.id];
  assert.equal(counters.received, 3);
  assert.equal(counters.applied, 2);
});

Deno.test("report.certificate answers a PDF naming the stored unit and result", async () => {
  await using h = await startEmulator();
  const report = unit("SN-CERT-1", "PCB-9", false);
  await h.wats.report.submit(report);
  const pdf = await h.wats.report.certificate(report.id);
  assert.ok(pdf !== null);
  const text = new TextDecoder().decode(pdf);
  assert.ok(text.startsWith("%PDF-1.4"), "a PDF");
  assert.ok(text.trimEnd().endsWith("%%EOF"));
  assert.ok(text.includes("Serial number: SN-CERT-1"), "names the serial number");
  assert.ok(text.includes("Part number: PCB-9"), "names the part number");
  assert.ok(text.includes("Result: Failed"), "names the result");
  const xref = Number(/startxref\n(\d+)/.exec(text)?.[1]);
  assert.deepEqual(text.slice(xref, xref + 4), "xref");
  await assert.rejects(() => h.wats.report.certificate(crypto.randomUUID()), NotFoundError);
});
