/**
 * Things in a drop folder that are neither files nor folders: FIFOs, sockets, devices.
 *
 * None of them is ever opened for reading: opening a FIFO waits until a writer comes, for ever.
 * Deno's file events do exactly that. Its event thread opens the path of every event to compare
 * it with the watched folder, so one `mkfifo` in a watched folder holds up the events of the whole
 * process (and its exit) until somebody writes to the FIFO. Such an entry is therefore moved out
 * of the watched folders at once (a rename, which opens nothing), with `<name>.reason.txt` beside
 * it. Then the reader Deno left waiting is let go: an open for writing that does not wait
 * (`O_NONBLOCK` fails with `ENXIO` when nobody reads) pairs with it and is closed again. The move
 * comes first because every open of a FIFO in a watched folder is an event of its own, which
 * would make Deno open it again.
 *
 * When the error folder is itself watched (inside a folder watched recursively), the entry is
 * deleted instead: a FIFO or socket holds no data on disk, so nothing is lost.
 *
 * @module
 */

import { basename, join } from "node:path";
import { closeSync, constants, openSync } from "node:fs";
import { writeFileDurable } from "../_fs.ts";
import { roomyName } from "./_source_files.ts";

const encoder = new TextEncoder();

/** How often a FIFO's waiting readers are let go after the move. */
const RELEASE_TRIES = 5;

/**
 * The kind of a file-system entry that is neither a regular file, a folder nor a symlink.
 *
 * @param info The entry's `lstat` info.
 * @returns `FIFO`, `socket`, `device`, or `null` for a file, folder or symlink.
 */
export function specialKind(info: Deno.FileInfo): string | null {
  if (info.isFile || info.isDirectory || info.isSymlink) return null;
  if (info.isFifo) return "FIFO";
  if (info.isSocket) return "socket";
  if (info.isCharDevice || info.isBlockDevice) return "device";
  return "special file";
}

/**
 * Lets go of readers waiting to open a FIFO, without ever waiting itself.
 *
 * @param path The FIFO.
 * @returns How many readers were let go (0 when none was waiting).
 */
export async function releaseFifoReaders(path: string): Promise<number> {
  if (Deno.build.os === "windows") return 0;
  let released = 0;
  for (let attempt = 0; attempt < RELEASE_TRIES; attempt++) {
    try {
      closeSync(openSync(path, constants.O_WRONLY | constants.O_NONBLOCK));
      released++;
    } catch {
      // ENXIO: nobody is waiting to read; ENOENT: it is gone. Either way nothing waits on it.
      if (attempt > 0) break;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return released;
}

/**
 * Moves a FIFO, socket or device out of the drop folder into the error folder (or deletes it
 * when the error folder is watched too), with a reason file, and lets go of waiting readers.
 *
 * @param path The entry.
 * @param errorDir The watch entry's error folder.
 * @param options `kind` as {@linkcode specialKind} named it; `isErrorDirWatched`: delete instead
 *   of moving; `now` for the reason file and a free name.
 * @returns The new path, or `null` when the entry was deleted.
 */
export async function setAsideSpecialFile(
  path: string,
  errorDir: string,
  options: { kind: string; isErrorDirWatched: boolean; now: number },
): Promise<string | null> {
  const reason = `Not a regular file (${options.kind}): never opened, nothing to convert`;
  if (options.isErrorDirWatched) {
    await Deno.remove(path);
    await releaseFifoReaders(path);
    return null;
  }
  await Deno.mkdir(errorDir, { recursive: true });
  let target = join(errorDir, roomyName(basename(path)));
  if (await Deno.lstat(target).then(() => true, () => false)) {
    target = `${target}_${options.now}`;
  }
  const lines = [
    `reason: ${reason}`,
    "stage: read",
    `file: ${path}`,
    `at: ${new Date(options.now).toISOString()}`,
  ];
  await writeFileDurable(`${target}.reason.txt`, encoder.encode(lines.join("\n") + "\n"));
  await Deno.rename(path, target);
  await releaseFifoReaders(target);
  return target;
}

/**
 * Finds FIFOs, sockets and devices in a folder from its listing alone (no `stat`, no open), so
 * that it is cheap enough to run every second.
 *
 * @param folder The folder.
 * @param options `recursive`: look into sub-folders (real ones, not symlinks); `exclude`: folders
 *   never entered.
 * @returns The paths found.
 */
export async function findSpecialEntries(
  folder: string,
  options: { recursive: boolean; exclude: readonly string[] },
): Promise<string[]> {
  const found: string[] = [];
  try {
    for await (const entry of Deno.readDir(folder)) {
      const path = join(folder, entry.name);
      if (entry.isDirectory) {
        if (options.recursive && !options.exclude.includes(path)) {
          found.push(...await findSpecialEntries(path, options));
        }
      } else if (!entry.isFile && !entry.isSymlink) {
        found.push(path);
      }
    }
  } catch {
    // A folder removed meanwhile, or unreadable: the full scan reports what matters.
  }
  return found;
}
