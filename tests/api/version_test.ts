import { assertEquals } from "../_assert.ts";
import { VERSION } from "../../api/version.ts";

Deno.test("VERSION equals the version in deno.json", async () => {
  const config = JSON.parse(await Deno.readTextFile(new URL("../../deno.json", import.meta.url)));
  assertEquals(VERSION, config.version);
});
