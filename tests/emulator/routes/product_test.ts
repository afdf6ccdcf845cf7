import assert from "node:assert/strict";
import { NotFoundError, ValidationError } from "../../../mod.ts";
import { call, failure, startEmulator } from "../_helpers.ts";

type Rec = Record<string, unknown>;

Deno.test("a product saved can be read back, with its revisions and tags", async () => {
  await using h = await startEmulator();
  const saved = await call(h, "PUT", "/api/Product", {
    json: {
      partNumber: "PCB-1",
      name: "Main board",
      revisions: [{ revision: "A" }],
      tags: [{ key: "family", value: "power", change: 1 }],
      customField: "kept",
    },
  });
  assert.match(String(saved.productId), /^[0-9a-f-]{36}$/);
  const back = await call(h, "GET", "/api/Product/{pn}", { params: { pn: "pcb-1" } });
  assert.equal(back.name, "Main board");
  assert.equal(back.state, 1);
  assert.equal(back.nonSerial, false);
  assert.equal(back.customField, "kept");
  assert.deepEqual((back.revisions as Rec[]).map((r) => [r.revision, r.productId]), [[
    "A",
    saved.productId,
  ]]);
  assert.deepEqual(back.tags, [{ key: "family", value: "power", change: 0 }]);
  const list = await call<Rec[]>(h, "GET", "/api/Product/Query");
  assert.deepEqual(list, [{
    partNumber: "PCB-1",
    name: "Main board",
    category: null,
    nonSerial: false,
    state: 1,
  }]);
});

Deno.test("saving again updates fields and tags, keeping the product id", async () => {
  await using h = await startEmulator();
  const first = await call(h, "PUT", "/api/Product", {
    json: { partNumber: "PCB-2", tags: [{ key: "a", value: "1" }, { key: "b", value: "2" }] },
  });
  const second = await call(h, "PUT", "/api/Product", {
    json: {
      partNumber: "PCB-2",
      name: "Renamed",
      tags: [{ key: "a", change: 3 }, { key: "b", value: "3", change: 2 }],
    },
  });
  assert.equal(second.productId, first.productId);
  assert.equal(second.name, "Renamed");
  assert.deepEqual(second.tags, [{ key: "b", value: "3", change: 0 }]);
});

Deno.test("revisions are saved to an existing product and read back by query", async () => {
  await using h = await startEmulator();
  const product = await call(h, "PUT", "/api/Product", { json: { partNumber: "PCB-3" } });
  const revision = await call(h, "PUT", "/api/Product/Revision", {
    json: { partNumber: "PCB-3", revision: "B", name: "Second spin" },
  });
  assert.equal(revision.productId, product.productId);
  const back = await call(h, "GET", "/api/Product", {
    query: { partNumber: "PCB-3", revision: "b" },
  });
  assert.equal(back.name, "Second spin");
  const orphan = await failure(
    call(h, "PUT", "/api/Product/Revision", { json: { partNumber: "NOPE", revision: "A" } }),
  );
  assert.ok(orphan instanceof NotFoundError);
});

Deno.test("bulk saves, groups, and validation messages that name the field", async () => {
  await using h = await startEmulator();
  const saved = await call<Rec[]>(h, "PUT", "/api/Product/Products", {
    json: [{ partNumber: "X-1" }, { partNumber: "X-2" }],
  });
  assert.deepEqual(saved.map((p) => p.partNumber), ["X-1", "X-2"]);
  const group = await call(h, "PUT", "/api/Product/Group", { json: { productGroupName: "Power" } });
  assert.deepEqual(group, { productGroupId: 1, productGroupName: "Power" });
  assert.deepEqual(await h.wats.app.productGroups(), [group]);
  const blank = await failure(call(h, "PUT", "/api/Product", { json: { partNumber: "  " } }));
  assert.ok(blank instanceof ValidationError);
  assert.match(blank.serverMessage ?? "", /partNumber is required/);
  const missing = await failure(call(h, "GET", "/api/Product/{pn}", { params: { pn: "UNKNOWN" } }));
  assert.ok(missing instanceof NotFoundError);
});
