/**
 * Bytes as lowercase hexadecimal text: the one place digests, random tokens and checksums are
 * written out.
 *
 * @module
 */

const DIGITS: readonly string[] = Array.from(
  { length: 256 },
  (_, byte) => byte.toString(16).padStart(2, "0"),
);

/**
 * Writes bytes as hexadecimal text, two lowercase digits a byte.
 *
 * @param bytes The bytes.
 * @returns The text, twice as long as `bytes`.
 */
export function toHex(bytes: Uint8Array): string {
  let out = "";
  for (const byte of bytes) out += DIGITS[byte];
  return out;
}
