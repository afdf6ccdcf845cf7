/**
 * One clock for everything time-dependent in the HTTP core.
 *
 * The rate limiter, the retry policy and the circuit breaker never read `Date.now()` or call
 * `setTimeout` themselves: they ask a {@link Clock}. Production code uses {@link systemClock};
 * tests use {@link ManualClock}, which only moves when told to, so time-dependent logic is tested
 * without sleeping for real and without flaky timing.
 *
 * @example Waiting with the system clock
 * ```ts
 * import assert from "node:assert/strict";
 * import { systemClock } from "@wats/toolkit/http";
 *
 * const started = systemClock.now();
 * await systemClock.sleep(5);
 * assert.ok(systemClock.now() - started >= 4);
 * ```
 *
 * @module
 */

import { setImmediate } from "node:timers";

/**
 * A source of time and of timed waits, injected wherever time matters.
 *
 * @category Time
 */
export interface Clock {
  /**
   * The current time.
   *
   * @returns Milliseconds since the Unix epoch (or since any fixed origin, for test clocks).
   */
  now(): number;
  /**
   * Waits `ms` milliseconds.
   *
   * @param ms How long to wait; zero, negative or `NaN` resolve as soon as possible.
   * @param signal Aborting it rejects the wait with the signal's reason and clears the timer.
   * @returns A promise that resolves once the time has passed.
   */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** setTimeout takes a signed 32-bit delay; longer waits are chained. */
const MAX_TIMER_MS = 2_147_483_647;

function systemNow(): number {
  return Date.now();
}

function systemSleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  const deadline = performance.now() + (ms > 0 ? ms : 0);
  return new Promise<void>((resolve, reject) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    function onAbort(): void {
      clearTimeout(timer);
      reject(signal?.reason);
    }
    function arm(): void {
      const remaining = deadline - performance.now();
      if (remaining <= 0) {
        signal?.removeEventListener("abort", onAbort);
        resolve();
        return;
      }
      timer = setTimeout(arm, Math.min(remaining, MAX_TIMER_MS));
    }
    signal?.addEventListener("abort", onAbort, { once: true });
    timer = setTimeout(arm, Math.min(ms > 0 ? ms : 0, MAX_TIMER_MS));
  });
}

/**
 * The real clock: `Date.now()` and `setTimeout`.
 *
 * `sleep` measures its deadline on the monotonic clock, so a wall-clock jump does not stretch or
 * cut a wait short.
 *
 * @example Sleeping, then cancelling a sleep
 * ```ts
 * import assert from "node:assert/strict";
 * import { systemClock } from "@wats/toolkit/http";
 *
 * await systemClock.sleep(1);
 * const controller = new AbortController();
 * const wait = systemClock.sleep(60_000, controller.signal);
 * controller.abort(new Error("Shutting down"));
 * await assert.rejects(wait, { message: "Shutting down" });
 * ```
 *
 * @category Time
 */
export const systemClock: Clock = { now: systemNow, sleep: systemSleep };

interface PendingSleep {
  deadline: number;
  resolve: () => void;
}

/** Lets every promise continuation queued so far run (one macrotask turn). */
function flush(): Promise<void> {
  return new Promise<void>((resolve) => setImmediate(resolve));
}

/**
 * A clock for tests: time stands still until {@link ManualClock.advance} or
 * {@link ManualClock.set} moves it.
 *
 * Sleeps resolve in deadline order (ties in the order they were started) once time reaches their
 * deadline. Between two wake-ups the clock lets queued promise continuations run, so code woken by
 * one sleep may start another one, and that one fires within the same `advance` if its deadline
 * is still in range, just as with real timers. Real I/O is not waited for. Await every `advance`,
 * `set` and `runAll` call; do not run two of them at once.
 *
 * @example Testing code that sleeps, without sleeping
 * ```ts
 * import assert from "node:assert/strict";
 * import { ManualClock } from "@wats/toolkit/http";
 *
 * const clock = new ManualClock(1_000);
 * let woke = 0;
 * clock.sleep(500).then(() => woke = clock.now());
 * await clock.advance(499);
 * assert.deepEqual([woke, clock.pendingSleeps], [0, 1]);
 * await clock.advance(1);
 * assert.deepEqual([woke, clock.pendingSleeps], [1_500, 0]);
 * ```
 *
 * @category Time
 */
export class ManualClock implements Clock {
  #now: number;
  /** Sorted by deadline, then by start order. */
  #sleeps: PendingSleep[] = [];

  /**
   * Creates a clock standing at `start`.
   *
   * @param start The initial time in milliseconds (default 0).
   * @example A clock at a fixed date
   * ```ts
   * import assert from "node:assert/strict";
   * import { ManualClock } from "@wats/toolkit/http";
   *
   * const clock = new ManualClock(Date.UTC(2025, 0, 1));
   * assert.equal(new Date(clock.now()).toISOString(), "2025-01-01T00:00:00.000Z");
   * ```
   */
  constructor(start = 0) {
    if (!Number.isFinite(start)) throw new RangeError(`Clock start must be finite, got ${start}`);
    this.#now = start;
  }

  /**
   * The current (manual) time.
   *
   * @returns The time in milliseconds, as last set.
   * @example Reading the time
   * ```ts
   * import assert from "node:assert/strict";
   * import { ManualClock } from "@wats/toolkit/http";
   *
   * assert.equal(new ManualClock(42).now(), 42);
   * ```
   */
  now(): number {
    return this.#now;
  }

  /**
   * Waits until the clock reaches `now() + ms`.
   *
   * @param ms How long to wait; zero, negative or `NaN` resolve at once.
   * @param signal Aborting it removes the sleep and rejects it with the signal's reason.
   * @returns A promise that resolves when `advance`, `set` or `runAll` reaches the deadline.
   * @example An aborted sleep
   * ```ts
   * import assert from "node:assert/strict";
   * import { ManualClock } from "@wats/toolkit/http";
   *
   * const clock = new ManualClock();
   * const controller = new AbortController();
   * const wait = clock.sleep(1_000, controller.signal);
   * controller.abort(new Error("Cancelled"));
   * await assert.rejects(wait, { message: "Cancelled" });
   * assert.equal(clock.pendingSleeps, 0);
   * ```
   */
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (!(ms > 0)) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const entry: PendingSleep = { deadline: this.#now + ms, resolve };
      if (signal) {
        const onAbort = (): void => {
          const index = this.#sleeps.indexOf(entry);
          if (index >= 0) this.#sleeps.splice(index, 1);
          reject(signal.reason);
        };
        signal.addEventListener("abort", onAbort, { once: true });
        entry.resolve = () => {
          signal.removeEventListener("abort", onAbort);
          resolve();
        };
      }
      this.#insert(entry);
    });
  }

  /**
   * How many sleeps are waiting for time to move.
   *
   * @returns The number of pending, not aborted sleeps.
   * @example Counting sleeps
   * ```ts
   * import assert from "node:assert/strict";
   * import { ManualClock } from "@wats/toolkit/http";
   *
   * const clock = new ManualClock();
   * clock.sleep(10);
   * assert.equal(clock.pendingSleeps, 1);
   * await clock.runAll();
   * assert.equal(clock.pendingSleeps, 0);
   * ```
   */
  get pendingSleeps(): number {
    return this.#sleeps.length;
  }

  /**
   * The deadline of the next sleep to resolve.
   *
   * @returns Its time in milliseconds, or `null` when nothing sleeps.
   * @example Peeking at the next wake-up
   * ```ts
   * import assert from "node:assert/strict";
   * import { ManualClock } from "@wats/toolkit/http";
   *
   * const clock = new ManualClock(100);
   * clock.sleep(50);
   * assert.equal(clock.nextDeadline, 150);
   * await clock.runAll();
   * ```
   */
  get nextDeadline(): number | null {
    return this.#sleeps.length > 0 ? this.#sleeps[0].deadline : null;
  }

  /**
   * Moves time forward by `ms`, waking every sleep whose deadline is reached, in order.
   *
   * `advance(0)` only lets pending promise continuations run.
   *
   * @param ms How far to move, at least 0.
   * @returns A promise that resolves once time has moved and woken code has run.
   * @example Moving time forward
   * ```ts
   * import assert from "node:assert/strict";
   * import { ManualClock } from "@wats/toolkit/http";
   *
   * const clock = new ManualClock();
   * const order: number[] = [];
   * clock.sleep(20).then(() => order.push(20));
   * clock.sleep(10).then(() => order.push(10));
   * await clock.advance(30);
   * assert.deepEqual(order, [10, 20]);
   * ```
   */
  advance(ms: number): Promise<void> {
    if (!(ms >= 0) || !Number.isFinite(ms)) {
      return Promise.reject(new RangeError(`Advance must be a finite number >= 0, got ${ms}`));
    }
    return this.set(this.#now + ms);
  }

  /**
   * Sets the time to `time`, waking every sleep whose deadline is reached, in order.
   *
   * Setting an earlier time is allowed (to test a wall clock stepping back); it wakes nothing.
   *
   * @param time The new time in milliseconds.
   * @returns A promise that resolves once time has moved and woken code has run.
   * @example Jumping to a time
   * ```ts
   * import assert from "node:assert/strict";
   * import { ManualClock } from "@wats/toolkit/http";
   *
   * const clock = new ManualClock();
   * let wokeAt = 0;
   * clock.sleep(1_000).then(() => wokeAt = clock.now());
   * await clock.set(5_000);
   * assert.equal(wokeAt, 1_000);
   * assert.equal(clock.now(), 5_000);
   * ```
   */
  async set(time: number): Promise<void> {
    if (!Number.isFinite(time)) throw new RangeError(`Time must be finite, got ${time}`);
    await flush();
    while (this.#sleeps.length > 0 && this.#sleeps[0].deadline <= time) {
      const entry = this.#sleeps.shift() as PendingSleep;
      if (entry.deadline > this.#now) this.#now = entry.deadline;
      entry.resolve();
      await flush();
    }
    this.#now = time;
    await flush();
  }

  /**
   * Advances time from deadline to deadline until nothing sleeps any more.
   *
   * @param maxSteps A guard against code that always sleeps again (default 10 000 wake-ups).
   * @returns A promise that resolves when no sleep is pending.
   * @throws {Error} When sleeps are still pending after `maxSteps` wake-ups.
   * @example Running every timer
   * ```ts
   * import assert from "node:assert/strict";
   * import { ManualClock } from "@wats/toolkit/http";
   *
   * const clock = new ManualClock();
   * clock.sleep(100).then(() => clock.sleep(100));
   * await clock.runAll();
   * assert.equal(clock.now(), 200);
   * ```
   */
  async runAll(maxSteps = 10_000): Promise<void> {
    await flush();
    for (let step = 0; step < maxSteps; step++) {
      const next = this.nextDeadline;
      if (next === null) return;
      await this.set(Math.max(next, this.#now));
    }
    if (this.#sleeps.length > 0) {
      throw new Error(`Sleeps were still pending after ${maxSteps} wake-ups`);
    }
  }

  #insert(entry: PendingSleep): void {
    const sleeps = this.#sleeps;
    let low = 0;
    let high = sleeps.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (sleeps[mid].deadline <= entry.deadline) low = mid + 1;
      else high = mid;
    }
    sleeps.splice(low, 0, entry);
  }
}
