import assert from "node:assert/strict";
import { hashHex, hashStreamHex } from "../../util/hash.ts";

const encoder = new TextEncoder();
// Digests of "abc" from FIPS 180-2 and RFC 3174.
const ABC_SHA256 = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
const ABC_SHA1 = "a9993e364706816aba3e25717850c26c9cd0d89d";

Deno.test("hashHex gives the same digest for text and its UTF-8 bytes", () => {
  assert.equal(hashHex("abc"), ABC_SHA256);
  assert.equal(hashHex(encoder.encode("abc")), ABC_SHA256);
  assert.equal(hashHex(encoder.encode("abc"), "sha1"), ABC_SHA1);
});

Deno.test("hashStreamHex gives the digest of the bytes however they are split", async () => {
  const stream = ReadableStream.from([encoder.encode("a"), encoder.encode("bc")]);
  assert.equal(await hashStreamHex(stream), ABC_SHA256);
  assert.equal(await hashStreamHex(ReadableStream.from([encoder.encode("abc")]), "sha1"), ABC_SHA1);
});
