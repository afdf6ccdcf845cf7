/**
 * The encoding check of JSON and XML files: the converters read text that is not valid UTF-8 as
 * Windows-1252 (Latin-1), which is right for an old tester's CSV but for JSON and XML most often
 * means a file damaged or written in the wrong encoding. The intake says so: a warning in the
 * conversion log and the status, or a refusal under the watch entry's `strictEncoding`.
 *
 * Not checked: UTF-16 files (a BOM, or NUL bytes every other byte), XML whose declaration names
 * an encoding other than UTF-8 (`<?xml version="1.0" encoding="ISO-8859-1"?>` is read as it says),
 * and files that are neither JSON nor XML by name or by their first character.
 *
 * @module
 */

import { extname } from "node:path";
import { detectEncoding } from "../../converters/_text.ts";

/** The words every warning and refusal of the check starts with. */
export const LATIN1_WARNING = "read as Latin-1: not valid UTF-8";

/** Bytes of the head looked at for the kind of file and the XML declaration. */
const HEAD_BYTES = 512;

/** Whether a file is JSON or XML: by its extension, or by its first character after white space. */
function isJsonOrXml(name: string, head: Uint8Array, bomLength: number): boolean {
  const extension = extname(name).toLowerCase();
  if (extension === ".json" || extension === ".xml") return true;
  let i = bomLength;
  while (i < head.length && [0x20, 0x09, 0x0a, 0x0d].includes(head[i])) i++;
  return head[i] === 0x7b || head[i] === 0x5b || head[i] === 0x3c; // { [ <
}

/** Whether an XML declaration at the head names an encoding other than UTF-8. */
function declaresOtherEncoding(head: Uint8Array): boolean {
  const text = new TextDecoder("windows-1252").decode(head);
  const declared = /^\s*<\?xml\b[^>]*?\bencoding\s*=\s*["']([^"']+)["']/.exec(text)?.[1];
  return declared !== undefined && !/^utf-?8$/i.test(declared);
}

/** Where the first byte that is not UTF-8 lies, or -1. */
function firstInvalid(bytes: Uint8Array): number {
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return -1;
  } catch {
    // Found below; only reached for a file that is not UTF-8.
  }
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    const need = b < 0x80 ? 1 : b >= 0xc2 && b < 0xe0 ? 2 : b >= 0xe0 && b < 0xf0 ? 3 : 4;
    if (b >= 0x80 && (b < 0xc2 || b > 0xf4)) return i;
    const rest = bytes.subarray(i + 1, i + need);
    // A sequence the end of the file cut short: the character is cut off, not a wrong byte.
    if (i + need > bytes.length && rest.every((next) => (next & 0xc0) === 0x80)) {
      return bytes.length;
    }
    try {
      new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(i, i + need));
    } catch {
      return i;
    }
    i += need;
  }
  return bytes.length;
}

/**
 * Tells whether a JSON or XML file is read as Latin-1 because it is not valid UTF-8.
 *
 * @param name The file name (its extension tells JSON and XML apart from other files).
 * @param bytes The file's bytes.
 * @returns The problem, starting with {@linkcode LATIN1_WARNING} and naming the first byte that
 *   is not UTF-8; `null` for a valid file or one that is not checked (see the module doc).
 */
export function encodingProblem(name: string, bytes: Uint8Array): string | null {
  const head = bytes.subarray(0, HEAD_BYTES);
  const { encoding, bomLength } = detectEncoding(head);
  if (encoding !== "utf-8" || !isJsonOrXml(name, head, bomLength)) return null;
  if (declaresOtherEncoding(head.subarray(bomLength))) return null;
  const at = firstInvalid(bytes.subarray(bomLength));
  if (at < 0) return null;
  const offset = at + bomLength;
  const byte = bytes[offset];
  const what = byte === undefined
    ? "a character cut off at the end"
    : `byte 0x${hex(byte)} at offset ${offset}`;
  return `${LATIN1_WARNING} (${what})`;
}

/**
 * {@linkcode encodingProblem} for a file too large to read whole: read in chunks.
 *
 * @param path The file.
 * @param name The file name.
 * @returns The problem, or `null`.
 */
export async function fileEncodingProblem(path: string, name: string): Promise<string | null> {
  using file = await Deno.open(path);
  const head = new Uint8Array(HEAD_BYTES);
  let filled = 0;
  while (filled < head.length) {
    const read = await file.read(head.subarray(filled));
    if (read === null) break;
    filled += read;
  }
  const start = head.subarray(0, filled);
  const { encoding, bomLength } = detectEncoding(start);
  if (encoding !== "utf-8" || !isJsonOrXml(name, start, bomLength)) return null;
  if (declaresOtherEncoding(start.subarray(bomLength))) return null;
  const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
  const buffer = new Uint8Array(1024 * 1024);
  let chunk = start.subarray(bomLength);
  let offset = bomLength;
  // The last bytes of the chunk before, for a sequence that spans two chunks.
  let previous = new Uint8Array(0);
  for (;;) {
    try {
      decoder.decode(chunk, { stream: true });
    } catch {
      const tail = previous.subarray(tailStart(previous));
      const window = new Uint8Array(tail.length + chunk.length);
      window.set(tail);
      window.set(chunk, tail.length);
      const at = offset - tail.length + Math.max(0, firstInvalid(window));
      return `${LATIN1_WARNING} (byte 0x${hex(window[at - offset + tail.length])} at offset ${at})`;
    }
    offset += chunk.length;
    previous = chunk.slice(Math.max(0, chunk.length - 3));
    const read = await file.read(buffer);
    if (read === null) break;
    chunk = buffer.subarray(0, read);
  }
  try {
    decoder.decode();
    return null;
  } catch {
    return `${LATIN1_WARNING} (a character cut off at the end)`;
  }
}

function hex(byte: number | undefined): string {
  return (byte ?? 0).toString(16).toUpperCase().padStart(2, "0");
}

/** Where the last, possibly incomplete, UTF-8 sequence of `bytes` starts. */
function tailStart(bytes: Uint8Array): number {
  let i = bytes.length;
  while (i > 0 && (bytes[i - 1] & 0xc0) === 0x80) i--;
  return i > 0 && bytes[i - 1] >= 0xc0 ? i - 1 : i;
}
