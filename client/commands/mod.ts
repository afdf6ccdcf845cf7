/**
 * The `wats` command line: one entry, {@linkcode runCli}, that `cli.ts` calls with the process
 * arguments and exits with the code it returns (`client-service.md` §1.6).
 *
 * @module
 */

import { isLogLevel, type LogLevel } from "@logtape/logtape";
import { describeExitCode, EXIT_CODES } from "../exit_codes.ts";
import { ConfigError } from "../errors.ts";
import { LockHeldError } from "../lock.ts";
import { PermissionError } from "../service.ts";
import { runEmulatorCommand } from "../../emulator/mod.ts";
import { VERSION } from "../../api/version.ts";
import { CommandError } from "./_context.ts";
import { demoCommand } from "./_demo.ts";
import { doctorCommand } from "./_doctor.ts";
import { eventsCommand } from "./_events.ts";
import { type CliIo, processIo, setUpLogging, tearDownLogging } from "./_io.ts";
import { queueCommand } from "./_queue.ts";
import { runCommand } from "./_run.ts";
import { statusCommand } from "./_status.ts";
import { submitCommand } from "./_submit.ts";

export type { CliIo };

/** Help of `wats`. */
export const HELP = `wats ${VERSION}: the WATS station service and tools

Usage: wats <command> [options]

Commands:
  run                 run the station service (watch, convert, queue, upload, status)
  status [--json]     show the running service's state
  submit FILE|DIR...  upload files once, through the service's queue
  queue ls|show|retry|purge
                      look into and tend the queue
  doctor              check configuration, permissions, server and clock
  events tail         print the events on the broker of events.mqtt as they come
  demo                run the service on a local emulator with the sample files
  emulator            run a local WATS-compatible server

Options every command takes:
  -c, --config FILE   the configuration file (JSON); env WATS_* and flags override it
  --data-dir DIR      the data folder (queue, ledger, lock)
  --log-level LEVEL   trace, debug, info (default), warning, error, fatal
  -h, --help          help of a command

Exit codes: 0 ok, 1 error, 2 usage, 3 interrupted, 14 permission denied, 20-22 configuration,
30 start failed, 32 not running, 33 timed out, 40-42 network, server, authentication.
`;

type Command = (args: string[], io: CliIo) => Promise<number>;

const COMMANDS: Record<string, Command> = {
  run: runCommand,
  status: statusCommand,
  submit: submitCommand,
  queue: queueCommand,
  doctor: doctorCommand,
  events: eventsCommand,
  demo: demoCommand,
};

/** The exit code for an error a command threw. */
function exitCodeOf(error: unknown): number {
  if (error instanceof CommandError) return error.exitCode;
  if (error instanceof ConfigError) return error.exitCode;
  if (error instanceof PermissionError) return EXIT_CODES.permissionDenied;
  if (error instanceof LockHeldError) return EXIT_CODES.error;
  if (error instanceof Deno.errors.NotCapable || error instanceof Deno.errors.PermissionDenied) {
    return EXIT_CODES.permissionDenied;
  }
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" && code.startsWith("ERR_PARSE_ARGS")) return 2;
  return EXIT_CODES.error;
}

function logLevelOf(command: string, args: string[]): LogLevel {
  const index = args.findIndex((arg) => arg === "--log-level" || arg.startsWith("--log-level="));
  // The demo prints its own lines; its log would drown them.
  if (index === -1) return command === "demo" || command === "submit" ? "warning" : "info";
  const value = args[index].includes("=") ? args[index].split("=")[1] : args[index + 1];
  return value && isLogLevel(value) ? value : "info";
}

/**
 * Runs the `wats` command line.
 *
 * @param args The arguments (without the program name).
 * @param io Output; the process's standard output and error by default.
 * @returns The exit code.
 *
 * @example Print the help
 * ```ts ignore
 * import { runCli } from "./mod.ts";
 * Deno.exit(await runCli(["--help"]));
 * ```
 */
export async function runCli(args: string[], io: CliIo = processIo()): Promise<number> {
  const [name, ...rest] = args;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    io.out(HELP);
    return name === undefined ? 2 : 0;
  }
  if (name === "--version" || name === "-V") {
    io.out(`wats ${VERSION}\n`);
    return 0;
  }
  if (name === "emulator") {
    return await runEmulatorCommand(rest, { write: io.out, signal: io.signal });
  }
  const command = COMMANDS[name];
  if (!command) {
    io.err(`Unknown command "${name}"\n\n${HELP}`);
    return 2;
  }
  await setUpLogging(logLevelOf(name, rest));
  try {
    return await command(rest, io);
  } catch (error) {
    const code = exitCodeOf(error);
    const message = error instanceof Error ? error.message : String(error);
    io.err(`${message}\n${code > 2 ? `(exit ${code}: ${describeExitCode(code)})\n` : ""}`);
    return code;
  } finally {
    await tearDownLogging();
  }
}
