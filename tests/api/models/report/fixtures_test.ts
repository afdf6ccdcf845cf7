import assert from "node:assert/strict";
import { parseReport, ReportSchema, serializeReport } from "../../../../api/models/report/mod.ts";
import { fixtureNames, jsonDiff, readFixture } from "./_fixtures.ts";

const NAMES = fixtureNames();

Deno.test("fixtures: all nine JSON exports are found", () => {
  assert.equal(NAMES.length, 9);
  assert.ok(NAMES.includes("uut-wsjf-export.json"));
  assert.ok(NAMES.includes("server-roundtrip/uur_v1_loaded.json"));
});

for (const name of NAMES) {
  Deno.test(`fixtures: ${name} parses, serialises and parses again to an equal value`, () => {
    const first = parseReport(readFixture(name), { source: name });
    const wire = JSON.parse(JSON.stringify(serializeReport(first)));
    const second = parseReport(wire, { source: name });
    assert.deepStrictEqual(second, first);
    assert.deepStrictEqual(serializeReport(second), wire);
  });

  Deno.test(`fixtures: ${name} reads the same through the compiled and the plain schema`, () => {
    const input = readFixture(name);
    const plain = ReportSchema.safeParse(input);
    assert.ok(plain.success);
    assert.deepStrictEqual(parseReport(input), plain.data);
  });
}

/** What the reader changes on purpose, per fixture; everything else must survive. */
const EXPECTED_CHANGES: Record<string, string[]> = {
  "uut-wsjf-export.json": [
    'miscInfos[0].text: null -> "100"',
    "miscInfos[0].numeric: 100 -> (absent)",
    "miscInfos[1].numeric: null -> (absent)",
    "miscInfos[2].numeric: null -> (absent)",
  ],
  "new_report_example.json": ["miscInfos[0].numeric: 0 -> (absent)"],
  "server-roundtrip/v1_submitted.json": ["miscInfos[0].numeric: 0 -> (absent)"],
};

for (const name of NAMES) {
  Deno.test(`fixtures: ${name} loses nothing but the documented folds`, () => {
    const input = readFixture(name);
    const wire = JSON.parse(JSON.stringify(serializeReport(parseReport(input))));
    const changes = jsonDiff(input, wire).filter((change) => !/compOp: "IgnoreCase"/.test(change));
    assert.deepStrictEqual(changes, EXPECTED_CHANGES[name] ?? []);
  });
}

Deno.test("fixtures: operators in an export's own casing are read as the upper-case name", () => {
  const input = readFixture("new_report_example.json");
  const text = JSON.stringify(input);
  assert.ok(text.includes('"compOp":"IgnoreCase"'));
  const wire = JSON.stringify(serializeReport(parseReport(input)));
  assert.ok(!wire.includes('"IgnoreCase"'));
  assert.equal(
    wire.split('"compOp":"IGNORECASE"').length - 1,
    text.split('"compOp":"IgnoreCase"').length - 1,
  );
});

Deno.test("fixtures: null values of an export survive the round trip", () => {
  const input = readFixture("uur_example.json");
  const report = parseReport(input);
  assert.equal(report.processCodeFormat, null);
  assert.equal(report.type === "R" && report.uur.parent, null);
  assert.equal(report.type === "R" && report.uur.children, null);
  const failure = report.type === "R" ? report.subUnits?.[0].failures?.[0] : undefined;
  assert.equal(failure?.artNumber, null);
  assert.equal(failure?.funcBlock, null);
  const wire = serializeReport(report) as { uur: Record<string, unknown> };
  assert.ok("parent" in wire.uur && wire.uur.parent === null);
});

Deno.test("fixtures: keys the model does not know survive (server read-back of a UUR)", () => {
  const report = parseReport(readFixture("server-roundtrip/uur_v1_loaded.json"));
  assert.equal(report.type, "R");
  if (report.type !== "R") return;
  assert.ok("repairProcessCode" in report.uur);
  assert.equal(report.uur.repairProcessCode, null);
  assert.equal(report.uur.testOperationGuid, null);
  const wire = serializeReport(report) as { uur: Record<string, unknown> };
  assert.ok("testOperationName" in wire.uur);
});

Deno.test("fixtures: every step type of the exports is kept with its payload", () => {
  const report = parseReport(readFixture("uut-wsjf-export.json"));
  const types = new Map<string, number>();
  const walk = (step: { stepType: string; steps?: unknown[] | null }) => {
    types.set(step.stepType, (types.get(step.stepType) ?? 0) + 1);
    for (const child of step.steps ?? []) walk(child as typeof step);
  };
  assert.ok(report.type === "T" && report.root);
  if (report.type !== "T" || !report.root) return;
  walk(report.root);
  for (const type of ["ET_MPFT", "ET_MSVT", "WATS_XYGMNLT", "CallExecutable", "MessagePopup"]) {
    assert.ok(types.has(type), type);
  }
  assert.equal(types.get("NI_Flow_ForEach"), 1);
  const json = JSON.stringify(report);
  assert.ok(json.includes('"callExe":{"exitCode":17232}'));
  assert.ok(json.includes('"messagePopup":{"response":"Response Message","button":1}'));
});
