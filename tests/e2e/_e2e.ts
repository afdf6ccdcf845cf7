/**
 * Helpers of the end-to-end tests: a work folder with a configuration for `wats run` against an
 * emulator process, and reading the service's status.
 *
 * @module
 */

import { join } from "node:path";
import type { EmulatorProcess } from "../_processes.ts";
import type { ServiceStatus } from "../../client/status/model.ts";

/** The folders of one end-to-end test. */
export interface Workspace {
  root: string;
  drop: string;
  dataDir: string;
  configFile: string;
}

/**
 * Makes the work folders in `root` and writes `config.json` for a service on `emulator`.
 *
 * @param root The work folder: a {@linkcode tempDir} declared before the processes start, so it
 *   is removed after they are stopped.
 * @param emulator The emulator process.
 * @param extra Configuration keys to add or replace.
 * @returns The folders.
 */
export async function workspace(
  root: string,
  emulator: EmulatorProcess,
  extra: Record<string, unknown> = {},
): Promise<Workspace> {
  const drop = join(root, "drop");
  const dataDir = join(root, "data");
  await Deno.mkdir(drop);
  const configFile = join(root, "config.json");
  await Deno.writeTextFile(
    configFile,
    JSON.stringify({
      server: { url: emulator.url },
      station: { name: "E2E-1", location: "Lab", purpose: "Test" },
      dataDir: "data",
      watch: [{ path: "drop", stableMs: 100, postAction: "move" }],
      status: { port: 0 },
      limits: { requestsPerWindow: 1_000_000 },
      retry: { baseDelayMs: 50, maxDelayMs: 500 },
      ...extra,
    }),
  );
  return { root, drop, dataDir, configFile };
}

/** The service's `/status` JSON. */
export async function statusOf(statusUrl: string): Promise<ServiceStatus> {
  const res = await fetch(`${statusUrl}/status`);
  if (!res.ok) throw new Error(`GET /status: HTTP ${res.status}`);
  return await res.json();
}

/** Names in a folder, sorted; none when it does not exist. */
export async function namesIn(folder: string): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir(folder)) names.push(entry.name);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return names.sort();
}

/** Polls until `check` answers something other than `undefined`. */
export async function until<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (performance.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export { seeded } from "../_random.ts";
export { tempDir } from "../_temp.ts";

/** Sleeps for real (end-to-end tests wait for other processes, not for a clock). */
export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
