/**
 * `wats reload` and `wats stop`, and the way every command reaches a running service's control
 * channel: the lock says whether a service runs and where its status server listens, the data
 * folder's `control.token` is the key.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { isLocked, readLockInfo } from "../lock.ts";
import { readControlToken } from "../status/_control.ts";
import { CommandError, COMMON_OPTIONS, dataDirFrom } from "./_context.ts";
import type { CliIo } from "./_io.ts";

/** A running service and the key to its control channel. */
export interface RunningService {
  /** The process id. */
  pid: number;
  /** The status server's base URL. */
  statusUrl: string;
  /** The control token. */
  token: string;
}

/**
 * Finds the service running on a data folder.
 *
 * @param dataDir The instance's data folder.
 * @returns The service, or `null` when none runs there.
 * @throws {CommandError} With exit 14 when one runs but its control token cannot be read.
 */
export async function runningService(dataDir: string): Promise<RunningService | null> {
  if (!await isLocked(dataDir)) return null;
  const info = await readLockInfo(dataDir);
  if (!info?.statusUrl) return null;
  const token = await readControlToken(dataDir);
  if (token === null) {
    throw new CommandError(
      `The service (process ${info.pid}) runs, but its control token in ${dataDir} cannot be ` +
        "read: run this command as the service's account",
      14,
    );
  }
  return { pid: info.pid, statusUrl: info.statusUrl, token };
}

/**
 * Sends one control request.
 *
 * @param service The running service.
 * @param method `GET` or `POST`.
 * @param path The route, e.g. `/control/reload`.
 * @returns The status code and the JSON body.
 * @throws {CommandError} With exit 41 when the service does not answer, 42 on a 401.
 */
export async function controlRequest(
  service: RunningService,
  method: string,
  path: string,
): Promise<{ status: number; body: unknown }> {
  let res: Response;
  try {
    res = await fetch(`${service.statusUrl}${path}`, {
      method,
      headers: { Authorization: `Bearer ${service.token}` },
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    throw new CommandError(
      `The service (process ${service.pid}) does not answer at ${service.statusUrl}: ${
        (error as Error).message
      }`,
      41,
    );
  }
  if (res.status === 401) {
    await res.body?.cancel();
    throw new CommandError("The service refused the control token (it restarted?)", 42);
  }
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

/** Help of `wats reload`. */
export const RELOAD_HELP = `Usage: wats reload [--instance NAME] [--config FILE | --data-dir DIR]

Asks the running service to reload its configuration without a restart. Exits 0 when the new
configuration runs, 22 when it was refused (the running one stays; the problems are listed),
32 when no service runs.
`;

/**
 * Runs `wats reload`.
 *
 * @param args The arguments after `reload`.
 * @param io Output.
 * @returns The exit code.
 */
export async function reloadCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args, options: COMMON_OPTIONS });
  if (values.help) {
    io.out(RELOAD_HELP);
    return 0;
  }
  const dataDir = await dataDirFrom(values, io);
  const service = await runningService(dataDir);
  if (!service) throw new CommandError(`No WATS service is running on ${dataDir}`, 32);
  const { body } = await controlRequest(service, "POST", "/control/reload");
  const result = body as { isApplied: boolean; problems: string[]; restartedWatchers: string[] };
  if (values.json) io.out(JSON.stringify(result, null, 2) + "\n");
  if (!result.isApplied) {
    throw new CommandError(`Reload refused:\n  ${result.problems.join("\n  ")}`, 22);
  }
  if (!values.json) {
    io.out(`Reloaded; ${result.restartedWatchers.length} watcher(s) restarted\n`);
  }
  return 0;
}

/** Help of `wats stop`. */
export const STOP_HELP =
  `Usage: wats stop [--instance NAME] [--config FILE | --data-dir DIR] [--timeout SECONDS]

Asks the running service to stop gracefully and waits until it has released its lock (default
60 s). Exits 0 once stopped, 32 when no service runs, 33 when it did not stop in time.
`;

/**
 * Runs `wats stop`.
 *
 * @param args The arguments after `stop`.
 * @param io Output.
 * @returns The exit code.
 */
export async function stopCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { ...COMMON_OPTIONS, timeout: { type: "string" } },
  });
  if (values.help) {
    io.out(STOP_HELP);
    return 0;
  }
  const timeoutMs = (values.timeout === undefined ? 60 : Number(values.timeout)) * 1000;
  if (!(timeoutMs > 0)) throw new CommandError("--timeout must be a number of seconds", 2);
  const dataDir = await dataDirFrom(values, io);
  const service = await runningService(dataDir);
  if (!service) throw new CommandError(`No WATS service is running on ${dataDir}`, 32);
  await controlRequest(service, "POST", "/control/stop");
  const deadline = performance.now() + timeoutMs;
  while (await isLocked(dataDir)) {
    if (performance.now() > deadline) {
      throw new CommandError(
        `The service (process ${service.pid}) did not stop within ${timeoutMs / 1000} s`,
        33,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  io.out(`Stopped the service (process ${service.pid})\n`);
  return 0;
}
