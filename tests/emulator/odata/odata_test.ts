import assert from "node:assert/strict";
import {
  headerFilter as f,
  type ReportHeader,
  ValidationError,
  type WatsError,
} from "../../../mod.ts";
import { type Harness, startEmulator, uut } from "../_helpers.ts";

type Rec = Record<string, unknown>;

const REPORTS: Rec[] = [
  uut({ sn: "A-001", pn: "PCB-1", result: "P", start: "2026-03-01T08:00:00Z" }),
  uut({
    sn: "A-002",
    pn: "PCB-1",
    result: "F",
    start: "2026-03-02T08:00:00Z",
    subUnits: [{ pn: "SUB-7", sn: "S-1", rev: "B", partType: "PCBA" }],
  }),
  uut({
    sn: "B-003",
    pn: "PCB-2",
    result: "P",
    start: "2026-03-03T08:00:00Z",
    miscInfos: [{ description: "Fixture", text: "F-1" }, { description: "Lot", text: "L-9" }],
  }),
  uut({ sn: "O'Brien-4", pn: "PCB-2", result: "E", start: "2026-03-04T08:00:00Z" }),
  uut({ sn: "b-005", pn: "PCB-3", result: "T", start: "2026-03-05T08:00:00Z" }),
];

async function seeded(): Promise<Harness> {
  const h = await startEmulator();
  for (const report of REPORTS) await h.wats.report.submit(report);
  return h;
}

function serials(headers: ReportHeader[]): string[] {
  return headers.map((h) => String(h.serialNumber)).sort();
}

async function query(h: Harness, filter: string, extra: Rec = {}): Promise<string[]> {
  return serials(await h.wats.report.headers({ filter, ...extra }));
}

Deno.test("$filter comparison operators on strings, numbers and dates", async () => {
  await using h = await seeded();
  assert.deepEqual(await query(h, "serialNumber eq 'a-001'"), ["A-001"]);
  assert.deepEqual(await query(h, "partNumber ne 'PCB-1'"), ["B-003", "O'Brien-4", "b-005"]);
  assert.deepEqual(await query(h, "start gt 2026-03-03T08:00:00Z"), ["O'Brien-4", "b-005"]);
  assert.deepEqual(await query(h, "start ge 2026-03-03T08:00:00Z"), [
    "B-003",
    "O'Brien-4",
    "b-005",
  ]);
  assert.deepEqual(await query(h, "start lt 2026-03-02T08:00:00Z"), ["A-001"]);
  assert.deepEqual(await query(h, "start le 2026-03-02T08:00:00Z"), ["A-001", "A-002"]);
  assert.deepEqual(await query(h, "processCode eq 10 and result eq 'Error'"), ["O'Brien-4"]);
});

Deno.test("$filter precedence: not binds tighter than and, and tighter than or", async () => {
  await using h = await seeded();
  // a or (b and c): B-003 matches the and-part alone
  assert.deepEqual(
    await query(h, "serialNumber eq 'A-001' or partNumber eq 'PCB-2' and result eq 'Passed'"),
    ["A-001", "B-003"],
  );
  // (a or b) and c
  assert.deepEqual(
    await query(h, "(serialNumber eq 'A-001' or partNumber eq 'PCB-2') and result eq 'Passed'"),
    ["A-001", "B-003"],
  );
  assert.deepEqual(
    await query(h, "(serialNumber eq 'A-002' or partNumber eq 'PCB-2') and result ne 'Passed'"),
    ["A-002", "O'Brien-4"],
  );
  assert.deepEqual(
    await query(h, "not partNumber eq 'PCB-1' and not result eq 'Terminated'"),
    ["B-003", "O'Brien-4"],
  );
});

Deno.test("$filter string literals escape quotes by doubling; contains ignores case", async () => {
  await using h = await seeded();
  assert.deepEqual(await query(h, "serialNumber eq 'O''Brien-4'"), ["O'Brien-4"]);
  assert.deepEqual(serials(await h.wats.report.headersBySerial("O'Brien-4")), ["O'Brien-4"]);
  assert.deepEqual(await query(h, "contains(serialNumber,'b-00')"), ["B-003", "b-005"]);
  assert.deepEqual(await query(h, "startswith(serialNumber,'a')"), ["A-001", "A-002"]);
  assert.deepEqual(
    serials(await h.wats.report.headers({ filter: f.contains("serialNumber", "'") })),
    [
      "O'Brien-4",
    ],
  );
});

Deno.test("$filter lambdas over sub-units and misc info", async () => {
  await using h = await seeded();
  assert.deepEqual(await query(h, "subUnits/any(s: s/partNumber eq 'SUB-7')"), ["A-002"]);
  assert.deepEqual(
    await query(h, "miscInfo/any(m: m/description eq 'Fixture' and m/value eq 'F-1')"),
    ["B-003"],
  );
  assert.deepEqual(
    await query(h, "miscInfo/any(m: m/description eq 'Fixture' and m/value eq 'L-9')"),
    [],
  );
  assert.deepEqual(
    serials(
      await h.wats.report.headers({
        filter: f.any("subUnits", (s) => s.eq("serialNumber", "S-1")),
      }),
    ),
    ["A-002"],
  );
});

Deno.test("$orderby, $top and $skip page through headers", async () => {
  await using h = await seeded();
  const ordered = await h.wats.report.headers({ orderBy: "serialNumber desc", pageSize: 2 });
  assert.deepEqual(ordered.map((x) => x.serialNumber), [
    "O'Brien-4",
    "b-005",
    "B-003",
    "A-002",
    "A-001",
  ]);
  const page = await h.wats.report.headers({ orderBy: "start asc", skip: 1, top: 2 });
  assert.deepEqual(page.map((x) => x.serialNumber), ["A-002", "B-003"]);
  const newestFirst = await h.wats.report.headers({ top: 1 });
  assert.equal(newestFirst[0].serialNumber, "b-005");
});

Deno.test("$expand adds collections only when asked for; UUR names carry a uur prefix", async () => {
  await using h = await seeded();
  const [plain] = await h.wats.report.headersBySerial("B-003");
  assert.equal(plain.miscInfo, undefined);
  const [expanded] = await h.wats.report.headersBySerial("B-003", {
    expand: ["miscInfo", "subUnits"],
  });
  assert.deepEqual(expanded.miscInfo, [
    { description: "Fixture", value: "F-1" },
    { description: "Lot", value: "L-9" },
  ]);
  assert.deepEqual(expanded.subUnits, []);
  const none = await h.wats.report.headers({ type: "uur" });
  assert.deepEqual(none, []);
});

Deno.test("a $filter parse error is a 400 naming the position; unknown fields are named", async () => {
  await using h = await seeded();
  const cases: [string, RegExp][] = [
    ["serialNumber eq 'A-001' and", /end of input at position 27/],
    ["serialNumber eq 'A-001", /Unterminated string literal at position 16/],
    ["(serialNumber eq 'A-001'", /Expected '\)' but found end of input at position 24/],
    ["colour eq 'red'", /Unknown field 'colour' at position 0/],
    ["serialNumber eq 'x' xor true", /found 'xor' at position 20/],
  ];
  for (const [filter, message] of cases) {
    let caught: unknown;
    try {
      await h.wats.report.headers({ filter });
    } catch (error) {
      caught = error;
    }
    assert.ok(caught instanceof ValidationError, `${filter} should be refused`);
    assert.match((caught as WatsError).serverMessage ?? "", message);
  }
});

Deno.test("a UUR collection on a reportType=U query (and a UUT one on R) is a 400, as WATS answers", async () => {
  await using h = await seeded();
  const cases: ["uut" | "uur", string, RegExp][] = [
    ["uut", "uurSubUnits/any(s: s/partNumber eq 'SUB-7')", /'uurSubUnits'.*reportType=U/],
    ["uut", "uurMiscInfo/any(m: m/description eq 'Fixture')", /'uurMiscInfo'.*reportType=U/],
    ["uur", "subUnits/any(s: s/partNumber eq 'SUB-7')", /'subUnits'.*reportType=R/],
  ];
  for (const [type, filter, message] of cases) {
    let caught: unknown;
    try {
      await h.wats.report.headers({ type, filter });
    } catch (error) {
      caught = error;
    }
    assert.ok(caught instanceof ValidationError, `${filter} on ${type} should be refused`);
    assert.match((caught as WatsError).serverMessage ?? "", message);
  }
  assert.deepEqual(
    await h.wats.report.headers({ type: "uur", filter: "uurSubUnits/any(s: s/partNumber eq 'X')" }),
    [],
  );
});
