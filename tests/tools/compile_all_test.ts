/**
 * `deno task compile:all` builds each target with the `compile` task's own command: the same
 * flags, one `--target` and its own output file. Only the arguments are checked: compiling
 * downloads each target's runtime, which tests do not do.
 */

import assert from "node:assert/strict";
import { compileArgs, TARGETS } from "../../tools/compile_all.ts";
import { compileFlags, REPO_ROOT } from "../_processes.ts";

Deno.test("compile:all gives every release target the compile task's flags", async () => {
  const config = JSON.parse(await Deno.readTextFile(`${REPO_ROOT}deno.json`));
  const task: string = config.tasks.compile;
  assert.deepEqual(TARGETS, [
    "x86_64-unknown-linux-gnu",
    "aarch64-unknown-linux-gnu",
    "x86_64-pc-windows-msvc",
    "x86_64-apple-darwin",
    "aarch64-apple-darwin",
  ]);
  const flags = await compileFlags();
  for (const target of TARGETS) {
    const output = `dist/wats-${target}`;
    const args = compileArgs(task, target, output);
    assert.deepEqual(args.slice(0, 3), ["compile", "--target", target]);
    assert.deepEqual(args.filter((arg) => flags.includes(arg)), flags);
    assert.equal(args[args.indexOf("-o") + 1], output);
    assert.equal(args.at(-1), "cli.ts");
    // Everything but the target and the output is the task's own words.
    assert.deepEqual(
      args.slice(3).filter((arg) => arg !== output),
      task.split(/\s+/).slice(2).filter((arg) => arg !== "wats"),
    );
  }
  assert.throws(() => compileArgs("deno run cli.ts", TARGETS[0], "x"), /deno compile/);
});
