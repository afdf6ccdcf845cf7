/**
 * Digests as lowercase hex: of text or bytes at once, or of a stream chunk by chunk.
 *
 * `node:crypto` rather than Web Crypto: it hashes bytes in memory without a trip to Web Crypto's
 * worker, returns synchronously where callers need a digest inside synchronous code (file names,
 * ledger records), and hashes a stream incrementally, so a 50 MiB file is never held in memory to
 * hash it.
 *
 * @module
 */

import { createHash } from "node:crypto";
import { toHex } from "./hex.ts";

/** The digests in use: SHA-256 for content and keys, SHA-1 where a WATS record names it. */
export type HashAlgorithm = "sha256" | "sha1";

/**
 * Digests text (as UTF-8) or bytes.
 *
 * @param data The text or bytes.
 * @param algorithm The digest; SHA-256 by default.
 * @returns The digest as lowercase hex (64 characters for SHA-256).
 */
export function hashHex(data: string | Uint8Array, algorithm: HashAlgorithm = "sha256"): string {
  return toHex(createHash(algorithm).update(data).digest());
}

/**
 * Digests a stream of bytes chunk by chunk.
 *
 * @param chunks The bytes, e.g. `(await Deno.open(path)).readable`.
 * @param algorithm The digest; SHA-256 by default.
 * @returns The digest as lowercase hex.
 */
export async function hashStreamHex(
  chunks: AsyncIterable<Uint8Array>,
  algorithm: HashAlgorithm = "sha256",
): Promise<string> {
  const hash = createHash(algorithm);
  for await (const chunk of chunks) hash.update(chunk);
  return toHex(hash.digest());
}
