/**
 * `wats submit FILE|DIR...`: a one-shot upload through the same queue as the service. Files are
 * converted and queued like dropped files (content seen before is a duplicate, not sent again)
 * but never moved. When the service runs on the data folder, it sends them; otherwise this
 * command runs the submitter itself until they are settled, with a progress bar on a terminal
 * and a progress line every few seconds without one (saying so when the rate limiter is what
 * holds the backlog back). The default timeout fits the work: the reports at the configured
 * rate, with room to spare, and never under two minutes.
 *
 * @module
 */

import { join } from "node:path";
import { parseArgs } from "node:util";
import { configuredConversion } from "../intake/_convert.ts";
import { type TakeContext, takeSource } from "../intake/_take.ts";
import { isSkippedName } from "../intake/_watch_paths.ts";
import type { ServiceConfig } from "../config/config.ts";
import { Ledger } from "../ledger/ledger.ts";
import { isLocked } from "../lock.ts";
import { ReportQueue } from "../queue/queue.ts";
import { StationService } from "../service.ts";
import { systemClock } from "../../util/clock.ts";
import { CommandError, COMMON_OPTIONS, configFrom, queueDir } from "./_context.ts";
import type { CliIo } from "./_io.ts";
import { humanDuration } from "../status/_human.ts";

/** Help of `wats submit`. */
export const SUBMIT_HELP =
  `Usage: wats submit FILE|DIR... [--converter ID] [--timeout SECONDS] [--config FILE]

Converts the files (folders: every file in them, recursively) and uploads the reports through
the service's queue, exactly once. The files stay where they are. Exits 0 when every report was
accepted, 1 when a file could not be converted or a report was refused (named by its file),
33 when --timeout passed first; unsent reports stay queued for the service.
  --timeout SECONDS  0 for none; default: the reports at the configured rate (limits.
                     requestsPerWindow per limits.windowMs) times 1.5 plus a minute, at least 120
`;

/** Without a terminal, a progress line this often. */
const PROGRESS_EVERY_MS = 5000;

/**
 * The default timeout for `reports` at the configured rate: their time at that rate times 1.5
 * plus a minute, at least two minutes.
 *
 * @param reports How many reports to upload.
 * @param limits The configured rate.
 * @returns Milliseconds.
 */
export function defaultSubmitTimeoutMs(
  reports: number,
  limits: { requestsPerWindow: number; windowMs: number },
): number {
  const atRateMs = Math.ceil(reports / limits.requestsPerWindow) * limits.windowMs;
  return Math.max(120_000, atRateMs * 1.5 + 60_000);
}

async function* filesOf(path: string): AsyncGenerator<string> {
  const info = await Deno.stat(path);
  if (info.isFile) {
    yield path;
    return;
  }
  for await (const entry of Deno.readDir(path)) {
    if (isSkippedName(entry.name)) continue;
    const child = join(path, entry.name);
    if (entry.isDirectory) yield* filesOf(child);
    else if (entry.isFile) yield child;
  }
}

function bar(done: number, total: number): string {
  const width = 30;
  const filled = total === 0 ? width : Math.round((done / total) * width);
  return `[${"#".repeat(filled)}${".".repeat(width - filled)}] ${done}/${total}`;
}

/**
 * Runs `wats submit`.
 *
 * @param args The arguments after `submit`.
 * @param io Output.
 * @returns The exit code.
 */
export async function submitCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { ...COMMON_OPTIONS, converter: { type: "string" }, timeout: { type: "string" } },
  });
  if (values.help || positionals.length === 0) {
    io.out(SUBMIT_HELP);
    return values.help ? 0 : 2;
  }
  const timeoutMs = values.timeout === undefined ? undefined : Number(values.timeout) * 1000;
  if (timeoutMs !== undefined && !(timeoutMs >= 0)) {
    throw new CommandError("--timeout must be a number of seconds (0: none)", 2);
  }
  const config = await configFrom(values, io);
  const isServiceRunning = await isLocked(config.dataDir);
  let service: StationService | null = null;
  let queue: ReportQueue;
  let ledger: Ledger;
  if (isServiceRunning) {
    queue = await ReportQueue.open(queueDir(config.dataDir), { recover: false });
    ledger = await Ledger.open(join(config.dataDir, "ledger.kv"));
  } else {
    service = await StationService.start({
      config,
      configFile: values.config,
      intake: false,
      statusServer: false,
    });
    queue = service.queue;
    ledger = service.ledger;
  }
  try {
    return await submitFiles(positionals, {
      config,
      queue,
      ledger,
      service,
      io,
      timeoutMs,
      converter: values.converter,
    });
  } finally {
    if (service) await service.stop();
    else {
      await queue.indexed();
      ledger.close();
    }
  }
}

async function submitFiles(
  paths: string[],
  parts: {
    config: ServiceConfig;
    queue: ReportQueue;
    ledger: Ledger;
    service: StationService | null;
    io: CliIo;
    timeoutMs: number | undefined;
    converter?: string;
  },
): Promise<number> {
  const { io, queue, ledger } = parts;
  const context: TakeContext = {
    config: parts.config,
    queue,
    ledger,
    // The configured plug-ins too, so `--converter <plug-in id>` and `auto` see them.
    conversion: await configuredConversion(parts.config, {
      logDir: join(parts.config.dataDir, "logs", "conversions"),
    }),
    clock: systemClock,
    signal: io.signal ?? new AbortController().signal,
  };
  const ids = new Set<string>();
  const fileOf = new Map<string, string>();
  let files = 0;
  let failedFiles = 0;
  for (const path of paths) {
    for await (const file of filesOf(path)) {
      files++;
      const taken = await takeSource(context, file, { id: parts.converter ?? "auto", args: {} });
      if (taken.outcome === "failed") {
        failedFiles++;
        io.err(`${file}: ${taken.facts.reason}\n`);
      } else if (taken.outcome === "full" || taken.outcome === "busy") {
        // A one-shot command does not wait for a file another program holds open.
        failedFiles++;
        io.err(`${file}: ${taken.message}\n`);
      } else if (taken.outcome === "stopped") {
        failedFiles++;
        io.err(`${file}: stopped before it was converted\n`);
      } else if (taken.outcome !== "gone") {
        for (const id of taken.reportIds) {
          ids.add(id);
          fileOf.set(id, file);
        }
        if (taken.outcome === "duplicate") {
          io.err(`${file}: same content as ${taken.firstPath}; not sent again\n`);
        } else if (taken.outcome === "resumed") {
          io.err(`${file}: submitted before; not sent again\n`);
        }
      }
    }
  }
  parts.service?.wake();
  const limits = parts.config.limits;
  const timeoutMs = parts.timeoutMs ?? defaultSubmitTimeoutMs(ids.size, limits);
  const deadline = timeoutMs === 0 ? Infinity : performance.now() + timeoutMs;
  const rate = `${limits.requestsPerWindow} per ${humanDuration(limits.windowMs)}`;
  if (!io.isTty && ids.size > 0) {
    io.out(
      `Uploading ${ids.size} report(s) at most ${rate} (${
        timeoutMs === 0 ? "no timeout" : `timeout ${humanDuration(timeoutMs)}`
      })\n`,
    );
  }
  let nextProgressAt = performance.now() + PROGRESS_EVERY_MS;
  const accepted = new Set<string>();
  const refused = new Map<string, string>();
  while (accepted.size + refused.size < ids.size && performance.now() < deadline) {
    for (const id of ids) {
      if (accepted.has(id) || refused.has(id)) continue;
      const state = await queue.stateOf(id);
      if (state === "done" || (state === null && await ledger.getAccepted(id))) accepted.add(id);
      else if (state === "failed" || state === "quarantine") {
        refused.set(id, (await queue.get(id))?.envelope?.lastError?.message ?? state);
      }
    }
    if (io.isTty) io.out(`\r${bar(accepted.size + refused.size, ids.size)}`);
    else if (performance.now() >= nextProgressAt && accepted.size + refused.size < ids.size) {
      nextProgressAt = performance.now() + PROGRESS_EVERY_MS;
      const held = await heldByLimiter(parts.service, limits.requestsPerWindow);
      io.out(
        `Progress: ${accepted.size + refused.size} of ${ids.size} settled (${accepted.size} ` +
          `accepted, ${refused.size} refused)` +
          (held ? `; held back by the rate limiter at ${rate} (limits.requestsPerWindow)` : "") +
          "\n",
      );
    }
    if (accepted.size + refused.size < ids.size) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  if (io.isTty) io.out("\n");
  for (const [id, reason] of refused) {
    io.err(`${fileOf.get(id) ?? "?"}: report ${id} refused: ${reason}\n`);
  }
  const waiting = ids.size - accepted.size - refused.size;
  io.out(
    `${files} file(s), ${ids.size} report(s): ${accepted.size} accepted, ${refused.size} refused` +
      (failedFiles ? `, ${failedFiles} file(s) not converted` : "") +
      (waiting ? `, ${waiting} still queued` : "") + "\n",
  );
  if (waiting > 0) return 33;
  return refused.size > 0 || failedFiles > 0 ? 1 : 0;
}

/** Whether the submitter this command runs waits for the rate limiter (the window is full). */
async function heldByLimiter(
  service: StationService | null,
  requestsPerWindow: number,
): Promise<boolean> {
  const limiter = service ? (await service.status()).api.limiter : null;
  return limiter !== null && (limiter.waiting > 0 || limiter.inWindow >= requestsPerWindow);
}
