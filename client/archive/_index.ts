/**
 * The archive's index in the ledger's Deno KV: one record an archived source, found by its id
 * (which starts with the archive time, so a listing runs oldest first) or by the source's SHA-256.
 *
 * Keys: `["archive", id]` holds the {@linkcode ArchiveEntry}; `["archive_sha", sha256]` holds its
 * id, so the same content is stored once; `["counter", "archive.*"]` count what was stored and
 * purged (`Deno.KvU64`, committed with the record they count).
 *
 * @module
 */

/** One report made from an archived source, with what `wats archive ls` filters on. */
export interface ArchivedReport {
  /** The report id. */
  id: string;
  /** Serial number. */
  sn?: string;
  /** Part number. */
  pn?: string;
}

/**
 * What became of an archived source when it was taken: `converted` (its reports were queued, or
 * it was a duplicate of content queued before) or `error` (it could not be converted and went to
 * the error folder).
 */
export type ArchiveOutcome = "converted" | "error";

/** One archived source file. */
export interface ArchiveEntry {
  /** `<archive time, compact ISO>_<sha256>`; sorts oldest first. */
  id: string;
  /** The `.gz` file. */
  file: string;
  /** The source's file name when it was taken. */
  sourceName: string;
  /** The folder it was taken from. */
  sourceFolder: string;
  /** SHA-256 of the source, lowercase hex. */
  sha256: string;
  /** Size of the source in bytes. */
  size: number;
  /** Size of the `.gz` file in bytes. */
  storedBytes: number;
  /** The converter that read it (or was chosen for it), when one was. */
  converter: string | null;
  /** That converter's version, when known. */
  converterVersion: string | null;
  /** SHA-256 of the converter arguments ({@linkcode argumentsHash}), when known. */
  argumentsHash: string | null;
  /** The reports made from it, in the converter's order. */
  reports: ArchivedReport[];
  /** Converted, or refused with a reason. */
  outcome: ArchiveOutcome;
  /** Why it could not be converted (outcome `error`). */
  reason?: string;
  /** The stage that refused it (outcome `error`). */
  stage?: string;
  /** Where the original went (outcome `error`). */
  errorPath?: string;
  /** When it was archived, ISO 8601. */
  archivedAt: string;
}

/** Counter names of the archive. */
export const ARCHIVE_COUNTERS: {
  readonly stored: "archive.stored";
  readonly purgedByAge: "archive.purged.age";
  readonly purgedBySize: "archive.purged.size";
  readonly purgedBytes: "archive.purged.bytes";
} = {
  stored: "archive.stored",
  purgedByAge: "archive.purged.age",
  purgedBySize: "archive.purged.size",
  purgedBytes: "archive.purged.bytes",
};

const ENTRY = "archive";
const BY_SHA = "archive_sha";
const COUNTER = "counter";

/** Commits an atomic operation, retrying while another connection holds the write lock. */
export type ArchiveCommitter = (
  build: () => Deno.AtomicOperation,
) => Promise<Deno.KvCommitResult | Deno.KvCommitError>;

/**
 * The archive records in the ledger's KV (the ledger makes one, `Ledger.archive`).
 *
 * @example Record and find an archived source
 * ```ts
 * import { join } from "node:path";
 * import { Ledger } from "@wats/toolkit/client";
 * const ledger = await Ledger.open(join(await Deno.makeTempDir(), "ledger.kv"));
 * const sha256 = "ab".repeat(32);
 * await ledger.archive.add({
 *   id: `20260507T101500000Z_${sha256}`, file: "/data/archive/x.csv.gz", sourceName: "x.csv",
 *   sourceFolder: "/drop", sha256, size: 10, storedBytes: 30, converter: "csv",
 *   converterVersion: "1.0.0", argumentsHash: null, reports: [], outcome: "converted",
 *   archivedAt: "2026-05-07T10:15:00.000Z",
 * });
 * console.log((await ledger.archive.bySha256(sha256))?.sourceName); // "x.csv"
 * ledger.close();
 * ```
 */
export class ArchiveIndex {
  readonly #kv: Deno.Kv;
  readonly #commit: ArchiveCommitter;

  /**
   * Creates the index over a KV store.
   *
   * @param kv The ledger's KV store.
   * @param commit How to commit (with the retry while the file is locked).
   */
  constructor(kv: Deno.Kv, commit: ArchiveCommitter) {
    this.#kv = kv;
    this.#commit = commit;
  }

  /**
   * Records an archived source, unless its content is archived already.
   *
   * @param entry The record.
   * @returns `true` when recorded; `false` when the same SHA-256 has a record already.
   */
  async add(entry: ArchiveEntry): Promise<boolean> {
    const result = await this.#commit(() =>
      this.#kv.atomic()
        .check({ key: [BY_SHA, entry.sha256], versionstamp: null })
        .set([ENTRY, entry.id], entry)
        .set([BY_SHA, entry.sha256], entry.id)
        .sum([COUNTER, ARCHIVE_COUNTERS.stored], 1n)
    );
    return result.ok;
  }

  /**
   * Replaces a record (after `wats reprocess` converted its source again).
   *
   * @param entry The record, with the same id and SHA-256 as before.
   * @returns A promise that resolves once committed.
   */
  async update(entry: ArchiveEntry): Promise<void> {
    const result = await this.#commit(() => this.#kv.atomic().set([ENTRY, entry.id], entry));
    if (!result.ok) throw new Error(`Archive record ${entry.id} could not be updated`);
  }

  /**
   * Looks up one record.
   *
   * @param id The record id (a unique prefix is not enough: the whole id).
   * @returns The record, or `null`.
   */
  async get(id: string): Promise<ArchiveEntry | null> {
    return (await this.#kv.get<ArchiveEntry>([ENTRY, id])).value;
  }

  /**
   * Looks up the record of a content.
   *
   * @param sha256 SHA-256 of the source, lowercase hex.
   * @returns The record, or `null` when that content is not archived.
   */
  async bySha256(sha256: string): Promise<ArchiveEntry | null> {
    const id = (await this.#kv.get<string>([BY_SHA, sha256])).value;
    return id === null ? null : await this.get(id);
  }

  /**
   * Lists every record, oldest first, streamed.
   *
   * @returns The records.
   */
  async *list(): AsyncGenerator<ArchiveEntry> {
    for await (const item of this.#kv.list<ArchiveEntry>({ prefix: [ENTRY] })) yield item.value;
  }

  /**
   * Removes a record (after its file was removed), counting it as purged.
   *
   * @param entry The record.
   * @param counter Which purge counter to add 1 to.
   * @returns A promise that resolves once committed.
   */
  async remove(
    entry: ArchiveEntry,
    counter: typeof ARCHIVE_COUNTERS.purgedByAge | typeof ARCHIVE_COUNTERS.purgedBySize,
  ): Promise<void> {
    const result = await this.#commit(() =>
      this.#kv.atomic()
        .delete([ENTRY, entry.id])
        .delete([BY_SHA, entry.sha256])
        .sum([COUNTER, counter], 1n)
        .sum([COUNTER, ARCHIVE_COUNTERS.purgedBytes], BigInt(entry.storedBytes))
    );
    if (!result.ok) throw new Error(`Archive record ${entry.id} could not be removed`);
  }
}
