/**
 * Queue housekeeping that runs outside the claim path: recovery at open, counting, retrying
 * failed envelopes, purging settled ones.
 *
 * @module
 */

import { join } from "node:path";
import {
  isOwnTempName,
  isTempName,
  moveDurable,
  removeIfPresent,
  renameReplacing,
  syncFolder,
  writeFileDurable,
} from "../_fs.ts";
import {
  encodeEnvelope,
  idOfName,
  isoTime,
  itemNames,
  mtimeOf,
  quarantineFile,
  readIfPresent,
  REASON_SUFFIX,
  stateFolder,
} from "./_files.ts";
import type { QueueState } from "./envelope.ts";

/** Removes temp files a crash left in a state folder. */
export async function removeTempFiles(root: string, state: QueueState): Promise<void> {
  await removeTempFilesIn(stateFolder(root, state));
}

/**
 * Removes the temp files a crash left in a folder; this process's own (a write under way) stay.
 *
 * @param folder The folder.
 */
export async function removeTempFilesIn(folder: string): Promise<void> {
  for await (const entry of Deno.readDir(folder)) {
    if (entry.isFile && isTempName(entry.name) && !isOwnTempName(entry.name)) {
      await removeIfPresent(join(folder, entry.name));
    }
  }
}

/**
 * Moves everything in `processing/` back to `pending/` (the crash case).
 *
 * @param onMoved Told each file name moved, after the move is durable.
 */
export async function recoverProcessing(
  root: string,
  onMoved: (name: string) => void,
): Promise<void> {
  const processing = stateFolder(root, "processing");
  const pending = stateFolder(root, "pending");
  // Repeat until a pass moves nothing: renaming entries out of a folder while streaming it may
  // make a platform skip entries, never return one twice.
  for (let moved = 1; moved > 0;) {
    const names: string[] = [];
    for await (const name of itemNames(processing, "processing")) {
      await renameReplacing(join(processing, name), join(pending, name));
      names.push(name);
    }
    moved = names.length;
    if (moved > 0) {
      await syncFolder(pending);
      await syncFolder(processing);
    }
    for (const name of names) onMoved(name);
  }
}

/** Counts the items of a state folder, streaming it. */
export async function countItems(root: string, state: QueueState): Promise<number> {
  let count = 0;
  for await (const _ of itemNames(stateFolder(root, state), state)) count++;
  return count;
}

/**
 * Moves one failed envelope back to `pending/`, attempts reset and due now; an invalid one goes
 * to `quarantine/` instead.
 *
 * @returns `true` when it went back to `pending/`.
 */
export async function retryFailedEnvelope(
  root: string,
  name: string,
  now: number,
): Promise<boolean> {
  const failed = stateFolder(root, "failed");
  const path = join(failed, name);
  const read = await readIfPresent(path, idOfName(name));
  if (read === undefined) return false;
  if (!read.ok) {
    await quarantineFile(root, { state: "failed", name }, read.reason, now);
    await removeIfPresent(join(failed, name + REASON_SUFFIX));
    return false;
  }
  const envelope = { ...read.envelope, attempts: 0, nextAttemptAt: isoTime(now) };
  await writeFileDurable(path, encodeEnvelope(envelope), { mtime: now });
  await moveDurable(path, join(stateFolder(root, "pending"), name));
  await removeIfPresent(join(failed, name + REASON_SUFFIX));
  return true;
}

/** A temp file older than this was left by a crash, not by a write under way. */
const STALE_TEMP_MS = 60_000;

/**
 * Removes the items of a settled state last changed at or before `cutoff` (epoch ms), and temp
 * files a crash left there (writes into `done/` and `failed/` go through temp files).
 */
export async function purgeOlder(root: string, state: QueueState, cutoff: number): Promise<number> {
  const folder = stateFolder(root, state);
  for await (const entry of Deno.readDir(folder)) {
    if (!entry.isFile || !isTempName(entry.name)) continue;
    const changedAt = await mtimeOf(join(folder, entry.name));
    if (changedAt !== undefined && changedAt < Date.now() - STALE_TEMP_MS) {
      await removeIfPresent(join(folder, entry.name));
    }
  }
  let removed = 0;
  for await (const name of itemNames(folder, state)) {
    const changedAt = await mtimeOf(join(folder, name));
    if (changedAt === undefined || changedAt > cutoff) continue;
    if (await removeIfPresent(join(folder, name))) removed++;
    await removeIfPresent(join(folder, name + REASON_SUFFIX));
  }
  if (removed > 0) await syncFolder(folder);
  return removed;
}
