/**
 * A guard against deeply nested JSON: parsers, validators and converters walk nested values by
 * recursion, so a file of 100,000 nested arrays ends their stack ("Maximum call stack size
 * exceeded") before any of them can say what is wrong. The depth is counted on the bytes first,
 * in one pass that needs no stack, and a file over the limit is refused with the limit named.
 *
 * @module
 */

/** Deepest nesting of arrays and objects taken in a JSON file; a test report needs a few dozen. */
export const MAX_JSON_DEPTH = 512;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN = new Set([0x5b, 0x7b]);
const CLOSE = new Set([0x5d, 0x7d]);

/**
 * Tells whether JSON text nests arrays and objects deeper than `limit` (strings are skipped; the
 * text need not be valid).
 *
 * @param bytes The file's bytes (UTF-8 or any ASCII-compatible encoding).
 * @param limit The deepest nesting allowed.
 * @returns `true` when some value lies deeper than `limit`.
 */
export function isNestedDeeperThan(bytes: Uint8Array, limit: number): boolean {
  let depth = 0;
  let isInString = false;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i];
    if (isInString) {
      if (byte === BACKSLASH) i++;
      else if (byte === QUOTE) isInString = false;
    } else if (byte === QUOTE) isInString = true;
    else if (OPEN.has(byte)) {
      if (++depth > limit) return true;
    } else if (CLOSE.has(byte)) depth--;
  }
  return false;
}

/**
 * Tells whether bytes look like JSON: the first byte after white space (and a UTF-8 byte order
 * mark) opens an object or an array.
 *
 * @param bytes The file's bytes.
 * @returns `true` for `{` or `[` first.
 */
export function startsLikeJson(bytes: Uint8Array): boolean {
  let i = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  while (
    i < bytes.length &&
    (bytes[i] === 0x20 || bytes[i] === 0x0a || bytes[i] === 0x0d || bytes[i] === 0x09)
  ) i++;
  return OPEN.has(bytes[i]);
}
