import assert from "node:assert/strict";
import { NotFoundError, ValidationError } from "../../../mod.ts";
import { parseWsbf } from "../../../emulator/routes/product_structure.ts";
import { failure, type Harness, startEmulator } from "../_helpers.ts";

type Rec = Record<string, unknown>;

async function call<T = Rec>(
  h: Harness,
  method: "GET" | "PUT" | "POST" | "DELETE",
  path: string,
  extra: { json?: unknown; body?: string; query?: Record<string, string> } = {},
): Promise<T> {
  const res = await h.wats.request<T>({
    method,
    path,
    ...extra,
    contentType: extra.body === undefined ? undefined : "application/xml",
    internal: path.includes("/internal/"),
    operation: "test.productStructure",
  });
  return res.data;
}

async function revisionId(h: Harness, pn: string, rev: string): Promise<string> {
  await call(h, "PUT", "/api/Product", {
    json: { partNumber: pn, revisions: [{ revision: rev }] },
  });
  const product = await call<Rec>(h, "GET", `/api/Product/${pn}`);
  return String((product.revisions as Rec[])[0].productRevisionId);
}

Deno.test("WSBF is parsed with entities; a wrong namespace or missing attribute is a 400", () => {
  const bom = parseWsbf(
    `<BOM xmlns="http://wats.virinco.com/schemas/WATS/wsbf" Partnumber="P&amp;1" Revision="A">
       <Component Number="R1" Qty="2" Ref="R1;R2"/><Component Number='C&#49;'/></BOM>`,
  );
  assert.equal(bom.partNumber, "P&1");
  assert.deepEqual(bom.items.map((i) => [i.partNumber, i.quantity, i.componentRef]), [
    ["R1", 2, "R1;R2"],
    ["C1", 1, null],
  ]);
  for (
    const bad of [
      "<NotABom/>",
      `<BOM xmlns="urn:other" Partnumber="P" Revision="A"/>`,
      `<BOM Partnumber="P"/>`,
      `<BOM Partnumber="P" Revision="A"><Component Qty="1"/></BOM>`,
      `<BOM Partnumber="P" Revision="A"><Component Number="X" Qty="0"/></BOM>`,
    ]
  ) {
    assert.throws(() => parseWsbf(bad), (e: Error & { status?: number }) => e.status === 400);
  }
});

Deno.test("a BOM of an unknown revision is a 404; the JSON form needs format=json", async () => {
  await using h = await startEmulator();
  await revisionId(h, "PCB-1", "A");
  const xml = `<BOM Partnumber="PCB-1" Revision="Z"><Component Number="R1"/></BOM>`;
  assert.ok(
    await failure(call(h, "PUT", "/api/Product/BOM", { body: xml })) instanceof NotFoundError,
  );
  const wrong = await failure(call(h, "PUT", "/api/internal/Product/BOM", {
    query: { partNumber: "PCB-1", revision: "A", format: "xml" },
    json: [],
  }));
  assert.ok(wrong instanceof ValidationError);
  assert.deepEqual(
    await call(h, "GET", "/api/internal/Product/Bom", {
      query: { partNumber: "PCB-1", revision: "A" },
    }),
    [],
  );
});

Deno.test("relations: both revisions must exist, a revision cannot hold itself, ids are checked", async () => {
  await using h = await startEmulator();
  const box = await revisionId(h, "BOX", "1");
  const pcb = await revisionId(h, "PCB", "A");
  const created = await call<Rec[]>(
    h,
    "POST",
    "/api/internal/Product/PostProductRevisionRelation",
    {
      json: { ParentProductRevisionId: box, ProductRevisionId: pcb, Quantity: 2 },
    },
  );
  assert.equal(created.length, 1);
  for (
    const json of [
      { ParentProductRevisionId: box, ProductRevisionId: crypto.randomUUID() },
      { ParentProductRevisionId: box, ProductRevisionId: box },
      { ParentProductRevisionId: box, ProductRevisionId: pcb, Quantity: 0 },
    ]
  ) {
    const error = await failure(
      call(h, "POST", "/api/internal/Product/PostProductRevisionRelation", { json }),
    );
    assert.ok(error instanceof ValidationError, JSON.stringify(json));
  }
  const missing = await failure(call(h, "PUT", "/api/internal/Product/PutProductRevisionRelation", {
    json: { ParentProductRevisionId: box, ProductRevisionId: pcb, ProductRevisionRelationId: "x" },
  }));
  assert.ok(missing instanceof NotFoundError);
  const byPn = await call<Rec>(h, "GET", "/api/internal/Product/GetProductByPN", {
    query: { PN: "box" },
  });
  assert.deepEqual((byPn.relations as Rec[]).map((r) => r.PartNumber), ["PCB"]);
});

Deno.test("categories: a list without names is refused and the stored list is kept", async () => {
  await using h = await startEmulator();
  await call(h, "PUT", "/api/internal/Product/PutProductCategories", {
    json: [{ Name: "Boards" }],
  });
  const error = await failure(
    call(h, "PUT", "/api/internal/Product/PutProductCategories", { json: [{ Name: "" }] }),
  );
  assert.ok(error instanceof ValidationError);
  const kept = await call<Rec[]>(h, "GET", "/api/internal/Product/GetProductCategories");
  assert.deepEqual(kept.map((c) => c.Name), ["Boards"]);
});

Deno.test("BOM items carry a GUID bomItemId, as WATS gives them", async () => {
  await using h = await startEmulator();
  const revision = await revisionId(h, "PCB-1", "A");
  await call(h, "PUT", "/api/internal/Product/BOM", {
    query: { partNumber: "PCB-1", revision: "A", format: "json" },
    json: [{ partNumber: "R1", componentRef: "R1" }, { partNumber: "C1", quantity: 2 }],
  });
  const items = await call<Rec[]>(h, "GET", "/api/internal/Product/Bom", {
    query: { partNumber: "PCB-1", revision: "A" },
  });
  assert.equal(items.length, 2);
  const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
  for (const item of items) {
    assert.ok(
      typeof item.bomItemId === "string" && guid.test(item.bomItemId),
      String(item.bomItemId),
    );
    assert.equal(item.productRevisionId, revision);
  }
  assert.notEqual(items[0].bomItemId, items[1].bomItemId);
});
