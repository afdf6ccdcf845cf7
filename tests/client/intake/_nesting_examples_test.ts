/** The usage examples of `client/intake/_nesting.ts`, an internal module, run as tests. */
import assert from "node:assert/strict";
import { isNestedDeeperThan } from "../../../client/intake/_nesting.ts";

Deno.test("client/intake/_nesting.ts: Count the depth", () => {
  const encoder = new TextEncoder();
  assert.equal(isNestedDeeperThan(encoder.encode('{"a":[["[[["]]]}'), 3), false);
  assert.equal(isNestedDeeperThan(encoder.encode("[".repeat(4)), 3), true);
});
