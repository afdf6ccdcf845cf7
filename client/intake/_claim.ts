/**
 * Claims of source files: a drop folder may be shared by several services (two stations writing
 * to one network share), so a file is claimed before it is read, and only the service whose claim
 * succeeded takes it.
 *
 * A claim is a rename of the file into `<drop folder>/.wats-claims/<instance>/`, which is atomic
 * on one file system (and the claim folder is inside the drop folder, so on the same one): of two
 * services renaming the same file, one succeeds and the other finds it gone. The claim folder's
 * name starts with a dot, so no watcher takes from it. The instance name is derived from the host
 * name and the data folder, so a service finds its own claims again after a restart and gives
 * them back to the drop folder before it watches; a crash between claim and post action loses
 * nothing.
 *
 * A claim costs one rename and nothing else: the claim folder is this instance's alone and is
 * emptied at start, so the only files in it are the ones this process holds, which it remembers
 * ({@linkcode dropClaim} forgets one once it has left). A name is looked up on disk only when a
 * file of that name is held already (a second file of the same name dropped while the first is
 * handled). A rename never looks at the target first otherwise: a look-up that fails builds a
 * `NotFound` error, which costs more than the rename itself.
 *
 * @module
 */

import { dirname, join, relative, sep } from "node:path";
import { createHash } from "node:crypto";

/** The folder inside each drop folder that holds the claims of every instance. */
export const CLAIMS_FOLDER = ".wats-claims";

/**
 * The name of this service instance's claim folder.
 *
 * @param dataDir The service's data folder (one service per data folder, by its lock).
 * @returns 12 hex digits, the same for the same host and data folder.
 */
export function instanceName(dataDir: string): string {
  let host = "";
  try {
    host = Deno.hostname();
  } catch {
    // Without --allow-sys=hostname the data folder alone tells instances apart on one host.
  }
  return createHash("sha256").update(`${host}\n${dataDir}`).digest("hex").slice(0, 12);
}

/** Folders made (or found) already, so that claims do not mkdir for every file. */
const madeFolders = new Set<string>();

/** Claimed paths this process holds: files it renamed into a claim folder and has not moved on. */
const heldClaims = new Set<string>();

/**
 * Claims a file of a drop folder for this instance.
 *
 * @param root The drop folder.
 * @param path The file, inside `root`.
 * @param instance {@linkcode instanceName}.
 * @returns The claimed file's path, or `null` when another service claimed it first (or it is
 *   gone).
 */
export async function claimFile(
  root: string,
  path: string,
  instance: string,
): Promise<string | null> {
  const base = join(root, CLAIMS_FOLDER, instance);
  const name = relative(root, path);
  for (let slot = 0;; slot++) {
    // A file of the same name still being handled keeps its claim: the new one takes a slot.
    const target = slot === 0 ? join(base, name) : join(base, `#${slot}`, name);
    // Only a name this process holds can be taken: the folder was emptied at start.
    if (heldClaims.has(target) && isTaken(target)) continue;
    const folder = dirname(target);
    if (!madeFolders.has(folder)) {
      await Deno.mkdir(folder, { recursive: true });
      if (madeFolders.size > 1000) madeFolders.clear();
      madeFolders.add(folder);
    }
    try {
      Deno.renameSync(path, target);
      heldClaims.add(target);
      return target;
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
      // The claim folder was removed under us, or the file is gone: which one?
      if (isTaken(path)) {
        madeFolders.delete(folder);
        continue;
      }
      return null;
    }
  }
}

/**
 * Forgets a claim whose file has left the claim folder (its post action, the error folder, or
 * back to the drop folder), so that its name is free again without a look-up. A claim whose file
 * could not be moved on stays remembered, and a later file of the same name takes another slot.
 *
 * @param claimed The claimed path ({@linkcode claimFile}).
 */
export function dropClaim(claimed: string): void {
  heldClaims.delete(claimed);
}

function isTaken(path: string): boolean {
  try {
    Deno.lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Gives a claimed file back to the drop folder, under its old name when that is free.
 *
 * @param root The drop folder.
 * @param claimed The claimed path ({@linkcode claimFile}).
 * @param instance {@linkcode instanceName}.
 * @param now The time, for a `_<time>` suffix when the old name is taken meanwhile.
 * @returns The path it has again.
 */
export async function unclaimFile(
  root: string,
  claimed: string,
  instance: string,
  now: number,
): Promise<string> {
  const base = join(root, CLAIMS_FOLDER, instance);
  const parts = relative(base, claimed).split(sep);
  const name = join(...(/^#\d+$/.test(parts[0]) && parts.length > 1 ? parts.slice(1) : parts));
  let target = join(root, name);
  if (isTaken(target)) target = `${target}_${now}`;
  await Deno.mkdir(dirname(target), { recursive: true });
  await Deno.rename(claimed, target);
  dropClaim(claimed);
  return target;
}

/**
 * Gives back every file left in this instance's claim folder (by a crash or a kill), so that the
 * watcher takes them again.
 *
 * @param root The drop folder.
 * @param instance {@linkcode instanceName}.
 * @param now The time, for names taken meanwhile.
 * @returns How many files were given back.
 */
export async function releaseClaims(root: string, instance: string, now: number): Promise<number> {
  const base = join(root, CLAIMS_FOLDER, instance);
  let count = 0;
  async function walk(folder: string): Promise<void> {
    let entries: Deno.DirEntry[];
    try {
      entries = await Array.fromAsync(Deno.readDir(folder));
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = join(folder, entry.name);
      if (entry.isDirectory) await walk(path);
      else {
        // Held until it is back, so that no new claim of the same name replaces it.
        heldClaims.add(path);
        await unclaimFile(root, path, instance, now);
        count++;
      }
    }
  }
  await walk(base);
  return count;
}

/**
 * Removes this instance's claim folder once it is empty (at a stop, when every file has left), and
 * the drop folder's claim folder when no instance has one left, so a quiet drop folder holds only
 * what was dropped. A folder that still holds something stays.
 *
 * @param root The drop folder.
 * @param instance {@linkcode instanceName}.
 */
export async function removeEmptyClaimFolders(root: string, instance: string): Promise<void> {
  async function prune(folder: string): Promise<void> {
    let entries: Deno.DirEntry[];
    try {
      entries = await Array.fromAsync(Deno.readDir(folder));
    } catch {
      return;
    }
    for (const entry of entries) {
      if (entry.isDirectory) await prune(join(folder, entry.name));
    }
    // Not recursive: only an empty folder goes.
    await Deno.remove(folder).catch(() => {});
  }
  const base = join(root, CLAIMS_FOLDER, instance);
  await prune(base);
  madeFolders.clear();
  await Deno.remove(join(root, CLAIMS_FOLDER)).catch(() => {});
}

/**
 * Tells whether a file's size or modification time differ from what the watcher saw when it
 * called the file stable: a writer that paused longer than `stableMs` and went on.
 *
 * @param path The file (its claim: a rename keeps both).
 * @param seen The fingerprint the watcher saw; `undefined` counts as unchanged.
 * @returns `true` when it changed (or is gone).
 */
export async function hasChangedSince(
  path: string,
  seen: { size: number; mtime: number } | undefined,
): Promise<boolean> {
  if (seen === undefined) return false;
  const info = await Deno.lstat(path).catch(() => null);
  if (info === null) return true;
  return info.size !== seen.size || (info.mtime?.getTime() ?? 0) !== seen.mtime;
}
