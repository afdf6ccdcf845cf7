/**
 * The `wats` command: `run`, `status`, `submit`, `queue`, `doctor`, `demo`, `emulator`.
 *
 * Install it with `deno install -g -n wats` and the permission flags of the `compile` task (the
 * README gives the whole line), run it with `deno run` and those flags, or build the `wats` binary
 * with `deno task compile`. `wats --help` lists the commands, `wats <command> --help` their
 * options. From code, {@linkcode runCli} runs one command line and returns its exit code.
 *
 * @example Run a command line from code
 * ```ts
 * import assert from "node:assert/strict";
 * import { runCli } from "@wats/toolkit/cli";
 *
 * let help = "";
 * const io = { out: (text: string) => void (help += text), err: () => {}, isTty: false };
 * const code = await runCli(["--help"], io);
 * assert.equal(code, 0);
 * assert.match(help, /^Usage: wats <command> \[options\]$/m);
 * ```
 *
 * @module
 */

import { runCli } from "./client/commands/mod.ts";

export { runCli };
export type { CliIo } from "./client/commands/mod.ts";

if (import.meta.main) Deno.exit(await runCli(Deno.args));
