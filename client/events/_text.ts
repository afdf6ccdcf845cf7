/**
 * Small helpers of the event sinks: URLs without credentials, secrets from files.
 *
 * @module
 */

import { ConfigError } from "../errors.ts";

/**
 * A URL with its user name and password taken out, for status and logs.
 *
 * @param url A broker URL.
 * @returns The URL without credentials (the text as it is when it is not a URL).
 */
export function redactUrl(url: string): string {
  if (!URL.canParse(url)) return url;
  const parsed = new URL(url);
  parsed.username = "";
  parsed.password = "";
  return parsed.href.replace(/\/$/, "");
}

/**
 * Reads a secret (a broker password) from a file only the service account may read.
 *
 * @param path The file.
 * @param what The configuration key naming it, for the messages.
 * @returns The secret, trimmed.
 * @throws {ConfigError} When the file is missing, readable by every user, or empty.
 */
export async function readSecretFile(path: string, what: string): Promise<string> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(path);
  } catch (error) {
    const reason = error instanceof Deno.errors.NotFound ? "not found" : (error as Error).message;
    throw new ConfigError([`${what}: ${path}: ${reason}`], 22);
  }
  // mode is null on Windows, where the installer restricts the file with an ACL instead.
  if (info.mode !== null && (info.mode & 0o004) !== 0) {
    throw new ConfigError([
      `${what}: ${path} is readable by every user; restrict it (chmod 600 ${path})`,
    ], 22);
  }
  const secret = (await Deno.readTextFile(path)).replace(/^\uFEFF/, "").trim();
  if (!secret) throw new ConfigError([`${what}: ${path} is empty`], 22);
  return secret;
}
