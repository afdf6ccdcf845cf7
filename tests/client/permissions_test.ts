import assert from "node:assert/strict";
import { loadConfig } from "../../client/config.ts";
import {
  checkPermissions,
  describeMissing,
  flagFor,
  servicePermissions,
} from "../../client/permissions.ts";

async function config() {
  return await loadConfig({
    env: {},
    hostname: "station-7",
    flags: {
      server: { url: "https://acme.wats.com" },
      dataDir: "/var/lib/wats",
      watch: [{ path: "/data/drop", errorDir: "/data/errors" }],
      status: { port: 8181 },
    },
  });
}

Deno.test("every configured path and host becomes a permission with its exact flag", async () => {
  const needs = servicePermissions(await config(), { configFile: "/etc/wats/config.json" });
  const flags = needs.map(flagFor);
  for (
    const flag of [
      "--allow-read=/var/lib/wats",
      "--allow-write=/var/lib/wats",
      "--allow-read=/data/drop",
      "--allow-write=/data/drop",
      "--allow-write=/data/errors",
      "--allow-read=/etc/wats/config.json",
      "--allow-net=acme.wats.com:443",
      "--allow-net=127.0.0.1:8181",
    ]
  ) assert.ok(flags.includes(flag), `${flag} missing from ${flags.join(" ")}`);
  assert.ok(needs.some((need) => need.name === "sys" && need.optional));
});

Deno.test("a missing permission is named with its flag; optional ones do not stop the service", async () => {
  // These tests run with --allow-net=127.0.0.1,localhost and without --allow-sys.
  const missing = await checkPermissions(servicePermissions(await config()));
  const flags = missing.map((entry) => entry.flag);
  assert.ok(flags.includes("--allow-net=acme.wats.com:443"), flags.join(" "));
  assert.ok(!flags.includes("--allow-net=127.0.0.1:8181"));
  assert.ok(!flags.some((flag) => flag.startsWith("--allow-read")));
  const message = describeMissing(missing);
  assert.match(
    message ?? "",
    /run again with:\n {2}--allow-net=acme\.wats\.com:443 {2}\(the WATS server\)/,
  );
  assert.equal(describeMissing(missing.filter((entry) => entry.optional)), null);
});
