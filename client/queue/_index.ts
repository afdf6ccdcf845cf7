/**
 * The in-memory index of `pending/`: every pending envelope's file name and due time, earliest
 * first.
 *
 * One streamed scan at open fills it (claims can start from what the scan has seen so far);
 * `enqueue`, `retry` and the claims keep it up to date, so a claim is a heap pop and a rename,
 * never a directory pass. An entry costs about 100 bytes: 100,000 pending envelopes hold some
 * 10 MB. Files put into `pending/` by another process (a `wats queue retry`, a `wats submit`
 * while the service runs) are found by a sweep that lists the folder, stats only names the index
 * does not know, and runs when nothing known is due, at most once per ten times its own cost.
 *
 * The due time of a pending envelope is its file's modification time (the queue sets it to
 * `nextAttemptAt` when it writes the file), so scans and sweeps stat files but never read them.
 *
 * @module
 */

import { join } from "node:path";
import { isOwnTempName, isTempName, removeIfPresent } from "../_fs.ts";
import { REASON_SUFFIX } from "./_files.ts";

/** Retry delays are capped well below this; an mtime further ahead is not a due time. */
const FUTURE_LIMIT_MS = 7 * 86_400_000;

/** Entries a scan handles before it lets claims and enqueues run. */
const SCAN_CHUNK = 1024;

/**
 * The due time of a pending file from its mtime, or `undefined` when the file is gone. An mtime
 * far in the future is a clock jump or a copied file, not a retry delay: it counts as due now, so
 * the claim reads the envelope's own `nextAttemptAt` instead of waiting for days.
 */
function dueOfFile(path: string, now: number): number | undefined {
  let info: Deno.FileInfo;
  try {
    info = Deno.lstatSync(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
  if (!info.isFile) return undefined;
  const mtime = info.mtime?.getTime() ?? 0;
  return mtime > now + FUTURE_LIMIT_MS ? now : mtime;
}

/**
 * Pending file names by due time: a map for membership plus a binary heap for order.
 *
 * Memory matters at 100,000 entries: the map stores due times relative to `#base`, which V8 keeps
 * as small integers (no boxed number) for anything within twelve days of it, and the heap is two
 * parallel arrays (a `Float64Array` of due times and the names) rather than an object per entry.
 */
export class DueIndex {
  readonly #base = Date.now();
  readonly #due = new Map<string, number>();
  /** Heap entries are live while `#due` holds the same due time for the name; others are skipped. */
  #heapDue = new Float64Array(1024);
  #heapName: string[] = [];
  #isScanned = false;
  #scanWaiters: (() => void)[] = [];
  #isSweeping = false;
  #lastSweepEnd = -Infinity;
  #lastSweepCost = 0;

  /** Pending names known now. */
  get size(): number {
    return this.#due.size;
  }

  /** Whether the scan at open has listed the whole folder. */
  get isScanned(): boolean {
    return this.#isScanned;
  }

  /** Tells whether a name is indexed. */
  has(name: string): boolean {
    return this.#due.has(name);
  }

  /** Indexes a name, or moves it to a new due time. */
  add(name: string, due: number): void {
    const relative = Math.round(due) - this.#base;
    if (this.#due.get(name) === relative) return;
    this.#due.set(name, relative);
    this.#push(relative, name);
    // Stale entries (moved or taken names) are dropped lazily; rebuild when they pile up.
    if (this.#heapName.length > 2 * this.#due.size + 1024) this.#rebuild();
  }

  /**
   * Indexes one file of `folder` by its mtime, unless it is gone.
   *
   * @returns Whether the file was there.
   */
  addFile(folder: string, name: string, now: number): boolean {
    const due = dueOfFile(join(folder, name), now);
    if (due === undefined) return false;
    this.add(name, due);
    return true;
  }

  /** Forgets a name. */
  delete(name: string): void {
    this.#due.delete(name);
  }

  /** The earliest due time, or `undefined` when nothing is indexed. */
  earliestDue(): number | undefined {
    this.#dropStale();
    return this.#heapName.length > 0 ? this.#heapDue[0] + this.#base : undefined;
  }

  /**
   * The names due earliest, without taking them.
   *
   * @param limit How many.
   * @returns Up to `limit` names, earliest due first.
   */
  earliest(limit: number): string[] {
    const found: [number, string][] = [];
    for (const [name, due] of this.#due) {
      if (found.length >= limit && due >= found[found.length - 1][0]) continue;
      const at = found.findIndex(([other]) => due < other);
      found.splice(at === -1 ? found.length : at, 0, [due, name]);
      if (found.length > limit) found.pop();
    }
    return found.map(([, name]) => name);
  }

  /** Takes (removes) the name due the longest, if one is due at `now`. */
  takeDue(now: number): string | undefined {
    this.#dropStale();
    if (this.#heapName.length === 0 || this.#heapDue[0] + this.#base > now) return undefined;
    const name = this.#heapName[0];
    this.#pop();
    this.#due.delete(name);
    return name;
  }

  /**
   * Lists `folder` once and indexes every envelope file, a chunk at a time; names already
   * indexed (enqueued or recovered meanwhile) keep their entry. Resolves when the folder is done.
   *
   * @param folder The `pending/` folder.
   * @param options `now` for far-future mtimes; `removeTemps` deletes temp files a crash left.
   */
  async scan(folder: string, options: { now: () => number; removeTemps: boolean }): Promise<void> {
    try {
      let handled = 0;
      for await (const entry of Deno.readDir(folder)) {
        if (!entry.isFile || entry.name.endsWith(REASON_SUFFIX)) continue;
        if (isTempName(entry.name)) {
          // This process may be writing into pending/ while the pass runs: its own temps stay.
          if (options.removeTemps && !isOwnTempName(entry.name)) {
            await removeIfPresent(join(folder, entry.name));
          }
          continue;
        }
        if (!this.#due.has(entry.name)) {
          const due = dueOfFile(join(folder, entry.name), options.now());
          if (due !== undefined) this.add(entry.name, due);
        }
        if (++handled % SCAN_CHUNK === 0) {
          this.#wakeScanWaiters();
          await new Promise((resolve) => setTimeout(resolve, 0));
        }
      }
    } finally {
      this.#isScanned = true;
      this.#wakeScanWaiters();
    }
  }

  /** Resolves when the running scan has indexed its next chunk (at once when it is done). */
  scanProgress(): Promise<void> {
    if (this.#isScanned) return Promise.resolve();
    return new Promise((resolve) => this.#scanWaiters.push(resolve));
  }

  /**
   * Indexes files of `folder` that the index does not know (put there by another process), when
   * the last sweep was long enough ago: sweeps take at most a tenth of the time.
   *
   * @returns How many names were added; 0 when the sweep was skipped.
   */
  async sweep(folder: string, now: () => number): Promise<number> {
    const started = performance.now();
    if (!this.#isScanned || this.#isSweeping) return 0;
    if (started - this.#lastSweepEnd < 10 * this.#lastSweepCost) return 0;
    this.#isSweeping = true;
    let added = 0;
    try {
      for await (const entry of Deno.readDir(folder)) {
        const { name } = entry;
        if (!entry.isFile || this.#due.has(name) || isTempName(name)) continue;
        if (name.endsWith(REASON_SUFFIX)) continue;
        const due = dueOfFile(join(folder, name), now());
        if (due === undefined) continue;
        this.add(name, due);
        added++;
      }
    } finally {
      this.#isSweeping = false;
      this.#lastSweepEnd = performance.now();
      this.#lastSweepCost = this.#lastSweepEnd - started;
    }
    return added;
  }

  #wakeScanWaiters(): void {
    const waiters = this.#scanWaiters;
    this.#scanWaiters = [];
    for (const wake of waiters) wake();
  }

  #dropStale(): void {
    while (this.#heapName.length > 0) {
      if (this.#due.get(this.#heapName[0]) === this.#heapDue[0]) return;
      this.#pop();
    }
  }

  #rebuild(): void {
    this.#heapName = [];
    for (const [name, due] of this.#due) this.#push(due, name);
  }

  #isBefore(dueA: number, nameA: string, dueB: number, nameB: string): boolean {
    return dueA < dueB || (dueA === dueB && nameA < nameB);
  }

  #push(due: number, name: string): void {
    const names = this.#heapName;
    if (names.length >= this.#heapDue.length) {
      const grown = new Float64Array(this.#heapDue.length * 2);
      grown.set(this.#heapDue);
      this.#heapDue = grown;
    }
    const dues = this.#heapDue;
    let index = names.push(name) - 1;
    while (index > 0) {
      const parent = (index - 1) >>> 1;
      if (!this.#isBefore(due, name, dues[parent], names[parent])) break;
      dues[index] = dues[parent];
      names[index] = names[parent];
      index = parent;
    }
    dues[index] = due;
    names[index] = name;
  }

  #pop(): void {
    const names = this.#heapName;
    const dues = this.#heapDue;
    const lastName = names.pop();
    const length = names.length;
    if (lastName === undefined || length === 0) return;
    const lastDue = dues[length];
    let index = 0;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= length) break;
      const right = left + 1;
      const child =
        right < length && this.#isBefore(dues[right], names[right], dues[left], names[left])
          ? right
          : left;
      if (!this.#isBefore(dues[child], names[child], lastDue, lastName)) break;
      dues[index] = dues[child];
      names[index] = names[child];
      index = child;
    }
    dues[index] = lastDue;
    names[index] = lastName;
  }
}
