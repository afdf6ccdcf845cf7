/**
 * Records of the software, root-cause, SCIM and manual-inspection routes in Deno KV, under
 * `["records", kind, key]` (keys compared without case, as WATS does), plus two request helpers
 * those routes share: the caller's user name and the `Referer` check of internal routes. Every
 * emulator module types the JSON objects it reads and stores as {@linkcode Rec}.
 *
 * @module
 */
import type { Context } from "hono";
import { EmulatorHttpError } from "./_http.ts";

const CHUNK = 60_000;

/** A JSON object as the emulator reads and stores it; each route checks the fields it uses. */
export type Rec = Record<string, unknown>;

/** Kinds of records these routes keep. */
export type RecordKind =
  | "package"
  | "packageFile"
  | "packageFolder"
  | "packageDownload"
  | "assetFile"
  | "virtualFolder"
  | "ticket"
  | "ticketAttachment"
  | "scimUser"
  | "scimGroup"
  | "miDefinition"
  | "miRelation"
  | "miSequence";

/** Generic record storage. */
export class RecordStore {
  #kv: Deno.Kv;

  constructor(kv: Deno.Kv) {
    this.#kv = kv;
  }

  #key(kind: RecordKind, key: string): Deno.KvKey {
    return ["records", kind, key.toLowerCase()];
  }

  /** One record, or null. */
  async get<T>(kind: RecordKind, key: string): Promise<T | null> {
    return (await this.#kv.get<T>(this.#key(kind, key))).value;
  }

  /** Write a record. */
  async put<T>(kind: RecordKind, key: string, value: T): Promise<void> {
    await this.#kv.set(this.#key(kind, key), value);
  }

  /** Delete a record; true when it existed. */
  async delete(kind: RecordKind, key: string): Promise<boolean> {
    const entry = await this.#kv.get(this.#key(kind, key));
    if (entry.value === null) return false;
    await this.#kv.delete(entry.key);
    return true;
  }

  /** Store bytes of any size under a key, in chunks under the 64 KiB value limit. */
  async putBytes(key: string, bytes: Uint8Array): Promise<void> {
    await this.deleteBytes(key);
    const id = key.toLowerCase();
    for (let n = 0, at = 0; at < bytes.length || n === 0; n++, at += CHUNK) {
      await this.#kv.set(["record_bytes", id, n], bytes.slice(at, at + CHUNK));
    }
  }

  /** The bytes stored under a key, or null. */
  async getBytes(key: string): Promise<Uint8Array<ArrayBuffer> | null> {
    const parts: Uint8Array[] = [];
    for await (
      const e of this.#kv.list<Uint8Array>({ prefix: ["record_bytes", key.toLowerCase()] })
    ) {
      parts.push(e.value);
    }
    if (parts.length === 0) return null;
    const out = new Uint8Array(parts.reduce((sum, p) => sum + p.length, 0));
    let at = 0;
    for (const part of parts) {
      out.set(part, at);
      at += part.length;
    }
    return out;
  }

  /** Delete the bytes stored under a key. */
  async deleteBytes(key: string): Promise<void> {
    for await (const e of this.#kv.list({ prefix: ["record_bytes", key.toLowerCase()] })) {
      await this.#kv.delete(e.key);
    }
  }

  /** Every record of a kind, in key order. */
  async list<T>(kind: RecordKind): Promise<T[]> {
    const out: T[] = [];
    for await (const entry of this.#kv.list<T>({ prefix: ["records", kind] })) {
      out.push(entry.value);
    }
    return out;
  }
}

/** The user name in the caller's Basic token (`user:secret`), or `emulator`. */
export function callerName(c: Context): string {
  const match = /^basic\s+(\S+)\s*$/i.exec(c.req.header("authorization") ?? "");
  if (!match) return "emulator";
  try {
    const user = atob(match[1]).split(":")[0];
    return user || "emulator";
  } catch {
    return "emulator";
  }
}

/** Internal routes need the `Referer` header, as a WATS server does; 400 naming it otherwise. */
export function requireReferer(c: Context): void {
  if (!c.req.header("referer")) {
    throw new EmulatorHttpError(
      400,
      "Internal routes (/api/internal/...) need a Referer header with the server's base URL",
    );
  }
}

/** The current instant as an ISO string. */
export function isoNow(now: number): string {
  return new Date(now).toISOString();
}
