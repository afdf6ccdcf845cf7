/**
 * Client-side rules for the identity of a report: serial and part numbers, report ids, base64.
 *
 * @module
 */
import { ReportFormatError } from "./errors.ts";

const REJECTED = /[*%?[\]^!/\\]/;
const SUPPRESS = "SUPPRESS:";

/**
 * Checks a serial or part number against the characters WATS rejects (`* % ? [ ] ^ ! / \`).
 *
 * @param field The field name for the error path.
 * @param value The value; a `SUPPRESS:` prefix bypasses the check and is stripped.
 * @param allow Bypass the check.
 * @returns The value to store.
 * @throws {ReportFormatError} When the value holds a rejected character.
 */
export function checkIdentifier(field: string, value: string, allow = false): string {
  if (value.startsWith(SUPPRESS)) return value.slice(SUPPRESS.length);
  const bad = REJECTED.exec(value);
  if (bad && !allow) {
    throw new ReportFormatError([{
      path: field,
      message: `Contains ${JSON.stringify(bad[0])}, which WATS rejects; ` +
        `prefix the value with ${SUPPRESS} or set allowSpecialCharacters to keep it`,
    }]);
  }
  return value;
}

/**
 * Encodes bytes as base64.
 *
 * @param bytes The content.
 * @returns Base64 text.
 */
export function encodeBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}
