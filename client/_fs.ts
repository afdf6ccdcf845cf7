/**
 * The one way the station service writes and moves files durably.
 *
 * A durable write is: write a temp file in the same folder (or a temp folder on the same volume),
 * fsync it, rename it over the target, then make the rename durable. After the promise resolves
 * the new content survives a power loss, and at no moment does a reader see a half-written
 * target. Every path is built with `node:path`, because most stations run Windows.
 *
 * How a rename is made durable is the platform's (`util/platform.ts`): POSIX fsyncs the folder
 * that holds the new name; Windows flushes the renamed file, which commits the NTFS journal that
 * holds the rename. A file another process holds open for a moment (antivirus, indexer, Excel,
 * Explorer's preview) makes a rename fail with a transient error: it is tried again for a few
 * seconds.
 *
 * @module
 */

import { basename, dirname, join } from "node:path";
import { getLogger } from "@logtape/logtape";
import { currentPlatform, type Platform } from "../util/platform.ts";

/** Waits between tries of a rename that failed with a transient error: about 5 s in all. */
const RENAME_RETRY_DELAYS_MS = [100, 200, 400, 800, 1_600, 2_000];

/** The OS and the file operations of the durable writes; tests inject failures here. */
export interface DurableFsOptions {
  /** The OS rules; this process's by default. */
  platform?: Platform;
  /** Renames a file, replacing the target; `Deno.renameSync` by default. */
  rename?: (from: string, to: string) => void;
  /** Waits between tries; a timer by default. */
  sleep?: (ms: number) => Promise<void>;
  /** Flushes a file's data and metadata (Windows renames); opens it for writing by default. */
  syncFile?: (path: string) => Promise<void>;
  /** Flushes a folder's entries (POSIX renames); {@linkcode syncFolder} by default. */
  syncFolder?: (folder: string) => Promise<void>;
}

function sleepMs(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Names of temp files this module creates: `.<target name>.<random>.tmp`. */
const TEMP_NAME = /^\..+\.[0-9a-f]{8}\.tmp$/;

/** How far a requested mtime may be from the real time and still be left to the file system. */
const MTIME_SLACK_MS = 1_000;

/** Options of {@linkcode writeFileDurable}. */
export interface WriteDurableOptions extends DurableFsOptions {
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
    await renameReplacing(temp, path, options);
  } catch (error) {
    file?.close();
    await removeIfPresent(temp).catch(() => {});
    throw error;
  }
  // Only the new name must last: a temp name a crash leaves behind is removed at the next open.
  await makeRenameDurable(path, path, options);
}

/**
 * Moves a file durably: rename (replacing the target), then make the rename durable.
 *
 * @param from The file to move.
 * @param to Its new path; on the same volume as `from`.
 * @param options The OS and file operations (tests).
 * @returns A promise that resolves once the move is on disk.
 */
export async function moveDurable(
  from: string,
  to: string,
  options: DurableFsOptions = {},
): Promise<void> {
  await renameReplacing(from, to, options);
  await makeRenameDurable(from, to, options);
}

/**
 * Makes a rename that has happened durable, the platform's way: POSIX fsyncs the target's
 * folder, then the source's; Windows flushes the renamed file, whose journal entry holds both
 * names.
 *
 * @param from The old path.
 * @param to The new path, which exists now.
 * @param options The OS and file operations (tests).
 * @returns A promise that resolves once the rename is on disk.
 */
export async function makeRenameDurable(
  from: string,
  to: string,
  options: DurableFsOptions = {},
): Promise<void> {
  const platform = options.platform ?? currentPlatform;
  if (platform.renameDurability === "file") {
    await (options.syncFile ?? syncFile)(to);
    return;
  }
  const sync = options.syncFolder ?? ((folder: string) => syncFolder(folder, { platform }));
  // Target first: a crash between the two syncs may leave both names, never neither.
  await sync(dirname(to));
  if (dirname(from) !== dirname(to)) await sync(dirname(from));
}

/**
 * Flushes one file's data and metadata to disk. On NTFS this also commits the journal entries
 * of the file's last rename.
 *
 * @param path The file.
 * @returns A promise that resolves once flushed.
 */
export async function syncFile(path: string): Promise<void> {
  // Windows flushes only through a handle with write access (FlushFileBuffers).
  using file = await Deno.open(path, { read: true, write: true });
  await file.sync();
}

/**
 * Renames `from` to `to`, replacing `to`. When another process holds one of the files open for
 * a moment (a transient error of the platform: on Windows a sharing violation, `EBUSY`, `EPERM`,
 * `EACCES`), it tries again with a backoff of up to about 5 s in all.
 *
 * @param from The file to rename.
 * @param to The new name.
 * @param options The OS and file operations (tests).
 * @returns A promise that resolves after the rename.
 */
export async function renameReplacing(
  from: string,
  to: string,
  options: DurableFsOptions = {},
): Promise<void> {
  const platform = options.platform ?? currentPlatform;
  // A rename is a few microseconds of metadata work: done in place, not on a worker thread.
  const rename = options.rename ?? Deno.renameSync;
  const sleep = options.sleep ?? sleepMs;
  for (let attempt = 0;; attempt++) {
    try {
      return rename(from, to);
    } catch (error) {
      const delay = RENAME_RETRY_DELAYS_MS[attempt];
      if (delay === undefined || !platform.isTransientError(error)) throw error;
      await sleep(delay);
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
 * On Windows a folder is flushed through a handle with write access (Deno opens folders with
 * backup semantics); where the file system refuses that, a warning says so once: a rename is
 * made durable by flushing the renamed file instead ({@linkcode makeRenameDurable}).
 *
 * @param folder The folder to sync.
 * @param options The OS; this process's by default.
 * @returns A promise that resolves once synced, or once the refusal is reported.
 */
export function syncFolder(folder: string, options: { platform?: Platform } = {}): Promise<void> {
  const platform = options.platform ?? currentPlatform;
  const key = `${platform.os}\n${folder}`;
  let syncer = folderSyncers.get(key);
  if (!syncer) folderSyncers.set(key, syncer = new FolderSyncer(folder, key, platform));
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
  readonly #key: string;
  readonly #platform: Platform;
  #handle: Deno.FsFile | null = null;
  #running: Promise<void> | null = null;
  #queued: Promise<void> | null = null;

  constructor(folder: string, key: string, platform: Platform) {
    this.#folder = folder;
    this.#key = key;
    this.#platform = platform;
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
        folderSyncers.delete(this.#key);
      }
    });
    this.#running = run;
    return run;
  }

  async #fsync(): Promise<void> {
    try {
      // FlushFileBuffers on Windows needs write access, also on a folder.
      this.#handle ??= await Deno.open(this.#folder, {
        read: true,
        write: this.#platform.isWindows,
      });
      await this.#handle.sync();
    } catch (error) {
      this.#handle?.close();
      this.#handle = null;
      // Some file systems (network shares, FUSE, some containers) refuse fsync on a folder with
      // EPERM, EINVAL, EISDIR or ENOTSUP; the rename already happened, and there is no stronger
      // guarantee to get there, so the refusal is not a failure of the write. It is said once.
      if (!isFolderSyncRefusal(error)) throw error;
      reportRefusal(this.#folder, error);
    }
  }
}

/** Folders whose fsync refusal was logged already. */
const refusedFolders = new Set<string>();

function reportRefusal(folder: string, error: unknown): void {
  if (refusedFolders.has(folder) || refusedFolders.size > 100) return;
  refusedFolders.add(folder);
  getLogger(["wats", "fs"]).warn(
    "The file system refuses to flush the folder {folder} ({error}); a power loss may undo " +
      "removals there",
    { folder, error: (error as Error).message },
  );
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
 * Removes a file; a file that is already gone is not an error. A transient error (another
 * process holds the file open) is tried again as in {@linkcode renameReplacing}.
 *
 * @param path The file to remove.
 * @param options The OS and the wait (tests).
 * @returns `true` when this call removed it.
 */
export async function removeIfPresent(
  path: string,
  options: Pick<DurableFsOptions, "platform" | "sleep"> = {},
): Promise<boolean> {
  const platform = options.platform ?? currentPlatform;
  for (let attempt = 0;; attempt++) {
    try {
      await Deno.remove(path);
      return true;
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return false;
      const delay = RENAME_RETRY_DELAYS_MS[attempt];
      if (delay === undefined || !platform.isTransientError(error)) throw error;
      await (options.sleep ?? sleepMs)(delay);
    }
  }
}

/**
 * Whether a path exists (a link counts itself, not its target).
 *
 * @param path The path.
 * @returns `false` only when nothing is there; other errors are thrown.
 */
export async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}
