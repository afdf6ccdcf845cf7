import assert from "node:assert/strict";
import { startEmulator } from "../_helpers.ts";

Deno.test("processes, filtered by kind as the query asks", async () => {
  await using h = await startEmulator();
  const all = await h.wats.app.processes();
  assert.ok(all.some((p) => p.code === 10 && p.name === "SW Debug" && p.isTestOperation));
  assert.ok(all.some((p) => p.code === 500 && p.isRepairOperation));
  const repairs = await h.wats.app.processes({ includeRepairOperations: true });
  assert.deepEqual(repairs.map((p) => p.code), [500, 510]);
  assert.ok(repairs.every((p) => p.isRepairOperation));
});

Deno.test("levels and product groups", async () => {
  await using h = await startEmulator();
  assert.deepEqual((await h.wats.app.levels()).map((l) => l.levelName), [
    "PCBA",
    "Module",
    "System",
  ]);
  assert.deepEqual(await h.wats.app.productGroups(), []);
});

Deno.test("every answer carries a request id for correlation", async () => {
  await using h = await startEmulator();
  const res = await h.wats.request({
    method: "GET",
    path: "/api/App/Levels",
    operation: "test.id",
  });
  assert.match(res.headers.get("x-request-id") ?? "", /^emu-/);
  assert.equal(res.correlationId, res.headers.get("x-request-id"));
});
