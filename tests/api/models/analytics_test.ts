import assert from "node:assert/strict";
import {
  measurementPath,
  measurementPaths,
  Run,
  serializeFilter,
  toUtcIso,
  type WatsFilter,
} from "../../../api/models/analytics.ts";

Deno.test("serializeFilter drops empty keys and 'all', joins lists and names date groupings", () => {
  assert.deepEqual(
    serializeFilter({
      partNumber: ["PCB-1", "PCB-%"],
      revision: undefined,
      status: "all",
      dateGrouping: "month",
      run: Run.Last,
      topCount: 5,
    }),
    { partNumber: "PCB-1;PCB-%", dateGrouping: 2, run: -1, topCount: 5 },
  );
  assert.deepEqual(serializeFilter({ status: "Failed", dateGrouping: 4 }), {
    status: "Failed",
    dateGrouping: 4,
  });
});

Deno.test("serializeFilter refuses a list value holding the ; separator", () => {
  assert.throws(
    () => serializeFilter({ serialNumber: ["A;B", "C"] }),
    (e: unknown) => e instanceof TypeError && /serialNumber.*"A;B"/.test((e as Error).message),
  );
  // a single string is a pattern the caller wrote, alternatives included
  assert.deepEqual(serializeFilter({ serialNumber: "A;B" }), { serialNumber: "A;B" });
});

Deno.test("dates are sent as UTC instants, naive times read as local time", () => {
  assert.equal(toUtcIso(new Date(Date.UTC(2026, 4, 1, 6))), "2026-05-01T06:00:00.000Z");
  assert.equal(toUtcIso("2026-05-01T08:00:00+02:00"), "2026-05-01T06:00:00.000Z");
  assert.equal(toUtcIso("2026-05-01T08:00:00Z"), "2026-05-01T08:00:00.000Z");
  assert.deepEqual(toUtcIso("2026-05-01T08:30"), new Date(2026, 4, 1, 8, 30).toISOString());
  assert.deepEqual(toUtcIso("2026-05-01"), new Date(2026, 4, 1).toISOString());
  assert.deepEqual(
    serializeFilter({ dateFrom: "2026-05-01T08:00:00.250", dateTo: new Date(2026, 4, 2) }),
    {
      dateFrom: new Date(2026, 4, 1, 8, 0, 0, 250).toISOString(),
      dateTo: new Date(2026, 4, 2).toISOString(),
    },
  );
});

Deno.test("invalid dates and ranges are refused", () => {
  assert.throws(() => toUtcIso("yesterday"), RangeError);
  assert.throws(
    () => serializeFilter({ dateFrom: "2026-05-02T00:00:00Z", dateTo: "2026-05-01T00:00:00Z" }),
    RangeError,
  );
});

Deno.test("out-of-range values are refused with the field named", () => {
  const bad: [WatsFilter, RegExp][] = [
    [{ yield: 101 }, /yield/],
    [{ run: 0 }, /run/],
    [{ dateGrouping: 9 }, /dateGrouping/],
    [{ periodCount: -1 }, /periodCount/],
    [{ status: "passed" as "Passed" }, /status/],
  ];
  for (const [filter, field] of bad) {
    assert.throws(
      () => serializeFilter(filter),
      (e: unknown) => e instanceof TypeError && field.test((e as Error).message),
    );
  }
});

Deno.test("keys the model does not know pass through for newer servers", () => {
  const newer = { partNumber: "PCB-1", fixtureId: "F1" } as WatsFilter;
  assert.deepEqual(serializeFilter(newer), { partNumber: "PCB-1", fixtureId: "F1" });
});

Deno.test("measurement paths convert / and :: to the pilcrow format", () => {
  assert.equal(measurementPath("Main/Power/Rails"), "Main¶Power¶Rails");
  assert.equal(measurementPath("Main/Power/Rails::5V"), "Main¶Power¶Rails¶¶5V");
  assert.equal(measurementPath("Main¶Rails¶¶5V"), "Main¶Rails¶¶5V");
  assert.equal(measurementPaths("A/B;C::d"), "A¶B;C¶¶d");
  assert.equal(measurementPaths(["A/B", "C/D::e"]), "A¶B;C¶D¶¶e");
  assert.throws(() => measurementPath("  "), TypeError);
  assert.deepEqual(serializeFilter({ measurementPaths: ["A/B"] }), { measurementPaths: "A¶B" });
});
