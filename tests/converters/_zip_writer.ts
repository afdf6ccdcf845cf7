/**
 * Zip archives for the converter tests: the project's writer, deflating unless told otherwise,
 * with chosen names, methods and (lying) sizes.
 */
import { writeZip, type ZipFile } from "../../util/zip_write.ts";

/** One entry to write: `method` 0 stored, 8 deflated (default). */
export type TestEntry = ZipFile;

/** Builds a zip archive. */
export function makeZip(entries: readonly TestEntry[]): Uint8Array {
  return writeZip(entries.map((entry) => ({ ...entry, method: entry.method ?? 8 })));
}
