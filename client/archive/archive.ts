/**
 * The source archive: every taken file kept gzip-compressed, so a converter bug found a week later
 * can be corrected by converting the sources again (`wats reprocess`).
 *
 * ## Layout
 *
 * `<root>/<yyyy>/<mm>/<dd>/<time>_<sha256>.<ext>.gz`, where the root is the data folder's
 * `archive/` or the watch entry's `archiveDir`, and `<time>` the archive time in compact ISO form
 * (`20260507T101500123Z`). The source is recorded in the ledger's KV (`_index.ts`), then the file
 * is written durably (`writeFileDurable`: temp file, fsync, rename, fsync folder), then the
 * original is removed. The same content is stored once: a second copy (a duplicate, or a file
 * taken again after a crash) only removes the original.
 *
 * A crash between the record and the write leaves a record whose file is missing, and the
 * original still in the drop folder. The next start takes it again, finds the record by its
 * SHA-256, and writes the file under the recorded name before it removes the original; so no
 * `.gz` is ever left unrecorded. The temp files of the durable writes go to `<root>/.tmp`; those
 * a killed process left there are removed when a watch that archives into the root starts
 * ({@linkcode removeStaleArchiveTemps}).
 *
 * ## Outcomes
 *
 * A converted file is recorded with its converter (id, version, a hash of its arguments) and its
 * reports (ids, serial and part numbers). A file that could not be converted is archived too
 * (outcome `error`, with the stage and reason), then moved to the error folder as always. A file
 * refused for its size is not archived: the size limit is there to keep such files out.
 *
 * @module
 */

import { basename, dirname, extname, join } from "node:path";
import {
  exists,
  isOwnTempName,
  isTempName,
  removeIfPresent,
  syncFolder,
  writeFileDurable,
} from "../_fs.ts";
import { hashHex } from "../../util/hash.ts";
import type { Ledger } from "../ledger/ledger.ts";
import type { ArchivedReport, ArchiveEntry, ArchiveOutcome } from "./_index.ts";

export {
  ARCHIVE_COUNTERS,
  type ArchivedReport,
  type ArchiveEntry,
  ArchiveIndex,
} from "./_index.ts";
export type { ArchiveOutcome } from "./_index.ts";
export { purgeArchive, type PurgeSummary, type RetentionPolicy } from "./_retention.ts";

/** What the intake knows of a source when it archives it. */
export interface ArchiveFacts {
  /** Converted, or refused. */
  outcome: ArchiveOutcome;
  /** The converter that read it (or was chosen for it). */
  converter?: string | null;
  /** Its version. */
  converterVersion?: string | null;
  /** {@linkcode argumentsHash} of the converter arguments. */
  argumentsHash?: string | null;
  /** The reports made from it. */
  reports?: readonly ArchivedReport[];
  /** Why it was refused (outcome `error`). */
  reason?: string;
  /** The stage that refused it (outcome `error`). */
  stage?: string;
  /** Where the refused file went (outcome `error`). */
  errorPath?: string;
  /** The path it was taken from, when `path` is elsewhere now (the error folder). */
  takenFrom?: string;
}

/** Options of {@linkcode archiveSource}. */
export interface ArchiveOptions {
  /** The archive time, epoch ms. */
  now: number;
  /** Leave the original where it is (a refused file goes to the error folder afterwards). */
  keepSource?: boolean;
}

/**
 * SHA-256 of converter arguments as JSON with sorted keys, so the same arguments written in
 * another order hash the same.
 *
 * @param args The converter arguments.
 * @returns 64 lowercase hex characters.
 */
export function argumentsHash(args: Readonly<Record<string, unknown>>): string {
  const sorted = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(sorted);
    if (value === null || typeof value !== "object") return value;
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0
    );
    return Object.fromEntries(entries.map(([key, item]) => [key, sorted(item)]));
  };
  return hashHex(new TextEncoder().encode(JSON.stringify(sorted(args))));
}

/** `20260507T101500123Z` */
function compactTime(now: number): string {
  return new Date(now).toISOString().replace(/[-:]/g, "").replace(".", "");
}

/** The extension kept in the archive name: letters and digits only, at most 16. */
function safeExtension(name: string): string {
  const extension = extname(name).slice(1);
  return /^[A-Za-z0-9]{1,16}$/.test(extension) ? `.${extension}` : "";
}

/** The folder below an archive root that holds the temp files of its writes. */
const TEMP_FOLDER = ".tmp";

/** Folders made (or found) already, so a busy archive does not mkdir for every file. */
const madeFolders = new Set<string>();

/**
 * Archives a source file (see the module doc): gzip, durable write, ledger record, then the
 * original removed (unless `keepSource`).
 *
 * @param ledger The ledger whose KV holds the index.
 * @param path The source file.
 * @param root The archive root (`<data dir>/archive` or the entry's `archiveDir`).
 * @param facts Converter, reports, outcome.
 * @param options The archive time; whether to keep the original.
 * @returns The record (an earlier one when the content was archived before).
 */
export async function archiveSource(
  ledger: Ledger,
  path: string,
  root: string,
  facts: ArchiveFacts,
  options: ArchiveOptions,
): Promise<ArchiveEntry> {
  const bytes = await Deno.readFile(path);
  const sha256 = hashHex(bytes);
  const known = await ledger.archive.bySha256(sha256);
  if (known) {
    // Recorded before, and its file written unless a crash came between the two.
    if (!await exists(known.file)) await writeArchiveFile(root, known.file, await gzip(bytes));
    if (!options.keepSource) await removeSource(path);
    return known;
  }
  const stored = await gzip(bytes);
  const time = compactTime(options.now);
  const folder = join(root, ...new Date(options.now).toISOString().slice(0, 10).split("-"));
  const file = join(folder, `${time}_${sha256}${safeExtension(path)}.gz`);
  const entry: ArchiveEntry = {
    id: `${time}_${sha256}`,
    file,
    sourceName: basename(facts.takenFrom ?? path),
    sourceFolder: dirname(facts.takenFrom ?? path),
    sha256,
    size: bytes.length,
    storedBytes: stored.length,
    converter: facts.converter ?? null,
    converterVersion: facts.converterVersion ?? null,
    argumentsHash: facts.argumentsHash ?? null,
    reports: [...facts.reports ?? []],
    outcome: facts.outcome,
    ...(facts.reason === undefined ? {} : { reason: facts.reason }),
    ...(facts.stage === undefined ? {} : { stage: facts.stage }),
    ...(facts.errorPath === undefined ? {} : { errorPath: facts.errorPath }),
    archivedAt: new Date(options.now).toISOString(),
  };
  let recorded = entry;
  if (!await ledger.archive.add(entry)) {
    // The same content archived at the same moment by another take: keep theirs.
    recorded = await ledger.archive.bySha256(sha256) ?? entry;
  }
  if (recorded === entry || !await exists(recorded.file)) {
    await writeArchiveFile(root, recorded.file, stored);
  }
  if (!options.keepSource) await removeSource(path);
  return recorded;
}

function gzip(bytes: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
  return new Response(
    new Blob([bytes]).stream().pipeThrough(new CompressionStream("gzip")),
  ).bytes();
}

async function writeArchiveFile(
  root: string,
  file: string,
  stored: Uint8Array<ArrayBuffer>,
): Promise<void> {
  const tempDir = join(root, TEMP_FOLDER);
  for (const folder of [dirname(file), tempDir]) {
    if (madeFolders.has(folder)) continue;
    await Deno.mkdir(folder, { recursive: true });
    if (madeFolders.size > 100) madeFolders.clear();
    madeFolders.add(folder);
  }
  await writeFileDurable(file, stored, { tempDir });
}

/**
 * Removes the temp files that archive writes of a process which is gone left in `<root>/.tmp`
 * (a process killed during a write); those of this process are left alone.
 *
 * @param root The archive root.
 * @returns How many were removed; 0 when the folder is not there.
 */
export async function removeStaleArchiveTemps(root: string): Promise<number> {
  const folder = join(root, TEMP_FOLDER);
  let removed = 0;
  try {
    for await (const entry of Deno.readDir(folder)) {
      if (!entry.isFile || !isTempName(entry.name) || isOwnTempName(entry.name)) continue;
      await removeIfPresent(join(folder, entry.name));
      removed++;
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return removed;
}

async function removeSource(path: string): Promise<void> {
  await removeIfPresent(path);
  await syncFolder(dirname(path));
}

/**
 * Reads an archived source back.
 *
 * @param entry The record.
 * @returns The original bytes.
 * @throws {Deno.errors.NotFound} When the `.gz` file is gone.
 * @throws {Error} When its content no longer matches the recorded SHA-256.
 */
export async function readArchived(entry: ArchiveEntry): Promise<Uint8Array> {
  const file = await Deno.open(entry.file);
  const bytes = await new Response(file.readable.pipeThrough(new DecompressionStream("gzip")))
    .bytes();
  const sha256 = hashHex(bytes);
  if (sha256 !== entry.sha256) {
    throw new Error(`${entry.file} does not hold the archived content (SHA-256 ${sha256})`);
  }
  return bytes;
}
