/** The usage examples of `client/config/instance.ts`, an internal module, run as tests. */
import assert from "node:assert/strict";
import {
  instanceDataDir,
  instanceStatusPort,
  isInstanceName,
} from "../../../client/config/instance.ts";

Deno.test("client/config/instance.ts: Check names", () => {
  assert.equal(isInstanceName("line-2"), true);
  assert.equal(isInstanceName("../etc"), false);
});

Deno.test("client/config/instance.ts: Ports of two instances", () => {
  assert.equal(instanceStatusPort("default"), 8181);
  assert.notEqual(instanceStatusPort("line1"), instanceStatusPort("line2"));
});

Deno.test("client/config/instance.ts: The system folder of an instance on Linux", () => {
  const dir = instanceDataDir("line2", { os: "linux", isUser: false, env: () => undefined });
  assert.equal(dir, "/var/lib/wats/instances/line2");
});
