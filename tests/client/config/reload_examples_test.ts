/** The usage examples of `client/config/reload.ts`, an internal module, run as tests. */
import assert from "node:assert/strict";
import { loadConfig } from "../../../client/config/config.ts";
import { configChanges } from "../../../client/config/reload.ts";

Deno.test("client/config/reload.ts: A new token needs a new HTTP client", async () => {
  const flags = { server: { url: "https://acme.wats.com" }, dataDir: "/tmp/wats" };
  const before = await loadConfig({ env: { WATS_TOKEN: "one" }, flags });
  const after = await loadConfig({ env: { WATS_TOKEN: "two" }, flags });
  assert.equal(configChanges(before, after).isClientChanged, true);
});
