import assertNode from "node:assert/strict";
import { assertEquals } from "../../_assert.ts";
import { dimensions } from "../../../api/models/dimensions.ts";

Deno.test("dimensions builds the ;-list with sort orders and refuses unknown names", () => {
  assertEquals(
    dimensions(["unitCount", "desc"], "partNumber", "period"),
    "unitCount desc;partNumber;period",
  );
  assertNode.throws(() => dimensions("partNumbr" as "partNumber"), RangeError);
  assertNode.throws(() => dimensions(["fpy", "down" as "desc"]), RangeError);
  assertNode.throws(() => dimensions(), RangeError);
});
