/** The usage examples of `client/archive/archive.ts`, an internal module, run as tests. */
import assert from "node:assert/strict";
import { argumentsHash } from "../../../client/archive/archive.ts";

Deno.test("client/archive/archive.ts: Key order does not matter", () => {
  assert.equal(argumentsHash({ a: 1, b: [2] }), argumentsHash({ b: [2], a: 1 }));
});
