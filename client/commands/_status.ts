/**
 * `wats status [--json]`: asks the running service's status server; the lock file says where it
 * listens. Exits 0, 34 or 35 for a health of ok, degraded or failing; 32 when no service runs on
 * the data folder.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { EXIT_CODES } from "../exit_codes.ts";
import { isLocked, readLockInfo } from "../lock.ts";
import type { ServiceStatus } from "../status/model.ts";
import {
  CommandError,
  COMMON_OPTIONS,
  type CommonOptions,
  configFrom,
  dataDirFrom,
} from "./_context.ts";
import type { CliIo } from "./_io.ts";

/** Help of `wats status`. */
export const STATUS_HELP = `Usage: wats status [--json] [--config FILE | --data-dir DIR]

Shows the state of the service running on the data folder: health, queue, uploads, errors.
Exits 0 when its health is ok, 34 when degraded, 35 when failing (the reasons are listed),
32 when no service runs there, 41 when its status server does not answer.
`;

/** The exit code of each health verdict, so monitoring can act on `wats status` alone. */
const HEALTH_EXIT_CODES: Readonly<Record<ServiceStatus["health"]["status"], number>> = {
  ok: EXIT_CODES.ok,
  degraded: EXIT_CODES.degraded,
  failing: EXIT_CODES.failing,
};

/** The status token, when the configuration has one. */
async function statusToken(values: CommonOptions, io: CliIo): Promise<string | undefined> {
  if (!values.config) return undefined;
  return (await configFrom(values, io)).secrets.statusToken;
}

/**
 * Runs `wats status`.
 *
 * @param args The arguments after `status`.
 * @param io Output.
 * @returns The exit code.
 */
export async function statusCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args, options: COMMON_OPTIONS });
  if (values.help) {
    io.out(STATUS_HELP);
    return 0;
  }
  const dataDir = await dataDirFrom(values, io);
  const info = await readLockInfo(dataDir);
  if (!await isLocked(dataDir)) {
    throw new CommandError(`No WATS service is running on ${dataDir}`, 32);
  }
  if (!info?.statusUrl) {
    const who = info ? `process ${info.pid}` : "a process that left no holder file";
    throw new CommandError(
      `The WATS service on ${dataDir} (${who}) has no status server (status.port)`,
      32,
    );
  }
  const token = await statusToken(values, io);
  let status: ServiceStatus;
  try {
    const res = await fetch(`${info.statusUrl}/status`, {
      headers: token ? { Authorization: `Bearer ${token}` } : {},
      signal: AbortSignal.timeout(10_000),
    });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    status = await res.json();
  } catch (error) {
    throw new CommandError(
      `The service (process ${info.pid}) does not answer at ${info.statusUrl}: ${
        (error as Error).message
      }`,
      41,
    );
  }
  io.out(values.json ? JSON.stringify(status, null, 2) + "\n" : formatStatus(status));
  return HEALTH_EXIT_CODES[status.health.status] ?? EXIT_CODES.failing;
}

/** The status as a few lines for a person. */
export function formatStatus(status: ServiceStatus): string {
  const { queue, uploads, conversions, api, health } = status;
  const lines = [
    `Service:   ${status.status}, health ${health.status} (station ${status.instance.station}, pid ${status.instance.pid})`,
    ...health.reasons.map((reason) => `           - ${reason}`),
    `Server:    ${api.url} (${api.state}, breaker ${api.breaker.state})`,
    `Queue:     ${queue.pending} pending, ${queue.processing} processing, ${queue.done} done, ` +
    `${queue.failed} failed, ${queue.quarantine} quarantined`,
    `Converted: ${conversions.completed} files, ${conversions.failed} failed, ${conversions.duplicates} duplicates`,
    `Uploaded:  ${uploads.accepted} accepted, ${uploads.retried} retries, ${uploads.failed} failed` +
    (uploads.lastSuccessAt ? `, last at ${uploads.lastSuccessAt}` : ""),
    `Uptime:    ${status.uptimeSeconds} s, version ${status.version}`,
    `Status:    ${status.instance.statusUrl}`,
  ];
  for (const error of status.recentErrors.slice(0, 5)) {
    lines.push(`Error:     ${error.at} ${error.kind}: ${error.message}`);
  }
  return lines.join("\n") + "\n";
}
