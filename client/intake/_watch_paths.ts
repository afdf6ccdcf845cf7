/**
 * Path rules of the drop-folder watcher: names never taken, containment, file fingerprints.
 *
 * @module
 */

import { isAbsolute, relative, sep } from "node:path";
import type { Platform } from "../../util/platform.ts";
import { specialKind } from "./_special_files.ts";

/** Size and modification time of a file: equal twice across the wait means it is stable. */
export interface Fingerprint {
  /** The size in bytes. */
  size: number;
  /** The modification time, ms since the epoch. */
  mtime: number;
}

/**
 * Tells whether a file or folder name is one writers use for partial or temporary files, or a
 * hidden one: `.*`, `~*` (incl. Office `~$*`), `*~`, `*.tmp`, `*.part`, `*.partial`,
 * `*.crdownload`.
 */
export function isSkippedName(name: string): boolean {
  return name.startsWith(".") || name.startsWith("~") || name.endsWith("~") ||
    /\.(?:tmp|part|partial|crdownload)$/i.test(name);
}

/** Tells whether `child` lies strictly inside the folder `parent` (case-insensitive on Windows). */
export function isInside(parent: string, child: string): boolean {
  const path = relative(parent, child);
  return path !== "" && path !== ".." && !path.startsWith(`..${sep}`) && !isAbsolute(path);
}

/** Equal fingerprints. */
export function isSameFingerprint(a: Fingerprint, b: Fingerprint): boolean {
  return a.size === b.size && a.mtime === b.mtime;
}

/** The fingerprint of a file's info. */
export function fingerprintOf(info: Deno.FileInfo): Fingerprint {
  return { size: info.size, mtime: info.mtime?.getTime() ?? 0 };
}

/**
 * Looks at one candidate path without following it out of the watch folder.
 *
 * @returns The fingerprint of a regular file (or of a symlink's target inside `realRoot`),
 *   `null` for anything else, and a reason when a symlink was refused.
 */
export async function inspectPath(
  path: string,
  realRoot: string,
): Promise<{ fingerprint: Fingerprint | null; refusal?: string }> {
  let info: Deno.FileInfo;
  try {
    // A look-up of metadata takes microseconds: done in place rather than on a worker thread,
    // whose hand-over costs more than the call (the service looks at every file a few times).
    info = Deno.lstatSync(path);
  } catch {
    return { fingerprint: null };
  }
  const kind = specialKind(info);
  if (kind !== null) return { fingerprint: null, refusal: `not a regular file (${kind})` };
  if (info.isSymlink) {
    let target: string;
    try {
      target = await Deno.realPath(path);
    } catch (error) {
      return { fingerprint: null, refusal: `broken or looping symlink (${(error as Error).name})` };
    }
    try {
      info = await Deno.stat(target);
    } catch {
      return { fingerprint: null };
    }
    // A symlinked folder is never entered, wherever it points: nothing to refuse.
    if (!info.isFile) return { fingerprint: null };
    if (!isInside(realRoot, target)) {
      return { fingerprint: null, refusal: "symlink points outside the watch folder" };
    }
  }
  return { fingerprint: info.isFile ? fingerprintOf(info) : null };
}

/**
 * Problems for watch entries that name a folder another entry names already, by the platform's
 * comparison (on Windows: any casing, `/` or `\\`, a trailing separator, `\\?\` and UNC
 * spellings). Callers pass real paths where they exist, so 8.3 short names are long already.
 *
 * @param paths The watch folders, in configuration order.
 * @param platform The OS rules.
 * @returns One problem per repeated folder, naming both entries.
 */
export function sameFolderProblems(paths: readonly string[], platform: Platform): string[] {
  const problems: string[] = [];
  const first = new Map<string, number>();
  paths.forEach((path, index) => {
    const key = platform.pathKey(path);
    const earlier = first.get(key);
    if (earlier === undefined) first.set(key, index);
    else {
      problems.push(
        `watch[${index}].path: ${path} is the folder of watch[${earlier}].path ` +
          `(${paths[earlier]}); watch it once`,
      );
    }
  });
  return problems;
}
