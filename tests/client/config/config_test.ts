import assert from "node:assert/strict";
import { join } from "node:path";
import { loadConfig } from "../../../client/config/config.ts";
import { ConfigError } from "../../../client/errors.ts";
import { platformFor } from "../../../util/platform.ts";
import { tempDir } from "../../_temp.ts";

const isPosix = Deno.build.os !== "windows";

/** Writes `config.json` into `folder` (a {@linkcode tempDir} the test removes). */
async function writeConfig(
  folder: string,
  content: unknown,
): Promise<{ folder: string; file: string }> {
  const file = join(folder, "config.json");
  await Deno.writeTextFile(file, typeof content === "string" ? content : JSON.stringify(content));
  return { folder, file };
}

async function problemsOf(promise: Promise<unknown>): Promise<ConfigError> {
  const error = await promise.then(() => null, (caught) => caught);
  assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${error}`);
  return error;
}

Deno.test("flags override the environment, which overrides the file", async () => {
  await using temp = await tempDir("wats-config-");
  const { folder, file } = await writeConfig(temp.path, {
    server: { url: "https://file.example", timeoutMs: 5000 },
    station: { name: "FILE-STATION", location: "Line 1" },
    dataDir: "data",
  });
  const fileOnly = await loadConfig({ file, env: {} });
  assert.equal(fileOnly.server.url, "https://file.example");
  assert.equal(fileOnly.server.timeoutMs, 5000);
  assert.equal(fileOnly.dataDir, join(folder, "data"));

  const env = { WATS_BASE_URL: "https://env.example", WATS_TIMEOUT: "12", WATS_STATION: "ENV-ST" };
  const withEnv = await loadConfig({ file, env });
  assert.equal(withEnv.server.url, "https://env.example");
  assert.equal(withEnv.server.timeoutMs, 12_000);
  assert.equal(withEnv.station.name, "ENV-ST");
  assert.equal(withEnv.station.location, "Line 1");

  const withFlags = await loadConfig({
    file,
    env,
    flags: { server: { url: "https://flag.example" }, dataDir: "flagdata" },
    cwd: "/work/here",
  });
  assert.equal(withFlags.server.url, "https://flag.example");
  assert.equal(withFlags.server.timeoutMs, 12_000);
  assert.equal(withFlags.dataDir, join("/work/here", "flagdata"));
});

Deno.test("defaults fill every key the file leaves out", async () => {
  await using temp = await tempDir("wats-config-");
  const { folder, file } = await writeConfig(temp.path, {
    server: { url: "https://acme.wats.com" },
    watch: [{ path: "drop" }],
  });
  const config = await loadConfig({ file, env: {}, hostname: "bench-07" });
  assert.equal(config.station.name, "BENCH-07");
  assert.deepEqual(config.watch, [{
    path: join(folder, "drop"),
    converter: "auto",
    pattern: "*",
    postAction: "archive",
    recursive: false,
    stableMs: 500,
    strictEncoding: false,
  }]);
  assert.deepEqual(config.breaker, { failureThreshold: 5, cooldownMs: 30_000 });
  assert.deepEqual(config.limits, {
    requestsPerWindow: 500,
    windowMs: 60_000,
    uploadConcurrency: 5,
    conversionConcurrency: 4,
    maxFileBytes: 50 * 1024 * 1024,
    maxQueueSize: 100_000,
    maxErrorFilesPerHour: 30,
  });
  assert.deepEqual(config.status, { hostname: "127.0.0.1", port: 8181 });
  assert.equal(config.server.timeoutMs, 30_000);
  assert.equal(config.doneRetentionMs, 7 * 86_400_000);
  assert.deepEqual(config.archive, { retentionDays: 90, maxArchiveBytes: 10 * 1024 ** 3 });
  assert.equal(config.secrets.apiToken, undefined);
});

Deno.test("errors name the file, the key and what was expected", async () => {
  await using temp = await tempDir("wats-config-");
  const { file } = await writeConfig(temp.path, {
    server: {},
    watch: [{ path: "drop", postAction: "zip" }],
    limits: { uploadConcurrency: "four" },
  });
  const error = await problemsOf(loadConfig({ file, env: {} }));
  assert.equal(error.exitCode, 22);
  assert.deepEqual([...error.problems].sort(), [
    `${file}: limits.uploadConcurrency: expected number, received string`,
    `${file}: server.url: required`,
    `${file}: watch[0].postAction: expected one of move, archive, delete, keep`,
  ]);
});

Deno.test("errors in environment values name the variable", async () => {
  const error = await problemsOf(loadConfig({
    env: { WATS_BASE_URL: "ftp://acme", WATS_TIMEOUT: "soon" },
  }));
  assert.deepEqual(
    [...error.problems].sort(),
    [
      'env WATS_TIMEOUT: expected a positive number of seconds, got "soon"',
      "env WATS_BASE_URL: server.url: expected an http or https URL",
    ].sort(),
  );
});

Deno.test("a missing file exits 21, a broken one 22", async () => {
  const missing = await problemsOf(loadConfig({ file: "/nonexistent/wats/config.json", env: {} }));
  assert.equal(missing.exitCode, 21);
  await using temp = await tempDir("wats-config-");
  const { file } = await writeConfig(temp.path, "{ server: ");
  const broken = await problemsOf(loadConfig({ file, env: {} }));
  assert.equal(broken.exitCode, 22);
  assert.match(broken.message, /config\.json: not valid JSON/);
});

Deno.test("a token in the configuration file is refused without repeating it", async () => {
  await using temp = await tempDir("wats-config-");
  const { file } = await writeConfig(temp.path, {
    server: { url: "https://acme", token: "tok-in-file-42" },
  });
  const error = await problemsOf(loadConfig({ file, env: {} }));
  assert.match(error.message, /server\.token: a token is not accepted in the configuration file/);
  assert.match(error.message, /WATS_TOKEN/);
  assert.match(error.message, /server\.tokenFile/);
  assert.doesNotMatch(error.message, /tok-in-file-42/);
});

Deno.test("a broker password in the configuration file is refused without repeating it", async () => {
  await using temp = await tempDir("wats-config-");
  const { file } = await writeConfig(temp.path, {
    server: { url: "https://acme" },
    events: {
      mqtt: { url: "mqtt://broker:1883", password: "mqtt-pw-in-file-31" },
      cfx: { url: "amqp://broker:5672/cfx", password: "cfx-pw-in-file-32" },
    },
  });
  const error = await problemsOf(loadConfig({ file, env: { WATS_TOKEN: "t" } }));
  assert.equal(error.exitCode, 22);
  assert.match(error.message, /events\.mqtt\.password: a password is not accepted/);
  assert.match(error.message, /WATS_MQTT_PASSWORD/);
  assert.match(error.message, /events\.mqtt\.passwordFile/);
  assert.match(error.message, /events\.cfx\.password: a password is not accepted/);
  assert.match(error.message, /WATS_CFX_PASSWORD/);
  assert.doesNotMatch(error.message, /pw-in-file/);
});

Deno.test("the token never shows in JSON or inspect output", async () => {
  await using temp = await tempDir("wats-config-");
  const { file } = await writeConfig(temp.path, {
    server: { url: "https://acme.wats.com" },
    status: { token: "status-secret-77" },
  });
  const config = await loadConfig({ file, env: { WATS_TOKEN: "tok-secret-99" } });
  assert.equal(config.secrets.apiToken, "tok-secret-99");
  assert.equal(config.secrets.statusToken, "status-secret-77");
  const outputs = [
    JSON.stringify(config),
    JSON.stringify(config.secrets),
    Deno.inspect(config, { depth: 10 }),
    Deno.inspect(config, { depth: 10, showHidden: true }),
    Deno.inspect(config.secrets),
    Deno.inspect({ ...config }),
  ];
  for (const output of outputs) {
    assert.doesNotMatch(output, /tok-secret-99|status-secret-77/);
  }
  assert.match(Deno.inspect(config.secrets), /\[redacted\]/);
});

Deno.test({
  name: "the token file resolves against the config folder and must be private",
  ignore: !isPosix,
  fn: async () => {
    await using temp = await tempDir("wats-config-");
    const { folder, file } = await writeConfig(temp.path, {
      server: { url: "https://acme.wats.com", tokenFile: "secrets/token" },
    });
    await Deno.mkdir(join(folder, "secrets"));
    const tokenFile = join(folder, "secrets", "token");
    await Deno.writeTextFile(tokenFile, "file-token-1\n");
    await Deno.chmod(tokenFile, 0o600);
    assert.equal((await loadConfig({ file, env: {} })).secrets.apiToken, "file-token-1");

    const warnings: string[] = [];
    await Deno.chmod(tokenFile, 0o640);
    await loadConfig({ file, env: {}, onWarning: (message) => warnings.push(message) });
    assert.match(warnings.join("\n"), /readable by its group/);

    await Deno.chmod(tokenFile, 0o644);
    const error = await problemsOf(loadConfig({ file, env: {} }));
    assert.match(error.message, /server\.tokenFile: .* is readable by every user; restrict it/);
    assert.equal(
      (await loadConfig({ file, env: { WATS_TOKEN: "env-wins" } })).secrets.apiToken,
      "env-wins",
    );
  },
});

Deno.test("a token file with mode 0o666 is accepted on Windows with one warning", async () => {
  await using temp = await tempDir("wats-config-");
  const { folder, file } = await writeConfig(temp.path, {
    server: { url: "https://acme.wats.com", tokenFile: "token.txt" },
  });
  const tokenFile = join(folder, "token.txt");
  await Deno.writeTextFile(tokenFile, "\uFEFFwin-token\r\n");
  // What Deno's stat reports for an ordinary file on Windows since 2.1.
  await Deno.chmod(tokenFile, 0o666);
  const warnings: string[] = [];
  const config = await loadConfig({
    file,
    env: {},
    platform: platformFor("windows"),
    onWarning: (message) => warnings.push(message),
  });
  assert.equal(config.secrets.apiToken, "win-token");
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /server\.tokenFile: .*token\.txt: file permissions are not checked/);
  // The POSIX form still refuses the same file.
  const error = await problemsOf(loadConfig({ file, env: {}, platform: platformFor("linux") }));
  assert.match(error.message, /is readable by every user/);
});

Deno.test('a JSON path written "C:\\temp" (a TAB) is refused with a hint about backslashes', async () => {
  // The bytes an operator typed: "C:\temp" in JSON is C:, a TAB, "emp".
  await using temp = await tempDir("wats-config-");
  const { file } = await writeConfig(
    temp.path,
    '{ "server": { "url": "https://acme.wats.com" }, "watch": [{ "path": "C:\\temp" }] }',
  );
  const error = await problemsOf(loadConfig({ file, env: {} }));
  assert.match(error.message, /watch\[0\]\.path: the path holds a TAB/);
  assert.match(error.message, /write "C:\\\\temp" or "C:\/temp"/);
  assert.equal(error.exitCode, 22);
});

Deno.test("unknown keys are ignored with a warning naming them", async () => {
  await using temp = await tempDir("wats-config-");
  const { file } = await writeConfig(temp.path, {
    server: { url: "https://acme.wats.com" },
    watch: [{ path: "drop", postaction: "delete" }],
    colour: "blue",
  });
  const warnings: string[] = [];
  const config = await loadConfig({ file, env: {}, onWarning: (m) => warnings.push(m) });
  assert.equal(config.watch[0].postAction, "archive");
  assert.deepEqual(warnings.sort(), [
    `${file}: colour: unknown key, ignored`,
    `${file}: watch[0].postaction: unknown key, ignored`,
  ]);
});

Deno.test("converter plug-ins resolve against the config folder; limits have defaults", async () => {
  await using temp = await tempDir("wats-config-");
  const { folder, file } = await writeConfig(temp.path, {
    server: { url: "https://acme.wats.com" },
    converters: { plugins: ["plugins/acme_ict.ts", "/opt/wats/plugins/spea_x.js"] },
    watch: [{ path: "drop", converter: "acme_ict" }],
  });
  const config = await loadConfig({ file, env: {} });
  assert.deepEqual(config.converters, {
    plugins: [join(folder, "plugins", "acme_ict.ts"), "/opt/wats/plugins/spea_x.js"],
    timeoutMs: 300_000,
    sniffTimeoutMs: 5_000,
  });
  assert.equal(config.watch[0].converter, "acme_ict");

  const fromFlags = await loadConfig({
    file,
    env: {},
    cwd: "/work/here",
    flags: { converters: { plugins: ["local/p.ts"], timeoutMs: 60_000 } },
  });
  assert.deepEqual(fromFlags.converters, {
    plugins: [join("/work/here", "local", "p.ts")],
    timeoutMs: 60_000,
    sniffTimeoutMs: 5_000,
  });

  const none = await loadConfig({ env: {}, flags: { server: { url: "https://acme.wats.com" } } });
  assert.deepEqual(none.converters.plugins, []);
});

Deno.test("bad converters values are named with their key", async () => {
  await using temp = await tempDir("wats-config-");
  const { file } = await writeConfig(temp.path, {
    server: { url: "https://acme.wats.com" },
    converters: {
      plugins: ["plugins/ok.ts", "https://example.com/acme.ts", 7],
      timeoutMs: 0,
      sniffTimeoutMs: "soon",
      plugin: "typo.ts",
    },
  });
  const warnings: string[] = [];
  const error = await problemsOf(loadConfig({ file, env: {}, onWarning: (m) => warnings.push(m) }));
  assert.equal(error.exitCode, 22);
  assert.deepEqual([...error.problems].sort(), [
    `${file}: converters.plugins[1]: expected a file path, not a URL (plug-ins load from local files only)`,
    `${file}: converters.plugins[2]: expected string, received number`,
    `${file}: converters.sniffTimeoutMs: expected number, received string`,
    `${file}: converters.timeoutMs: too small: expected number to be >0`,
  ]);
  assert.deepEqual(warnings, [`${file}: converters.plugin: unknown key, ignored`]);

  await using notListTemp = await tempDir("wats-config-");
  const notList = await writeConfig(notListTemp.path, {
    server: { url: "https://acme.wats.com" },
    converters: { plugins: "plugins/acme.ts" },
  });
  const listError = await problemsOf(loadConfig({ file: notList.file, env: {} }));
  assert.deepEqual(listError.problems, [
    `${notList.file}: converters.plugins: expected array, received string`,
  ]);
});
