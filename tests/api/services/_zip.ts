/**
 * Zip archives for the software tests, stored or deflated, built with the project's writer.
 *
 * @module
 */
import { writeZip } from "../../../util/zip_write.ts";

/** One file to put in the archive. */
export interface ZipInput {
  name: string;
  data: Uint8Array;
  deflate?: boolean;
}

/** Build a zip archive. */
export function makeZip(files: readonly ZipInput[]): Promise<Uint8Array> {
  return Promise.resolve(
    writeZip(files.map((file) => ({ ...file, method: file.deflate ? 8 : 0 }))),
  );
}
