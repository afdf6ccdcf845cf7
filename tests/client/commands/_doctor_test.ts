import assert from "node:assert/strict";
import { join } from "node:path";
import { runChecks } from "../../../client/commands/_doctor.ts";
import { loadConfig } from "../../../client/config/config.ts";
import { InstanceLock } from "../../../client/lock.ts";
import { writePluginFiles } from "../_service_kit.ts";

async function checksFor(
  root: string,
  plugins: string[],
  watch: { path: string; converter?: string }[],
) {
  // The drop folders exist: a missing one is a failure of its own.
  for (const entry of watch) await Deno.mkdir(join(root, entry.path), { recursive: true });
  const file = join(root, "config.json");
  await Deno.writeTextFile(
    file,
    JSON.stringify({
      // Nothing listens on port 9: the server check fails at once, the rest is what counts here.
      server: { url: "http://127.0.0.1:9" },
      dataDir: "data",
      watch,
      converters: { plugins },
    }),
  );
  const config = await loadConfig({ file, env: { WATS_TOKEN: "dG9rZW4=" }, hostname: "s7" });
  return await runChecks(config, file, () => Date.now());
}

Deno.test("wats doctor lists the built-in and plug-in converters, and each plug-in that fails", async () => {
  const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "wats-doctor-" }));
  try {
    const plugins = await writePluginFiles(root, ["works", "syntax_error"]);
    const checks = await checksFor(root, ["plugins/works.js", "plugins/syntax_error.js"], [
      { path: "drop", converter: "plug" },
    ]);
    const converters = checks.find((check) => check.name === "converters");
    assert.equal(converters?.result, "pass");
    assert.match(converters?.detail ?? "", /^built-in: wsjf, wsxf, wstf, csv, /);
    const loaded = checks.filter((check) => check.name === "plug-in");
    assert.deepEqual(loaded.map((check) => check.result), ["pass", "fail"]);
    assert.equal(loaded[0].detail, `plug 0.1.0 (${join(plugins, "works.js")})`);
    assert.match(
      loaded[1].detail,
      new RegExp(
        `^converters\\.plugins\\[1\\]: cannot load plug-in ${
          join(plugins, "syntax_error.js").replaceAll("/", "\\/")
        }: SyntaxError: `,
      ),
    );
    // The watch entry names a loaded plug-in: no complaint about its id.
    assert.ok(!checks.some((check) => check.name === "watch" && check.result === "fail"));
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("wats doctor fails a watch entry whose converter is unknown, listing the known ids", async () => {
  const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "wats-doctor-" }));
  try {
    await writePluginFiles(root, ["works"]);
    const checks = await checksFor(root, ["plugins/works.js"], [
      { path: "drop", converter: "plug" },
      { path: "typo", converter: "plgu" },
    ]);
    const failed = checks.filter((check) => check.name === "watch" && check.result === "fail");
    assert.equal(failed.length, 1, JSON.stringify(checks));
    assert.match(
      failed[0].detail,
      /^watch\[1\]\.converter: .*typo: unknown converter "plgu"; known: auto, wsjf, .*, plug$/,
    );
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("wats doctor names the process that holds the data folder's lock", async () => {
  const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "wats-doctor-" }));
  try {
    const lock = await InstanceLock.acquire(join(root, "data"), { version: "1.2.3" });
    try {
      const checks = await checksFor(root, [], []);
      const service = checks.find((check) => check.name === "service");
      assert.deepEqual(service, {
        name: "service",
        result: "pass",
        detail: `running (process ${Deno.pid})`,
      });
    } finally {
      lock.release();
    }
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("wats doctor fails a missing drop folder unless create is set, and makes none", async () => {
  const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "wats-doctor-" }));
  try {
    const file = join(root, "config.json");
    await Deno.writeTextFile(
      file,
      JSON.stringify({
        server: { url: "http://127.0.0.1:9" },
        dataDir: "data",
        watch: [{ path: "missing" }, { path: "made-later", create: true }],
      }),
    );
    const config = await loadConfig({ file, env: { WATS_TOKEN: "dG9rZW4=" }, hostname: "s7" });
    const checks = await runChecks(config, file, () => Date.now());
    const watch = checks.filter((check) => check.name === "watch");
    assert.deepEqual(watch.map((check) => check.result), ["fail", "pass"]);
    assert.equal(
      watch[0].detail,
      `watch[0].path: ${join(root, "missing")}: the drop folder does not exist`,
    );
    assert.match(watch[1].detail, /made at start \(create: true\)/);
    assert.equal(await Deno.stat(join(root, "missing")).catch(() => null), null);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("wats doctor fails a drop folder that is the data folder, naming both", async () => {
  const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "wats-doctor-" }));
  try {
    const checks = await checksFor(root, [], [{ path: "data" }]);
    const failed = checks.filter((check) => check.name === "watch" && check.result === "fail");
    assert.equal(failed.length, 1, JSON.stringify(checks));
    assert.match(
      failed[0].detail,
      /watch\[0\]\.path .*\/data is the data folder \(dataDir .*\/data\)/,
    );
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
