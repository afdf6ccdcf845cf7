import assert from "node:assert/strict";
import { formatLocalTime, parseReport, reportSummary } from "../../../../api/models/report/mod.ts";
import { toUtcTimestamp } from "../../../../api/models/report/time.ts";
import { minimalUut, readFixture } from "./_fixtures.ts";

Deno.test("summary: the header facts of a report", () => {
  const summary = reportSummary(parseReport(minimalUut()));
  assert.deepStrictEqual(summary, {
    id: "4f8d1c9e-2b7a-4c3e-9f10-6a5b4c3d2e1f",
    type: "T",
    pn: "PCBA-100",
    sn: "SN0001",
    rev: "A",
    processCode: 10,
    result: "P",
    machineName: "Station 7",
    location: "Line 2",
    purpose: "Production",
    start: "2026-01-30T22:01:41.470+01:00",
    startUtc: "2026-01-30T21:01:41.470Z",
  });
  const noResult = minimalUut();
  delete noResult.result;
  assert.equal(reportSummary(parseReport(noResult)).result, "P");
});

Deno.test("summary: startUtc matches the server's startUTC in every export that has one", () => {
  let checked = 0;
  for (const name of ["uut-wsjf-export.json", "new_report_example.json", "uur_example.json"]) {
    const input = readFixture(name);
    const summary = reportSummary(parseReport(input));
    assert.equal(summary.startUtc, input.startUTC, name);
    assert.equal(summary.type, input.type);
    checked++;
  }
  assert.equal(checked, 3);
  const loaded = reportSummary(parseReport(readFixture("server-roundtrip/uur_v1_loaded.json")));
  assert.equal(loaded.startUtc, "2026-01-31T11:09:31.293375Z");
});

Deno.test("time: formatLocalTime writes local time with its offset", () => {
  const moment = new Date("2026-01-30T21:01:41.470Z");
  assert.equal(formatLocalTime(moment, 60), "2026-01-30T22:01:41.470+01:00");
  assert.equal(formatLocalTime(moment, 0), "2026-01-30T21:01:41.470+00:00");
  assert.equal(formatLocalTime(moment, -330), "2026-01-30T15:31:41.470-05:30");
  assert.equal(formatLocalTime(moment, 180), "2026-01-31T00:01:41.470+03:00");
  const local = formatLocalTime(moment);
  assert.equal(new Date(local).getTime(), moment.getTime());
});

Deno.test("time: toUtcTimestamp shifts by the offset and keeps every fractional digit", () => {
  assert.equal(toUtcTimestamp("2026-01-30T22:01:41.4707353+01:00"), "2026-01-30T21:01:41.4707353Z");
  assert.equal(toUtcTimestamp("2026-01-01T00:30:00-02:30"), "2026-01-01T03:00:00Z");
  assert.equal(toUtcTimestamp("2025-12-31T23:59:59.9+00:00"), "2025-12-31T23:59:59.9Z");
  assert.equal(toUtcTimestamp("2026-03-01T00:15:00.000+01:00"), "2026-02-28T23:15:00.000Z");
  assert.equal(toUtcTimestamp("2026-01-30T21:01:41Z"), "2026-01-30T21:01:41Z");
  const naive = toUtcTimestamp("2026-06-15T12:00:00.25");
  assert.equal(naive, new Date(2026, 5, 15, 12, 0, 0).toISOString().replace(".000Z", ".25Z"));
  assert.equal(toUtcTimestamp("yesterday"), null);
});
