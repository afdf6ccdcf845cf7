import assert from "node:assert/strict";
import { ServerError, Wats } from "../../../mod.ts";
import { ManualClock } from "../../../http.ts";
import { type ProcessInfo, serveEmulator } from "../../../emulator/mod.ts";
import { ProcessService } from "../../../api/services/process.ts";
import { startEmulator } from "../../emulator/_helpers.ts";

function processesServed(stats: { requests: Record<string, Record<string, number>> }): number {
  return stats.requests["GET /api/App/Processes"]?.["200"] ?? 0;
}

Deno.test("the process list is cached for the TTL on the injected clock", async () => {
  const clock = new ManualClock(0);
  await using h = await startEmulator();
  const wats = h.client({ clock });
  const [first, second] = await Promise.all([wats.process.list(), wats.process.list()]);
  assert.deepEqual(first, second);
  assert.ok(first.some((p) => p.code === 100));
  await wats.process.byCode(100);
  await wats.process.byName("ict");
  assert.equal(processesServed(await h.stats()), 1, "one request for all look-ups");
  await clock.advance(299_999);
  await wats.process.testOperations();
  assert.equal(processesServed(await h.stats()), 1, "still fresh just before 300 s");
  await clock.advance(1);
  await wats.process.testOperations();
  assert.equal(processesServed(await h.stats()), 2, "read again once 300 s passed");
  await wats.process.list({ refresh: true });
  assert.equal(processesServed(await h.stats()), 3, "refresh bypasses the cache");
  wats.process.invalidate();
  await wats.process.list();
  assert.equal(processesServed(await h.stats()), 4, "invalidate forgets");
});

Deno.test("the TTL is configurable; 0 turns caching off; a failed read is not cached", async () => {
  const clock = new ManualClock(0);
  await using h = await startEmulator();
  const wats = h.client({ clock });
  const short = new ProcessService(wats.transport, { clock, ttlMs: 1_000 });
  await short.list();
  await clock.advance(999);
  await short.list();
  assert.equal(processesServed(await h.stats()), 1);
  await clock.advance(1);
  await short.list();
  assert.equal(processesServed(await h.stats()), 2);
  const none = new ProcessService(wats.transport, { clock, ttlMs: 0 });
  await none.list();
  await none.list();
  assert.equal(processesServed(await h.stats()), 4);
  await h.faults({
    method: "GET",
    path: "/api/App/Processes",
    action: "status",
    status: 500,
    times: 1,
  });
  const fresh = new ProcessService(wats.transport, { clock });
  await assert.rejects(() => fresh.list(), ServerError);
  const list = await fresh.list();
  assert.ok(list.length > 0, "the failure was forgotten, the next call read again");
  let refused: unknown;
  try {
    new ProcessService(wats.transport, { ttlMs: -1 });
  } catch (error) {
    refused = error;
  }
  assert.ok(refused instanceof RangeError);
});

Deno.test("look-ups by code and name (without case), test/repair/WIP filters, defaults", async () => {
  await using h = await startEmulator();
  const p = h.wats.process;
  assert.equal((await p.byCode(20))?.name, "ICT");
  assert.equal(await p.byCode(4242), null);
  assert.equal((await p.byName("  final FUNCTION test "))?.code, 100);
  assert.equal(await p.byName("nope"), null);
  assert.deepEqual((await p.testOperations()).map((x) => x.code), [10, 20, 30, 50, 90, 100]);
  assert.deepEqual((await p.repairOperations()).map((x) => x.code), [500, 510]);
  assert.deepEqual((await p.wipOperations()).map((x) => x.code), [200]);
  assert.ok(await p.isTestOperation(10));
  assert.ok(!await p.isTestOperation(500));
  assert.ok(await p.isRepairOperation(510));
  assert.ok(!await p.isRepairOperation(4242));
  assert.equal(await p.defaultTestCode(), 100);
  assert.equal(await p.defaultRepairCode(), 500);
});

function info(code: number, kind: "test" | "repair" | "wip", state = 1): ProcessInfo {
  return {
    code,
    name: `P${code}`,
    description: `P${code}`,
    isTestOperation: kind === "test",
    isRepairOperation: kind === "repair",
    isWipOperation: kind === "wip",
    processIndex: code,
    state,
  };
}

Deno.test("without 100 and 500 the defaults are the first test and repair operations", async () => {
  await using emulator = await serveEmulator({
    processes: [
      info(30, "wip"),
      info(40, "test", 0),
      info(60, "test"),
      info(70, "test"),
      info(
        700,
        "repair",
      ),
      info(800, "repair"),
    ],
  });
  const wats = new Wats({ baseUrl: emulator.url, token: emulator.token, retry: false });
  assert.equal(await wats.process.defaultTestCode(), 60, "inactive 40 is left out");
  assert.equal(await wats.process.defaultRepairCode(), 700);
  assert.equal((await wats.process.byCode(40, { includeInactive: true }))?.state, 0);
  assert.equal(await wats.process.byCode(40), null);
  await using empty = await serveEmulator({ processes: [info(30, "wip")] });
  const bare = new Wats({ baseUrl: empty.url, token: empty.token, retry: false });
  assert.equal(await bare.process.defaultTestCode(), null);
  assert.equal(await bare.process.defaultRepairCode(), null);
});

Deno.test("detailed rows and repair configurations come from internal routes with a Referer", async () => {
  await using h = await startEmulator();
  const seen: { path: string; referer: string | null }[] = [];
  const wats = h.client({
    fetch: (input, init) => {
      const url = new URL(String(input));
      seen.push({ path: url.pathname, referer: new Headers(init?.headers).get("referer") });
      return fetch(input, init);
    },
  });
  const rows = await wats.process.detailed();
  const repair = rows.find((r) => r.Code === 500);
  assert.equal(repair?.IsRepairOperation, true);
  assert.equal(repair?.Name, "Repair");
  assert.ok(repair?.ProcessID);
  assert.equal((await wats.process.detail(repair.ProcessID))?.Code, 500);
  const configs = await wats.process.repairOperationConfigs();
  assert.deepEqual(Object.keys(configs).sort(), ["500", "510"]);
  assert.equal(configs["500"].BOMRequired, 1);
  const one = await wats.process.repairOperation(repair.ProcessID, 500);
  assert.deepEqual(one?.Categories?.map((c) => c.Description), ["Solder", "Component"]);
  const codes = await wats.process.failCodes();
  assert.deepEqual(codes.map((c) => `${c.category}/${c.code}`), [
    "Solder/Bridge",
    "Solder/Open joint",
    "Component/Missing",
    "Component/Damaged",
    "Component/Cracked",
  ]);
  assert.deepEqual(codes[0].description, codes[0].code);
  assert.ok(codes.every((c) => c.guid && c.categoryGuid));
  assert.deepEqual(await wats.process.failCodes(4242), []);
  await wats.process.failCodes(510);
  const internal = seen.filter((s) => s.path.startsWith("/api/internal/"));
  assert.equal(internal.length, 4, "configs are cached: one read for three fail-code calls");
  assert.ok(internal.every((s) => s.referer === h.emulator.url), JSON.stringify(internal));
  assert.ok(seen.filter((s) => !s.path.startsWith("/api/internal/")).every((s) => !s.referer));
  await assert.rejects(() => wats.process.detail(" "), TypeError);
});
