/**
 * The `wats` command as the README installs it: `deno install -g` with the README's flags, which
 * must be exactly the `compile` task's, run through the installed shim from outside the
 * repository. The install takes a copy of the files `deno publish` ships (so no `samples/`
 * folder), the way a JSR install has only the package.
 */

import assert from "node:assert/strict";
import { cp } from "node:fs/promises";
import { join } from "node:path";
import { compileFlags, REPO_ROOT } from "../_processes.ts";

/** The flags of the README's install line, between `-n wats` and the JSR specifier. */
async function readmeInstallFlags(): Promise<string[]> {
  const readme = await Deno.readTextFile(join(REPO_ROOT, "README.md"));
  const line = /^deno install -g -n wats (.+) jsr:@wats\/toolkit\/cli$/m.exec(readme);
  assert.ok(line, "README.md has the line deno install -g -n wats <flags> jsr:@wats/toolkit/cli");
  return line[1].split(/\s+/);
}

/** Copies the repository's files that `deno publish` ships into `to`. */
async function copyPackage(to: string): Promise<void> {
  const config = JSON.parse(await Deno.readTextFile(join(REPO_ROOT, "deno.json")));
  const excluded = new Set<string>(
    (config.publish?.exclude ?? []).map((path: string) => path.replace(/\/$/, "")),
  );
  for await (const entry of Deno.readDir(REPO_ROOT)) {
    if (entry.name.startsWith(".") || entry.name === "node_modules") continue;
    if (excluded.has(entry.name)) continue;
    await cp(join(REPO_ROOT, entry.name), join(to, entry.name), { recursive: true });
  }
}

/** The regular files under `folder`, counted. */
async function countFiles(folder: string): Promise<number> {
  let count = 0;
  for await (const entry of Deno.readDir(folder)) {
    if (entry.isDirectory) count += await countFiles(join(folder, entry.name));
    else if (entry.isFile) count++;
  }
  return count;
}

async function run(
  command: string,
  args: string[],
  cwd: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const output = await new Deno.Command(command, {
    args,
    cwd,
    env: { NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}

Deno.test("the README's install line gives the compile task's flags", async () => {
  assert.deepEqual(await readmeInstallFlags(), await compileFlags());
});

Deno.test("wats installed with deno install runs help, doctor and the demo with every sample", async () => {
  const flags = await readmeInstallFlags();
  assert.deepEqual(flags, await compileFlags());
  const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "wats-install-" }));
  try {
    const pkg = join(root, "package");
    await copyPackage(pkg);
    const noSamples = await Deno.stat(join(pkg, "samples")).then(() => false, () => true);
    assert.ok(noSamples, "the copied package has no samples folder");
    const outside = join(root, "elsewhere");
    await Deno.mkdir(outside);

    const install = await run("deno", [
      "install",
      "-g",
      "-n",
      "wats",
      "--root",
      join(root, "install"),
      "--config",
      join(pkg, "deno.json"),
      ...flags,
      join(pkg, "cli.ts"),
    ], outside);
    assert.equal(install.code, 0, install.stderr);
    const wats = join(root, "install", "bin", Deno.build.os === "windows" ? "wats.cmd" : "wats");

    const help = await run(wats, ["--help"], outside);
    assert.equal(help.code, 0, help.stderr);
    assert.match(help.stdout, /^Usage: wats <command> \[options\]$/m);
    const doctor = await run(wats, ["doctor", "--help"], outside);
    assert.equal(doctor.code, 0, doctor.stderr);
    assert.match(doctor.stdout, /^Usage: wats doctor/m);

    const demo = await run(wats, [
      "demo",
      "--exit-when-idle",
      "--dir",
      join(root, "demo"),
      "--timeout",
      "60",
    ], outside);
    assert.equal(demo.code, 0, `${demo.stdout}\n${demo.stderr}`);
    // Every file of samples/ is dropped or named as skipped: none came from elsewhere.
    const dropped = /Dropped (\d+) sample file\(s\)/.exec(demo.stdout);
    assert.ok(dropped, demo.stdout);
    const skipped = /Skipped (\d+) sample file\(s\)/.exec(demo.stdout);
    const samples = await countFiles(join(REPO_ROOT, "samples"));
    assert.equal(Number(dropped[1]) + Number(skipped?.[1] ?? 0), samples, demo.stdout);
    assert.ok(Number(dropped[1]) >= 20, demo.stdout);
    const summary =
      /Summary: (\d+) file\(s\) dropped, (\d+) converted, 0 failed; (\d+) report\(s\) accepted, 0 refused/
        .exec(demo.stdout);
    assert.ok(summary, demo.stdout);
    assert.equal(summary[1], dropped[1], demo.stdout);
    assert.equal(summary[2], dropped[1], demo.stdout);
    assert.ok(Number(summary[3]) >= Number(dropped[1]), demo.stdout);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
