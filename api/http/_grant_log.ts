/**
 * The log of grant times behind the rate limiter: a ring buffer (no `Array.shift`) of
 * `(time, count)` runs, so grants in the same millisecond share a slot. It grows by doubling,
 * which keeps `record` and `expire` O(1) amortised and memory bounded by the grants in a window.
 *
 * @module
 */

const INITIAL_CAPACITY = 16;

/** Grant times in order, oldest first; a grant counts until `windowMs` after it was made. */
export class GrantLog {
  readonly windowMs: number;
  #times: Float64Array = new Float64Array(INITIAL_CAPACITY);
  #counts: Float64Array = new Float64Array(INITIAL_CAPACITY);
  #head = 0;
  #size = 0;
  #total = 0;

  constructor(windowMs: number) {
    this.windowMs = windowMs;
  }

  /** Grants in the log. */
  get total(): number {
    return this.#total;
  }

  /** When the oldest grant leaves the window; only meaningful when `total > 0`. */
  get nextExpiry(): number {
    return this.#times[this.#head] + this.windowMs;
  }

  /**
   * Adds a grant at `now`. A time earlier than the newest entry (a clock stepping back) is
   * recorded as the newest time, so the log stays ordered and no grant leaves early.
   */
  record(now: number): void {
    this.#total++;
    const mask = this.#times.length - 1;
    if (this.#size > 0) {
      const last = (this.#head + this.#size - 1) & mask;
      if (now <= this.#times[last]) {
        this.#counts[last]++;
        return;
      }
    }
    if (this.#size === this.#times.length) this.#grow();
    const tail = (this.#head + this.#size) & (this.#times.length - 1);
    this.#times[tail] = now;
    this.#counts[tail] = 1;
    this.#size++;
  }

  /** Drops every grant whose window `[t, t + windowMs)` is over at `now`, oldest first. */
  expire(now: number): void {
    const mask = this.#times.length - 1;
    while (this.#size > 0 && this.#times[this.#head] + this.windowMs <= now) {
      this.#total -= this.#counts[this.#head];
      this.#head = (this.#head + 1) & mask;
      this.#size--;
    }
  }

  #grow(): void {
    const capacity = this.#times.length;
    const times = new Float64Array(capacity * 2);
    const counts = new Float64Array(capacity * 2);
    for (let i = 0; i < this.#size; i++) {
      const from = (this.#head + i) & (capacity - 1);
      times[i] = this.#times[from];
      counts[i] = this.#counts[from];
    }
    this.#times = times;
    this.#counts = counts;
    this.#head = 0;
  }
}
