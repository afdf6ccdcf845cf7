import assert from "node:assert/strict";
import { NotFoundError, ValidationError } from "../../../mod.ts";
import { failure, type Harness, startEmulator } from "../_helpers.ts";

async function call<T = unknown>(
  h: Harness,
  method: "GET" | "POST" | "PUT",
  path: string,
  query: Record<string, string | number> = {},
  json?: unknown,
): Promise<T> {
  const res = await h.wats.request<T>({ method, path, query, json, operation: "test.serials" });
  return res.data;
}

Deno.test("Take answers XML and records the reference; look-ups need a type", async () => {
  await using h = await startEmulator();
  const xml = await call<string>(h, "POST", "/api/Production/SerialNumbers/Take", {
    serialNumberType: "SerialNumber",
    quantity: 2,
    refSN: "BOX-1",
  });
  assert.equal(xml, `<SerialNumbers><SN id="SN000001"/><SN id="SN000002"/></SerialNumbers>`);
  const byRef = await call<Record<string, unknown>[]>(
    h,
    "GET",
    "/api/Production/SerialNumbers/ByReference",
    { typeName: "SerialNumber", referenceSerialNumber: "BOX-1" },
  );
  assert.deepEqual(byRef.map((r) => r.serialNumber), ["SN000001", "SN000002"]);
  const noRef = await failure(
    call(h, "GET", "/api/Production/SerialNumbers/ByReference", { typeName: "SerialNumber" }),
  );
  assert.ok(noRef instanceof ValidationError);
  const noType = await failure(
    call(h, "GET", "/api/Production/SerialNumbers/ByRange", { typeName: "X", from: "A", to: "B" }),
  );
  assert.ok(noType instanceof NotFoundError);
});

Deno.test("batches need a number and a whole size; unit changes take $filter", async () => {
  await using h = await startEmulator();
  for (const json of [{ batchNumber: "" }, { batchNumber: "B", batchSize: -1 }]) {
    const error = await failure(call(h, "PUT", "/api/Production/Batch", {}, json));
    assert.ok(error instanceof ValidationError, JSON.stringify(json));
  }
  await call(h, "PUT", "/api/Production/Units", {}, [
    { serialNumber: "A-1", partNumber: "P" },
    { serialNumber: "A-2", partNumber: "P" },
  ]);
  const changes = await call<Record<string, unknown>[]>(h, "GET", "/api/Production/Units/Changes", {
    $filter: "unitSerialNumber eq 'a-2'",
  });
  assert.deepEqual(changes.map((c) => c.unitSerialNumber), ["A-2"]);
  const ordered = await call<Record<string, unknown>[]>(h, "GET", "/api/Production/Units/Changes", {
    $orderby: "id desc",
    $top: 1,
  });
  assert.deepEqual(ordered.map((c) => c.unitSerialNumber), ["A-2"]);
  const bad = await failure(
    call(h, "GET", "/api/Production/Units/Changes", { $filter: "nope eq 1" }),
  );
  assert.ok(bad instanceof ValidationError);
});

Deno.test("DELETE …/SerialNumbers/Free without its ranges body is refused, as WATS does", async () => {
  await using h = await startEmulator();
  const bodiless = await failure(h.wats.request({
    method: "DELETE",
    path: "/api/internal/Production/SerialNumbers/Free",
    internal: true,
    operation: "test.serials",
  }));
  assert.ok(bodiless instanceof ValidationError);
  assert.match(bodiless.message, /empty/);
});
