/**
 * Group commit of the ledger's inserts: calls made while a commit is under way are gathered and
 * go out together in the next commit, one atomic operation (one SQLite transaction, one fsync of
 * its log) for up to {@linkcode MAX_BATCH} records. Under load many records share one commit; a
 * lone call commits at once, as before.
 *
 * Each insert is "set this key unless it exists" plus a counter. A batch checks every key; when a
 * check fails (a key exists already, which is rare: a duplicate file, a report recorded twice),
 * the batch is committed again one insert at a time, so each caller learns its own answer. A key
 * that appears twice in the waiting list goes into a later batch, so the second insert sees the
 * first.
 *
 * @module
 */

/** Most inserts in one atomic operation (Deno KV allows 100 checks). */
export const MAX_BATCH = 100;

/** One "insert once" with its counter. */
export interface Insert {
  key: Deno.KvKey;
  value: unknown;
  counter: Deno.KvKey;
  /**
   * Entries written with the insert, in its commit, only when the key was new (the event outbox:
   * an event exists exactly when its state change does), each with a counter to add 1 to.
   */
  with?: readonly { key: Deno.KvKey; value: unknown; counter: Deno.KvKey }[];
}

/**
 * Bytes of entries written with the inserts of one batch, beyond which the rest waits for the
 * next commit (Deno KV refuses an atomic operation over 800 KiB).
 */
export const MAX_BATCH_WITH_BYTES = 256 * 1024;

interface Waiting extends Insert {
  id: string;
  withBytes: number;
  resolve(isNew: boolean): void;
  reject(error: unknown): void;
}

/** Commits an atomic operation; retries while another connection holds the write lock. */
export type Committer = (
  build: () => Deno.AtomicOperation,
) => Promise<Deno.KvCommitResult | Deno.KvCommitError>;

/** Gathers inserts and commits them in groups. */
export class InsertBatcher {
  readonly #kv: Deno.Kv;
  readonly #commit: Committer;
  #waiting: Waiting[] = [];
  #isRunning = false;

  /**
   * @param kv The KV store.
   * @param commit How to commit (with the retry while the file is locked).
   */
  constructor(kv: Deno.Kv, commit: Committer) {
    this.#kv = kv;
    this.#commit = commit;
  }

  /**
   * Sets `key` to `value` unless it exists, and adds 1 to `counter` when it was set.
   *
   * @param insert The key, value and counter.
   * @returns `true` when set; `false` when the key existed.
   */
  insert(insert: Insert): Promise<boolean> {
    return new Promise((resolve, reject) => {
      const withBytes = insert.with ? JSON.stringify(insert.with).length : 0;
      this.#waiting.push({ ...insert, id: JSON.stringify(insert.key), withBytes, resolve, reject });
      if (!this.#isRunning) void this.#drain();
    });
  }

  async #drain(): Promise<void> {
    this.#isRunning = true;
    try {
      while (this.#waiting.length > 0) await this.#commitBatch(this.#nextBatch());
    } finally {
      this.#isRunning = false;
    }
  }

  /** Takes up to MAX_BATCH waiting inserts with distinct keys, in order. */
  #nextBatch(): Waiting[] {
    const batch: Waiting[] = [];
    const keys = new Set<string>();
    const rest: Waiting[] = [];
    let withBytes = 0;
    for (const item of this.#waiting) {
      const fits = batch.length === 0 || withBytes + item.withBytes <= MAX_BATCH_WITH_BYTES;
      if (batch.length < MAX_BATCH && fits && !keys.has(item.id)) {
        keys.add(item.id);
        withBytes += item.withBytes;
        batch.push(item);
      } else {
        rest.push(item);
      }
    }
    this.#waiting = rest;
    return batch;
  }

  async #commitBatch(batch: Waiting[]): Promise<void> {
    try {
      if (batch.length > 1) {
        const result = await this.#commit(() => this.#atomic(batch));
        if (result.ok) {
          for (const item of batch) item.resolve(true);
          return;
        }
      }
      // One at a time: a lone insert, or a batch where some key existed already.
      for (const item of batch) {
        try {
          item.resolve((await this.#commit(() => this.#atomic([item]))).ok);
        } catch (error) {
          item.reject(error);
        }
      }
    } catch (error) {
      for (const item of batch) item.reject(error);
    }
  }

  #atomic(batch: readonly Insert[]): Deno.AtomicOperation {
    const atomic = this.#kv.atomic();
    const sums = new Map<string, { key: Deno.KvKey; by: bigint }>();
    const count = (counter: Deno.KvKey) => {
      const id = JSON.stringify(counter);
      const sum = sums.get(id);
      if (sum) sum.by++;
      else sums.set(id, { key: counter, by: 1n });
    };
    for (const { key, value, counter, with: entries = [] } of batch) {
      atomic.check({ key, versionstamp: null }).set(key, value);
      count(counter);
      for (const entry of entries) {
        atomic.set(entry.key, entry.value);
        count(entry.counter);
      }
    }
    for (const { key, by } of sums.values()) atomic.sum(key, by);
    return atomic;
  }
}
