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
import { configCommand } from "./_config.ts";
import { archiveCommand } from "./_archive.ts";
import { convertCommand } from "./_convert.ts";
import { reprocessCommand } from "./_reprocess.ts";
import { demoCommand } from "./_demo.ts";
import { doctorCommand } from "./_doctor.ts";
import { eventsCommand } from "./_events.ts";
import {
  type CliIo,
  LOG_FORMATS,
  type LogFormat,
  processIo,
  setUpLogging,
  tearDownLogging,
} from "./_io.ts";
import { queueCommand } from "./_queue.ts";
import { runCommand } from "./_run.ts";
import { serviceCommand } from "./_service.ts";
import { reloadCommand, stopCommand } from "./_control.ts";
import { statusCommand } from "./_status.ts";
import { submitCommand } from "./_submit.ts";

export type { CliIo };

/** Help of `wats`. */
export const HELP = `wats ${VERSION}: the WATS station service and tools

Usage: wats <command> [options]

Commands:
  run                 run the station service (watch, convert, queue, upload, status)
  status [--json] [--watch]
                      show the running service's state (--watch: live)
  reload              reload the running service's configuration without a restart
  stop                stop the running service gracefully
  submit FILE|DIR...  upload files once, through the service's queue
  queue ls|show|retry|purge
                      look into and tend the queue
  service install|uninstall|start|stop|status
                      the instance as an OS service (systemd, launchd, Windows)
  config init|show|get|set|path|validate
                      write, read, change and check the configuration file
  convert FILE...     convert files as the service would and show the reports (dry run)
  archive ls|show|restore
                      look into the source archive, get a source back
  reprocess           convert archived sources again; send the corrected reports
  doctor              check configuration, permissions, server and clock
  events tail         print the events on the broker of events.mqtt or events.cfx
  demo                run the service on a local emulator with the sample files
  emulator            run a local WATS-compatible server

Options every command takes:
  -c, --config FILE   the configuration file (JSON); env WATS_* and flags override it
  --data-dir DIR      the data folder (queue, ledger, lock)
  --instance NAME     the instance ([A-Za-z0-9_-]{1,64}, default "default"): its own data
                      folder, lock, status port, control token and OS service
  --log-level LEVEL   trace, debug, info (default), warning, error, fatal
  --log-format FORMAT text (default) or json (one JSON object a line, for log collectors)
  -h, --help          help of a command

Exit codes: 0 ok, 1 error, 2 usage, 3 interrupted, 10-13 service (un)install, 14 permission
denied, 20-22 configuration (21 not found, 22 invalid), 30 start failed (port in use, lock held),
31 stop failed, 32 not running, 33 timed out, 40-42 network, server, authentication.
status: 0 healthy, 34 degraded, 35 failing, 32 not running. doctor: 0 pass, 1 warn, 2 fail.
`;

type Command = (args: string[], io: CliIo) => Promise<number>;

const COMMANDS: Record<string, Command> = {
  run: runCommand,
  status: statusCommand,
  submit: submitCommand,
  queue: queueCommand,
  convert: convertCommand,
  archive: archiveCommand,
  reprocess: reprocessCommand,
  doctor: doctorCommand,
  events: eventsCommand,
  demo: demoCommand,
  service: serviceCommand,
  config: configCommand,
  reload: reloadCommand,
  stop: stopCommand,
};

/** The exit code for an error a command threw. */
function exitCodeOf(error: unknown): number {
  if (error instanceof CommandError) return error.exitCode;
  if (error instanceof ConfigError) return error.exitCode;
  if (error instanceof PermissionError) return EXIT_CODES.permissionDenied;
  if (error instanceof LockHeldError) return EXIT_CODES.startFailed;
  if (error instanceof Deno.errors.AddrInUse) return EXIT_CODES.startFailed;
  if (error instanceof Deno.errors.NotCapable || error instanceof Deno.errors.PermissionDenied) {
    return EXIT_CODES.permissionDenied;
  }
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" && code.startsWith("ERR_PARSE_ARGS")) return 2;
  return EXIT_CODES.error;
}

/** The value of `--name VALUE` or `--name=VALUE`, if given. */
function optionOf(args: string[], name: string): string | undefined {
  const index = args.findIndex((arg) => arg === name || arg.startsWith(`${name}=`));
  if (index === -1) return undefined;
  return args[index].includes("=") ? args[index].slice(name.length + 1) : args[index + 1];
}

function logLevelOf(command: string, args: string[]): LogLevel {
  const value = optionOf(args, "--log-level");
  // The demo prints its own lines; its log would drown them.
  if (value === undefined) return command === "demo" || command === "submit" ? "warning" : "info";
  return isLogLevel(value) ? value : "info";
}

/**
 * Runs the `wats` command line: the command's work, its output written to `io`, and the exit
 * code returned rather than the process ended (0 ok, 2 usage; `wats --help` lists the rest).
 *
 * @param args The arguments (without the program name).
 * @param io Output; the process's standard output and error by default.
 * @returns The exit code.
 *
 * @example Print the help, then exit with the code
 * ```ts ignore
 * import { runCli } from "@wats/toolkit/cli";
 *
 * Deno.exit(await runCli(["--help"]));
 * ```
 *
 * @example An unknown command is a usage error
 * ```ts
 * import assert from "node:assert/strict";
 * import { runCli } from "@wats/toolkit/cli";
 *
 * let errors = "";
 * const io = { out: () => {}, err: (text: string) => void (errors += text), isTty: false };
 * assert.equal(await runCli(["fly"], io), 2);
 * assert.match(errors, /Unknown command "fly"/);
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
  const format = optionOf(rest, "--log-format") ?? "text";
  if (!(LOG_FORMATS as readonly string[]).includes(format)) {
    io.err(`--log-format must be one of ${LOG_FORMATS.join(", ")}, not "${format}"\n`);
    return 2;
  }
  await setUpLogging(logLevelOf(name, rest), {
    format: format as LogFormat,
    isActivityPrinted: name === "demo",
  });
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
