import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadConfig } from "../../client/config/config.ts";
import {
  checkPermissions,
  describeMissing,
  flagFor,
  servicePermissions,
} from "../../client/permissions.ts";
import { REPO_ROOT } from "../_processes.ts";
import { writePluginFiles } from "./_service_kit.ts";

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

Deno.test("plug-ins need read on their folders, the worker's code, and write on the temp folder", async () => {
  const plugins = ["/opt/wats/plugins/acme_ict.ts", "/opt/wats/plugins/acme_fct.ts", "/srv/x.js"];
  const withPlugins = await loadConfig({
    env: {},
    hostname: "station-7",
    flags: {
      server: { url: "https://acme.wats.com" },
      dataDir: "/var/lib/wats",
      converters: { plugins },
    },
  });
  const needs = servicePermissions(withPlugins, { tempDir: "/var/tmp/wats" });
  const flags = needs.map(flagFor);
  const workerCode = fileURLToPath(new URL("../../converters", import.meta.url));
  for (
    const flag of [
      "--allow-read=/opt/wats/plugins",
      "--allow-read=/srv",
      `--allow-read=${workerCode}`,
      "--allow-write=/var/tmp/wats",
    ]
  ) assert.ok(flags.includes(flag), `${flag} missing from ${flags.join(" ")}`);
  const why = needs.find((need) => flagFor(need) === "--allow-read=/srv")?.why;
  assert.equal(why, "converters.plugins[2]: the plug-in's folder, read by its worker");

  const withoutPlugins = servicePermissions(await config(), { tempDir: "/var/tmp/wats" });
  assert.ok(!withoutPlugins.some((need) => need.why.startsWith("converters.plugins")));
});

Deno.test("the flags named for a plug-in are missing first, then enough to load and run it", async () => {
  const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "wats-plugin-perms-" }));
  try {
    const plugins = await writePluginFiles(root, ["works"]);
    const tmp = join(root, "tmp");
    await Deno.mkdir(tmp);
    const input = join(root, "in.txt");
    await Deno.writeTextFile(input, "unit-1\nunit-2\n");
    const file = join(root, "config.json");
    await Deno.writeTextFile(
      file,
      JSON.stringify({
        server: { url: "https://acme.wats.com" },
        dataDir: "data",
        converters: { plugins: ["plugins/works.js"] },
      }),
    );
    const script = join(root, "script.ts");
    const client = (name: string) => new URL(`../../client/${name}`, import.meta.url).href;
    await Deno.writeTextFile(
      script,
      `import { loadConfig } from "${client("config/config.ts")}";
import { checkPermissions, describeMissing, servicePermissions } from "${client("permissions.ts")}";
import { configuredConversion } from "${client("intake/_convert.ts")}";
const config = await loadConfig({ file: ${JSON.stringify(file)}, env: {}, hostname: "s7" });
const needs = servicePermissions(config).filter((need) => need.why.startsWith("converters."));
const problem = describeMissing(await checkPermissions(needs));
if (problem) {
  console.log(problem);
  Deno.exit(14);
}
const result = await (await configuredConversion(config)).convert({
  path: ${JSON.stringify(input)}, size: ${"unit-1\nunit-2\n".length}, converter: "plug", args: {},
  station: { name: "S7", location: "", purpose: "" }, signal: new AbortController().signal,
  now: Date.now,
});
console.log(JSON.stringify(result.ok ? result.reports.map((report) => report.sn) : result));
`,
    );
    const run = async (flags: string[]) => {
      const output = await new Deno.Command(Deno.execPath(), {
        args: ["run", "--quiet", "--config", join(REPO_ROOT, "deno.json"), ...flags, script],
        env: { TMPDIR: tmp, NO_COLOR: "1" },
        stdout: "piped",
        stderr: "piped",
      }).output();
      const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
      return { code: output.code, out: decode(output.stdout), err: decode(output.stderr) };
    };
    const base = [`--allow-read=${file},${input}`, "--allow-env=TMPDIR"];
    const refused = await run(base);
    assert.equal(refused.code, 14, refused.out + refused.err);
    const named = [...refused.out.matchAll(/^ {2}(--allow-(?:read|write)=\S+)/gm)].map((m) => m[1]);
    assert.deepEqual(
      named.sort(),
      [
        `--allow-read=${plugins}`,
        `--allow-read=${fileURLToPath(new URL("../../converters", import.meta.url))}`,
        `--allow-write=${tmp}`,
      ].sort(),
    );
    const granted = await run([...base, ...named]);
    assert.equal(granted.code, 0, granted.out + granted.err);
    assert.equal(granted.out.trim(), JSON.stringify(["S-unit-1", "S-unit-2"]));
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("the event brokers' hosts and secret files are in the start-time check", async () => {
  const withBrokers = await loadConfig({
    env: {},
    hostname: "station-7",
    flags: {
      server: { url: "https://acme.wats.com" },
      dataDir: "/var/lib/wats",
      events: {
        mqtt: { url: "mqtt://uns.acme.local", passwordFile: "/etc/wats/mqtt.password" },
        cfx: { url: "amqps://cfx.acme.local/exchange/cfx", tls: { caFile: "/etc/wats/ca.pem" } },
      },
    },
  });
  const flags = servicePermissions(withBrokers).map(flagFor);
  for (
    const flag of [
      "--allow-net=uns.acme.local:1883",
      "--allow-net=cfx.acme.local:5671",
      "--allow-read=/etc/wats/mqtt.password",
      "--allow-read=/etc/wats/ca.pem",
    ]
  ) assert.ok(flags.includes(flag), `${flag} missing from ${flags.join(" ")}`);
  // The tests run without net on these hosts: the check names them.
  const missing = (await checkPermissions(servicePermissions(withBrokers))).map((m) => m.flag);
  assert.ok(missing.includes("--allow-net=uns.acme.local:1883"), missing.join(" "));
  assert.ok(missing.includes("--allow-net=cfx.acme.local:5671"), missing.join(" "));
});
