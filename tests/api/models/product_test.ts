import { assert, assertEquals } from "../../_assert.ts";
import { AssetSchema } from "../../../api/models/asset.ts";
import { ProductSchema } from "../../../api/models/product.ts";

Deno.test("products and assets keep unknown keys and check the types they know", () => {
  const product = ProductSchema.parse({ partNumber: "P", revisions: [{ revision: "A", x: 1 }] });
  assertEquals(product.revisions?.[0].x, 1);
  assert(!ProductSchema.safeParse({ partNumber: "P", revisions: [{}] }).success);
  const asset = AssetSchema.parse({
    serialNumber: "FX",
    ClientId: 3,
    assetChildren: [{ serialNumber: "C" }],
  });
  assertEquals(asset.assetChildren?.[0].serialNumber, "C");
  assert(!AssetSchema.safeParse({ serialNumber: "FX", runningCount: "12" }).success);
});
