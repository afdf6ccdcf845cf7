import assert from "node:assert/strict";
import { join } from "node:path";
import { Ledger, LEDGER_COUNTERS } from "../../../client/ledger/ledger.ts";
import { tempDir } from "../../_temp.ts";

const ID = "8c1f0d6e-3b1a-4f0e-9a2b-1d2c3e4f5a6b";
const SHA = "b".repeat(64);

/** The ledger file in `dir` (a {@linkcode tempDir} the test removes). */
function tempPath(dir: string): string {
  return join(dir, "data", "ledger.kv");
}

Deno.test("recordAccepted records once and keeps the first record", async () => {
  await using temp = await tempDir("wats-ledger-");
  const ledger = await Ledger.open(tempPath(temp.path));
  try {
    assert.equal(await ledger.getAccepted(ID), null);
    assert.equal(
      await ledger.recordAccepted(ID, { at: "2026-01-01T00:00:00.000Z", serverId: "s1" }),
      true,
    );
    assert.equal(await ledger.recordAccepted(ID, { at: "2026-01-02T00:00:00.000Z" }), false);
    assert.deepEqual(await ledger.getAccepted(ID), {
      at: "2026-01-01T00:00:00.000Z",
      serverId: "s1",
    });
    assert.deepEqual(await ledger.counters(), { [LEDGER_COUNTERS.accepted]: 1 });
  } finally {
    ledger.close();
  }
});

Deno.test("a source dropped twice is recorded once and counted as a duplicate", async () => {
  await using temp = await tempDir("wats-ledger-");
  const ledger = await Ledger.open(tempPath(temp.path));
  try {
    const first = { reportIds: [ID], path: "C:\\drop\\a.json", at: "2026-01-01T00:00:00.000Z" };
    assert.equal(await ledger.recordSource(SHA, first), true);
    const again = {
      reportIds: ["other"],
      path: "C:\\drop\\copy of a.json",
      at: "2026-01-02T00:00:00.000Z",
    };
    assert.equal(await ledger.recordSource(SHA, again), false);
    assert.deepEqual(await ledger.getSource(SHA), first);
    assert.equal(await ledger.getSource("c".repeat(64)), null);
    assert.deepEqual(await ledger.counters(), {
      [LEDGER_COUNTERS.sources]: 1,
      [LEDGER_COUNTERS.duplicates]: 1,
    });
  } finally {
    ledger.close();
  }
});

Deno.test("the ledger keeps its records and counters across close and reopen", async () => {
  await using temp = await tempDir("wats-ledger-");
  const path = tempPath(temp.path);
  const ledger = await Ledger.open(path);
  await ledger.recordAccepted(ID, { at: "2026-01-01T00:00:00.000Z", sha256: SHA });
  await ledger.recordSource(SHA, {
    reportIds: [ID],
    path: "/drop/a.json",
    at: "2026-01-01T00:00:00.000Z",
  });
  await ledger.increment("conversions.failed", 3);
  ledger.close();

  const reopened = await Ledger.open(path);
  try {
    assert.equal((await reopened.getAccepted(ID))?.sha256, SHA);
    assert.deepEqual((await reopened.getSource(SHA))?.reportIds, [ID]);
    assert.equal((await reopened.counters())["conversions.failed"], 3);
  } finally {
    reopened.close();
  }
});

Deno.test("concurrent increments and inserts from two handles add up exactly", async () => {
  await using temp = await tempDir("wats-ledger-");
  const path = tempPath(temp.path);
  const a = await Ledger.open(path);
  const b = await Ledger.open(path);
  try {
    await Promise.all(
      Array.from({ length: 200 }, (_, i) => (i % 2 ? a : b).increment("uploads", i % 3 + 1)),
    );
    const expected = Array.from({ length: 200 }, (_, i) => i % 3 + 1).reduce((x, y) => x + y);
    assert.equal((await a.counters()).uploads, expected);

    const inserts = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).recordAccepted(ID, { at: `t${i}` })),
    );
    assert.equal(inserts.filter(Boolean).length, 1);
    assert.equal((await b.counters())[LEDGER_COUNTERS.accepted], 1);
  } finally {
    a.close();
    b.close();
  }
});

Deno.test("increment refuses negative and fractional amounts", async () => {
  await using temp = await tempDir("wats-ledger-");
  const ledger = await Ledger.open(tempPath(temp.path));
  try {
    await assert.rejects(ledger.increment("x", -1), RangeError);
    await assert.rejects(ledger.increment("x", 1.5), RangeError);
    assert.deepEqual(await ledger.counters(), {});
  } finally {
    ledger.close();
  }
});
