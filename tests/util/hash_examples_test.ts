/** The usage examples of `util/hash.ts`, an internal module, run as tests. */
import assert from "node:assert/strict";
import { hashHex, hashStreamHex } from "../../util/hash.ts";

Deno.test("util/hash.ts: A digest of text and of the same bytes streamed", async () => {
  const abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
  assert.equal(hashHex("abc"), abc);
  assert.equal(await hashStreamHex(ReadableStream.from([new TextEncoder().encode("abc")])), abc);
});
