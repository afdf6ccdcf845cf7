/**
 * `wats status [--json] [--watch]`: asks the running service's status server; the lock file says
 * where it listens. Exits 0, 34 or 35 for a health of ok, degraded or failing; 32 when no service
 * runs on the data folder.
 *
 * On a terminal the figures are grouped for a person; otherwise each figure is one stable
 * `name: value` line that scripts can grep. `--watch` redraws the view every second until Ctrl-C
 * (on a terminal in its alternate screen, like `top`; otherwise one block of lines a second).
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
import { type CliIo, stopSignal } from "./_io.ts";
import { formatStatus, statusLines, watchFrame } from "./_status_view.ts";

export { formatStatus, statusLines };

/** Help of `wats status`. */
export const STATUS_HELP = `Usage: wats status [--json] [--watch] [--config FILE | --data-dir DIR]

Shows the state of the service running on the data folder: health, queue, uploads, errors.
Without a terminal, prints one stable "name: value" line per figure.
  --watch   redraw every second until Ctrl-C (a live view on a terminal)
Exits 0 when its health is ok, 34 when degraded, 35 when failing (the reasons are listed),
32 when no service runs there, 41 when its status server does not answer.
`;

/** The exit code of each health verdict, so monitoring can act on `wats status` alone. */
const HEALTH_EXIT_CODES: Readonly<Record<ServiceStatus["health"]["status"], number>> = {
  ok: EXIT_CODES.ok,
  degraded: EXIT_CODES.degraded,
  failing: EXIT_CODES.failing,
};

const WATCH_EVERY_MS = 1000;

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
  const { values } = parseArgs({
    args,
    options: { ...COMMON_OPTIONS, watch: { type: "boolean" } },
  });
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
  const where = { pid: info.pid, statusUrl: info.statusUrl, token };
  if (values.watch) return await watch(where, io);
  const status = await fetchStatus(where);
  if (values.json) io.out(JSON.stringify(status, null, 2) + "\n");
  else io.out(io.isTty ? formatStatus(status) : statusLines(status));
  return HEALTH_EXIT_CODES[status.health.status] ?? EXIT_CODES.failing;
}

interface StatusServer {
  pid: number;
  statusUrl: string;
  token: string | undefined;
}

async function fetchStatus(server: StatusServer): Promise<ServiceStatus> {
  try {
    const res = await fetch(`${server.statusUrl}/status`, {
      headers: server.token ? { Authorization: `Bearer ${server.token}` } : {},
      signal: AbortSignal.timeout(10_000),
    });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    return await res.json();
  } catch (error) {
    throw new CommandError(
      `The service (process ${server.pid}) does not answer at ${server.statusUrl}: ${
        (error as Error).message
      }`,
      41,
    );
  }
}

/** Redraws until Ctrl-C; a service that stops answering is said on screen, not fatal. */
async function watch(server: StatusServer, io: CliIo): Promise<number> {
  const stop = stopSignal();
  if (io.isTty) io.out("\x1b[?1049h\x1b[?25l");
  try {
    while (!stop.signal.aborted) {
      let status: ServiceStatus | Error;
      try {
        status = await fetchStatus(server);
      } catch (error) {
        status = error as Error;
      }
      io.out(watchFrame(status, { isTty: io.isTty, everyMs: WATCH_EVERY_MS, now: new Date() }));
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, WATCH_EVERY_MS);
        stop.signal.addEventListener("abort", () => {
          clearTimeout(timer);
          resolve();
        }, { once: true });
      });
    }
  } finally {
    if (io.isTty) io.out("\x1b[?25h\x1b[?1049l");
    stop.dispose();
  }
  return 0;
}
