/**
 * Bytes as lowercase hexadecimal text: the one place digests, random tokens and checksums are
 * written out.
 *
 * @example Two bytes
 * ```ts
 * import assert from "node:assert/strict";
 * import { toHex } from "./hex.ts";
 *
 * assert.equal(toHex(new Uint8Array([0x0f, 0xa0])), "0fa0");
 * ```
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
