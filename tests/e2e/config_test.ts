/**
 * `wats config init|show|get|set|path|validate` as processes with the `compile` task's
 * permissions: the files they write, what they print (never a secret) and their exit codes.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { CONFIG_SCHEMA_URL } from "../../client/config/json_schema.ts";
import { ServiceConfigSchema } from "../../client/config/schema.ts";
import { REPO_ROOT, spawnCli, spawnCliOnTerminal } from "../_processes.ts";
import { namesIn } from "./_e2e.ts";

async function wats(args: string[], env: Record<string, string> = {}) {
  const process = await spawnCli(args, env);
  const { code } = await process.status;
  return { code, stdout: process.stdout, stderr: process.stderr };
}

interface SchemaNode {
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  required?: string[];
  additionalProperties?: unknown;
}

/** Problems of a value against the JSON Schema's required and known keys. */
function keyProblems(node: SchemaNode, value: unknown, at = ""): string[] {
  if (Array.isArray(value) && node.items) {
    return value.flatMap((item, n) => keyProblems(node.items!, item, `${at}[${n}]`));
  }
  if (typeof value !== "object" || value === null || !node.properties) return [];
  const problems = (node.required ?? []).filter((key) => !(key in value))
    .map((key) => `${at}.${key}: required`);
  for (const [key, child] of Object.entries(value)) {
    const schema = node.properties[key];
    if (schema) problems.push(...keyProblems(schema, child, `${at}.${key}`));
    else if (node.additionalProperties === false) problems.push(`${at}.${key}: unknown`);
  }
  return problems;
}

Deno.test("wats config init writes a file the JSON Schema and the zod schema accept", async () => {
  const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "wats-config-" }));
  try {
    const file = join(root, "etc", "config.json");
    const noUrl = await wats(["config", "init", "--config", file]);
    assert.equal(noUrl.code, 2, noUrl.stderr);
    assert.match(noUrl.stderr, /--server-url is required \(standard input is not a terminal\)/);
    assert.deepEqual(await namesIn(root), []);

    const tokenFile = join(root, "token");
    await Deno.writeTextFile(tokenFile, "dGVzdDp0ZXN0");
    await Deno.chmod(tokenFile, 0o600);
    const args = ["config", "init", "--config", file, "--server-url", "https://acme.wats.com"];
    const init = await wats([
      ...args,
      ...["--station", "ICT-7", "--location", "Line 2", "--purpose", "ICT"],
      ...["--watch", join(root, "drop-a"), "--watch", join(root, "drop-b")],
      ...["--token-file", tokenFile, "--data-dir", join(root, "data")],
    ]);
    assert.equal(init.code, 0, init.stderr);
    assert.match(init.stdout, new RegExp(`^Wrote ${file}$`, "m"));
    const text = await Deno.readTextFile(file);
    const written = JSON.parse(text);
    assert.equal(written.$schema, CONFIG_SCHEMA_URL);
    assert.deepEqual(written.watch, [{ path: join(root, "drop-a") }, {
      path: join(root, "drop-b"),
    }]);
    assert.equal(written.server.tokenFile, tokenFile);

    const schema = JSON.parse(
      await Deno.readTextFile(join(REPO_ROOT, "client", "config", "config.schema.json")),
    );
    assert.deepEqual(keyProblems(schema, written), []);
    // The checker sees what matters: a file without server.url, or with a typo, fails it.
    assert.deepEqual(keyProblems(schema, { ...written, server: {}, stations: {} }), [
      ".server.url: required",
      ".stations: unknown",
    ]);
    const parsed = ServiceConfigSchema.safeParse(written);
    assert.ok(parsed.success, JSON.stringify(parsed.error?.issues));
    assert.equal(parsed.data.station.name, "ICT-7");
    const validate = await wats(["config", "validate", file]);
    assert.equal(validate.code, 0, validate.stderr);
    assert.equal(validate.stderr, "");

    const again = await wats(args);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /exists; --force replaces it/);
    assert.equal(await Deno.readTextFile(file), text);
    const forced = await wats([...args, "--force"]);
    assert.equal(forced.code, 0, forced.stderr);
    assert.equal(JSON.parse(await Deno.readTextFile(file)).station.location, "");
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test({
  name: "wats config init asks for what is missing when standard input is a terminal",
  async fn() {
    const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "wats-config-tty-" }));
    try {
      const file = join(root, "config.json");
      // On a pseudo-terminal from util-linux `script`; without it the test fails, naming it.
      const process = await spawnCliOnTerminal(
        ["config", "init", "--config", file, "--purpose", "FCT"],
      );
      const input = process.child.stdin.getWriter();
      const answers: [RegExp, string][] = [
        [/WATS server URL/, "https://acme.wats.com"],
        [/Station name \[\S+\]/, "TTY-1"],
        [/Location/, "Lab"],
        [/Drop folder to watch/, join(root, "drop")],
        [/Token file/, ""],
      ];
      for (const [question, answer] of answers) {
        await process.waitFor(question);
        await input.write(new TextEncoder().encode(`${answer}\r`));
      }
      await input.close();
      assert.equal((await process.status).code, 0, process.stdout);
      // --purpose was given: not asked.
      assert.doesNotMatch(process.stdout, /Purpose/);
      assert.deepEqual(JSON.parse(await Deno.readTextFile(file)), {
        $schema: CONFIG_SCHEMA_URL,
        server: { url: "https://acme.wats.com" },
        station: { name: "TTY-1", location: "Lab", purpose: "FCT" },
        watch: [{ path: join(root, "drop") }],
      });
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  },
});

Deno.test("wats config show masks secrets, get reads dotted keys, path follows --instance", async () => {
  const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "wats-config-" }));
  try {
    const apiToken = `api-${crypto.randomUUID()}`;
    const statusToken = `status-${crypto.randomUUID()}`;
    const env = { WATS_ROOT: root, WATS_TOKEN: apiToken };
    const instance = ["--instance", "line-7"];
    const path = await wats(["config", "path", ...instance], env);
    assert.equal(path.stdout, `${join(root, "instances", "line-7", "config.json")}\n`);
    const missing = await wats(["config", "show", ...instance], env);
    assert.equal(missing.code, 21);
    assert.match(missing.stderr, /configuration file not found\n\(wats config init writes one\)/);

    const init = await wats(
      ["config", "init", ...instance, "--server-url", "https://acme.wats.com", "--station", "S7"],
      env,
    );
    assert.equal(init.code, 0, init.stderr);
    const set = await wats(["config", "set", ...instance, "status.token", statusToken], env);
    assert.equal(set.code, 0, set.stderr);
    assert.equal(set.stdout, `Set status.token in ${path.stdout}`);

    const show = await wats(["config", "show", ...instance], env);
    assert.equal(show.code, 0, show.stderr);
    assert.match(show.stdout, /^server\.url = "https:\/\/acme\.wats\.com"$/m);
    assert.match(show.stdout, /^limits\.uploadConcurrency = 5$/m);
    assert.match(
      show.stdout,
      new RegExp(`^dataDir = "${join(root, "instances", "line-7")}"$`, "m"),
    );
    assert.match(show.stdout, /^secrets\.apiToken = "\[redacted\]"$/m);
    assert.match(show.stdout, /^secrets\.statusToken = "\[redacted\]"$/m);
    const json = await wats(["config", "show", ...instance, "--json"], env);
    assert.deepEqual(JSON.parse(json.stdout).secrets, {
      apiToken: "[redacted]",
      statusToken: "[redacted]",
    });
    for (const output of [show, json, set, init]) {
      assert.ok(!(output.stdout + output.stderr).includes(apiToken));
      assert.ok(!(output.stdout + output.stderr).includes(statusToken));
    }

    const url = await wats(["config", "get", ...instance, "server.url"], env);
    assert.equal(url.stdout, "https://acme.wats.com\n");
    const limits = await wats(["config", "get", ...instance, "limits"], env);
    assert.equal(JSON.parse(limits.stdout).uploadConcurrency, 5);
    const secret = await wats(["config", "get", ...instance, "secrets.statusToken"], env);
    assert.equal(secret.stdout, "[redacted]\n");
    const none = await wats(["config", "get", ...instance, "server.nope"], env);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /server\.nope: no such key, or not set/);
    // The default instance has a file of its own, not this one.
    const other = await wats(["config", "get", "server.url"], env);
    assert.equal(other.code, 21);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("wats config set checks the schema before it writes, and keeps the file's mode", async () => {
  const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "wats-config-" }));
  try {
    const file = join(root, "config.json");
    const init = await wats(["config", "init", "-c", file, "--server-url", "https://a.example"]);
    assert.equal(init.code, 0, init.stderr);
    await Deno.chmod(file, 0o600);
    const set = (key: string, value: string) => wats(["config", "set", "-c", file, key, value]);
    const read = async () => JSON.parse(await Deno.readTextFile(file));

    assert.equal((await set("limits.uploadConcurrency", "8")).code, 0);
    assert.equal((await read()).limits.uploadConcurrency, 8);
    // A string key takes the text even when it reads as JSON.
    assert.equal((await set("station.name", "123")).code, 0);
    assert.equal((await read()).station.name, "123");
    assert.equal((await set("watch[0].path", join(root, "drop"))).code, 0);
    assert.equal((await set("watch[0].recursive", "true")).code, 0);
    assert.deepEqual((await read()).watch, [{ path: join(root, "drop"), recursive: true }]);

    const before = await Deno.readTextFile(file);
    const tooMany = await set("limits.uploadConcurrency", "99");
    assert.equal(tooMany.code, 22);
    assert.match(tooMany.stderr, /limits\.uploadConcurrency: too big: expected number to be <=64/);
    const badUrl = await set("server.url", "ftp://a.example");
    assert.equal(badUrl.code, 22);
    assert.match(badUrl.stderr, /server\.url: expected an http or https URL/);
    const skip = await set("watch[2].path", "x");
    assert.equal(skip.code, 2);
    assert.match(skip.stderr, /the list has 1 entries; use index 1 to add one/);
    const token = await set("server.token", "s3cret-value");
    assert.equal(token.code, 2);
    assert.match(token.stderr, /unknown key; the API token never goes into the file/);
    assert.ok(!token.stderr.includes("s3cret-value"));
    const typo = await set("limits.uploadConcurency", "8");
    assert.equal(typo.code, 2);
    assert.equal(await Deno.readTextFile(file), before);

    assert.equal((await Deno.stat(file)).mode! & 0o777, 0o600);
    assert.deepEqual(await namesIn(root), ["config.json"]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("wats config validate lists every problem and exits 22 (21 without a file)", async () => {
  const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "wats-config-" }));
  try {
    const file = join(root, "bad.json");
    await Deno.writeTextFile(
      file,
      JSON.stringify({
        server: { url: "ftp://a.example" },
        watch: [{ postAction: "zip" }],
        limits: { uploadConcurrency: 0 },
        colour: "blue",
      }),
    );
    const bad = await wats(["config", "validate", file]);
    assert.equal(bad.code, 22);
    assert.equal(
      bad.stderr,
      `${file}: 4 problems:\n` +
        `  ${file}: server.url: expected an http or https URL\n` +
        `  ${file}: watch[0].path: required\n` +
        `  ${file}: watch[0].postAction: expected one of move, archive, delete, keep\n` +
        `  ${file}: limits.uploadConcurrency: too small: expected number to be >=1\n` +
        `warning: ${file}: colour: unknown key, ignored\n`,
    );
    const missing = await wats(["config", "validate", join(root, "none.json")]);
    assert.equal(missing.code, 21);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
