/** The usage examples of `util/platform.ts`, an internal module, run as tests. */
import assert from "node:assert/strict";
import { platformFor } from "../../util/platform.ts";

Deno.test("util/platform.ts: Compare two spellings of a Windows folder", () => {
  const windows = platformFor("windows");
  assert.equal(windows.isSamePath("C:/Drop/", "c:\\DROP"), true);
  assert.equal(windows.isNetworkPath("\\\\server\\share\\drop"), true);
  assert.equal(platformFor("linux").isSamePath("/drop", "/Drop"), false);
});
