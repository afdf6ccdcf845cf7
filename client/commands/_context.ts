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
import type { CliIo } from "./_io.ts";

/** Options every command takes. */
export interface CommonOptions {
  config?: string;
  "data-dir"?: string;
}

/** The `parseArgs` declaration of {@linkcode CommonOptions} and `--json`, `--help`. */
export const COMMON_OPTIONS = {
  config: { type: "string", short: "c" },
  "data-dir": { type: "string" },
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

/** Loads the configuration from `--config` (and the environment), `--data-dir` overriding. */
export async function configFrom(options: CommonOptions, io: CliIo): Promise<ServiceConfig> {
  try {
    return await loadConfig({
      file: options.config,
      flags: options["data-dir"] ? { dataDir: options["data-dir"] } : undefined,
      onWarning: (message) => io.err(`warning: ${message}\n`),
    });
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

/** The data folder: `--data-dir`, else the configuration's, else `WATS_DATA_DIR` or the default. */
export async function dataDirFrom(options: CommonOptions, io: CliIo): Promise<string> {
  if (options["data-dir"]) return options["data-dir"];
  if (options.config) return (await configFrom(options, io)).dataDir;
  const env = (name: string) => {
    try {
      return Deno.env.get(name);
    } catch {
      return undefined;
    }
  };
  return env("WATS_DATA_DIR") ?? env("PYWATS_DATA_DIR") ?? defaultDataDir(env);
}

/** The queue folder of a data folder. */
export function queueDir(dataDir: string): string {
  return join(dataDir, "queue");
}
