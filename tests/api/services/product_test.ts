import assert from "node:assert/strict";
import { NotFoundError, ValidationError } from "../../../mod.ts";
import { toWsbf } from "../../../api/models/bom.ts";
import { type Harness, recordingClient, startEmulator } from "../../emulator/_helpers.ts";

async function seed(h: Harness, partNumber: string, ...revisions: string[]): Promise<void> {
  await h.wats.product.save({ partNumber, name: `${partNumber} name` });
  for (const revision of revisions) await h.wats.product.saveRevision({ partNumber, revision });
}

Deno.test("a product and its revisions are saved and read back; revisions carry the productId", async () => {
  await using h = await startEmulator();
  const product = await h.wats.product.save({ partNumber: "PCB/1", name: "Controller" });
  assert.ok(product.productId);
  const revision = await h.wats.product.saveRevision({
    partNumber: "PCB/1",
    revision: "A",
    name: "first",
  });
  assert.deepEqual(revision.productId, product.productId);
  assert.ok(revision.productRevisionId);
  const back = await h.wats.product.get("PCB/1");
  assert.equal(back?.name, "Controller");
  assert.deepEqual(back?.revisions?.map((r) => r.revision), ["A"]);
  assert.equal((await h.wats.product.revision("PCB/1", "a"))?.name, "first", "without case");
  assert.equal(await h.wats.product.revision("PCB/1", "Z"), null);
  const saved = await h.wats.product.saveRevisions([
    { partNumber: "PCB/1", revision: "B" },
    { partNumber: "PCB/1", revision: "A", description: "edited" },
  ]);
  assert.deepEqual(saved.map((r) => r.revision), ["B", "A"]);
  assert.equal((await h.wats.product.revision("PCB/1", "A"))?.description, "edited");
});

Deno.test("blank part numbers are refused before sending; a revision of no product is a 404", async () => {
  await using h = await startEmulator();
  await assert.rejects(() => h.wats.product.save({ partNumber: " " }), TypeError);
  await assert.rejects(() => h.wats.product.get(""), TypeError);
  await assert.rejects(() => h.wats.product.saveMany([{ partNumber: "" }]), TypeError);
  await assert.rejects(
    () => h.wats.product.saveRevision({ partNumber: "PCB-1", revision: " " }),
    TypeError,
  );
  assert.equal((await h.stats()).totalRequests, 0);
  await assert.rejects(
    () => h.wats.product.saveRevision({ partNumber: "NOPE", revision: "A" }),
    NotFoundError,
  );
  const stats = await h.stats();
  assert.equal(stats.requests["PUT /api/Product/Revision"], undefined, "nothing was saved");
  assert.equal(await h.client({ mode: "lenient" }).product.get("NOPE"), null);
});

Deno.test("the list is narrowed by state and text; many products save at once", async () => {
  await using h = await startEmulator();
  const saved = await h.wats.product.saveMany([
    { partNumber: "PCB-1", name: "Controller" },
    { partNumber: "PCB-2", name: "Power", state: 0 },
    { partNumber: "BOX-1", name: "Controller box" },
  ]);
  assert.equal(saved.length, 3);
  assert.equal((await h.wats.product.list()).length, 3);
  assert.deepEqual(
    (await h.wats.product.list({ activeOnly: true })).map((p) => p.partNumber).sort(),
    ["BOX-1", "PCB-1"],
  );
  assert.deepEqual(
    (await h.wats.product.list({ search: "CONTROLLER" })).map((p) => p.partNumber).sort(),
    ["BOX-1", "PCB-1"],
  );
  assert.deepEqual((await h.wats.product.list({ search: "pcb-2" })).map((p) => p.name), ["Power"]);
  assert.deepEqual(await h.wats.product.saveMany([]), []);
});

Deno.test("tags of products and revisions are set, changed and deleted; others are kept", async () => {
  await using h = await startEmulator();
  await seed(h, "PCB-1", "A");
  await h.wats.product.setTag("PCB-1", "Owner", "QA");
  await h.wats.product.setTag("PCB-1", "Line", "3");
  await h.wats.product.setTag("PCB-1", "owner", "Test");
  let tags = await h.wats.product.tags("PCB-1");
  assert.deepEqual(tags.map((t) => [t.key, t.value]).sort(), [["Line", "3"], ["Owner", "Test"]]);
  await h.wats.product.setTag("PCB-1", "LINE", null);
  tags = await h.wats.product.tags("PCB-1");
  assert.deepEqual(tags.map((t) => t.key), ["Owner"]);
  await h.wats.product.setTag("PCB-1", "Fixture", "FX-7", "a");
  assert.deepEqual((await h.wats.product.tags("PCB-1", "A")).map((t) => t.value), ["FX-7"]);
  assert.deepEqual((await h.wats.product.tags("PCB-1")).map((t) => t.key), ["Owner"]);
  assert.equal((await h.wats.product.get("PCB-1"))?.revisions?.length, 1, "revisions kept");
  await assert.rejects(() => h.wats.product.setTag("PCB-1", "x", "y", "Z"), NotFoundError);
  await assert.rejects(() => h.wats.product.setTag("PCB-1", " ", "y"), TypeError);
});

Deno.test("groups are created and listed; a product's groups are found", async () => {
  await using h = await startEmulator();
  const group = await h.wats.product.createGroup("Controllers");
  assert.equal(group.productGroupName, "Controllers");
  assert.deepEqual(
    (await h.wats.product.createGroup("controllers")).productGroupId,
    group.productGroupId,
  );
  await h.wats.request({
    method: "PUT",
    path: "/api/Product/Group",
    json: { productGroupName: "Boxes", partNumbers: ["BOX-1"] },
    operation: "test.group",
  });
  assert.deepEqual((await h.wats.product.groups()).map((g) => g.productGroupName).sort(), [
    "Boxes",
    "Controllers",
  ]);
  assert.deepEqual((await h.wats.product.groupsFor("box-1")).map((g) => g.productGroupName), [
    "Boxes",
  ]);
  assert.deepEqual(await h.wats.product.groupsFor("PCB-1"), []);
  await assert.rejects(() => h.wats.product.createGroup(""), TypeError);
});

Deno.test("categories are saved as a list and read back", async () => {
  await using h = await startEmulator();
  assert.deepEqual(await h.wats.product.categories(), []);
  const saved = await h.wats.product.saveCategories([{ Name: "Boards" }, { Name: "Boxes" }]);
  assert.ok(saved.every((c) => c.ProductCategoryId));
  assert.deepEqual((await h.wats.product.categories()).map((c) => c.Name).sort(), [
    "Boards",
    "Boxes",
  ]);
  await h.wats.product.saveCategories([saved[0]]);
  assert.deepEqual((await h.wats.product.categories()).map((c) => c.ProductCategoryId), [
    saved[0].ProductCategoryId,
  ]);
});

Deno.test("vendors are saved, listed and deleted", async () => {
  await using h = await startEmulator();
  const vendor = await h.wats.product.saveVendor({ name: "Acme", country: "NO" });
  assert.ok(vendor.vendorId);
  assert.deepEqual((await h.wats.product.vendors()).map((v) => [v.name, v.country]), [[
    "Acme",
    "NO",
  ]]);
  assert.equal(await h.wats.product.deleteVendor(vendor.vendorId), true);
  assert.deepEqual(await h.wats.product.vendors(), []);
  await assert.rejects(() => h.wats.product.deleteVendor(vendor.vendorId!), NotFoundError);
  await assert.rejects(() => h.wats.product.saveVendor({ name: "" }), TypeError);
});

Deno.test("a BOM uploads as WSBF or JSON and reads back through the internal route", async () => {
  await using h = await startEmulator();
  await seed(h, "PCB-1", "A");
  const items = [
    {
      partNumber: "RES-10K",
      quantity: 2,
      componentRef: "R1;R2",
      description: `10k "0603" & <1%>`,
    },
    { partNumber: "CON-4", revision: "B", manufacturerPn: "MPN-77" },
  ];
  assert.ok(await h.wats.product.uploadBom({ partNumber: "PCB-1", revision: "A", items }));
  const bom = await h.wats.product.bom({ partNumber: "PCB-1", revision: "a" });
  assert.deepEqual(bom.map((i) => [i.partNumber, i.revision, i.quantity, i.componentRef]), [
    ["RES-10K", null, 2, "R1;R2"],
    ["CON-4", "B", 1, null],
  ]);
  assert.equal(bom[0].description, `10k "0603" & <1%>`);
  const revisionId = (await h.wats.product.revision("PCB-1", "A"))?.productRevisionId;
  assert.ok(bom.every((i) => i.productRevisionId === revisionId));
  assert.ok(
    await h.wats.product.uploadBom(
      { partNumber: "PCB-1", revision: "A", items: [{ partNumber: "IC-1", vendor: "Acme" }] },
      { format: "json" },
    ),
  );
  const replaced = await h.wats.product.bom({ partNumber: "PCB-1", revision: "A" });
  assert.deepEqual(replaced.map((i) => [i.partNumber, i.vendor, i.quantity]), [[
    "IC-1",
    "Acme",
    1,
  ]]);
  await assert.rejects(
    () => h.wats.product.uploadBom({ partNumber: "PCB-1", revision: "Z", items }),
    NotFoundError,
  );
  await assert.rejects(() => h.wats.product.bom({ partNumber: "PCB-1", revision: "" }), TypeError);
});

Deno.test("WSBF: namespace, attributes escaped, Rev only from a revision, bad items refused", () => {
  const xml = toWsbf({
    partNumber: "PCB-1",
    revision: "A",
    description: "Main <board>",
    items: [
      { partNumber: "R'1", componentRef: "R1", manufacturerPn: "MPN-1" },
      { partNumber: "U1", revision: "C", quantity: 3 },
    ],
  });
  assert.ok(xml.includes(`<BOM xmlns="http://wats.virinco.com/schemas/WATS/wsbf"`));
  assert.ok(xml.includes(`Partnumber="PCB-1" Revision="A" Desc="Main &lt;board&gt;"`));
  assert.ok(xml.includes(`<Component Number="R&apos;1" Qty="1" Ref="R1"/>`), xml);
  assert.ok(!xml.includes("MPN-1"), "the manufacturer part number is not a revision");
  assert.ok(xml.includes(`<Component Number="U1" Rev="C" Qty="3"/>`));
  const bad = [
    { partNumber: "", revision: "A", items: [] },
    { partNumber: "P", revision: " ", items: [] },
    { partNumber: "P", revision: "A", items: [{ partNumber: "" }] },
    { partNumber: "P", revision: "A", items: [{ partNumber: "X", quantity: 0 }] },
  ];
  for (const bom of bad) {
    let error: unknown;
    try {
      toWsbf(bom);
    } catch (e) {
      error = e;
    }
    assert.ok(error instanceof TypeError, JSON.stringify(bom));
  }
});

Deno.test("box-build templates: children added, nested, updated and removed", async () => {
  await using h = await startEmulator();
  await seed(h, "BOX-1", "1");
  await seed(h, "PCB-1", "A");
  await seed(h, "CHIP-1", "X");
  const box = { partNumber: "BOX-1", revision: "1" };
  const pcb = { partNumber: "PCB-1", revision: "A" };
  const relation = await h.wats.product.addSubunit(box, pcb, {
    quantity: 2,
    revisionMask: "A%",
    itemNumber: "10",
  });
  assert.equal(relation.Quantity, 2);
  await h.wats.product.addSubunit(pcb, { partNumber: "CHIP-1", revision: "X" });
  const template = await h.wats.product.boxBuild(box);
  assert.deepEqual(
    template.productRevisionId,
    (await h.wats.product.revision("BOX-1", "1"))?.productRevisionId,
  );
  assert.deepEqual(template.children.map((c) => [c.PartNumber, c.Revision, c.Quantity]), [
    ["PCB-1", "A", 2],
  ]);
  assert.deepEqual(template.descendants.map((d) => [d.hlevel, d.PartNumber]), [
    [1, "PCB-1"],
    [2, "CHIP-1"],
  ]);
  const updated = await h.wats.product.updateSubunit({ ...relation, Quantity: 3 });
  assert.equal(updated.Quantity, 3);
  assert.equal((await h.wats.product.boxBuild(box)).children[0].Quantity, 3);
  assert.ok(await h.wats.product.removeSubunit(relation.ProductRevisionRelationId!));
  assert.deepEqual((await h.wats.product.boxBuild(box)).children, []);
  await assert.rejects(
    () => h.wats.product.addSubunit(box, { partNumber: "PCB-1", revision: "Z" }),
    NotFoundError,
  );
  await assert.rejects(() => h.wats.product.addSubunit(box, pcb, { quantity: 0 }), RangeError);
  await assert.rejects(() => h.wats.product.updateSubunit({ Quantity: 1 }), TypeError);
  await assert.rejects(
    () => h.wats.product.removeSubunit(relation.ProductRevisionRelationId!),
    NotFoundError,
  );
});

Deno.test("a new product is sent with the documented defaults; an update sends only what it gives", async () => {
  await using h = await startEmulator();
  const { wats, sent } = recordingClient(h);
  const created = await wats.product.save({ partNumber: "PCB-D", name: "Board" });
  await wats.product.save({ partNumber: "PCB-E", name: "Kit", nonSerial: true, state: 0 });
  await wats.product.save({ productId: created.productId, partNumber: "PCB-D", name: "Renamed" });
  assert.deepEqual(sent.map((r) => r.body), [
    { partNumber: "PCB-D", name: "Board", nonSerial: false, state: 1 },
    { partNumber: "PCB-E", name: "Kit", nonSerial: true, state: 0 },
    { productId: created.productId, partNumber: "PCB-D", name: "Renamed" },
  ]);
});

Deno.test("product and revision tags are read and edited on their own (internal routes)", async () => {
  await using h = await startEmulator();
  await h.wats.product.save({ partNumber: "PCB-T", name: "Tagged" });
  await h.wats.product.saveRevision({ partNumber: "PCB-T", revision: "B" });
  assert.deepEqual(await h.wats.product.readTags({ partNumber: "PCB-T" }), []);
  const saved = await h.wats.product.writeTags({ partNumber: "PCB-T" }, [
    { key: "Family", value: "Power", change: 1 },
    { key: "Owner", value: "QA", change: 1 },
  ]);
  assert.deepEqual(saved.map((t) => [t.key, t.value]), [["Family", "Power"], ["Owner", "QA"]]);
  await h.wats.product.writeTags({ partNumber: "PCB-T" }, [{
    key: "Owner",
    value: null,
    change: 3,
  }]);
  assert.deepEqual((await h.wats.product.get("PCB-T"))?.tags?.map((t) => t.key), ["Family"]);
  await h.wats.product.writeTags({ partNumber: "PCB-T", revision: "B" }, [
    { key: "Rohs", value: "yes", change: 1 },
  ]);
  assert.deepEqual(
    (await h.wats.product.readTags({ partNumber: "PCB-T", revision: "b" })).map((t) => t.value),
    ["yes"],
  );
  assert.deepEqual((await h.wats.product.readTags({ partNumber: "PCB-T" })).map((t) => t.key), [
    "Family",
  ]);
  await assert.rejects(
    () => h.wats.product.writeTags({ partNumber: "PCB-T" }, [{ key: "", value: "x", change: 1 }]),
    ValidationError,
  );
  await assert.rejects(
    () => h.wats.product.readTags({ partNumber: "PCB-T", revision: "Z" }),
    NotFoundError,
  );
});
