/**
 * Reload without restart: what changed between two configurations, and a watch on the
 * configuration file that calls back once edits settle.
 *
 * The file's folder is watched rather than the file, because editors and `wats config set` save
 * by writing a temp file and renaming it over the old one (the old file's watch would see
 * nothing more). Events are debounced: the callback runs {@linkcode RELOAD_DEBOUNCE_MS} after the
 * last event, so a save in several writes reloads once.
 *
 * Events are hints, as for the drop folders: the runtime delivers every event under a watched
 * folder to each watch of an enclosing folder through a short channel that drops what does not
 * fit, so a busy drop folder below the configuration's folder can crowd out the save's event, and
 * a file on a network share gets none. The file's size, modification time and inode are therefore
 * also compared every {@linkcode CONFIG_POLL_MS}, and a change found that way reloads the same.
 *
 * @module
 */

import { basename, dirname, resolve } from "node:path";
import type { ServiceConfig } from "./config.ts";
import { type Clock, systemClock } from "../../util/clock.ts";

/** How long the configuration file must stay quiet before a reload. */
export const RELOAD_DEBOUNCE_MS = 500;

/** How often the configuration file is compared with what was last loaded, events or not. */
export const CONFIG_POLL_MS = 2_000;

/** What a reload changes, by part of the service. */
export interface ConfigChanges {
  /** The server URL, timeout, token, request limits or breaker: a new HTTP client is built. */
  isClientChanged: boolean;
  /** Settings that take effect only at the next start (data folder, status server, plug-ins). */
  needsRestart: string[];
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Compares a running configuration with a new one.
 *
 * @param running The configuration in use.
 * @param next The new configuration, validated.
 * @returns What changed, for the parts that must be rebuilt or cannot change live.
 */
export function configChanges(running: ServiceConfig, next: ServiceConfig): ConfigChanges {
  const isClientChanged = !same(running.server, next.server) ||
    running.secrets.apiToken !== next.secrets.apiToken ||
    running.limits.requestsPerWindow !== next.limits.requestsPerWindow ||
    running.limits.windowMs !== next.limits.windowMs ||
    !same(running.breaker, next.breaker) ||
    running.station.name !== next.station.name ||
    running.secrets.proxyPassword !== next.secrets.proxyPassword;
  const needsRestart: string[] = [];
  if (running.dataDir !== next.dataDir) needsRestart.push("dataDir");
  if (!same(running.status, next.status)) needsRestart.push("status");
  if (running.secrets.statusToken !== next.secrets.statusToken) needsRestart.push("status.token");
  if (!same(running.converters, next.converters)) needsRestart.push("converters");
  if (!same(running.logs, next.logs)) needsRestart.push("logs");
  return { isClientChanged, needsRestart };
}

/** Options of {@linkcode watchConfigFile}. */
export interface WatchConfigFileOptions {
  /** Called once the file settled after a change; a failure it throws is its own to report. */
  onChange: () => Promise<void> | void;
  /** Ends the watch. */
  signal: AbortSignal;
  /** The clock of the debounce; the system clock by default. */
  clock?: Clock;
  /** Quiet time before `onChange`; {@linkcode RELOAD_DEBOUNCE_MS} by default. */
  debounceMs?: number;
  /** How often the file is compared; {@linkcode CONFIG_POLL_MS} by default. */
  pollMs?: number;
}

/**
 * Watches a configuration file and calls `onChange` after each settled change.
 *
 * @param file The configuration file.
 * @param options The callback, the stop signal, the clock and the debounce.
 * @returns A promise that resolves when the watch has ended (after `signal` aborts).
 *
 * @example Reload on every save until stopped
 * ```ts ignore
 * const stop = new AbortController();
 * const watching = watchConfigFile("/etc/wats/config.json", {
 *   onChange: () => service.reload(),
 *   signal: stop.signal,
 * });
 * stop.abort();
 * await watching;
 * ```
 */
export async function watchConfigFile(
  file: string,
  options: WatchConfigFileOptions,
): Promise<void> {
  const { signal } = options;
  if (signal.aborted) return;
  const clock = options.clock ?? systemClock;
  const debounceMs = options.debounceMs ?? RELOAD_DEBOUNCE_MS;
  const path = resolve(file);
  const name = basename(path);
  const pollMs = options.pollMs ?? CONFIG_POLL_MS;
  let loaded = await fingerprintOf(path);
  // Changes seen, and changes whose callback has read the file: the comparison starts a reload
  // only when these are equal, so a change is not reloaded twice.
  let seen = 0;
  let settled = 0;
  let quiet = null as AbortController | null;
  let pending: Promise<void> = Promise.resolve();
  const changed = () => {
    const change = ++seen;
    quiet?.abort();
    const current = quiet = new AbortController();
    // Each change restarts the wait; only the last one of a burst calls back.
    clock.sleep(debounceMs, AbortSignal.any([current.signal, signal])).then(() => {
      pending = pending.then(async () => {
        loaded = await fingerprintOf(path);
        settled = change;
        await options.onChange();
      }).catch(() => {});
    }, () => {});
  };
  const polling = (async () => {
    while (!signal.aborted) {
      await clock.sleep(pollMs, signal).catch(() => {});
      if (signal.aborted) return;
      if (settled === seen && await fingerprintOf(path) !== loaded) changed();
    }
  })();
  let watcher: Deno.FsWatcher | null = null;
  try {
    watcher = Deno.watchFs(dirname(path), { recursive: false });
  } catch {
    // A folder the OS cannot watch: the comparison carries on alone.
  }
  const close = () => watcher?.close();
  signal.addEventListener("abort", close, { once: true });
  try {
    if (watcher === null) await polling;
    else {
      for await (const event of watcher) {
        if (event.paths.some((changedPath) => basename(changedPath) === name)) changed();
      }
    }
  } finally {
    signal.removeEventListener("abort", close);
    quiet?.abort();
    await polling;
    await pending;
  }
}

/** What tells one version of the file from the next: size, modification time and inode. */
async function fingerprintOf(path: string): Promise<string> {
  try {
    const info = await Deno.stat(path);
    return `${info.size}:${info.mtime?.getTime() ?? ""}:${info.ino ?? ""}`;
  } catch {
    return "missing";
  }
}
