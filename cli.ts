/**
 * The `wats` command: `run`, `status`, `submit`, `queue`, `doctor`, `demo`, `emulator`.
 *
 * Run it with `deno run` and explicit permissions (the `compile` task lists them), or as the
 * compiled `wats` binary. `wats --help` lists the commands, `wats <command> --help` their options.
 *
 * @module
 */

import { runCli } from "./client/commands/mod.ts";

if (import.meta.main) Deno.exit(await runCli(Deno.args));
