/**
 * What most commands need first: the configuration (or at least the data folder), with
 * configuration errors turned into their exit codes.
 *
 * @module
 */

import { join } from "node:path";
import { defaultDataDir } from "../config/_sources.ts";
import { loadConfig, type ServiceConfig } from "../config/config.ts";
import { ConfigError } from "../errors.ts";
import { DEFAULT_INSTANCE, isInstanceName } from "../config/instance.ts";
import type { CliIo } from "./_io.ts";

/** Options every command takes. */
export interface CommonOptions {
  config?: string;
  "data-dir"?: string;
  instance?: string;
}

/** The `parseArgs` declaration of {@linkcode CommonOptions} and `--json`, `--help`. */
export const COMMON_OPTIONS = {
  config: { type: "string", short: "c" },
  "data-dir": { type: "string" },
  instance: { type: "string" },
  json: { type: "boolean" },
  "log-level": { type: "string" },
  "log-format": { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

/** A command failed with a message and an exit code. */
export class CommandError extends Error {
  /** The exit code. */
  readonly exitCode: number;

  /**
   * Creates the error.
   *
   * @param message What to tell the user.
   * @param exitCode The exit code.
   */
  constructor(message: string, exitCode: number) {
    super(message);
    this.name = "CommandError";
    this.exitCode = exitCode;
  }
}

/** The instance of `--instance` (`default` when not given); exit 2 for an invalid name. */
export function instanceFrom(options: CommonOptions): string {
  const instance = options.instance ?? DEFAULT_INSTANCE;
  if (!isInstanceName(instance)) {
    throw new CommandError(
      `--instance ${JSON.stringify(instance)}: expected 1 to 64 letters, digits, "_" or "-"`,
      2,
    );
  }
  return instance;
}

/**
 * Loads the configuration from `--config` (and the environment), `--data-dir` overriding;
 * {@linkcode ConfigError} as it is (a reload reports its problems).
 */
export async function loadConfigFrom(options: CommonOptions, io: CliIo): Promise<ServiceConfig> {
  return await loadConfig({
    file: options.config,
    instance: instanceFrom(options),
    flags: options["data-dir"] ? { dataDir: options["data-dir"] } : undefined,
    onWarning: (message) => io.err(`warning: ${message}\n`),
  });
}

/** Loads the configuration from `--config` (and the environment), `--data-dir` overriding. */
export async function configFrom(options: CommonOptions, io: CliIo): Promise<ServiceConfig> {
  instanceFrom(options);
  try {
    return await loadConfigFrom(options, io);
  } catch (error) {
    if (error instanceof ConfigError) {
      const hint = options.config === undefined
        ? "\n(no --config given: the server URL comes from WATS_BASE_URL)"
        : "";
      throw new CommandError(
        `Configuration problems:\n  ${error.problems.join("\n  ")}${hint}`,
        error.exitCode,
      );
    }
    throw error;
  }
}

/** Reads an environment variable; one the process may not read counts as unset. */
function envOf(name: string): string | undefined {
  try {
    return Deno.env.get(name);
  } catch {
    return undefined;
  }
}

/** The data folder when no configuration says: `WATS_DATA_DIR`, else the instance's default. */
function dataDirWithoutConfig(options: CommonOptions): string {
  return options["data-dir"] || envOf("WATS_DATA_DIR") || envOf("PYWATS_DATA_DIR") ||
    defaultDataDir(envOf, instanceFrom(options));
}

/** The data folder: `--data-dir`, else the configuration's, else `WATS_DATA_DIR` or the default. */
export async function dataDirFrom(options: CommonOptions, io: CliIo): Promise<string> {
  if (options["data-dir"]) return options["data-dir"];
  if (options.config) return (await configFrom(options, io)).dataDir;
  return dataDirWithoutConfig(options);
}

/**
 * The configuration file of the `wats config` commands: `--config`, else `config.json` in the
 * instance's data folder (`--data-dir`, else `WATS_DATA_DIR`, else the default per OS), where
 * `wats service install` points the service.
 */
export function configFileFrom(options: CommonOptions): string {
  instanceFrom(options);
  return options.config ?? join(dataDirWithoutConfig(options), "config.json");
}

/** The queue folder of a data folder. */
export function queueDir(dataDir: string): string {
  return join(dataDir, "queue");
}
