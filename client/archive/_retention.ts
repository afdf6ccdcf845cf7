/**
 * Retention of the source archive: by age (`archive.retentionDays`) and by total size
 * (`archive.maxArchiveBytes`), oldest first. A source whose reports are not all accepted by the
 * server yet is never purged (it is what `wats reprocess` would need if they are refused); it is
 * skipped and counted as held, and the next older-than-it entries are looked at instead.
 *
 * The `.gz` file is removed before its record, so a crash in between leaves a record without a
 * file, which the next pass removes; never a file nobody knows of.
 *
 * @module
 */

import { removeIfPresent } from "../_fs.ts";
import type { Ledger } from "../ledger/ledger.ts";
import { ARCHIVE_COUNTERS, type ArchiveEntry } from "./_index.ts";

/** How long and how much the archive keeps. */
export interface RetentionPolicy {
  /** Sources older than this many days are purged. */
  retentionDays: number;
  /** The archive's total size (compressed bytes) is kept under this, oldest purged first. */
  maxArchiveBytes: number;
}

/** What one retention pass did. */
export interface PurgeSummary {
  /** Sources purged for their age. */
  byAge: number;
  /** Sources purged to bring the total under `maxArchiveBytes`. */
  bySize: number;
  /** Compressed bytes freed. */
  bytes: number;
  /** Sources due for purging but kept because some of their reports are not accepted yet. */
  held: number;
  /** The archive's total compressed size after the pass. */
  totalBytes: number;
}

/** Whether an entry's reports all reached the server. */
async function isSettled(ledger: Ledger, entry: ArchiveEntry): Promise<boolean> {
  for (const report of entry.reports) {
    if (await ledger.getAccepted(report.id) === null) return false;
  }
  return true;
}

/**
 * Runs one retention pass over the archive records in the ledger.
 *
 * @param ledger The ledger (records and accepted reports).
 * @param policy Age and size limits.
 * @param now The current time, epoch ms (the service's clock).
 * @returns What was purged and held.
 */
export async function purgeArchive(
  ledger: Ledger,
  policy: RetentionPolicy,
  now: number,
): Promise<PurgeSummary> {
  const summary: PurgeSummary = { byAge: 0, bySize: 0, bytes: 0, held: 0, totalBytes: 0 };
  for await (const entry of ledger.archive.list()) summary.totalBytes += entry.storedBytes;
  const oldest = now - policy.retentionDays * 86_400_000;
  for await (const entry of ledger.archive.list()) {
    const isOld = Date.parse(entry.archivedAt) < oldest;
    const isOver = summary.totalBytes > policy.maxArchiveBytes;
    // Records run oldest first: once one is young enough and the total fits, all later ones are.
    if (!isOld && !isOver) break;
    if (!await isSettled(ledger, entry)) {
      summary.held++;
      continue;
    }
    await removeIfPresent(entry.file);
    await ledger.archive.remove(
      entry,
      isOld ? ARCHIVE_COUNTERS.purgedByAge : ARCHIVE_COUNTERS.purgedBySize,
    );
    summary.totalBytes -= entry.storedBytes;
    summary.bytes += entry.storedBytes;
    if (isOld) summary.byAge++;
    else summary.bySize++;
  }
  return summary;
}
