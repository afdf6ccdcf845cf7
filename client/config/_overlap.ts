/**
 * Folders of a configuration that must not overlap, checked before a service watches anything.
 *
 * A drop folder that holds the data folder (or lies inside it) lets the intake move the service's
 * own ledger, queue and lock; a done, error or archive folder that is a watch folder, or lies in a
 * folder watched recursively by another entry, sends files round in a loop; a file-system root or
 * a system folder as a drop folder, with `postAction: "delete"`, deletes what it finds there.
 * Each problem names both folders. A folder of an entry that lies inside that entry's own
 * recursive watch folder is fine: its watcher never enters it.
 *
 * Paths are compared as the file system sees them: where a folder (or a folder above it) exists,
 * symlinks are resolved first, so two spellings of one folder are one folder. Repeated watch
 * entries and missing drop folders are checked by the service's start, beside these.
 *
 * @module
 */

import { join, posix, resolve, win32 } from "node:path";
import type { ServiceConfigValues, WatchConfig } from "./schema.ts";

/** The folders one watch entry moves sources into. */
export interface TargetFolders {
  /** Where `postAction: "move"` puts taken sources. */
  doneDir: string;
  /** Where sources that could not be taken go. */
  errorDir: string;
  /** Where `postAction: "archive"` puts taken sources. */
  archiveDir: string;
}

/**
 * The done, error and archive folders of a watch entry, with their defaults.
 *
 * @param watch The watch entry.
 * @param dataDir The service's data folder (the default archive folder is inside it).
 * @returns The three folders.
 */
export function targetFolders(watch: WatchConfig, dataDir: string): TargetFolders {
  return {
    doneDir: watch.archiveDir ?? join(watch.path, "Done"),
    errorDir: watch.errorDir ?? join(watch.path, "Error"),
    archiveDir: watch.archiveDir ?? join(dataDir, "archive"),
  };
}

/** A system folder: refused as a watch folder, and with `isTree` anything inside it too. */
interface SystemFolder {
  path: string;
  isTree: boolean;
}

function folders(paths: string[], isTree: boolean): SystemFolder[] {
  return paths.map((path) => ({ path, isTree }));
}

/** System folders by OS; a file-system root is refused on every OS besides these. */
const SYSTEM_FOLDERS: Record<"posix" | "windows", SystemFolder[]> = {
  posix: [
    ...folders(
      ["/bin", "/boot", "/dev", "/etc", "/lib", "/lib32", "/lib64", "/proc", "/sbin", "/sys"],
      true,
    ),
    ...folders(["/usr", "/System", "/private/etc"], true),
    ...folders(
      ["/home", "/Users", "/root", "/var", "/tmp", "/opt", "/srv", "/mnt", "/media", "/run"],
      false,
    ),
    ...folders(["/Library", "/Applications", "/private", "/private/var", "/private/tmp"], false),
  ],
  windows: [
    ...folders(["C:\\Windows"], true),
    ...folders(["C:\\Program Files", "C:\\Program Files (x86)", "C:\\ProgramData"], false),
    ...folders(["C:\\Users"], false),
  ],
};

/**
 * Why a folder may not be watched: it is a file-system root or a system folder.
 *
 * @param path An absolute folder path.
 * @param os The OS whose rules apply; this process's by default.
 * @returns The reason, or `null` when the folder may be watched.
 */
export function systemFolderReason(
  path: string,
  os: typeof Deno.build.os = Deno.build.os,
): string | null {
  const isWindows = os === "windows";
  const paths = isWindows ? win32 : posix;
  const key = (value: string) => {
    const resolved = paths.resolve(value);
    return isWindows ? resolved.toLowerCase() : resolved;
  };
  const folder = key(path);
  if (folder === key(paths.parse(folder).root)) return "a file-system root";
  for (const system of SYSTEM_FOLDERS[isWindows ? "windows" : "posix"]) {
    const place = key(system.path);
    const isIt = folder === place ||
      (system.isTree && isInsideOf(paths, place, folder));
    if (isIt) return `the system folder ${system.path}${folder === place ? "" : " or inside it"}`;
  }
  return null;
}

function isInsideOf(paths: typeof posix, parent: string, child: string): boolean {
  const path = paths.relative(parent, child);
  return path !== "" && path !== ".." && !path.startsWith(`..${paths.sep}`) &&
    !paths.isAbsolute(path);
}

/** Equal or inside, as the folders of this OS compare. */
function isWithin(parent: string, child: string): boolean {
  return sameFolder(parent, child) || isInsideOf(pathsOfOs(), caseKey(parent), caseKey(child));
}

function sameFolder(a: string, b: string): boolean {
  return caseKey(a) === caseKey(b);
}

function pathsOfOs(): typeof posix {
  return Deno.build.os === "windows" ? win32 : posix;
}

function caseKey(path: string): string {
  return Deno.build.os === "windows" ? path.toLowerCase() : path;
}

/**
 * A folder's path as the file system sees it: the real path of the deepest part that exists,
 * with the rest appended (a folder made later by the service is then compared correctly too).
 */
async function fileSystemPath(path: string): Promise<string> {
  let existing = resolve(path);
  const rest: string[] = [];
  for (;;) {
    try {
      return join(await Deno.realPath(existing), ...rest.reverse());
    } catch {
      const parent = resolve(existing, "..");
      if (parent === existing) return resolve(path);
      rest.push(existing.slice(parent.length).replace(/^[\\/]/, ""));
      existing = parent;
    }
  }
}

/**
 * Problems with folders of the configuration that overlap (see the module doc); empty when there
 * are none.
 *
 * @param config The loaded configuration (watch entries and data folder).
 * @returns One line a problem, naming the keys and both folders.
 */
export async function folderOverlapProblems(
  config: Pick<ServiceConfigValues, "dataDir" | "watch">,
): Promise<string[]> {
  const problems: string[] = [];
  const dataDir = await fileSystemPath(config.dataDir);
  const watches = await Promise.all(config.watch.map(async (watch, index) => ({
    index,
    watch,
    path: await fileSystemPath(watch.path),
  })));
  for (const { index, watch, path } of watches) {
    const key = `watch[${index}].path ${watch.path}`;
    const system = systemFolderReason(path);
    if (system !== null) problems.push(`${key} is ${system}; name a drop folder of its own`);
    if (isWithin(dataDir, path)) {
      problems.push(
        `${key} is ${sameFolder(dataDir, path) ? "the" : "inside the"} data folder (dataDir ` +
          `${config.dataDir}); the service keeps its queue and ledger there: use another folder`,
      );
    } else if (isWithin(path, dataDir)) {
      problems.push(
        `dataDir ${config.dataDir} is inside ${key}; the intake would move the service's own ` +
          "files: use another folder",
      );
    }
    for (const other of watches) {
      if (other.index === index || !other.watch.recursive) continue;
      if (isInsideOf(pathsOfOs(), caseKey(other.path), caseKey(path))) {
        problems.push(
          `${key} is inside watch[${other.index}].path ${other.watch.path}, which is watched ` +
            "recursively: both would take its files; watch it once",
        );
      }
    }
    const targets = targetFolders(watch, config.dataDir);
    const label = (key: "errorDir" | "archiveDir", fallback: string) =>
      watch[key] === undefined ? `the ${fallback} of watch[${index}]` : `watch[${index}].${key}`;
    const used: [string, string][] = [[label("errorDir", "error folder"), targets.errorDir]];
    if (watch.postAction === "move") {
      used.push([label("archiveDir", "done folder"), targets.doneDir]);
    }
    if (watch.postAction === "archive") {
      used.push([label("archiveDir", "archive folder"), targets.archiveDir]);
    }
    for (const [name, folder] of used) {
      const target = await fileSystemPath(folder);
      for (const other of watches) {
        const isSame = sameFolder(other.path, target);
        // Its own watcher never enters a folder of its entry below it; another one would.
        const isWatched = other.watch.recursive && other.index !== index &&
          isInsideOf(pathsOfOs(), caseKey(other.path), caseKey(target)) &&
          // Said once already: the entry's drop folder itself is inside that one.
          !isInsideOf(pathsOfOs(), caseKey(other.path), caseKey(path));
        if (!isSame && !isWatched) continue;
        problems.push(
          `${name} ${folder} is ${isSame ? "" : "inside "}watch[${other.index}]` +
            `.path ${other.watch.path}${isSame ? "" : ", which is watched recursively"}: files ` +
            "moved there would be taken again; name a folder outside the drop folders",
        );
      }
    }
  }
  return problems;
}
