/** The usage examples of `client/intake/_encoding.ts`, an internal module, run as tests. */
import assert from "node:assert/strict";
import { encodingProblem } from "../../../client/intake/_encoding.ts";

Deno.test("client/intake/_encoding.ts: A JSON file written in Latin-1", () => {
  const bytes = new Uint8Array([0x7b, 0x22, 0x4d, 0xfc, 0x22, 0x7d]); // {"Mü"} in Latin-1
  assert.equal(
    encodingProblem("run.json", bytes),
    "read as Latin-1: not valid UTF-8 (byte 0xFC at offset 3)",
  );
});
