/**
 * `wats reprocess [FILTERS] [--failed-only] [--dry-run]`: converts archived sources again with
 * today's converters and configuration and queues what changed through the normal queue.
 *
 * A source is converted by the converter and arguments of the watch entry of the folder it came
 * from (`auto` when no entry watches that folder any more). Its reports get the ids they had, by
 * position, so a corrected report goes out under its original id and the server overwrites it.
 * A report whose content equals what the server accepted (the ledger keeps its digest) is
 * unchanged: not queued, and the source counted as a duplicate. A report still in the queue is
 * left alone. A source that could not be converted before (`--failed-only` selects just those)
 * gets its reports queued like a new file's. The running service sends what was queued; without
 * one, the next `wats run` does.
 *
 * @module
 */

import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { argumentsHash, readArchived } from "../archive/archive.ts";
import { selectArchived } from "../archive/_filter.ts";
import { configuredConversion } from "../intake/_convert.ts";
import { LEDGER_COUNTERS, reportDigest } from "../ledger/ledger.ts";
import type { QueueReport } from "../queue/envelope.ts";
import { CommandError, COMMON_OPTIONS, configFrom } from "./_context.ts";
import { FILTER_OPTIONS, filterFrom, openArchiveParts } from "./_archive.ts";
import type { CliIo } from "./_io.ts";

/** Help of `wats reprocess`. */
export const REPROCESS_HELP =
  `Usage: wats reprocess [FILTERS] [--failed-only] [--dry-run] --config FILE

Converts archived sources again with today's converters and configuration; corrected reports are
queued under their original ids (the server overwrites them), unchanged ones are not sent.
  --since TIME, --until TIME, --file GLOB, --sn SN, --pn PN, --converter ID, --outcome STATUS
                  select sources as 'wats archive ls' does
  --failed-only   only sources that could not be converted
  --dry-run       say what would be queued; queue nothing
Prints a summary: converted, unchanged, corrected, failed. Exits 1 when a source failed.
`;

/** The tally printed at the end. */
interface Summary {
  converted: number;
  unchanged: number;
  corrected: number;
  failed: number;
}

/**
 * Runs `wats reprocess`.
 *
 * @param args The arguments after `reprocess`.
 * @param io Output.
 * @returns The exit code.
 */
export async function reprocessCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      ...COMMON_OPTIONS,
      ...FILTER_OPTIONS,
      "failed-only": { type: "boolean" },
      "dry-run": { type: "boolean" },
    },
  });
  if (values.help) {
    io.out(REPROCESS_HELP);
    return 0;
  }
  if (positionals.length > 0) throw new CommandError(`Unexpected ${positionals[0]}`, 2);
  const filter = filterFrom(values, Date.now());
  if (values["failed-only"]) filter.status = "error";
  const config = await configFrom(values, io);
  const conversion = await configuredConversion(config);
  const isDryRun = values["dry-run"] === true;
  const parts = await openArchiveParts(config.dataDir);
  const { ledger, queue } = parts;
  const summary: Summary = { converted: 0, unchanged: 0, corrected: 0, failed: 0 };
  try {
    for await (const { entry } of selectArchived(ledger, queue, filter)) {
      const watch = config.watch.find((w) => resolve(w.path) === resolve(entry.sourceFolder));
      const converter = { id: watch?.converter ?? "auto", args: watch?.converterArgs ?? {} };
      const path = join(entry.sourceFolder, entry.sourceName);
      let bytes: Uint8Array;
      try {
        bytes = await readArchived(entry);
      } catch (error) {
        summary.failed++;
        io.err(`${entry.id}: cannot read ${entry.file}: ${(error as Error).message}\n`);
        continue;
      }
      const result = await conversion.convert({
        path,
        bytes,
        size: bytes.length,
        converter: converter.id,
        args: converter.args,
        station: config.station,
        signal: io.signal ?? new AbortController().signal,
        now: Date.now,
      });
      if (!result.ok) {
        summary.failed++;
        io.err(`${entry.id}: ${path}: conversion failed (${result.stage}): ${result.reason}\n`);
        continue;
      }
      summary.converted++;
      // The ids the reports had (by position): a corrected report replaces its first version.
      const known = await ledger.getSource(entry.sha256);
      const ids = entry.reports.length > 0
        ? entry.reports.map((report) => report.id)
        : known?.reportIds ?? [];
      const reports = (result.reports as QueueReport[]).map((report, index) =>
        index < ids.length ? { ...report, id: ids[index] } : report
      );
      const source = {
        path,
        sha256: entry.sha256,
        size: entry.size,
        converter: result.converter.id,
        converterVersion: result.converter.version,
        argumentsHash: argumentsHash(converter.args),
      };
      const corrected: QueueReport[] = [];
      for (const report of reports) {
        const accepted = await ledger.getAccepted(report.id);
        if (accepted?.digest === reportDigest(report)) summary.unchanged++;
        else if (accepted === null && await isQueued(report.id)) summary.unchanged++;
        else corrected.push(report);
      }
      summary.corrected += corrected.length;
      const verb = isDryRun ? "would queue" : "queued";
      io.out(
        `${entry.id}  ${path}  ${result.converter.id}: ${reports.length - corrected.length} ` +
          `unchanged, ${corrected.length} ${corrected.length ? `${verb} ` : ""}corrected` +
          `${corrected.length ? ` (${corrected.map((r) => r.id).join(", ")})` : ""}\n`,
      );
      if (isDryRun) continue;
      if (corrected.length === 0) {
        await ledger.increment(LEDGER_COUNTERS.duplicates);
        continue;
      }
      if (!known) {
        const at = new Date().toISOString();
        await ledger.recordSource(entry.sha256, { reportIds: reports.map((r) => r.id), path, at });
      }
      for (const report of corrected) await queue.enqueue(report, source);
      await ledger.archive.update({
        ...entry,
        converter: source.converter,
        converterVersion: source.converterVersion,
        argumentsHash: source.argumentsHash,
        outcome: "converted",
        reports: reports.map(({ id, sn, pn }) => ({
          id,
          ...(typeof sn === "string" ? { sn } : {}),
          ...(typeof pn === "string" ? { pn } : {}),
        })),
      });
    }
  } finally {
    await parts.close();
  }
  io.out(
    `${isDryRun ? "dry run: " : ""}${summary.converted} converted, ${summary.unchanged} ` +
      `unchanged, ${summary.corrected} corrected, ${summary.failed} failed\n`,
  );
  return summary.failed === 0 ? 0 : 1;

  async function isQueued(id: string): Promise<boolean> {
    const state = await queue.stateOf(id);
    return state === "pending" || state === "processing";
  }
}
