/**
 * What happens to a source file after the intake: moved to the done folder, deleted, kept, or
 * moved to the error folder with a `<name>.reason.txt` beside it (archived: `client/archive/`).
 *
 * Moves never overwrite: a name taken in the target gets a `_<time>` suffix. Names are kept under
 * the 255-byte limit of common file systems even with the suffix and `.reason.txt` added (a very
 * long name is shortened, a hash of the full name keeps it unique). A move to another volume
 * (rename refuses with `EXDEV`) copies durably, then removes the source.
 *
 * @module
 */

import { basename, dirname, extname, join } from "node:path";
import { hashHex } from "../../util/hash.ts";
import { moveDurable, removeIfPresent, syncFolder, writeFileDurable } from "../_fs.ts";
import { currentPlatform, type Platform } from "../../util/platform.ts";

/** Longest file name, in UTF-8 bytes, on ext4, NTFS (in UTF-16 units, a looser limit), APFS. */
const NAME_BYTES = 255;
/** Room kept for `_<time>` and `.reason.txt`. */
const RESERVED_BYTES = 40;
const REASON_SUFFIX = ".reason.txt";
const encoder = new TextEncoder();

function byteLength(text: string): number {
  return encoder.encode(text).length;
}

/** Cuts a string to at most `bytes` UTF-8 bytes without splitting a character. */
function cutToBytes(text: string, bytes: number): string {
  let out = "";
  let used = 0;
  for (const character of text) {
    const size = byteLength(character);
    if (used + size > bytes) break;
    out += character;
    used += size;
  }
  return out;
}

/**
 * A file name that leaves room for a collision suffix and `.reason.txt`.
 *
 * @param name The original name.
 * @returns The name, or a shortened one ending in a hash of the original.
 */
export function roomyName(name: string): string {
  if (byteLength(name) <= NAME_BYTES - RESERVED_BYTES) return name;
  const extension = cutToBytes(extname(name), 20);
  const hash = hashHex(name).slice(0, 8);
  const stemBytes = NAME_BYTES - RESERVED_BYTES - byteLength(extension) - hash.length - 1;
  return `${
    cutToBytes(name.slice(0, name.length - extname(name).length), stemBytes)
  }~${hash}${extension}`;
}

function isFree(path: string): boolean {
  // A look-up of metadata: done in place, like the rename that follows, not on a worker thread.
  try {
    Deno.lstatSync(path);
    return false;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return true;
    throw error;
  }
}

/** A free path in `folder` for `name`: the name itself, or with a `_<time>` suffix. */
function freePath(folder: string, name: string, now: number): string {
  const roomy = roomyName(name);
  const first = join(folder, roomy);
  if (isFree(first)) return first;
  const extension = extname(roomy);
  const stem = roomy.slice(0, roomy.length - extension.length);
  const stamp = new Date(now).toISOString().replace(/[-:]/g, "").replace(".", "");
  for (let attempt = 0;; attempt++) {
    const suffix = attempt === 0 ? stamp : `${stamp}-${attempt}`;
    const candidate = join(folder, `${stem}_${suffix}${extension}`);
    if (isFree(candidate)) return candidate;
  }
}

/** Moves a file durably, across volumes too (copy, fsync, then remove the source). */
async function moveAnywhere(from: string, to: string): Promise<void> {
  try {
    await moveDurable(from, to);
  } catch (error) {
    if ((error as { code?: string }).code !== "EXDEV") throw error;
    await writeFileDurable(to, await Deno.readFile(from));
    await Deno.remove(from);
    await syncFolder(dirname(from));
  }
}

/** Folders made (or found) already, so a busy drop folder does not mkdir for every file. */
const madeFolders = new Set<string>();

async function ensureFolder(folder: string): Promise<void> {
  if (madeFolders.has(folder)) return;
  await Deno.mkdir(folder, { recursive: true });
  if (madeFolders.size > 1000) madeFolders.clear();
  madeFolders.add(folder);
}

/**
 * Moves a source file into a folder (created when missing) under a free name.
 *
 * @returns The new path.
 */
export async function moveInto(path: string, folder: string, now: number): Promise<string> {
  await ensureFolder(folder);
  const target = freePath(folder, basename(path), now);
  try {
    await moveAnywhere(path, target);
  } catch (error) {
    // Someone removed the folder since it was made: make it again, once.
    if (!(error instanceof Deno.errors.NotFound) || isFree(path)) throw error;
    madeFolders.delete(folder);
    await ensureFolder(folder);
    await moveAnywhere(path, target);
  }
  return target;
}

/** Facts written into a reason file. */
export interface ReasonFacts {
  /** Why the file could not be taken. */
  reason: string;
  /** The stage: `size`, `read`, `sniff`, `parse`, `validate`, `link`… */
  stage: string;
  /** The converter, when one was chosen. */
  converter?: string | null;
  /** The path to name in the reason file, when the file was claimed from it; the moved path by default. */
  file?: string;
}

/**
 * Moves a file the intake could not take into the error folder, with `<name>.reason.txt` beside
 * it (written first, so a file there never lacks its reason). The reason file has the line
 * endings of the OS (CRLF on Windows, where Notepad of older releases shows LF text as one line).
 *
 * @returns The new path of the file.
 */
export async function moveToError(
  path: string,
  folder: string,
  facts: ReasonFacts,
  now: number,
  options: { platform?: Platform } = {},
): Promise<string> {
  const platform = options.platform ?? currentPlatform;
  await Deno.mkdir(folder, { recursive: true });
  const target = freePath(folder, basename(path), now);
  const lines = [
    `reason: ${facts.reason.replace(/\r?\n/g, " ")}`,
    `stage: ${facts.stage}`,
    ...(facts.converter ? [`converter: ${facts.converter}`] : []),
    `file: ${facts.file ?? path}`,
    `at: ${new Date(now).toISOString()}`,
  ];
  const text = platform.textLines(lines.join("\n") + "\n");
  await writeFileDurable(target + REASON_SUFFIX, encoder.encode(text), { platform });
  await moveAnywhere(path, target);
  return target;
}

/**
 * Deletes a source file durably.
 *
 * @returns A promise that resolves once the removal is on disk.
 */
export async function deleteFile(path: string): Promise<void> {
  await removeIfPresent(path);
  await syncFolder(dirname(path));
}
