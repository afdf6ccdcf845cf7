/** The usage examples of `util/hex.ts`, an internal module, run as tests. */
import assert from "node:assert/strict";
import { toHex } from "../../util/hex.ts";

Deno.test("util/hex.ts: Two bytes", () => {
  assert.equal(toHex(new Uint8Array([0x0f, 0xa0])), "0fa0");
});
