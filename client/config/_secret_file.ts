/**
 * The one reader of secrets kept in files (the WATS token, proxy and broker passwords), with the
 * checks of who may read them.
 *
 * @module
 */

import { getLogger } from "@logtape/logtape";
import { ConfigError } from "../errors.ts";
import { currentPlatform, type Platform } from "../../util/platform.ts";

/** Options of {@linkcode readSecretFile}. */
export interface SecretFileOptions {
  /** What the secret is, for the messages: `token`, `proxy password`… */
  what: string;
  /** The environment variable that may be used instead of the file. */
  envName: string;
  /** Where warnings go; the `wats.config` logger by default. */
  warn?: (message: string) => void;
  /** The OS rules (whether mode bits mean anything); this process's by default. */
  platform?: Platform;
}

/**
 * Reads a secret from a file that only the service account may read (refused when every user
 * may, on systems where mode bits say so): the WATS token, a proxy or broker password.
 *
 * @param path The file.
 * @param where The configuration key naming it, for the messages.
 * @param options What the secret is, the environment variable that may replace the file, and
 *   where warnings go.
 * @returns The secret, trimmed.
 * @throws {ConfigError} When the file is missing, readable by every user, or empty (exit 22).
 */
export async function readSecretFile(
  path: string,
  where: string,
  options: SecretFileOptions,
): Promise<string> {
  const warn = options.warn ?? ((message: string) => getLogger(["wats", "config"]).warn(message));
  const platform = options.platform ?? currentPlatform;
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(path);
  } catch (error) {
    const reason = error instanceof Deno.errors.NotFound ? "not found" : (error as Error).message;
    throw new ConfigError([`${where}: ${path}: ${reason}`], 22);
  }
  // Windows reports made-up mode bits (0o666, or 0o444 read-only): its ACLs decide who reads
  // the file, and checking them is the installer's job, so the operator is told once.
  if (!platform.hasModeBits) {
    warn(
      `${where}: ${path}: file permissions are not checked on Windows; make sure only the ` +
        "service account can read it (icacls)",
    );
  }
  const mode = platform.hasModeBits ? info.mode : null;
  if (mode !== null && (mode & 0o004) !== 0) {
    throw new ConfigError([
      `${where}: ${path} is readable by every user; restrict it (chmod 600 ${path}) or use ${options.envName}`,
    ], 22);
  }
  if (mode !== null && (mode & 0o040) !== 0) {
    warn(
      `${where}: ${path} is readable by its group; chmod 600 ${path} keeps the ${options.what} private`,
    );
  }
  const secret = (await Deno.readTextFile(path)).replace(/^\uFEFF/, "").trim();
  if (!secret) throw new ConfigError([`${where}: ${path} is empty`], 22);
  return secret;
}
