import assert from "node:assert/strict";
import { dimensions } from "../../../api/models/dimensions.ts";

Deno.test("dimensions builds the ;-list with sort orders and refuses unknown names", () => {
  assert.equal(
    dimensions(["unitCount", "desc"], "partNumber", "period"),
    "unitCount desc;partNumber;period",
  );
  assert.throws(() => dimensions("partNumbr" as "partNumber"), RangeError);
  assert.throws(() => dimensions(["fpy", "down" as "desc"]), RangeError);
  assert.throws(() => dimensions(), RangeError);
});
