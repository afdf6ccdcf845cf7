/**
 * A sliding-window (log) rate limiter: never more than `maxRequests` grants in any span of
 * `windowMs`.
 *
 * Design notes:
 * - **Exact.** A grant at time `t` occupies the window `[t, t + windowMs)`. A new grant is made
 *   only while fewer than `maxRequests` earlier grants are still inside their windows, so no
 *   interval of length `windowMs` ever holds more than `maxRequests` grants, and a waiter is
 *   granted the moment the oldest grant leaves its window (no polling in slices).
 * - **O(1) amortised.** Grant times live in a ring buffer (no `Array.shift`), run-length encoded:
 *   grants in the same millisecond share one slot, so memory is bounded by both `maxRequests`
 *   and the number of distinct timestamps in a window. The buffer grows by doubling on demand.
 * - **Fair.** Waiters are served strictly first come, first served; a newcomer never overtakes a
 *   waiter, even when a slot happens to be free at that instant.
 * - **One timer.** Only the head of the queue has a timer (through the injected {@link Clock}).
 * - **Cancellable.** An aborted waiter rejects with the signal's reason and never takes a slot;
 *   it is marked and skipped, so removal is O(1).
 * - **Shareable.** One instance can throttle many clients, as the WATS server counts per token.
 * - **Clock steps.** Grant times are never recorded out of order: if the wall clock steps back,
 *   earlier grants keep their (later) times, so the limit still holds; waits may then be longer
 *   by the size of the step.
 *
 * @example Throttling requests
 * ```ts
 * import assert from "node:assert/strict";
 * import { RateLimiter } from "@wats/toolkit/http";
 *
 * const limiter = new RateLimiter({ maxRequests: 500, windowMs: 60_000 });
 * await limiter.acquire();
 * const response = await Promise.resolve("fetch here");
 * assert.equal(response, "fetch here");
 * assert.equal(limiter.stats.inWindow, 1);
 * ```
 *
 * @module
 */

import { type Clock, systemClock } from "../../util/clock.ts";
import { GrantLog } from "./_grant_log.ts";

/**
 * Options of {@link RateLimiter}.
 *
 * @category Rate limiting
 */
export interface RateLimiterOptions {
  /** Grants allowed in any window, a positive integer (default 500, the WATS server limit). */
  maxRequests?: number;
  /** Length of the sliding window in milliseconds (default 60 000). */
  windowMs?: number;
  /** Source of time and timers (default {@link systemClock}). */
  clock?: Clock;
}

/**
 * Counters of a limiter, a snapshot.
 *
 * @category Rate limiting
 */
export interface RateLimiterStats {
  /** Slots granted since creation. */
  requests: number;
  /** Calls to `acquire` that had to wait (including those later aborted). */
  throttled: number;
  /** Total time granted waiters spent waiting, in milliseconds. */
  totalWaitMs: number;
  /** Waiters queued right now. */
  waiting: number;
  /** Grants still inside the current window. */
  inWindow: number;
}

/**
 * What the transport needs from a limiter: {@link RateLimiter} and
 * {@link RateLimiter.unlimited} both satisfy it.
 *
 * @example Accepting any limiter
 * ```ts
 * import assert from "node:assert/strict";
 * import { type Limiter, RateLimiter } from "@wats/toolkit/http";
 *
 * async function throttled<T>(limiter: Limiter, call: () => Promise<T>): Promise<T> {
 *   await limiter.acquire();
 *   return await call();
 * }
 * assert.equal(await throttled(RateLimiter.unlimited(), () => Promise.resolve(1)), 1);
 * ```
 *
 * @category Rate limiting
 */
export interface Limiter {
  /**
   * Waits for a slot and takes it.
   *
   * @param signal Aborting it gives up the wait; the promise rejects with the signal's reason.
   * @returns A promise that resolves once the slot is granted.
   */
  acquire(signal?: AbortSignal): Promise<void>;
  /** Counters, a snapshot. */
  readonly stats: RateLimiterStats;
}

interface Waiter {
  resolve: () => void;
  reject: (reason: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
  since: number;
  done: boolean;
}

const RESOLVED: Promise<void> = Promise.resolve();

/**
 * A fair, exact, cancellable sliding-window rate limiter.
 *
 * @example Two grants a second
 * ```ts
 * import assert from "node:assert/strict";
 * import { ManualClock, RateLimiter } from "@wats/toolkit/http";
 *
 * const clock = new ManualClock();
 * const limiter = new RateLimiter({ maxRequests: 2, windowMs: 1_000, clock });
 * await limiter.acquire();
 * await limiter.acquire();
 * let grantedAt = -1;
 * const third = limiter.acquire().then(() => grantedAt = clock.now());
 * await clock.advance(1_000);
 * await third;
 * assert.equal(grantedAt, 1_000);
 * ```
 *
 * @category Rate limiting
 */
export class RateLimiter implements Limiter {
  /** Grants allowed in any window. */
  readonly maxRequests: number;
  /** Window length in milliseconds. */
  readonly windowMs: number;
  #clock: Clock;
  #log: GrantLog;
  // FIFO of waiters; entries before #first are consumed, aborted ones are marked done.
  #queue: Waiter[] = [];
  #first = 0;
  #waiting = 0;
  #timer: AbortController | null = null;
  #requests = 0;
  #throttled = 0;
  #totalWaitMs = 0;

  /**
   * Creates a limiter.
   *
   * @param options Window size, grant count and clock; the defaults match the WATS server.
   * @throws {RangeError} When `maxRequests` is not a positive integer or `windowMs` not > 0.
   * @example A limiter for a test server
   * ```ts
   * import assert from "node:assert/strict";
   * import { RateLimiter } from "@wats/toolkit/http";
   *
   * const limiter = new RateLimiter({ maxRequests: 10, windowMs: 1_000 });
   * assert.deepEqual([limiter.maxRequests, limiter.windowMs], [10, 1_000]);
   * ```
   */
  constructor(options: RateLimiterOptions = {}) {
    const { maxRequests = 500, windowMs = 60_000, clock = systemClock } = options;
    if (!Number.isSafeInteger(maxRequests) || maxRequests < 1) {
      throw new RangeError(`Rate limit maxRequests must be a positive integer, got ${maxRequests}`);
    }
    if (!(windowMs > 0) || !Number.isFinite(windowMs)) {
      throw new RangeError(`Rate limit windowMs must be a finite number > 0, got ${windowMs}`);
    }
    this.maxRequests = maxRequests;
    this.windowMs = windowMs;
    this.#clock = clock;
    this.#log = new GrantLog(windowMs);
  }

  /**
   * A limiter that never waits but still counts requests; for when throttling is off.
   *
   * @returns A {@link Limiter} whose `acquire` resolves at once (unless the signal is aborted).
   * @example Turning throttling off
   * ```ts
   * import assert from "node:assert/strict";
   * import { RateLimiter } from "@wats/toolkit/http";
   *
   * const limiter = RateLimiter.unlimited();
   * await limiter.acquire();
   * assert.equal(limiter.stats.requests, 1);
   * ```
   */
  static unlimited(): Limiter {
    return new UnlimitedLimiter();
  }

  /**
   * Takes a slot if one is free and nobody is waiting, without waiting.
   *
   * @returns `true` when a slot was taken, `false` otherwise (nothing is counted then).
   * @example Skipping work when throttled
   * ```ts
   * import assert from "node:assert/strict";
   * import { RateLimiter } from "@wats/toolkit/http";
   *
   * const limiter = new RateLimiter({ maxRequests: 1, windowMs: 60_000 });
   * assert.equal(limiter.tryAcquire(), true);
   * assert.equal(limiter.tryAcquire(), false);
   * ```
   */
  tryAcquire(): boolean {
    if (this.#waiting > 0) return false;
    const now = this.#clock.now();
    this.#log.expire(now);
    if (this.#log.total >= this.maxRequests) return false;
    this.#grant(now);
    return true;
  }

  /**
   * Waits for a slot, in arrival order, and takes it.
   *
   * When a slot is free and nobody waits, the returned promise is a shared, already resolved
   * one: the fast path allocates nothing.
   *
   * @param signal Aborting it removes this caller from the queue without taking a slot.
   * @returns A promise that resolves once the slot is granted, or rejects with the signal's
   *   reason when aborted first.
   * @example Giving up after a deadline
   * ```ts
   * import assert from "node:assert/strict";
   * import { RateLimiter } from "@wats/toolkit/http";
   *
   * const limiter = new RateLimiter({ maxRequests: 1, windowMs: 60_000 });
   * await limiter.acquire();
   * await assert.rejects(limiter.acquire(AbortSignal.timeout(10)), { name: "TimeoutError" });
   * ```
   */
  acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.tryAcquire()) return RESOLVED;
    return this.#enqueue(signal);
  }

  /**
   * Counters, a snapshot taken now.
   *
   * @returns Grants, waits and the current window fill.
   * @example Watching the limiter
   * ```ts
   * import assert from "node:assert/strict";
   * import { RateLimiter } from "@wats/toolkit/http";
   *
   * const limiter = new RateLimiter();
   * await limiter.acquire();
   * const { requests, throttled, waiting, inWindow } = limiter.stats;
   * assert.deepEqual({ requests, throttled, waiting, inWindow }, {
   *   requests: 1,
   *   throttled: 0,
   *   waiting: 0,
   *   inWindow: 1,
   * });
   * ```
   */
  get stats(): RateLimiterStats {
    this.#log.expire(this.#clock.now());
    return {
      requests: this.#requests,
      throttled: this.#throttled,
      totalWaitMs: this.#totalWaitMs,
      waiting: this.#waiting,
      inWindow: this.#log.total,
    };
  }

  #enqueue(signal: AbortSignal | undefined): Promise<void> {
    this.#throttled++;
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        signal,
        onAbort: undefined,
        since: this.#clock.now(),
        done: false,
      };
      if (signal) {
        waiter.onAbort = () => this.#cancel(waiter);
        signal.addEventListener("abort", waiter.onAbort, { once: true });
      }
      this.#queue.push(waiter);
      this.#waiting++;
      this.#schedule();
    });
  }

  #cancel(waiter: Waiter): void {
    if (waiter.done) return;
    waiter.done = true;
    this.#waiting--;
    this.#skipDone();
    if (this.#waiting === 0) this.#stopTimer();
    waiter.reject(waiter.signal?.reason);
  }

  /** Grants slots to waiters in order while slots are free, then re-arms the timer. */
  #drain(): void {
    const now = this.#clock.now();
    this.#log.expire(now);
    while (this.#waiting > 0 && this.#log.total < this.maxRequests) {
      this.#skipDone();
      const waiter = this.#queue[this.#first++];
      waiter.done = true;
      this.#waiting--;
      if (waiter.onAbort) waiter.signal?.removeEventListener("abort", waiter.onAbort);
      this.#totalWaitMs += now - waiter.since;
      this.#grant(now);
      waiter.resolve();
    }
    this.#skipDone();
    this.#schedule();
  }

  #schedule(): void {
    if (this.#timer !== null || this.#waiting === 0) return;
    const now = this.#clock.now();
    this.#log.expire(now);
    // With waiters queued the window is full unless a slot freed since the last check.
    const full = this.#log.total >= this.maxRequests;
    const delay = full ? this.#log.nextExpiry - now : 0;
    const timer = new AbortController();
    this.#timer = timer;
    this.#clock.sleep(delay, timer.signal).then(() => {
      if (this.#timer !== timer) return;
      this.#timer = null;
      this.#drain();
    }, () => {});
  }

  #stopTimer(): void {
    const timer = this.#timer;
    this.#timer = null;
    timer?.abort();
  }

  /** Drops consumed and aborted waiters from the front; compacts the array now and then. */
  #skipDone(): void {
    const queue = this.#queue;
    while (this.#first < queue.length && queue[this.#first].done) this.#first++;
    if (this.#first === queue.length) {
      queue.length = 0;
      this.#first = 0;
    } else if (this.#first >= 1024 && this.#first * 2 >= queue.length) {
      queue.splice(0, this.#first);
      this.#first = 0;
    }
  }

  #grant(now: number): void {
    this.#requests++;
    this.#log.record(now);
  }
}

/** The limiter behind {@link RateLimiter.unlimited}. */
class UnlimitedLimiter implements Limiter {
  #requests = 0;

  acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    this.#requests++;
    return RESOLVED;
  }

  get stats(): RateLimiterStats {
    return { requests: this.#requests, throttled: 0, totalWaitMs: 0, waiting: 0, inWindow: 0 };
  }
}
