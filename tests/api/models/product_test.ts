import assert from "node:assert/strict";
import { AssetSchema } from "../../../api/models/asset.ts";
import { ProductSchema } from "../../../api/models/product.ts";

Deno.test("products and assets keep unknown keys and check the types they know", () => {
  const product = ProductSchema.parse({ partNumber: "P", revisions: [{ revision: "A", x: 1 }] });
  assert.equal(product.revisions?.[0].x, 1);
  assert.ok(!ProductSchema.safeParse({ partNumber: "P", revisions: [{}] }).success);
  const asset = AssetSchema.parse({
    serialNumber: "FX",
    ClientId: 3,
    assetChildren: [{ serialNumber: "C" }],
  });
  assert.equal(asset.assetChildren?.[0].serialNumber, "C");
  assert.ok(!AssetSchema.safeParse({ serialNumber: "FX", runningCount: "12" }).success);
});
