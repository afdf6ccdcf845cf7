/**
 * A counting semaphore: at most `size` holders at once, the rest wait in order.
 *
 * @module
 */

/** At most `size` holders at once; waiters are served first come, first served. */
export class Semaphore {
  #size: number;
  #free: number;
  #waiters: (() => void)[] = [];

  /** @param size How many may hold it at once (at least 1). */
  constructor(size: number) {
    this.#size = Math.max(1, Math.floor(size));
    this.#free = this.#size;
  }

  /** Holders now. */
  get held(): number {
    return this.#size - this.#free;
  }

  /**
   * Changes how many may hold it: a larger size lets waiters in at once, a smaller one takes
   * effect as holders give their places back.
   *
   * @param size The new size (at least 1).
   */
  resize(size: number): void {
    const next = Math.max(1, Math.floor(size));
    this.#free += next - this.#size;
    this.#size = next;
    while (this.#free > 0 && this.#waiters.length > 0) {
      this.#free--;
      this.#waiters.shift()!();
    }
  }

  /** Waits for a free place and takes it. */
  acquire(): Promise<void> {
    if (this.#free > 0) {
      this.#free--;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Gives a place back (to the first waiter, if any). */
  release(): void {
    const next = this.#waiters.shift();
    if (next) next();
    else this.#free = Math.min(this.#size, this.#free + 1);
  }

  /**
   * Runs `action` holding a place.
   *
   * @param action The work.
   * @returns What `action` returns.
   */
  async run<T>(action: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await action();
    } finally {
      this.release();
    }
  }
}
