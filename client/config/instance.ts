/**
 * Instances: several services on one station (two test lines), each with its own name, data
 * folder, lock, status port, control token and OS service name, so they never touch each other's
 * files. The name is `[A-Za-z0-9_-]{1,64}`; `default` when none is given.
 *
 * @module
 */

import { join, win32 } from "node:path";
import { currentPlatform } from "../../util/platform.ts";

/** The instance a command works on when `--instance` is not given. */
export const DEFAULT_INSTANCE = "default";

/** The status port of the `default` instance. */
export const DEFAULT_STATUS_PORT = 8181;

const INSTANCE_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Tells whether a text is a valid instance name.
 *
 * @param name The name.
 * @returns `true` for `[A-Za-z0-9_-]{1,64}`.
 */
export function isInstanceName(name: string): boolean {
  return INSTANCE_NAME.test(name);
}

/**
 * The default status port of an instance: 8181 for `default`, else a port in 8200–8999 that
 * depends only on the name (FNV-1a), so each instance answers on its own port without
 * configuration. `status.port` in the configuration overrides it (two names may share a port).
 *
 * @param instance The instance name.
 * @returns The port.
 */
export function instanceStatusPort(instance: string): number {
  if (instance === DEFAULT_INSTANCE) return DEFAULT_STATUS_PORT;
  let hash = 0x811c9dc5;
  for (const char of instance) {
    hash ^= char.charCodeAt(0);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return 8200 + hash % 800;
}

/** Where the instance folders of one OS live. */
export interface InstanceRootOptions {
  /** The OS; this one by default. */
  os?: typeof Deno.build.os;
  /** A per-user service (`systemctl --user`, a launchd agent) rather than a system one. */
  isUser: boolean;
  /** Reads environment variables (`WATS_ROOT`, `PROGRAMDATA`, `XDG_STATE_HOME`, `HOME`). */
  env: (name: string) => string | undefined;
}

/**
 * The default data folder of an instance: `<root>/instances/<name>`, the root being
 * `%PROGRAMDATA%\WATS` on Windows, `/Library/Application Support/WATS` on macOS
 * (`~/Library/Application Support/WATS` for a user), `/var/lib/wats` on Linux
 * (`$XDG_STATE_HOME/wats`, else `~/.local/state/wats`, for a user). The environment variable
 * `WATS_ROOT` replaces the root on every OS.
 *
 * @param instance The instance name.
 * @param options The OS, whether for a user, and the environment.
 * @returns The folder.
 */
export function instanceDataDir(instance: string, options: InstanceRootOptions): string {
  const { env, isUser } = options;
  const root = env("WATS_ROOT");
  if (root) return join(root, "instances", instance);
  const os = options.os ?? currentPlatform.os;
  if (os === "windows") {
    return win32.join(env("PROGRAMDATA") ?? "C:\\ProgramData", "WATS", "instances", instance);
  }
  const home = env("HOME") ?? "/var/lib";
  if (os === "darwin") {
    const root = isUser
      ? join(home, "Library", "Application Support")
      : "/Library/Application Support";
    return join(root, "WATS", "instances", instance);
  }
  const state = env("XDG_STATE_HOME") ?? join(home, ".local", "state");
  return join(isUser ? join(state, "wats") : "/var/lib/wats", "instances", instance);
}
