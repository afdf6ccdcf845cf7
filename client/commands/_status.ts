/**
 * `wats status [--json]`: asks the running service's status server; the lock file says where it
 * listens. Exits 32 when no service runs on the data folder.
 *
 * @module
 */

import { parseArgs } from "node:util";
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
Exits 32 when no service runs there, 41 when its status server does not answer.
`;

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
  if (!await isLocked(dataDir) || !info?.statusUrl) {
    throw new CommandError(`No WATS service is running on ${dataDir}`, 32);
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
  if (values.json) {
    io.out(JSON.stringify(status, null, 2) + "\n");
    return 0;
  }
  io.out(formatStatus(status));
  return 0;
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
  for (const sink of status.events ?? []) {
    lines.push(
      `Events:    ${sink.name} ${sink.target} ${sink.state}: ${sink.pending} pending, ` +
        `${sink.published} published, ${sink.dropped} dropped` +
        (sink.lastError ? ` (${sink.lastError})` : ""),
    );
  }
  for (const error of status.recentErrors.slice(0, 5)) {
    lines.push(`Error:     ${error.at} ${error.kind}: ${error.message}`);
  }
  return lines.join("\n") + "\n";
}
