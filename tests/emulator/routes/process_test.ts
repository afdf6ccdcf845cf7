import assert from "node:assert/strict";
import { NotFoundError, WatsError } from "../../../mod.ts";
import { processId } from "../../../emulator/routes/process.ts";
import { startEmulator } from "../_helpers.ts";

Deno.test("process ids are stable; unknown ids and non-repair operations are 404", async () => {
  await using h = await startEmulator();
  assert.equal(processId(500), "00000000-0000-4000-8000-0000000001f4");
  const get = (path: string, query: Record<string, number> = {}) =>
    h.wats.request({ method: "GET", path, query, internal: true, operation: "test.process" });
  const row = await get(`/api/internal/Process/GetProcess/${processId(100)}`);
  assert.equal((row.data as Record<string, unknown>).Code, 100);
  for (
    const [path, query] of [
      [`/api/internal/Process/GetProcess/${crypto.randomUUID()}`, {}],
      [`/api/internal/Process/GetRepairOperation/${processId(100)}`, {}],
      [`/api/internal/Process/GetRepairOperation/${processId(500)}`, { processCode: 510 }],
    ] as const
  ) {
    let error: unknown;
    try {
      await get(path, query);
    } catch (e) {
      error = e;
    }
    assert.ok(error instanceof WatsError && error instanceof NotFoundError, path);
  }
});

Deno.test("repair configurations carry BomConstraint and ImageConstraint as text, as WATS does", async () => {
  await using h = await startEmulator();
  const res = await h.wats.request<Record<string, Record<string, unknown>>>({
    method: "GET",
    path: "/api/internal/Process/GetRepairOperations",
    internal: true,
    operation: "test.process",
  });
  const config = res.data["500"];
  assert.equal(typeof config.BomConstraint, "string");
  const constraints: unknown[] = [];
  const walk = (categories: unknown) => {
    for (const category of (categories ?? []) as Record<string, unknown>[]) {
      constraints.push(category.ImageConstraint);
      walk(category.Failcodes);
    }
  };
  walk(config.Categories);
  assert.ok(constraints.length > 5);
  assert.ok(constraints.every((value) => typeof value === "string"), JSON.stringify(constraints));
});
