/**
 * A claimed envelope and its three ways out of `processing/`.
 *
 * `complete` renames the envelope into `done/` (the ledger holds the server's answer; the file's
 * mtime becomes the time of acceptance). `fail` writes the envelope with its reason durably into
 * `failed/` (temp file, fsync, rename, fsync folder), then removes the claimed file from
 * `processing/`; a crash between the two leaves the old envelope in `processing/` too, which the
 * next start returns to `pending/`, and the refused report is tried once more. `retry` rewrites
 * the envelope in `processing/` and renames it back into `pending/`, so no other claimer can
 * take it while it is in two places. Every rename is followed by an fsync of both folders. A
 * settle that failed (a full disk) may be called again; it goes on from where it stopped.
 *
 * @module
 */

import { join } from "node:path";
import {
  moveDurable,
  removeIfPresent,
  renameReplacing,
  syncFolder,
  writeFileDurable,
} from "../_fs.ts";
import {
  encodeEnvelope,
  envelopeName,
  idOfName,
  isoTime,
  quarantineFile,
  readEnvelopeFile,
  REASON_SUFFIX,
  stateFolder,
  writeReason,
} from "./_files.ts";
import type { Clock } from "../../util/clock.ts";
import { currentPlatform, type Platform } from "../../util/platform.ts";
import type { QueueEnvelope, QueueErrorRecord, QueueState } from "./envelope.ts";

/** How long a pending file another process holds open waits before the next claim try. */
const BUSY_RETRY_MS = 1_000;

/** An error as a claim records it: a message, or anything with a message and maybe a status. */
export type ClaimError = string | { message: string; status?: number | null };

/** An envelope taken out of `pending/` by one claimer; settle it exactly once. */
export interface Claim {
  /** The claimed envelope as read from disk. */
  readonly envelope: QueueEnvelope;
  /**
   * The server accepted the report: the envelope goes to `done/` (by rename; its modification
   * time becomes the time of acceptance). The server's answer is the ledger's to keep.
   */
  complete(): Promise<void>;
  /**
   * A retryable error: the envelope goes back to `pending/`, due after `delayMs`, attempts + 1.
   *
   * @param error What went wrong.
   * @param options `delayMs`: how long until the next attempt.
   */
  retry(error: ClaimError, options: { delayMs: number }): Promise<void>;
  /**
   * A permanent error: the envelope goes to `failed/` with the reason inside and a
   * `<id>.json.reason.txt` beside it.
   *
   * @param reason Why the report cannot be sent.
   */
  fail(reason: ClaimError): Promise<void>;
}

/** What a claim needs from its queue. */
export interface ClaimContext {
  root: string;
  clock: Clock;
  /** Called after an envelope (re-)entered `pending/`, due at `due` (epoch ms). */
  onPending(name: string, due: number): void;
  /** Called when a claimed envelope left `processing/` (settled, put back or quarantined). */
  onReleased(name: string): void;
  /** The OS rules (which errors pass by themselves); this process's by default. */
  platform?: Platform;
  /** Reads an envelope file; `Deno.readTextFileSync` by default (tests inject failures). */
  readTextFile?: (path: string) => string;
}

function errorRecord(error: ClaimError, at: number): QueueErrorRecord {
  if (typeof error === "string") return { message: error, at: isoTime(at) };
  const record: QueueErrorRecord = { message: error.message, at: isoTime(at) };
  if (typeof error.status === "number") record.status = error.status;
  return record;
}

/** The claim the queue hands out. */
export class QueueClaim implements Claim {
  readonly envelope: QueueEnvelope;
  readonly #context: ClaimContext;
  #isSettling = false;
  #isSettled = false;
  /** A settle was tried and failed: the next one checks how far it got. */
  #hasFailedOnce = false;

  constructor(envelope: QueueEnvelope, context: ClaimContext) {
    this.envelope = envelope;
    this.#context = context;
  }

  complete(): Promise<void> {
    return this.#settle(
      "done",
      () => ({ envelope: this.envelope, mtime: this.#context.clock.now() }),
    );
  }

  retry(error: ClaimError, options: { delayMs: number }): Promise<void> {
    const delayMs = Math.max(0, Math.ceil(options.delayMs));
    if (!Number.isFinite(delayMs)) throw new RangeError("Retry delay must be a finite number");
    return this.#settle("pending", () => {
      const now = this.#context.clock.now();
      return {
        envelope: {
          ...this.envelope,
          attempts: this.envelope.attempts + 1,
          nextAttemptAt: isoTime(now + delayMs),
          lastError: errorRecord(error, now),
        },
        // The due time lives in the file's mtime too, so claim passes need not read files.
        mtime: now + delayMs,
      };
    });
  }

  fail(reason: ClaimError): Promise<void> {
    return this.#settle("failed", () => {
      const now = this.#context.clock.now();
      return { envelope: { ...this.envelope, lastError: errorRecord(reason, now) }, mtime: now };
    });
  }

  async #settle(
    to: QueueState,
    next: () => { envelope: QueueEnvelope; mtime: number },
  ): Promise<void> {
    if (this.#isSettled || this.#isSettling) {
      throw new Error(`Claim of report ${this.envelope.id} is already settled`);
    }
    this.#isSettling = true;
    try {
      const { root } = this.#context;
      const name = envelopeName(this.envelope.id);
      const { envelope, mtime } = next();
      if (to === "failed") {
        await writeReason(join(stateFolder(root, "failed"), name + REASON_SUFFIX), {
          reason: envelope.lastError?.message ?? "failed",
          from: `processing/${name}`,
          at: mtime,
        });
      }
      const processing = stateFolder(root, "processing");
      const current = join(processing, name);
      const target = join(stateFolder(root, to), name);
      // A settle tried again after a failure (disk full): the claimed file is this claim's alone,
      // so when it is gone the move happened and only its fsyncs failed. It is never written
      // again then: back in pending/ it may be another claimer's already.
      const hasMoved = this.#hasFailedOnce &&
        await Deno.lstat(current).then(() => false, (error) => {
          if (error instanceof Deno.errors.NotFound) return true;
          throw error;
        });
      if (hasMoved) {
        await syncFolder(stateFolder(root, to));
        await syncFolder(processing);
      } else if (to === "done") {
        // Nothing in the envelope changes: a rename, no new file. The mtime says when.
        const time = new Date(mtime);
        Deno.utimeSync(current, time, time);
        await moveDurable(current, target);
      } else if (to === "pending") {
        // Back to pending/ by rename, so there is no moment when another claimer could take the
        // new file while the old one is still to be removed.
        await writeFileDurable(current, encodeEnvelope(envelope), { mtime });
        await moveDurable(current, target);
      } else {
        await writeFileDurable(target, encodeEnvelope(envelope), { mtime });
        await removeIfPresent(current);
        await syncFolder(processing);
      }
      this.#isSettled = true;
      this.#context.onReleased(name);
      if (to === "pending") this.#context.onPending(name, mtime);
    } catch (error) {
      this.#hasFailedOnce = true;
      throw error;
    } finally {
      // A failed write (disk full) leaves the envelope in processing/: the caller may settle again.
      this.#isSettling = false;
    }
  }
}

/**
 * Claims one pending file by renaming it into `processing/`; the rename decides between
 * claimers. A file that is not a valid envelope goes to `quarantine/` with its reason.
 *
 * @returns The claim, or `null` when another claimer won or the file was not claimable.
 */
export async function claimFile(context: ClaimContext, name: string): Promise<Claim | null> {
  const from = join(stateFolder(context.root, "pending"), name);
  const to = join(stateFolder(context.root, "processing"), name);
  try {
    // No fsync: if this rename is lost in a crash the envelope is simply pending again, which is
    // what recovery would have made of it anyway.
    Deno.renameSync(from, to);
  } catch (error) {
    // NotFound: another claimer won. A transient error (Windows: a sharing violation as EBUSY,
    // EPERM or EACCES): someone holds the file open, so it is tried again a little later.
    if (error instanceof Deno.errors.NotFound) return null;
    if ((context.platform ?? currentPlatform).isTransientError(error)) {
      context.onPending(name, context.clock.now() + BUSY_RETRY_MS);
      return null;
    }
    throw error;
  }
  const now = context.clock.now();
  const platform = context.platform ?? currentPlatform;
  let read;
  try {
    read = await readEnvelopeFile(to, idOfName(name), { platform, read: context.readTextFile });
  } catch (error) {
    if (!platform.isTransientError(error)) {
      read = { ok: false as const, reason: `unreadable: ${(error as Error).message}` };
    } else {
      // Held open by another process for a moment: back to pending/, tried again later. Only a
      // file that reads but does not parse is quarantined.
      await renameReplacing(to, from, { platform });
      context.onReleased(name);
      context.onPending(name, now + BUSY_RETRY_MS);
      return null;
    }
  }
  if (!read.ok || !name.endsWith(".json")) {
    const reason = read.ok
      ? "not a queue envelope file name (expected <report id>.json)"
      : read.reason;
    await quarantineFile(context.root, { state: "processing", name }, reason, now);
    context.onReleased(name);
    return null;
  }
  const due = Date.parse(read.envelope.nextAttemptAt);
  if (due > now) {
    // The mtime said due but the envelope does not (the file was touched): put it back.
    await Deno.utime(to, new Date(due), new Date(due));
    await renameReplacing(to, from);
    context.onReleased(name);
    context.onPending(name, due);
    return null;
  }
  return new QueueClaim(read.envelope, context);
}
