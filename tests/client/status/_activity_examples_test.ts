/** The usage examples of `client/status/_activity.ts`, an internal module, run as tests. */
import assert from "node:assert/strict";
import { activityText, reportFacts } from "../../../client/status/_activity.ts";

Deno.test("client/status/_activity.ts: Name a queued report", () => {
  const facts = reportFacts({
    id: "r1",
    report: { id: "r1", sn: "SN1", pn: "PCBA-100", result: "P" },
    source: { path: "/drop/a.json", sha256: "0".repeat(64), size: 9, converter: "wsjf" },
  });
  assert.deepEqual(facts, {
    id: "r1",
    sn: "SN1",
    pn: "PCBA-100",
    result: "Passed",
    file: "a.json",
  });
});

Deno.test("client/status/_activity.ts: Render a line", () => {
  const line = activityText({
    at: 0,
    level: "info",
    kind: "queued",
    template: "{file} → {count} report(s) queued",
    properties: { file: "a.json", count: 2 },
  });
  assert.equal(line, "a.json → 2 report(s) queued");
});
