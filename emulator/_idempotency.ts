/**
 * `Idempotency-Key` as the IETF draft (draft-ietf-httpapi-idempotency-key-header) describes it,
 * for POST and PATCH: the first response to a key is stored for 24 hours with a fingerprint of the
 * request; a repeat with the same key and the same request gets the stored response back
 * (marked `Idempotent-Replayed: true`) without being applied again; the same key with a different
 * request is refused with 422; a repeat while the first is still running is refused with 409.
 *
 * Only 2xx responses are stored: a refused request changed nothing, so repeating it is safe and
 * gives the same answer anyway. Records carry the time they were stored, checked against the
 * injected clock, and a KV `expireIn` so a long-running emulator does not keep them forever.
 *
 * @module
 */

import { hashHex } from "../util/hash.ts";

/** Time a stored response is kept. */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
/** A pending record older than this is taken as abandoned (its request crashed). */
const PENDING_STALE_MS = 60_000;
/** Bodies larger than this are not stored (a KV value holds at most 64 KiB). */
const MAX_STORED_BODY = 48 * 1024;

/** A response as stored. */
export interface StoredResponse {
  status: number;
  contentType: string;
  body: string;
}

interface Pending {
  state: "pending";
  fingerprint: string;
  storedAt: number;
}

interface Done extends StoredResponse {
  state: "done";
  fingerprint: string;
  storedAt: number;
}

/** What to do with a request that carries a key. */
export type IdempotencyStart =
  | { kind: "new" }
  | { kind: "replay"; response: StoredResponse }
  | { kind: "mismatch" }
  | { kind: "in-flight" };

/** SHA-256 (hex) of the parts, to compare requests without storing them. */
export function fingerprint(parts: readonly (string | Uint8Array)[]): string {
  const encoder = new TextEncoder();
  const chunks = parts.map((part) => typeof part === "string" ? encoder.encode(part) : part);
  const size = chunks.reduce((sum, chunk) => sum + chunk.byteLength + 1, 0);
  const all = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    all.set(chunk, offset);
    offset += chunk.byteLength + 1; // a zero byte separates the parts
  }
  return hashHex(all);
}

/** Idempotency records in Deno KV, scoped per client (token). */
export class IdempotencyStore {
  #kv: Deno.Kv;
  #now: () => number;

  /**
   * @param kv the emulator's KV
   * @param now the injected clock
   */
  constructor(kv: Deno.Kv, now: () => number) {
    this.#kv = kv;
    this.#now = now;
  }

  #key(scope: string, key: string): Deno.KvKey {
    return ["idempotency", scope, key];
  }

  #isLive(record: Pending | Done): boolean {
    const age = this.#now() - record.storedAt;
    return record.state === "done" ? age < IDEMPOTENCY_TTL_MS : age < PENDING_STALE_MS;
  }

  /** Look the key up and, when it is new, mark it as in flight. */
  async begin(scope: string, key: string, print: string): Promise<IdempotencyStart> {
    const kvKey = this.#key(scope, key);
    for (let attempt = 0; attempt < 5; attempt++) {
      const entry = await this.#kv.get<Pending | Done>(kvKey);
      const record = entry.value;
      if (record && this.#isLive(record)) {
        if (record.fingerprint !== print) return { kind: "mismatch" };
        if (record.state === "pending") return { kind: "in-flight" };
        const { status, contentType, body } = record;
        return { kind: "replay", response: { status, contentType, body } };
      }
      const pending: Pending = { state: "pending", fingerprint: print, storedAt: this.#now() };
      const result = await this.#kv.atomic()
        .check(entry)
        .set(kvKey, pending, { expireIn: IDEMPOTENCY_TTL_MS })
        .commit();
      if (result.ok) return { kind: "new" };
    }
    return { kind: "in-flight" };
  }

  /** Store the response of a request that began with {@link IdempotencyStore.begin}. */
  async complete(
    scope: string,
    key: string,
    print: string,
    response: StoredResponse,
  ): Promise<void> {
    const kvKey = this.#key(scope, key);
    const storable = response.status >= 200 && response.status < 300 &&
      response.body.length <= MAX_STORED_BODY;
    if (!storable) {
      await this.#kv.delete(kvKey);
      return;
    }
    const done: Done = { state: "done", fingerprint: print, storedAt: this.#now(), ...response };
    await this.#kv.set(kvKey, done, { expireIn: IDEMPOTENCY_TTL_MS });
  }

  /** Forget a key whose request failed before it produced a response. */
  async abandon(scope: string, key: string): Promise<void> {
    await this.#kv.delete(this.#key(scope, key));
  }
}
