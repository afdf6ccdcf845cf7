/**
 * One service per data folder: an exclusive OS file lock on `<data dir>/service.lock`, held for
 * the life of the process.
 *
 * The OS releases the lock when the process ends, however it ends (`kill -9` included), so a lock
 * file left behind by a killed service is recognised as stale (the lock is free although the
 * holder file names a process) and simply taken over. Who has the lock is written, as JSON,
 * durably to `service.holder.json` beside it, so a second instance can say which process to stop
 * and `wats status` can find the status URL. It is a file of its own because on Windows the lock
 * (`LockFileEx`) covers the whole lock file: no other process could read a holder written there.
 *
 * @module
 */

import { join } from "node:path";
import { writeFileDurable } from "./_fs.ts";

/** What the lock file says about its holder. */
export interface LockInfo {
  /** Process id. */
  pid: number;
  /** The data folder. */
  dataDir: string;
  /** When the service started, ISO 8601. */
  startedAt: string;
  /** The toolkit version. */
  version: string;
  /** The status server's URL, once it listens. */
  statusUrl?: string;
  /** The configuration file, when one was used. */
  configPath?: string;
}

/** The data folder is locked by another running service. */
export class LockHeldError extends Error {
  /** What the lock file says about the holder, when it could be read. */
  readonly holder: LockInfo | null;

  /**
   * Creates the error.
   *
   * @param dataDir The data folder.
   * @param holder The holder, when known.
   */
  constructor(dataDir: string, holder: LockInfo | null) {
    const who = holder
      ? `process ${holder.pid}, started ${holder.startedAt}` +
        (holder.statusUrl ? `, status ${holder.statusUrl}` : "")
      : "another process";
    super(
      `Another WATS service (${who}) is running on the data folder ${dataDir}; ` +
        "stop it first, or give this one its own data folder (--data-dir)",
    );
    this.name = "LockHeldError";
    this.holder = holder;
  }
}

/** The name of the lock file in the data folder; it holds nothing, the OS lock is on it. */
export const LOCK_FILE = "service.lock";

/** The name of the file beside the lock file that says who holds the lock. */
export const HOLDER_FILE = "service.holder.json";

/**
 * Reads who holds (or last held) the lock of a data folder, without taking the lock.
 *
 * @param dataDir The data folder.
 * @returns What the holder file says, or `null` when it is missing or unreadable.
 */
export async function readLockInfo(dataDir: string): Promise<LockInfo | null> {
  // Services before 0.2 wrote the holder into the lock file itself.
  return await readInfoFile(join(dataDir, HOLDER_FILE)) ??
    await readInfoFile(join(dataDir, LOCK_FILE));
}

async function readInfoFile(path: string): Promise<LockInfo | null> {
  try {
    const info = JSON.parse(await Deno.readTextFile(path));
    return typeof info === "object" && info !== null && typeof info.pid === "number" ? info : null;
  } catch {
    // Missing, empty, or (an old lock file on Windows) locked by its holder.
    return null;
  }
}

/**
 * Tells whether a service holds the lock of a data folder right now.
 *
 * @param dataDir The data folder.
 * @returns `true` while a running service holds it.
 */
export async function isLocked(dataDir: string): Promise<boolean> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(join(dataDir, LOCK_FILE), { read: true, write: true });
  } catch {
    return false;
  }
  try {
    const isFree = await file.tryLock(true);
    if (isFree) await file.unlock();
    return !isFree;
  } finally {
    file.close();
  }
}

/**
 * The lock of one data folder, held until {@linkcode InstanceLock.release}.
 *
 * @example Hold the lock while the service runs
 * ```ts
 * import assert from "node:assert/strict";
 * import { InstanceLock, LockHeldError } from "@wats/toolkit/client";
 *
 * const dataDir = await Deno.makeTempDir();
 * try {
 *   const lock = await InstanceLock.acquire(dataDir, { version: "0.1.0" });
 *   await assert.rejects(InstanceLock.acquire(dataDir, { version: "0.1.0" }), LockHeldError);
 *   lock.release();
 * } finally {
 *   await Deno.remove(dataDir, { recursive: true });
 * }
 * ```
 */
export class InstanceLock {
  readonly #file: Deno.FsFile;
  #info: LockInfo;
  /** What the previous, killed holder's file said, when the lock was stale. */
  readonly staleHolder: LockInfo | null;

  private constructor(file: Deno.FsFile, info: LockInfo, staleHolder: LockInfo | null) {
    this.#file = file;
    this.#info = info;
    this.staleHolder = staleHolder;
  }

  /**
   * Takes the lock of a data folder (creating the folder), or fails when a running service has it.
   *
   * @param dataDir The data folder.
   * @param details The version and configuration file to record.
   * @returns The held lock.
   * @throws {LockHeldError} When another process holds the lock.
   */
  static async acquire(
    dataDir: string,
    details: { version: string; configPath?: string },
  ): Promise<InstanceLock> {
    await Deno.mkdir(dataDir, { recursive: true });
    const path = join(dataDir, LOCK_FILE);
    const file = await Deno.open(path, { read: true, write: true, create: true });
    let isMine = false;
    try {
      isMine = await file.tryLock(true);
    } finally {
      if (!isMine) file.close();
    }
    if (!isMine) throw new LockHeldError(dataDir, await readLockInfo(dataDir));
    const previous = await readLockInfo(dataDir);
    const info: LockInfo = {
      pid: Deno.pid,
      dataDir,
      startedAt: new Date().toISOString(),
      version: details.version,
      ...(details.configPath ? { configPath: details.configPath } : {}),
    };
    const lock = new InstanceLock(
      file,
      info,
      previous && previous.pid !== Deno.pid ? previous : null,
    );
    try {
      // A lock file of an older service held the holder's JSON: the lock file holds nothing now.
      await file.truncate(0);
      await lock.#write();
    } catch (error) {
      lock.release();
      throw error;
    }
    return lock;
  }

  /** What the holder file says now. */
  get info(): LockInfo {
    return { ...this.#info };
  }

  /**
   * Records more about the holder (the status URL once the server listens).
   *
   * @param update The fields to change.
   * @returns A promise that resolves once written.
   */
  async update(update: Partial<LockInfo>): Promise<void> {
    this.#info = { ...this.#info, ...update };
    await this.#write();
  }

  /**
   * Releases the lock. The holder file is removed first, while the lock is still held: a clean
   * stop leaves no holder behind, so the next start does not take it for a killed one.
   */
  release(): void {
    try {
      try {
        Deno.removeSync(join(this.#info.dataDir, HOLDER_FILE));
      } catch {
        // A read-only or vanished file: unlocking still frees the data folder.
      }
      this.#file.unlockSync();
    } finally {
      this.#file.close();
    }
  }

  async #write(): Promise<void> {
    const bytes = new TextEncoder().encode(JSON.stringify(this.#info, null, 2) + "\n");
    await writeFileDurable(join(this.#info.dataDir, HOLDER_FILE), bytes);
  }
}
