/**
 * The ledger: what the server has accepted, which source files were seen, and counters, in a
 * Deno KV file in the data folder.
 *
 * The queue makes a report survive crashes; the ledger makes it go out once. Before a POST the
 * submitter asks {@linkcode Ledger.getAccepted}; after a 2xx it calls
 * {@linkcode Ledger.recordAccepted}. A source file's SHA-256 recorded by
 * {@linkcode Ledger.recordSource} turns the same content dropped twice into a duplicate.
 * Each record lands together with its counter in one atomic commit, so counters never disagree
 * with the records they count. Records written at the same time share a commit (group commit,
 * see `_batch.ts`): under load one SQLite transaction and one fsync carry many of them.
 *
 * Keys: `["accepted", reportId]`, `["source", sha256]`, `["counter", name]` (a `Deno.KvU64`); the
 * archive index keeps its own (`client/archive/_index.ts`). The event outbox
 * (`client/events/outbox.ts`) keeps its entries in the same file, so an accepted record and its
 * events land in one commit ({@linkcode LinkedEntry}).
 * A KV value holds at most 64 KiB, which bounds a source record to some 1,500 report ids.
 *
 * @module
 */

import { hashHex } from "../../util/hash.ts";
import { dirname } from "node:path";
import { InsertBatcher } from "./_batch.ts";
import { ArchiveIndex } from "../archive/_index.ts";

/** The server's acceptance of one report. */
export interface AcceptedRecord {
  /** When the server accepted it, ISO 8601. */
  at: string;
  /** The id the server gave the report, when it sent one. */
  serverId?: string;
  /** SHA-256 of the source file the report came from. */
  sha256?: string;
  /**
   * SHA-256 of the report as it was sent ({@linkcode reportDigest}): the same report is not sent
   * again, a corrected one under the same id is. Records written before it existed lack it.
   */
  digest?: string;
}

/**
 * The digest an accepted record keeps of its report: SHA-256 of its JSON, lowercase hex.
 *
 * @param report The report as queued.
 * @returns 64 hex characters.
 */
export function reportDigest(report: unknown): string {
  return hashHex(JSON.stringify(report));
}

/** A source file whose content was taken into the queue. */
export interface SourceRecord {
  /** The reports made from it. */
  reportIds: string[];
  /** Where the file was found. */
  path: string;
  /** When it was taken, ISO 8601. */
  at: string;
}

/**
 * An entry written in the same commit as a ledger record, and only when the record is new (an
 * event of the outbox), with a counter it adds 1 to.
 */
export interface LinkedEntry {
  /** The entry's key. */
  key: Deno.KvKey;
  /** Its value. */
  value: unknown;
  /** The counter (a name of {@linkcode Ledger.counters}) it adds 1 to. */
  counter: string;
}

/** Counter names the ledger itself maintains. */
export const LEDGER_COUNTERS: {
  readonly accepted: "reports.accepted";
  readonly sources: "sources.recorded";
  readonly duplicates: "sources.duplicate";
} = {
  accepted: "reports.accepted",
  sources: "sources.recorded",
  duplicates: "sources.duplicate",
};

const ACCEPTED = "accepted";
const SOURCE = "source";
const COUNTER = "counter";

/** How often a commit is tried while another handle (a CLI command) holds the write lock. */
const BUSY_ATTEMPTS = 50;

/**
 * Commits an atomic operation, waiting a few milliseconds and trying again while SQLite reports
 * the file locked by another connection (the service and a `wats` command open the same file).
 */
async function commitWhenFree(
  build: () => Deno.AtomicOperation,
): Promise<Deno.KvCommitResult | Deno.KvCommitError> {
  for (let attempt = 1;; attempt++) {
    try {
      return await build().commit();
    } catch (error) {
      const isBusy = error instanceof Error && /database is locked|busy/i.test(error.message);
      if (!isBusy || attempt >= BUSY_ATTEMPTS) throw error;
      const delayMs = Math.min(100, 2 * attempt) * (0.5 + Math.random());
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}

/**
 * Idempotency and content-dedup records plus counters, on Deno KV.
 *
 * @example Record an upload once
 * ```ts
 * import assert from "node:assert/strict";
 * import { join } from "node:path";
 * import { Ledger } from "@wats/toolkit/client";
 *
 * const folder = await Deno.makeTempDir();
 * try {
 *   const ledger = await Ledger.open(join(folder, "ledger.kv"));
 *   const isNew = await ledger.recordAccepted("8c1f0d6e-3b1a-4f0e-9a2b-1d2c3e4f5a6b", {
 *     at: new Date().toISOString(),
 *   });
 *   assert.equal(isNew, true);
 *   assert.equal((await ledger.counters())["reports.accepted"], 1);
 *   ledger.close();
 * } finally {
 *   await Deno.remove(folder, { recursive: true });
 * }
 * ```
 */
export class Ledger {
  readonly #kv: Deno.Kv;
  readonly #inserts: InsertBatcher;
  /** The archive's records (`client/archive/`), in the same KV file. */
  readonly archive: ArchiveIndex;

  private constructor(kv: Deno.Kv) {
    this.#kv = kv;
    this.#inserts = new InsertBatcher(kv, commitWhenFree);
    this.archive = new ArchiveIndex(kv, commitWhenFree);
  }

  /**
   * Opens (creating) the ledger file and its folder.
   *
   * @param path The KV file, e.g. `<data dir>/ledger.kv`; always explicit, never Deno's default.
   * @returns The open ledger.
   */
  static async open(path: string): Promise<Ledger> {
    if (!path) throw new TypeError("Ledger path is required");
    await Deno.mkdir(dirname(path), { recursive: true });
    return new Ledger(await Deno.openKv(path));
  }

  /** Closes the KV file; the ledger cannot be used afterwards. */
  close(): void {
    this.#kv.close();
  }

  /**
   * Records that the server accepted a report, with the `reports.accepted` counter, atomically.
   *
   * @param id The report id.
   * @param record When, the server's id, the source's SHA-256.
   * @param linked Entries written in the same commit when the record is new (outbox events).
   * @returns `true` when newly recorded; `false` when the id was already accepted (the first
   *   record is kept).
   */
  async recordAccepted(
    id: string,
    record: AcceptedRecord,
    linked: readonly LinkedEntry[] = [],
  ): Promise<boolean> {
    return await this.#inserts.insert({
      key: [ACCEPTED, id],
      value: { ...record },
      counter: [COUNTER, LEDGER_COUNTERS.accepted],
      ...(linked.length > 0
        ? {
          with: linked.map((entry) => ({ ...entry, counter: [COUNTER, entry.counter] })),
        }
        : {}),
    });
  }

  /**
   * The KV store under the ledger, for the event outbox, whose entries share its commits.
   *
   * @returns The open KV store.
   */
  get kv(): Deno.Kv {
    return this.#kv;
  }

  /**
   * Commits an atomic operation on the ledger's file, trying again while another process (a CLI
   * command) holds its write lock.
   *
   * @param build Makes the operation (called again for each try).
   * @returns The commit's result.
   */
  commit(build: () => Deno.AtomicOperation): Promise<Deno.KvCommitResult | Deno.KvCommitError> {
    return commitWhenFree(build);
  }

  /**
   * The KV key of a counter, for operations that add to one in their own commit.
   *
   * @param name The counter's name.
   * @returns Its key.
   */
  counterKey(name: string): Deno.KvKey {
    return [COUNTER, name];
  }

  /**
   * Replaces the record of a report the server accepted again under the same id with other
   * content (a corrected report, see `wats reprocess`); the counter is not touched.
   *
   * @param id The report id.
   * @param record The new acceptance, with the digest of the content sent.
   * @returns A promise that resolves once committed.
   */
  async replaceAccepted(id: string, record: AcceptedRecord): Promise<void> {
    const result = await commitWhenFree(() => this.#kv.atomic().set([ACCEPTED, id], { ...record }));
    if (!result.ok) throw new Error(`Accepted record of ${id} could not be replaced`);
  }

  /**
   * Looks up whether the server already accepted a report.
   *
   * @param id The report id.
   * @returns The record, or `null` when never accepted.
   */
  async getAccepted(id: string): Promise<AcceptedRecord | null> {
    return (await this.#kv.get<AcceptedRecord>([ACCEPTED, id])).value;
  }

  /**
   * Records a source file's content, with its counter, atomically. Content seen before counts as
   * a duplicate (`sources.duplicate`) and keeps its first record.
   *
   * @param sha256 SHA-256 of the file, lowercase hex.
   * @param record The reports made from it, where and when it was found.
   * @returns `true` when newly recorded; `false` for a duplicate.
   */
  async recordSource(sha256: string, record: SourceRecord): Promise<boolean> {
    const value = { ...record, reportIds: [...record.reportIds] };
    const isNew = await this.#insertOnce([SOURCE, sha256], value, LEDGER_COUNTERS.sources);
    if (!isNew) await this.increment(LEDGER_COUNTERS.duplicates);
    return isNew;
  }

  /**
   * Looks up a source file's content.
   *
   * @param sha256 SHA-256 of the file, lowercase hex.
   * @returns The first record of that content, or `null` when never seen.
   */
  async getSource(sha256: string): Promise<SourceRecord | null> {
    return (await this.#kv.get<SourceRecord>([SOURCE, sha256])).value;
  }

  /**
   * Adds to a counter atomically (KV `sum`); concurrent increments never lose a count.
   *
   * @param name The counter, e.g. `conversions.failed`.
   * @param by A non-negative integer; 1 by default.
   * @returns A promise that resolves once the sum is committed.
   */
  async increment(name: string, by = 1): Promise<void> {
    if (!Number.isSafeInteger(by) || by < 0) {
      throw new RangeError(`Counter increment must be a non-negative integer, got ${by}`);
    }
    const result = await commitWhenFree(() => this.#kv.atomic().sum([COUNTER, name], BigInt(by)));
    if (!result.ok) throw new Error(`Counter ${name} could not be incremented`);
  }

  /**
   * Reads every counter.
   *
   * @returns Counter values by name.
   */
  async counters(): Promise<Record<string, number>> {
    const counters: Record<string, number> = {};
    for await (const entry of this.#kv.list<Deno.KvU64>({ prefix: [COUNTER] })) {
      counters[String(entry.key[1])] = Number(entry.value.value);
    }
    return counters;
  }

  #insertOnce(key: Deno.KvKey, value: unknown, counter: string): Promise<boolean> {
    // The check makes the insert happen once; a failed check means the key exists already.
    return this.#inserts.insert({ key, value, counter: [COUNTER, counter] });
  }
}
