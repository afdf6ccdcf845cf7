/**
 * `deno task compile:all [TARGET...]`: builds `dist/wats-<target>` for every release target (or
 * the ones named) with exactly the `compile` task's command, so the permissions are written once.
 *
 * `deno compile` downloads the `denort` runtime of each target from dl.deno.land (once; Deno
 * keeps it in its cache). Offline, `DENORT_BIN=/path/to/denort` names a runtime instead; it is
 * one target's runtime, so name that one target with it.
 *
 * @module
 */

/** The targets a release builds. */
export const TARGETS: readonly string[] = [
  "x86_64-unknown-linux-gnu",
  "aarch64-unknown-linux-gnu",
  "x86_64-pc-windows-msvc",
  "x86_64-apple-darwin",
  "aarch64-apple-darwin",
];

/**
 * The `deno compile` arguments of the `compile` task, for one target and output file.
 *
 * @param task The `compile` task's command.
 * @param target The target triple.
 * @param output The output file.
 * @returns The arguments after `deno`.
 */
export function compileArgs(task: string, target: string, output: string): string[] {
  const words = task.trim().split(/\s+/);
  if (words[0] !== "deno" || words[1] !== "compile") {
    throw new Error(`The compile task does not start with "deno compile": ${task}`);
  }
  const args = ["compile", "--target", target, ...words.slice(2)];
  const at = args.findIndex((word) => word === "-o" || word === "--output");
  if (at === -1) throw new Error(`The compile task names no output file (-o): ${task}`);
  args[at + 1] = output;
  return args;
}

/** Why the targets cannot be built as asked, or null. */
function usageError(targets: string[]): string | null {
  const unknown = targets.filter((target) => !TARGETS.includes(target));
  if (unknown.length > 0) {
    return `Unknown target ${unknown.join(", ")}; the targets are ${TARGETS.join(", ")}`;
  }
  if (Deno.env.get("DENORT_BIN") && targets.length !== 1) {
    return "DENORT_BIN names the runtime of one target: name that target, " +
      "e.g. deno task compile:all x86_64-pc-windows-msvc";
  }
  return null;
}

async function main(targets: string[]): Promise<number> {
  const error = usageError(targets);
  if (error !== null) {
    // deno-lint-ignore no-console
    console.error(error);
    return 2;
  }
  const chosen = targets.length > 0 ? targets : [...TARGETS];
  const config = JSON.parse(await Deno.readTextFile(new URL("../deno.json", import.meta.url)));
  const task: unknown = config.tasks?.compile;
  if (typeof task !== "string") throw new Error("deno.json has no compile task");
  for (const target of chosen) {
    const args = compileArgs(task, target, `dist/wats-${target}`);
    // deno-lint-ignore no-console
    console.log(`deno ${args.join(" ")}`);
    const { code } = await new Deno.Command("deno", {
      args,
      cwd: new URL("../", import.meta.url),
      stdout: "inherit",
      stderr: "inherit",
    }).spawn().status;
    if (code !== 0) return code;
  }
  return 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
