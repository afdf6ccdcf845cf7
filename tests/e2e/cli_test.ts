/**
 * `cli.ts` as a process with exactly the permissions of the `compile` task: what the `wats`
 * binary can do, it does here; a permission the binary lacks fails these tests.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { compileFlags, REPO_ROOT, spawnCli } from "../_processes.ts";
import { tempDir } from "../_temp.ts";

Deno.test("wats --help and exit codes", async () => {
  const help = await spawnCli(["--help"]);
  assert.equal((await help.status).code, 0);
  assert.match(help.stdout, /^Usage: wats <command> \[options\]$/m);
  const unknown = await spawnCli(["fly"]);
  assert.equal((await unknown.status).code, 2);
  const noConfig = await spawnCli(["run", "--config", "/nonexistent/wats.json"]);
  assert.equal((await noConfig.status).code, 21);
  assert.match(noConfig.stderr, /configuration file not found/);
});

Deno.test("wats demo --exit-when-idle uploads the samples on its own emulator and exits 0", async () => {
  await using temp = await tempDir("wats-demo-");
  const dir = temp.path;
  const demo = await spawnCli(["demo", "--exit-when-idle", "--dir", dir, "--timeout", "60"]);
  const status = await demo.status;
  assert.equal(status.code, 0, `${demo.stdout}\n${demo.stderr}`);
  assert.match(demo.stdout, /Status page: +http:\/\/127\.0\.0\.1:\d+\//);
  const summary =
    /Summary: (\d+) file\(s\) dropped, (\d+) converted, 0 failed; (\d+) report\(s\) accepted/
      .exec(demo.stdout);
  assert.ok(summary, demo.stdout);
  assert.ok(Number(summary[1]) >= 2 && summary[1] === summary[2], demo.stdout);
  assert.ok(Number(summary[3]) >= Number(summary[1]), demo.stdout);
});

Deno.test("a permission the service needs and lacks is named with its flag (exit 14)", async () => {
  await using temp = await tempDir("wats-perm-");
  const root = temp.path;
  const config = join(root, "config.json");
  await Deno.writeTextFile(
    config,
    JSON.stringify({
      server: { url: "http://127.0.0.1:9" },
      dataDir: "data",
      watch: [{ path: "drop" }],
      status: { port: 0 },
    }),
  );
  const flags = (await compileFlags()).filter((flag) => !flag.startsWith("--allow-net"));
  const child = new Deno.Command("deno", {
    args: ["run", "--quiet", ...flags, join(REPO_ROOT, "cli.ts"), "run", "--config", config],
    env: { NO_COLOR: "1", WATS_TOKEN: "dGVzdDp0ZXN0" },
    stdout: "piped",
    stderr: "piped",
  });
  const { code, stderr } = await child.output();
  const text = new TextDecoder().decode(stderr);
  assert.equal(code, 14, text);
  assert.match(text, /--allow-net=127\.0\.0\.1:9 {2}\(the WATS server\)/);
  assert.match(text, /--allow-net=127\.0\.0\.1 {2}\(the status server/);
});
