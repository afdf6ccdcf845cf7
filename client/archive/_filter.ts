/**
 * Finding archived sources: by archive time, file name pattern, serial and part number, converter
 * and status, as `wats archive ls` and `wats reprocess` filter them.
 *
 * The status is worked out when asked, from the ledger and the queue, so the index is written once
 * per source and never again for each upload: `accepted` (every report accepted by the server),
 * `queued` (some report still in the queue), `refused` (some report in `failed/` or
 * `quarantine/`, or nowhere), `error` (the file could not be converted).
 *
 * @module
 */

import { globToRegExp } from "../intake/_glob.ts";
import type { Ledger } from "../ledger/ledger.ts";
import type { ReportQueue } from "../queue/queue.ts";
import type { ArchiveEntry } from "./_index.ts";

/** The status of an archived source (see the module doc). */
export type ArchiveStatus = "accepted" | "queued" | "refused" | "error";

/** The statuses, in the order help texts list them. */
export const ARCHIVE_STATUSES: readonly ArchiveStatus[] = [
  "accepted",
  "queued",
  "refused",
  "error",
];

/** What to select; every given condition must hold. */
export interface ArchiveFilter {
  /** Archived at or after, epoch ms. */
  since?: number;
  /** Archived before, epoch ms. */
  until?: number;
  /** Glob of the source's file name (`*.csv`, `SN-*`), case-insensitive. */
  file?: string;
  /** A report's serial number. */
  sn?: string;
  /** A report's part number. */
  pn?: string;
  /** The converter id. */
  converter?: string;
  /** The status. */
  status?: ArchiveStatus;
}

/** An archived source with its status. */
export interface ArchivedSource {
  /** The index record. */
  entry: ArchiveEntry;
  /** Its status now. */
  status: ArchiveStatus;
}

/**
 * Works out the status of an archived source.
 *
 * @param entry The record.
 * @param ledger Accepted reports.
 * @param queue Reports in the queue.
 * @returns The status.
 */
export async function archiveStatus(
  entry: ArchiveEntry,
  ledger: Ledger,
  queue: ReportQueue,
): Promise<ArchiveStatus> {
  if (entry.outcome === "error") return "error";
  let status: ArchiveStatus = "accepted";
  for (const report of entry.reports) {
    const state = await queue.stateOf(report.id);
    if (state === "pending" || state === "processing") return "queued";
    if (await ledger.getAccepted(report.id) === null) status = "refused";
  }
  return status;
}

/**
 * Lists the archived sources a filter selects, oldest first.
 *
 * @param ledger The ledger (index and accepted reports).
 * @param queue The queue.
 * @param filter The conditions.
 * @returns The selected sources with their status.
 */
export async function* selectArchived(
  ledger: Ledger,
  queue: ReportQueue,
  filter: ArchiveFilter,
): AsyncGenerator<ArchivedSource> {
  const name = filter.file === undefined
    ? null
    : globToRegExp(filter.file, { caseInsensitive: true });
  for await (const entry of ledger.archive.list()) {
    const at = Date.parse(entry.archivedAt);
    if (filter.since !== undefined && at < filter.since) continue;
    if (filter.until !== undefined && at >= filter.until) continue;
    if (name && !name.test(entry.sourceName)) continue;
    if (filter.converter !== undefined && entry.converter !== filter.converter) continue;
    if (filter.sn !== undefined && !entry.reports.some((r) => r.sn === filter.sn)) continue;
    if (filter.pn !== undefined && !entry.reports.some((r) => r.pn === filter.pn)) continue;
    const status = await archiveStatus(entry, ledger, queue);
    if (filter.status !== undefined && status !== filter.status) continue;
    yield { entry, status };
  }
}
