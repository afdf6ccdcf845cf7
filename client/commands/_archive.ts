/**
 * `wats archive ls|show|restore`: look into the source archive of a data folder and get a source
 * back. Safe while the service runs: it only reads the index, the queue and the `.gz` files.
 *
 * The filters are shared with `wats reprocess` ({@linkcode FILTER_OPTIONS}, {@linkcode filterFrom}).
 *
 * @module
 */

import { join } from "node:path";
import { parseArgs } from "node:util";
import { readArchived } from "../archive/archive.ts";
import {
  ARCHIVE_STATUSES,
  type ArchiveFilter,
  type ArchiveStatus,
  archiveStatus,
  selectArchived,
} from "../archive/_filter.ts";
import { writeFileDurable } from "../_fs.ts";
import { Ledger } from "../ledger/ledger.ts";
import { ReportQueue } from "../queue/queue.ts";
import { CommandError, COMMON_OPTIONS, dataDirFrom, queueDir } from "./_context.ts";
import type { CliIo } from "./_io.ts";

/** Help of `wats archive`. */
export const ARCHIVE_HELP =
  `Usage: wats archive <ls|show|restore> [options] [--config FILE | --data-dir DIR]

  ls [FILTERS] [--json]       list archived sources, oldest first
  show ID [--json]            one source: converter, reports and their state
  restore ID --to DIR         write the original file into DIR (never over a file)

Filters:
  --since TIME, --until TIME  archived in [since, until): ISO 8601 or an age (7d, 12h, 30m)
  --file GLOB                 the source file name (case-insensitive)
  --sn SN, --pn PN            a report's serial or part number
  --converter ID              the converter
  --outcome STATUS            ${ARCHIVE_STATUSES.join(", ")}
`;

/** The `parseArgs` declaration of the archive filters. */
export const FILTER_OPTIONS = {
  since: { type: "string" },
  until: { type: "string" },
  file: { type: "string" },
  sn: { type: "string" },
  pn: { type: "string" },
  converter: { type: "string" },
  outcome: { type: "string" },
} as const;

/** Values of {@linkcode FILTER_OPTIONS}. */
export interface FilterValues {
  since?: string;
  until?: string;
  file?: string;
  sn?: string;
  pn?: string;
  converter?: string;
  outcome?: string;
}

/** A point in time: ISO 8601, or an age before `now` (`7d`, `12h`, `30m`, `45s`). */
function timeOf(text: string, flag: string, now: number): number {
  const age = /^(\d+(?:\.\d+)?)(d|h|m|s)$/.exec(text.trim());
  if (age) {
    const unit = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000 }[age[2] as "d"];
    return now - Number(age[1]) * unit;
  }
  const time = Date.parse(text);
  if (Number.isNaN(time)) {
    throw new CommandError(`${flag} must be ISO 8601 or an age like 7d, not ${text}`, 2);
  }
  return time;
}

/**
 * Reads the filter flags.
 *
 * @param values The parsed flags.
 * @param now The current time, for ages.
 * @returns The filter.
 */
export function filterFrom(values: FilterValues, now: number): ArchiveFilter {
  const status = values.outcome;
  if (status !== undefined && !(ARCHIVE_STATUSES as readonly string[]).includes(status)) {
    throw new CommandError(`--outcome must be one of ${ARCHIVE_STATUSES.join(", ")}`, 2);
  }
  return {
    ...(values.since === undefined ? {} : { since: timeOf(values.since, "--since", now) }),
    ...(values.until === undefined ? {} : { until: timeOf(values.until, "--until", now) }),
    ...(values.file === undefined ? {} : { file: values.file }),
    ...(values.sn === undefined ? {} : { sn: values.sn }),
    ...(values.pn === undefined ? {} : { pn: values.pn }),
    ...(values.converter === undefined ? {} : { converter: values.converter }),
    ...(status === undefined ? {} : { status: status as ArchiveStatus }),
  };
}

/** The ledger and queue of a data folder, opened beside a running service. */
export async function openArchiveParts(
  dataDir: string,
): Promise<{ ledger: Ledger; queue: ReportQueue; close(): Promise<void> }> {
  const queue = await ReportQueue.open(queueDir(dataDir), { recover: false });
  const ledger = await Ledger.open(join(dataDir, "ledger.kv"));
  return {
    ledger,
    queue,
    async close() {
      ledger.close();
      await queue.indexed();
    },
  };
}

/**
 * Runs `wats archive`.
 *
 * @param args The arguments after `archive`.
 * @param io Output.
 * @returns The exit code.
 */
export async function archiveCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { ...COMMON_OPTIONS, ...FILTER_OPTIONS, to: { type: "string" } },
  });
  const [action, target] = positionals;
  if (values.help || action === undefined) {
    io.out(ARCHIVE_HELP);
    return values.help ? 0 : 2;
  }
  const filter = action === "ls" ? filterFrom(values, Date.now()) : {};
  const parts = await openArchiveParts(await dataDirFrom(values, io));
  const { ledger, queue } = parts;
  try {
    switch (action) {
      case "ls": {
        const found = await Array.fromAsync(selectArchived(ledger, queue, filter));
        if (values.json) {
          io.out(JSON.stringify(found.map(({ entry, status }) => ({ ...entry, status }))) + "\n");
          return 0;
        }
        for (const { entry, status } of found) {
          const units = entry.reports.map((r) => r.sn ?? r.id).join(",");
          io.out(
            `${entry.id}  ${entry.archivedAt}  ${status}  ${entry.converter ?? "-"}  ` +
              `${join(entry.sourceFolder, entry.sourceName)}  ${entry.reports.length} report(s)` +
              `${units ? ` ${units}` : ""}\n`,
          );
        }
        io.err(`${found.length} archived source(s)\n`);
        return 0;
      }
      case "show": {
        if (!target) throw new CommandError("Usage: wats archive show ID", 2);
        const entry = await ledger.archive.get(target);
        if (!entry) throw new CommandError(`No archived source ${target}`, 1);
        const status = await archiveStatus(entry, ledger, queue);
        const reports = [];
        for (const report of entry.reports) {
          const accepted = await ledger.getAccepted(report.id);
          reports.push({ ...report, state: await queue.stateOf(report.id), accepted });
        }
        if (values.json) {
          io.out(JSON.stringify({ ...entry, status, reports }, null, 2) + "\n");
          return 0;
        }
        const lines = [
          `${entry.id}: ${status}`,
          `source: ${join(entry.sourceFolder, entry.sourceName)} (${entry.size} bytes, ` +
          `${entry.storedBytes} stored, sha256 ${entry.sha256})`,
          `archived: ${entry.archivedAt} in ${entry.file}`,
          `converter: ${entry.converter ?? "-"} ${entry.converterVersion ?? ""} ` +
          `(arguments ${entry.argumentsHash?.slice(0, 12) ?? "-"})`,
          ...(entry.reason ? [`refused (${entry.stage}): ${entry.reason}`] : []),
          ...(entry.errorPath ? [`error folder: ${entry.errorPath}`] : []),
          ...reports.map((report) =>
            `report ${report.id}  sn ${report.sn ?? "?"} pn ${report.pn ?? "?"}  ` +
            (report.accepted ? `accepted ${report.accepted.at}` : report.state ?? "not queued")
          ),
        ];
        io.out(lines.join("\n") + "\n");
        return 0;
      }
      case "restore": {
        if (!target || !values.to) {
          throw new CommandError("Usage: wats archive restore ID --to DIR", 2);
        }
        const entry = await ledger.archive.get(target);
        if (!entry) throw new CommandError(`No archived source ${target}`, 1);
        const path = join(values.to, entry.sourceName);
        if (await Deno.lstat(path).then(() => true, () => false)) {
          throw new CommandError(`${path} exists; restore into another folder`, 1);
        }
        await Deno.mkdir(values.to, { recursive: true });
        await writeFileDurable(path, await readArchived(entry));
        io.out(`${path}\n`);
        return 0;
      }
      default:
        throw new CommandError(`Unknown archive action "${action}"\n\n${ARCHIVE_HELP}`, 2);
    }
  } finally {
    await parts.close();
  }
}
