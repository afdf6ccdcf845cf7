/**
 * The crash-safe report queue: one JSON envelope a report, states as folders.
 *
 * ```
 * <root>/pending/<id>.json      waiting; the file's mtime is its due time (nextAttemptAt)
 * <root>/processing/<id>.json   claimed: the rename pending -> processing IS the claim
 * <root>/done/<id>.json         accepted by the server; mtime = acceptance (pruned after retention)
 * <root>/failed/<id>.json       permanent error, reason inside and in <id>.json.reason.txt
 * <root>/quarantine/<name>      unreadable or invalid file, <name>.reason.txt beside, never deleted
 * <root>/tmp/                   new envelopes being written, renamed into pending/ once fsynced
 * ```
 *
 * Every write is durable before its promise resolves (temp file, fsync, rename, fsync folder).
 * {@linkcode ReportQueue.open} returns everything in `processing/` to `pending/`: after a crash
 * those reports are sent again, which the ledger and the stable report id make safe.
 *
 * Claiming is a heap pop and a rename: an in-memory index holds every pending file name with its
 * due time (about 100 bytes each, some 10 MB for 100,000 envelopes). One streamed pass over
 * `pending/` at open fills it while the first claims are already served from what it has seen;
 * enqueue, retry and claims keep it current, and a cheap sweep finds files other processes put
 * into `pending/`. Folders are streamed, never loaded whole.
 *
 * @module
 */

import { join } from "node:path";
import { writeFileDurable } from "../_fs.ts";
import { type Claim, type ClaimContext, type ClaimError, claimFile } from "./_claim.ts";
import { DueIndex } from "./_index.ts";
import {
  encodeEnvelope,
  envelopeName,
  idOfName,
  isoTime,
  itemNames,
  quarantineFile,
  readIfPresent,
  readItem,
  stateFolder,
} from "./_files.ts";
import {
  countItems,
  purgeOlder,
  recoverProcessing,
  removeTempFiles,
  removeTempFilesIn,
  retryFailedEnvelope,
} from "./_maintenance.ts";
import { type Clock, systemClock } from "../../util/clock.ts";
import { QueueFullError } from "../errors.ts";
import {
  isValidReportId,
  QUEUE_STATES,
  type QueueEnvelope,
  QueueEnvelopeSchema,
  type QueueItem,
  type QueueReport,
  type QueueSource,
  type QueueState,
} from "./envelope.ts";

export type { Claim, ClaimError, QueueItem };

/** Options of {@linkcode ReportQueue.open}. */
export interface ReportQueueOptions {
  /** Time source for due times and ages; the system clock by default. */
  clock?: Clock;
  /** Most pending envelopes before `enqueue` refuses; 100,000 by default. */
  maxPending?: number;
  /**
   * Recover at open: return `processing/` to `pending/` and remove temp files; `true` by default.
   * Pass `false` to look at a queue another process (the running service) owns.
   */
  recover?: boolean;
}

/**
 * The crash-safe file queue of reports waiting for upload.
 *
 * @example Enqueue, claim, settle
 * ```ts
 * import assert from "node:assert/strict";
 * import { ReportQueue } from "@wats/toolkit/client";
 *
 * const folder = await Deno.makeTempDir();
 * try {
 *   const queue = await ReportQueue.open(folder);
 *   await queue.enqueue({ id: "8c1f0d6e-3b1a-4f0e-9a2b-1d2c3e4f5a6b", type: "T" }, null);
 *   const claim = await queue.claimNext();
 *   await claim?.complete();
 *   const counts = await queue.counts();
 *   assert.deepEqual([counts.pending, counts.processing, counts.done], [0, 0, 1]);
 * } finally {
 *   await Deno.remove(folder, { recursive: true });
 * }
 * ```
 */
export class ReportQueue {
  readonly #root: string;
  readonly #clock: Clock;
  #maxPending: number;
  readonly #index = new DueIndex();
  readonly #pending: string;
  /** Where new envelopes are written before their rename into `pending/`. */
  readonly #tmp: string;
  #scan: Promise<void> = Promise.resolve();
  readonly #idLocks = new Map<string, Promise<unknown>>();
  /** Envelope names this handle has claimed and not yet settled. */
  readonly #claimed = new Set<string>();
  /** This handle owns the queue (opened with recovery): it knows every pending and claimed name. */
  #isOwner = true;
  readonly #claimContext: ClaimContext;

  private constructor(root: string, options: ReportQueueOptions) {
    this.#root = root;
    this.#pending = stateFolder(root, "pending");
    this.#tmp = join(root, "tmp");
    this.#clock = options.clock ?? systemClock;
    this.#maxPending = options.maxPending ?? 100_000;
    this.#claimContext = {
      root,
      clock: this.#clock,
      onPending: (name, due) => this.#index.add(name, due),
      onReleased: (name) => this.#claimed.delete(name),
    };
  }

  /**
   * Opens (creating) a queue and recovers it: `processing/` back to `pending/`, temp files removed.
   * One process owns a queue at a time (the service's instance lock sees to it): recovery takes
   * back whatever another process had claimed. The pass that indexes `pending/` goes on after
   * this resolves; claims are served from what it has seen so far.
   *
   * @param root The queue folder.
   * @param options Clock, pending limit, and whether to recover.
   * @returns The open queue.
   */
  static async open(root: string, options: ReportQueueOptions = {}): Promise<ReportQueue> {
    const queue = new ReportQueue(root, options);
    const recover = options.recover ?? true;
    queue.#isOwner = recover;
    for (const state of QUEUE_STATES) {
      await Deno.mkdir(stateFolder(root, state), { recursive: true });
    }
    await Deno.mkdir(queue.#tmp, { recursive: true });
    if (recover) {
      await removeTempFilesIn(queue.#tmp);
      // pending/ is cleaned by the index pass; done/, which may hold days of reports, by pruneDone.
      for (const state of ["processing", "failed", "quarantine"] as const) {
        await removeTempFiles(root, state);
      }
      await recoverProcessing(root, (name) => {
        queue.#index.addFile(queue.#pending, name, queue.#clock.now());
      });
    }
    queue.#scan = queue.#index.scan(queue.#pending, {
      now: () => queue.#clock.now(),
      removeTemps: recover,
    });
    return queue;
  }

  /** The queue folder. */
  get root(): string {
    return this.#root;
  }

  /** Most pending envelopes before {@linkcode ReportQueue.enqueue} refuses more. */
  get maxPending(): number {
    return this.#maxPending;
  }

  /** Changes the limit while running (a configuration reload); at least 1. */
  set maxPending(limit: number) {
    this.#maxPending = Math.max(1, Math.floor(limit));
  }

  /** Pending envelopes this handle knows of (all of them once {@linkcode ReportQueue.indexed}). */
  get pendingCount(): number {
    return this.#index.size;
  }

  /**
   * Resolves once the pass over `pending/` that started at open has indexed every file.
   *
   * @returns A promise of the end of the pass.
   */
  indexed(): Promise<void> {
    return this.#scan;
  }

  /**
   * The due time of the earliest pending envelope known, for sleeping until there is work.
   *
   * @returns Epoch ms, or `undefined` when nothing is pending.
   */
  nextDueAt(): number | undefined {
    return this.#index.earliestDue();
  }

  /**
   * Puts a report into `pending/`, durably, before the promise resolves.
   *
   * @param report The report; its `id` names the file and is the upload's idempotency key.
   * @param source Where it came from, or `null`.
   * @returns The new envelope, or the existing one when the id is already pending or processing.
   * @throws {QueueFullError} When `maxPending` envelopes are pending.
   * @throws {TypeError} When the id cannot name a file, or the source is malformed.
   */
  async enqueue(report: QueueReport, source: QueueSource | null): Promise<QueueEnvelope> {
    const id = report?.id;
    if (typeof id !== "string" || !isValidReportId(id)) {
      throw new TypeError(`Report id ${JSON.stringify(id)} cannot name a queue file`);
    }
    return await this.#withIdLock(id, async () => {
      const existing = await this.#findActive(id);
      if (existing) return existing;
      if (!this.#index.isScanned && this.#index.size + 1 >= this.#maxPending) await this.#scan;
      if (this.#index.size >= this.#maxPending) {
        throw new QueueFullError(this.#index.size, this.#maxPending);
      }
      const now = this.#clock.now();
      const parsed = QueueEnvelopeSchema.safeParse({
        v: 1,
        id,
        report,
        source,
        enqueuedAt: isoTime(now),
        attempts: 0,
        nextAttemptAt: isoTime(now),
      });
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new TypeError(
          `Report ${id} cannot be queued: ${issue.path.join(".")}: ${issue.message}`,
        );
      }
      const name = envelopeName(id);
      // Written in tmp/: creating the file there leaves pending/ free for the claims' renames.
      await writeFileDurable(join(this.#pending, name), encodeEnvelope(parsed.data), {
        mtime: now,
        tempDir: this.#tmp,
      });
      this.#index.add(name, now);
      return parsed.data;
    });
  }

  /**
   * Claims the pending envelope that has been due the longest, by renaming it into `processing/`.
   *
   * @returns The claim, or `null` when nothing is due.
   */
  async claimNext(): Promise<Claim | null> {
    for (;;) {
      const name = this.#index.takeDue(this.#clock.now());
      if (name === undefined) {
        if (!this.#index.isScanned) {
          // The pass at open is still listing: wait for its next chunk rather than say "empty".
          await this.#index.scanProgress();
          continue;
        }
        if (await this.#index.sweep(this.#pending, () => this.#clock.now()) > 0) continue;
        return null;
      }
      this.#claimed.add(name);
      const claim = await claimFile(this.#claimContext, name).catch((error) => {
        this.#claimed.delete(name);
        throw error;
      });
      if (claim) return claim;
      // Lost to another claimer, or put back: claimFile told the index what became of it.
      if (!this.#index.has(name)) this.#claimed.delete(name);
    }
  }

  /**
   * Tells which folder holds a report, without reading it.
   *
   * @param id The report id.
   * @returns The state, or `null` when no folder holds it.
   */
  async stateOf(id: string): Promise<QueueState | null> {
    if (!isValidReportId(id)) return null;
    const states = ["pending", "processing", "done", "failed", "quarantine", "pending"] as const;
    for (const state of states) {
      try {
        await Deno.lstat(join(stateFolder(this.#root, state), envelopeName(id)));
        return state;
      } catch (error) {
        if (!(error instanceof Deno.errors.NotFound)) throw error;
      }
    }
    return null;
  }

  /**
   * Counts the items of every state, streaming each folder (but `pending/` and `processing/`,
   * which the owner of the queue knows from its index and its claims).
   *
   * @returns Items per state.
   */
  async counts(): Promise<Record<QueueState, number>> {
    const counts = { pending: 0, processing: 0, done: 0, failed: 0, quarantine: 0 };
    for (const state of QUEUE_STATES) {
      // The owner of the queue knows its pending and claimed envelopes without listing them.
      if (state === "pending" && this.#isOwner && this.#index.isScanned) {
        counts.pending = this.#index.size;
      } else if (state === "processing" && this.#isOwner) counts.processing = this.#claimed.size;
      else counts[state] = await countItems(this.#root, state);
    }
    return counts;
  }

  /**
   * Lists the items of a state, in directory order.
   *
   * @param state The folder to list.
   * @param options `limit` (default 50) items after skipping `offset` (default 0).
   * @returns The items, each with its envelope or the problem with its file.
   */
  async list(
    state: QueueState,
    options: { limit?: number; offset?: number } = {},
  ): Promise<QueueItem[]> {
    const { limit = 50, offset = 0 } = options;
    const items: QueueItem[] = [];
    let skipped = 0;
    for await (const name of itemNames(stateFolder(this.#root, state), state)) {
      if (items.length >= limit) break;
      if (skipped < offset) {
        skipped++;
        continue;
      }
      const item = await readItem(this.#root, state, name);
      if (item) items.push(item);
    }
    return items;
  }

  /**
   * The pending reports due earliest, read from the index (no directory pass).
   *
   * @param limit How many; 20 by default.
   * @returns The items, earliest due first; files gone meanwhile are left out.
   */
  async earliestPending(limit = 20): Promise<QueueItem[]> {
    const items: QueueItem[] = [];
    for (const name of this.#index.earliest(limit)) {
      const item = await readItem(this.#root, "pending", name);
      if (item) items.push(item);
    }
    return items;
  }

  /**
   * Finds a report in any state.
   *
   * @param id The report id.
   * @returns The item, or `null` when no state holds it.
   */
  async get(id: string): Promise<QueueItem | null> {
    if (!isValidReportId(id)) return null;
    for (const state of ["processing", "pending", "failed", "done", "quarantine"] as const) {
      const item = await readItem(this.#root, state, envelopeName(id));
      if (item) return item;
    }
    return null;
  }

  /**
   * Sends failed reports again: `failed/` to `pending/`, attempts reset, due now.
   *
   * @param id One report id, or `"all"`.
   * @returns How many envelopes went back to `pending/`.
   */
  async retryFailed(id: string | "all"): Promise<number> {
    const retryOne = (name: string) =>
      this.#withIdLock(idOfName(name), async () => {
        if (await this.#findActive(idOfName(name))) return false;
        const now = this.#clock.now();
        if (!await retryFailedEnvelope(this.#root, name, now)) return false;
        this.#index.add(name, now);
        return true;
      });
    let moved = 0;
    if (id !== "all") {
      if (isValidReportId(id) && await retryOne(envelopeName(id))) moved = 1;
    } else {
      const failed = stateFolder(this.#root, "failed");
      for await (const name of itemNames(failed, "failed")) if (await retryOne(name)) moved++;
    }
    return moved;
  }

  /**
   * Removes settled items older than `olderThanMs` (by their last change). Only `done/`,
   * `failed/` and `quarantine/` can be purged: the others hold reports not yet accepted.
   *
   * @param state `done`, `failed` or `quarantine`.
   * @param options `olderThanMs`: minimum age; 0 removes all.
   * @returns How many items were removed.
   */
  async purge(state: QueueState, options: { olderThanMs: number }): Promise<number> {
    if (state === "pending" || state === "processing") {
      throw new TypeError(`Cannot purge ${state}: it holds reports not yet accepted by the server`);
    }
    return await purgeOlder(this.#root, state, this.#clock.now() - options.olderThanMs);
  }

  /**
   * Removes `done/` envelopes accepted longer ago than the retention.
   *
   * @param retentionMs How long accepted envelopes are kept.
   * @returns How many were removed.
   */
  pruneDone(retentionMs: number): Promise<number> {
    return this.purge("done", { olderThanMs: retentionMs });
  }

  /**
   * How long the longest-waiting pending envelope has been due (0 when none is due). An envelope
   * waiting on a retry delay counts from its due time, not from its first enqueue.
   *
   * @returns Milliseconds.
   */
  async oldestPendingAgeMs(): Promise<number> {
    await this.#scan;
    const earliest = this.#index.earliestDue();
    return earliest === undefined ? 0 : Math.max(0, this.#clock.now() - earliest);
  }

  async #findActive(id: string): Promise<QueueEnvelope | undefined> {
    const name = envelopeName(id);
    // The owner of the queue knows every pending and claimed name once its index is complete
    // (other processes only add to pending/, which the sweep picks up): a new id costs no I/O.
    const isKnown = this.#index.has(name) || this.#claimed.has(name);
    if (this.#isOwner && this.#index.isScanned && !isKnown) return undefined;
    // pending, processing, pending again: a claim or a retry moving the file between two looks
    // cannot hide it from all three. The ledger is the final guard against a second upload.
    for (const state of ["pending", "processing", "pending"] as const) {
      const read = await readIfPresent(join(stateFolder(this.#root, state), name), id);
      if (read === undefined) continue;
      if (read.ok) return read.envelope;
      if (state === "pending") {
        await quarantineFile(this.#root, { state, name }, read.reason, this.#clock.now())
          .then(() => this.#index.delete(name))
          .catch(() => {});
      } else return undefined;
    }
    return undefined;
  }

  #withIdLock<T>(id: string, action: () => Promise<T>): Promise<T> {
    const previous = this.#idLocks.get(id) ?? Promise.resolve();
    const next = previous.catch(() => {}).then(action);
    this.#idLocks.set(id, next);
    const cleanup = () => {
      if (this.#idLocks.get(id) === next) this.#idLocks.delete(id);
    };
    next.then(cleanup, cleanup);
    return next;
  }
}
