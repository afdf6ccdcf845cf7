import assert from "node:assert/strict";
import { join } from "node:path";
import { serveEmulator } from "../../emulator/mod.ts";
import { loadConfig } from "../../client/config/config.ts";
import { ConfigError } from "../../client/errors.ts";
import { isLocked } from "../../client/lock.ts";
import { StationService } from "../../client/service.ts";
import { dropFile, namesIn, serviceFolders, waitFor, writePluginFiles } from "./_service_kit.ts";

/** A configuration file in `root` naming plug-ins and drop folders by relative paths. */
async function configFile(
  root: string,
  server: { url: string; token: string },
  values: { plugins: string[]; watch: object[] },
): Promise<string> {
  const file = join(root, "config.json");
  await Deno.writeTextFile(
    file,
    JSON.stringify({
      server: { url: server.url },
      dataDir: "data",
      watch: values.watch,
      status: { port: 0 },
      retry: { baseDelayMs: 50, maxDelayMs: 500 },
      converters: { plugins: values.plugins, timeoutMs: 20_000 },
    }),
  );
  return file;
}

async function load(file: string, token: string) {
  return await loadConfig({ file, env: { WATS_TOKEN: token }, hostname: "plugin-station" });
}

async function refusal(promise: Promise<unknown>): Promise<ConfigError> {
  const error = await promise.then(() => null, (caught) => caught);
  assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${error}`);
  return error;
}

Deno.test("a plug-in named in the configuration converts dropped files, by id and by auto", async () => {
  await using emulator = await serveEmulator({ inspect: true });
  const { root } = await serviceFolders();
  await writePluginFiles(root, ["works"]);
  const file = await configFile(root, emulator, {
    plugins: ["plugins/works.js"],
    watch: [
      { path: "by-id", converter: "plug", stableMs: 50 },
      { path: "by-auto", stableMs: 50 },
    ],
  });
  // The service refuses drop folders that do not exist.
  for (const folder of ["by-id", "by-auto"]) await Deno.mkdir(join(root, folder));
  const config = await load(file, emulator.token);
  const service = await StationService.start({ config, configFile: file });
  try {
    await dropFile(join(root, "by-id"), "run.txt", "unit-1\nunit-2\n");
    await dropFile(join(root, "by-auto"), "run.plug", "unit-3\n");
    await waitFor("3 reports accepted", async () => {
      const status = await service.status();
      return status.queue.done === 3 ? status : undefined;
    });
    assert.deepEqual(await namesIn(join(root, "by-id", "Done")), ["run.txt"]);
    assert.deepEqual(await namesIn(join(root, "by-auto", "Done")), ["run.plug"]);
    const headers = { Authorization: `Basic ${emulator.token}` };
    const stats = await (await fetch(`${emulator.url}/_emulator/stats`, { headers })).json();
    const stored = [];
    for (const id of Object.keys(stats.reports)) {
      const res = await fetch(`${emulator.url}/api/Report/Wsjf/${id}`, { headers });
      assert.equal(res.status, 200);
      stored.push(await res.json());
    }
    assert.deepEqual(stored.map((report) => report.sn).sort(), [
      "S-unit-1",
      "S-unit-2",
      "S-unit-3",
    ]);
    for (const report of stored) {
      assert.equal(report.pn, "PLUG-1");
      assert.equal(report.machineName, "PLUGIN-STATION");
    }
    const status = await (await fetch(`${service.statusUrl}/status`)).json();
    const plug = status.converters.find((converter: { id: string }) => converter.id === "plug");
    assert.deepEqual(plug, {
      id: "plug",
      version: "0.1.0",
      patterns: ["*.plug"],
      plugin: true,
      succeeded: 2,
      failed: 0,
    });
    const wsjf = status.converters.find((converter: { id: string }) => converter.id === "wsjf");
    assert.equal(wsjf.plugin, false);
  } finally {
    await service.stop();
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("a plug-in that cannot load stops the start, naming its path and why", async () => {
  const { root, dataDir } = await serviceFolders();
  const plugins = await writePluginFiles(root, ["works", "syntax_error", "version_2"]);
  const file = await configFile(root, { url: "http://127.0.0.1:9", token: "dG9rZW4=" }, {
    plugins: [
      "plugins/works.js",
      "plugins/nowhere.js",
      "plugins/syntax_error.js",
      "plugins/version_2.js",
    ],
    watch: [{ path: "drop" }],
  });
  const config = await load(file, "dG9rZW4=");
  try {
    const error = await refusal(StationService.start({ config, configFile: file }));
    assert.equal(error.exitCode, 22);
    assert.equal(error.problems.length, 3, error.message);
    const [missing, syntax, version] = error.problems;
    assert.match(missing, /Module not found/);
    assert.ok(
      missing.startsWith(
        `${file}: converters.plugins[1]: cannot load plug-in ${join(plugins, "nowhere.js")}: `,
      ),
      missing,
    );
    assert.ok(
      syntax.startsWith(
        `${file}: converters.plugins[2]: cannot load plug-in ${join(plugins, "syntax_error.js")}: `,
      ),
      syntax,
    );
    assert.match(syntax, /SyntaxError: .* \(at file:\/\/.*syntax_error\.js:1:\d+\)$/);
    assert.ok(!syntax.includes("\n"), "one line a plug-in");
    assert.match(version, /plugins\[3\]: .*version_2\.js: .*apiVersion 2/);
    assert.equal(await isLocked(dataDir), false, "the data folder is not taken");
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("an unknown converter id stops the start, naming the drop folder and the known ids", async () => {
  const { root, dataDir } = await serviceFolders();
  await writePluginFiles(root, ["works"]);
  const file = await configFile(root, { url: "http://127.0.0.1:9", token: "dG9rZW4=" }, {
    plugins: ["plugins/works.js"],
    watch: [{ path: "good", converter: "plug" }, { path: "typo", converter: "plgu" }],
  });
  const config = await load(file, "dG9rZW4=");
  try {
    const error = await refusal(StationService.start({ config, configFile: file }));
    assert.equal(error.exitCode, 22);
    assert.equal(error.problems.length, 1, error.message);
    assert.match(
      error.problems[0],
      new RegExp(
        `^${file.replaceAll("/", "\\/")}: watch\\[1\\]\\.converter: ${
          join(root, "typo").replaceAll("/", "\\/")
        }: unknown converter "plgu"; known: auto, wsjf, .*, plug$`,
      ),
    );
    assert.equal(await isLocked(dataDir), false, "the data folder is not taken");
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
