import assert from "node:assert/strict";
import { VERSION } from "../../api/version.ts";

Deno.test("VERSION equals the version in deno.json", async () => {
  const config = JSON.parse(await Deno.readTextFile(new URL("../../deno.json", import.meta.url)));
  assert.deepEqual(VERSION, config.version);
});
