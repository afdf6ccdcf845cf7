/**
 * The one way the station service writes and moves files durably.
 *
 * A durable write is: write a temp file in the same folder (or a temp folder on the same volume),
 * fsync it, rename it over the target, fsync the target's folder. After the promise resolves the new content survives a power loss, and at no
 * moment does a reader see a half-written target. Every path is built with `node:path`, because
 * most stations run Windows.
 *
 * @module
 */

import { basename, dirname, join } from "node:path";
import { createHash } from "node:crypto";

const isWindows = Deno.build.os === "windows";

/** Names of temp files this module creates: `.<target name>.<random>.tmp`. */
const TEMP_NAME = /^\..+\.[0-9a-f]{8}\.tmp$/;

/** How far a requested mtime may be from the real time and still be left to the file system. */
const MTIME_SLACK_MS = 1_000;

/** Options of {@linkcode writeFileDurable}. */
export interface WriteDurableOptions {
  /**
   * Modification (and access) time to give the file, in epoch milliseconds; left to the file
   * system (now) when it is within a second of the real time.
   */
  mtime?: number;
  /**
   * Folder of the temp file, on the same volume as the target; the target's folder by default.
   * A busy folder gains from it: creating a file holds its folder's lock while the file system
   * finds a free inode, which can take a millisecond, and renames out of that folder would wait.
   */
  tempDir?: string;
  /**
   * Permission bits of the written file (less the umask; ignored on Windows), so a rewrite keeps
   * a private file private from its first byte; the process default when unset.
   */
  mode?: number;
}

/** Four hex digits that start the random part of every temp file this process writes. */
const PROCESS_TAG = crypto.randomUUID().slice(0, 4);

/**
 * Tells whether a temp file name was made by this process, so a write of ours may still be under
 * way; any other temp file at open was left by a process that is gone (or by `wats submit`, whose
 * write then fails loudly and leaves its source file in place).
 *
 * @param name A file name without folder.
 * @returns `true` for temp names this process made.
 */
export function isOwnTempName(name: string): boolean {
  return isTempName(name) && name.slice(-12, -8) === PROCESS_TAG;
}

/**
 * A fresh temp file path beside `path`, as {@linkcode writeFileDurable} writes first.
 *
 * @param path The target file.
 * @returns `<folder>/.<name>.<process tag><random>.tmp`.
 */
export function tempPathFor(path: string): string {
  const random = PROCESS_TAG + crypto.randomUUID().slice(0, 4);
  return join(dirname(path), `.${basename(path)}.${random}.tmp`);
}

/**
 * Tells whether a file name is a temp file left by {@linkcode writeFileDurable}.
 *
 * @param name A file name without folder.
 * @returns `true` for names of the form `.<target>.<8 hex>.tmp`.
 */
export function isTempName(name: string): boolean {
  return TEMP_NAME.test(name);
}

/**
 * Writes `bytes` to `path` durably: temp file in the same folder, fsync, rename, fsync folder.
 *
 * @param path The target file; replaced atomically when it exists.
 * @param bytes The whole new content.
 * @param options `mtime` sets the modification time before the fsync.
 * @returns A promise that resolves once the content is on disk.
 */
export async function writeFileDurable(
  path: string,
  bytes: Uint8Array,
  options: WriteDurableOptions = {},
): Promise<void> {
  const beside = tempPathFor(path);
  const temp = options.tempDir === undefined ? beside : join(options.tempDir, basename(beside));
  let file: Deno.FsFile | undefined;
  try {
    // Creating a file is the costly step (the kernel allocates an inode): a worker thread does
    // it. Writing a few kB, setting the time, closing and renaming take microseconds, less than
    // handing them to a thread; the fsync may take a while and runs on a thread again.
    file = await Deno.open(temp, { write: true, createNew: true, mode: options.mode });
    let written = 0;
    while (written < bytes.length) written += file.writeSync(bytes.subarray(written));
    // A fresh file's mtime is now already; set it only when asked for another time (a retry's
    // due time, a test clock).
    if (options.mtime !== undefined && Math.abs(options.mtime - Date.now()) > MTIME_SLACK_MS) {
      const time = new Date(options.mtime);
      file.utimeSync(time, time);
    }
    await file.sync();
    file.close();
    file = undefined;
    await renameReplacing(temp, path);
  } catch (error) {
    file?.close();
    await removeIfPresent(temp).catch(() => {});
    throw error;
  }
  await syncFolder(dirname(path));
}

/**
 * Moves a file durably: rename (replacing the target), then fsync the target and source folders.
 *
 * @param from The file to move.
 * @param to Its new path; on the same volume as `from`.
 * @returns A promise that resolves once the move is on disk.
 */
export async function moveDurable(from: string, to: string): Promise<void> {
  await renameReplacing(from, to);
  // Target first: a crash between the two syncs may leave both names, never neither.
  await syncFolder(dirname(to));
  if (dirname(from) !== dirname(to)) await syncFolder(dirname(from));
}

/**
 * Renames `from` to `to`, replacing `to`; on Windows it retries a few times when another process
 * (an antivirus scanner, an indexer) holds one of the files open for a moment.
 *
 * @param from The file to rename.
 * @param to The new name.
 * @returns A promise that resolves after the rename.
 */
export async function renameReplacing(from: string, to: string): Promise<void> {
  // A rename is a few microseconds of metadata work: done in place, not on a worker thread.
  for (let attempt = 0;; attempt++) {
    try {
      return Deno.renameSync(from, to);
    } catch (error) {
      const isLocked = error instanceof Deno.errors.PermissionDenied ||
        error instanceof Deno.errors.Busy;
      if (!isWindows || !isLocked || attempt >= 4) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20 * 2 ** attempt));
    }
  }
}

/**
 * Flushes a folder's entries (new, renamed, removed names) to disk.
 *
 * Calls for the same folder share fsyncs (group commit): a call made while an fsync of the folder
 * runs waits for the next one, which starts when the running one ends and serves every call made
 * in between. Each call still resolves only after an fsync that began after the call, so what
 * the caller renamed before calling is on disk; under load, many renames cost one fsync.
 *
 * @param folder The folder to sync.
 * @returns A promise that resolves once synced, or at once where the OS cannot sync folders.
 */
export function syncFolder(folder: string): Promise<void> {
  // Windows cannot open a folder as a file without FILE_FLAG_BACKUP_SEMANTICS, which Deno does
  // not set; NTFS journals the rename itself, so there is nothing to sync there.
  if (isWindows) return Promise.resolve();
  let syncer = folderSyncers.get(folder);
  if (!syncer) folderSyncers.set(folder, syncer = new FolderSyncer(folder));
  return syncer.sync();
}

const folderSyncers = new Map<string, FolderSyncer>();

/**
 * The group commit of one folder's fsyncs. While fsyncs follow each other (a busy folder) the
 * folder stays open between them; when none waits, it is closed and the syncer forgotten, so
 * nothing stays open in a quiet process.
 */
class FolderSyncer {
  readonly #folder: string;
  #handle: Deno.FsFile | null = null;
  #running: Promise<void> | null = null;
  #queued: Promise<void> | null = null;

  constructor(folder: string) {
    this.#folder = folder;
  }

  sync(): Promise<void> {
    // A queued fsync has not started yet, so it covers this caller too.
    if (this.#queued) return this.#queued;
    if (this.#running) {
      this.#queued = this.#running.catch(() => {}).then(() => {
        this.#queued = null;
        return this.#start();
      });
      return this.#queued;
    }
    return this.#start();
  }

  #start(): Promise<void> {
    const run: Promise<void> = this.#fsync().finally(() => {
      if (this.#running === run) this.#running = null;
      if (this.#running === null && this.#queued === null) {
        this.#handle?.close();
        this.#handle = null;
        folderSyncers.delete(this.#folder);
      }
    });
    this.#running = run;
    return run;
  }

  async #fsync(): Promise<void> {
    try {
      this.#handle ??= await Deno.open(this.#folder, { read: true });
      await this.#handle.sync();
    } catch (error) {
      this.#handle?.close();
      this.#handle = null;
      // Some file systems (network shares, FUSE, some containers) refuse fsync on a folder with
      // EPERM, EINVAL, EISDIR or ENOTSUP; the rename already happened, and there is no stronger
      // guarantee to get there, so the refusal is not a failure of the write.
      if (!isFolderSyncRefusal(error)) throw error;
    }
  }
}

function isFolderSyncRefusal(error: unknown): boolean {
  if (error instanceof Deno.errors.PermissionDenied) return true;
  if (error instanceof Deno.errors.IsADirectory) return true;
  if (error instanceof Deno.errors.NotSupported) return true;
  const code = (error as { code?: unknown }).code;
  return code === "EPERM" || code === "EINVAL" || code === "EISDIR" || code === "ENOTSUP" ||
    code === "EBADF";
}

/**
 * Removes a file; a file that is already gone is not an error.
 *
 * @param path The file to remove.
 * @returns `true` when this call removed it.
 */
export async function removeIfPresent(path: string): Promise<boolean> {
  try {
    await Deno.remove(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

/**
 * Computes the SHA-256 of bytes or of a stream, as lowercase hex.
 *
 * Uses `node:crypto`: bytes in one call, a stream chunk by chunk (a 50 MiB file is never held in
 * memory to hash it).
 *
 * @param input The bytes, or a stream of them (e.g. `(await Deno.open(path)).readable`).
 * @returns 64 lowercase hex characters.
 */
export async function sha256Hex(input: Uint8Array | ReadableStream<Uint8Array>): Promise<string> {
  const hash = createHash("sha256");
  // Bytes in memory are hashed in place: cheaper than a trip to Web Crypto's worker.
  if (input instanceof Uint8Array) return hash.update(input).digest("hex");
  for await (const chunk of input) hash.update(chunk);
  return hash.digest("hex");
}
