/**
 * Report ids for reports whose file gives none, derived from the file's content and the report's
 * place in it, so that whoever converts the same file (this service after a crash, a second
 * service sharing the drop folder) makes the same ids and the server sees one report, not two.
 *
 * Converters make a random id when the file has none. The intake cannot ask them which ids they
 * made up, so it looks at the file: an id that appears in the file (as a GUID with or without
 * dashes, in any case) is the file's own and is kept; any other is replaced by a name-based GUID
 * (version 5 layout) made from the file's SHA-256 and the report's position.
 *
 * @module
 */

import { createHash } from "node:crypto";

const GUID = /[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}/gi;
/** Characters of a chunk kept for the next one, so a GUID cut in two is still found. */
const OVERLAP = 40;

function compact(guid: string): string {
  return guid.replaceAll("-", "").toLowerCase();
}

function collect(text: string, into: Set<string>): void {
  for (const match of text.matchAll(GUID)) into.add(compact(match[0]));
}

/**
 * The GUIDs written in a file, dashes removed and lower-cased.
 *
 * @param source The file's bytes, or a stream of them for a large file.
 * @returns The set of GUIDs found.
 */
export async function guidsIn(
  source: Uint8Array | ReadableStream<Uint8Array>,
): Promise<Set<string>> {
  const found = new Set<string>();
  // Latin-1 maps every byte to one character: GUIDs are ASCII, so any encoding shows them.
  const decoder = new TextDecoder("latin1");
  if (source instanceof Uint8Array) {
    collect(decoder.decode(source), found);
    return found;
  }
  let tail = "";
  for await (const chunk of source) {
    const text = tail + decoder.decode(chunk);
    collect(text, found);
    tail = text.slice(-OVERLAP);
  }
  return found;
}

/**
 * The id of the report at `index` of a file whose content hashes to `sha256`.
 *
 * @param sha256 The file's SHA-256 in hex.
 * @param index The report's position among the file's reports.
 * @returns A GUID, the same for the same content and position.
 */
export function contentReportId(sha256: string, index: number): string {
  const hex = createHash("sha256").update(`wats-report:${sha256}:${index}`).digest("hex");
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${
    hex.slice(17, 20)
  }-${hex.slice(20, 32)}`;
}

/**
 * Gives every report whose id does not appear in its file the id derived from the file's content
 * and the report's position.
 *
 * @param reports The converted reports, in file order.
 * @param sha256 The file's SHA-256.
 * @param inFile The GUIDs of the file ({@linkcode guidsIn}).
 * @returns The reports, those with a made-up id copied with the derived one.
 */
export function withContentIds<T extends { id: string }>(
  reports: readonly T[],
  sha256: string,
  inFile: ReadonlySet<string>,
): T[] {
  return reports.map((report, index) =>
    inFile.has(compact(report.id)) ? report : { ...report, id: contentReportId(sha256, index) }
  );
}
