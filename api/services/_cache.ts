/**
 * A small time-to-live cache for metadata services (processes, unit phases), on the injected
 * clock so tests move time instead of sleeping. Concurrent callers of a key share one load; a
 * failed load is not cached.
 *
 * @module
 */

import type { Clock } from "../../util/clock.ts";

interface Entry<T> {
  value: Promise<T>;
  expiresAt: number;
}

/** Values kept for `ttlMs` after they were loaded. */
export class TtlCache<T> {
  #clock: Clock;
  #ttlMs: number;
  #entries = new Map<string, Entry<T>>();

  /**
   * Creates a cache.
   *
   * @param clock The clock that decides when an entry expired.
   * @param ttlMs How long a value is kept; 0 keeps nothing.
   */
  constructor(clock: Clock, ttlMs: number) {
    if (!(ttlMs >= 0)) throw new RangeError(`A cache lifetime must be >= 0 ms, got ${ttlMs}`);
    this.#clock = clock;
    this.#ttlMs = ttlMs;
  }

  /**
   * The cached value of a key, or the result of `load` (then cached).
   *
   * @param key The key.
   * @param load Loads the value when it is missing or expired.
   * @returns The value.
   */
  get(key: string, load: () => Promise<T>): Promise<T> {
    const now = this.#clock.now();
    const hit = this.#entries.get(key);
    if (hit && hit.expiresAt > now) return hit.value;
    const value = load();
    const entry = { value, expiresAt: now + this.#ttlMs };
    this.#entries.set(key, entry);
    value.catch(() => {
      if (this.#entries.get(key) === entry) this.#entries.delete(key);
    });
    return value;
  }

  /** Forgets every value. */
  clear(): void {
    this.#entries.clear();
  }
}
