/**
 * Small records in Deno KV — products, product groups, units, unit changes, assets, asset types,
 * asset log rows — under `["entities", kind, key]`, with integer sequences under
 * `["sequences", name]`. Keys are compared without case, as WATS (SQL Server) compares them.
 *
 * @module
 */

/** Kinds of records the emulator keeps. */
export type EntityKind =
  | "product"
  | "productGroup"
  | "unit"
  | "unitChange"
  | "asset"
  | "assetType"
  | "assetLog"
  | "serialNumber"
  | "vendor"
  | "batch"
  | "bom"
  | "productRelation"
  | "productCategory";

/** Generic record storage for the product, production and asset routes. */
export class EntityStore {
  #kv: Deno.Kv;

  constructor(kv: Deno.Kv) {
    this.#kv = kv;
  }

  #key(kind: EntityKind, key: string | number): Deno.KvKey {
    return ["entities", kind, typeof key === "string" ? key.toLowerCase() : key];
  }

  /** One record, or null. */
  async get<T>(kind: EntityKind, key: string | number): Promise<T | null> {
    return (await this.#kv.get<T>(this.#key(kind, key))).value;
  }

  /** Write a record. */
  async put<T>(kind: EntityKind, key: string | number, value: T): Promise<void> {
    await this.#kv.set(this.#key(kind, key), value);
  }

  /** Delete a record; true when it existed. */
  async delete(kind: EntityKind, key: string | number): Promise<boolean> {
    const entry = await this.#kv.get(this.#key(kind, key));
    if (entry.value === null) return false;
    await this.#kv.delete(entry.key);
    return true;
  }

  /** Every record of a kind, in key order. */
  async list<T>(kind: EntityKind): Promise<T[]> {
    const out: T[] = [];
    for await (const entry of this.#kv.list<T>({ prefix: ["entities", kind] })) {
      out.push(entry.value);
    }
    return out;
  }

  /** The next value of an integer sequence (1, 2, 3, …). */
  async next(sequence: string): Promise<number> {
    const key = ["sequences", sequence];
    for (let attempt = 0; attempt < 50; attempt++) {
      const entry = await this.#kv.get<number>(key);
      const value = (entry.value ?? 0) + 1;
      const result = await this.#kv.atomic().check(entry).set(key, value).commit();
      if (result.ok) return value;
    }
    throw new Error(`Sequence ${sequence} is too busy`);
  }
}
