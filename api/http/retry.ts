/**
 * Retries with full-jitter exponential backoff, and `Retry-After` parsing.
 *
 * Design notes:
 * - **Full jitter.** The delay before retry `n` (0-based) is uniform in
 *   `[0, min(maxDelayMs, baseDelayMs × 2^n))`, which spreads a crowd of stations that failed
 *   together instead of making them retry in lockstep.
 * - **Polite.** When the server says how long to wait (`Retry-After`, seconds or an HTTP-date),
 *   that wait is used as given: never shortened to the backoff cap.
 * - **Clock-injected.** Sleeping goes through a {@link Clock}, randomness through `random`, so
 *   tests are exact and never sleep for real.
 *
 * @example Retrying a flaky call
 * ```ts
 * import assert from "node:assert/strict";
 * import { retry, RetryPolicy } from "@wats/toolkit/http";
 *
 * const policy = new RetryPolicy({ maxAttempts: 3, baseDelayMs: 1 });
 * const result = await retry((attempt) => {
 *   if (attempt < 2) return Promise.reject(new Error("Busy"));
 *   return Promise.resolve(`done on attempt ${attempt}`);
 * }, { policy, isRetryable: () => true });
 * assert.equal(result, "done on attempt 2");
 * ```
 *
 * @module
 */

import { type Clock, systemClock } from "../../util/clock.ts";

/**
 * Options of {@link RetryPolicy}.
 *
 * @category Retry
 */
export interface RetryOptions {
  /** Total attempts including the first try, a positive integer (default 3). */
  maxAttempts?: number;
  /** Backoff base in milliseconds (default 1 000). */
  baseDelayMs?: number;
  /** Cap of the computed backoff in milliseconds (default 30 000); not applied to Retry-After. */
  maxDelayMs?: number;
  /** HTTP statuses worth retrying (default 408, 429, 500, 502, 503, 504). */
  retryStatuses?: readonly number[];
  /** Uniform random number in `[0, 1)` (default `Math.random`). */
  random?: () => number;
  /** Source of time and timers (default {@link systemClock}). */
  clock?: Clock;
}

/** The statuses retried by default: timeout, too many requests and transient server errors. */
const DEFAULT_RETRY_STATUSES: readonly number[] = [408, 429, 500, 502, 503, 504];

/**
 * How often and how long to wait between attempts.
 *
 * @example Delays before each retry
 * ```ts
 * import assert from "node:assert/strict";
 * import { RetryPolicy } from "@wats/toolkit/http";
 *
 * const policy = new RetryPolicy({ random: () => 0.5 });
 * assert.deepEqual([policy.delayMs(0), policy.delayMs(1), policy.delayMs(0, 10_000)], [
 *   500,
 *   1_000,
 *   10_000,
 * ]);
 * ```
 *
 * @category Retry
 */
export class RetryPolicy {
  /** Total attempts including the first try. */
  readonly maxAttempts: number;
  /** Backoff base in milliseconds. */
  readonly baseDelayMs: number;
  /** Cap of the computed backoff in milliseconds. */
  readonly maxDelayMs: number;
  /** HTTP statuses worth retrying. */
  readonly retryStatuses: readonly number[];
  #statuses: ReadonlySet<number>;
  #random: () => number;
  #clock: Clock;

  /**
   * Creates a policy.
   *
   * @param options Attempts, delays, statuses, and the random source and clock for tests.
   * @throws {RangeError} When `maxAttempts` is not a positive integer or a delay is negative.
   * @example Five attempts, 200 ms base
   * ```ts
   * import assert from "node:assert/strict";
   * import { RetryPolicy } from "@wats/toolkit/http";
   *
   * const policy = new RetryPolicy({ maxAttempts: 5, baseDelayMs: 200 });
   * assert.equal(policy.maxAttempts, 5);
   * assert.equal(policy.isRetryableStatus(503), true);
   * ```
   */
  constructor(options: RetryOptions = {}) {
    const {
      maxAttempts = 3,
      baseDelayMs = 1_000,
      maxDelayMs = 30_000,
      retryStatuses = DEFAULT_RETRY_STATUSES,
      random = Math.random,
      clock = systemClock,
    } = options;
    if (!Number.isSafeInteger(maxAttempts) || maxAttempts < 1) {
      throw new RangeError(`Retry maxAttempts must be a positive integer, got ${maxAttempts}`);
    }
    if (!(baseDelayMs >= 0) || !Number.isFinite(baseDelayMs)) {
      throw new RangeError(`Retry baseDelayMs must be a finite number >= 0, got ${baseDelayMs}`);
    }
    if (!(maxDelayMs >= 0)) {
      throw new RangeError(`Retry maxDelayMs must be a number >= 0, got ${maxDelayMs}`);
    }
    this.maxAttempts = maxAttempts;
    this.baseDelayMs = baseDelayMs;
    this.maxDelayMs = maxDelayMs;
    this.retryStatuses = Object.freeze([...retryStatuses]);
    this.#statuses = new Set(retryStatuses);
    this.#random = random;
    this.#clock = clock;
  }

  /**
   * Whether a response with this status is worth another attempt.
   *
   * @param status The HTTP status code.
   * @returns `true` for the configured retry statuses.
   * @example Which statuses retry
   * ```ts
   * import assert from "node:assert/strict";
   * import { RetryPolicy } from "@wats/toolkit/http";
   *
   * const policy = new RetryPolicy();
   * assert.equal(policy.isRetryableStatus(429), true);
   * assert.equal(policy.isRetryableStatus(404), false);
   * ```
   */
  isRetryableStatus(status: number): boolean {
    return this.#statuses.has(status);
  }

  /**
   * The full-jitter backoff after a failed attempt: `random() × min(maxDelayMs, base × 2^attempt)`.
   *
   * @param attempt The failed attempt, 0-based (0 is the first try).
   * @returns The delay in milliseconds, in `[0, maxDelayMs)`.
   * @example The upper bounds double, then stop at the cap
   * ```ts
   * import assert from "node:assert/strict";
   * import { RetryPolicy } from "@wats/toolkit/http";
   *
   * const policy = new RetryPolicy({ baseDelayMs: 1_000, maxDelayMs: 5_000, random: () => 0.5 });
   * assert.deepEqual([0, 1, 2, 3].map((attempt) => policy.backoffMs(attempt)), [500, 1_000, 2_000, 2_500]);
   * ```
   */
  backoffMs(attempt: number): number {
    const ceiling = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** Math.max(0, attempt));
    return this.#random() * ceiling;
  }

  /**
   * The wait before the next attempt: the server's `Retry-After` when it gave one, else the
   * backoff.
   *
   * @param attempt The failed attempt, 0-based.
   * @param retryAfterMs The server's requested wait (see {@link parseRetryAfter}), if any.
   * @returns The delay in milliseconds; a server's request is never capped below what it asked.
   * @example Honouring Retry-After
   * ```ts
   * import assert from "node:assert/strict";
   * import { parseRetryAfter, RetryPolicy } from "@wats/toolkit/http";
   *
   * const policy = new RetryPolicy({ maxDelayMs: 30_000 });
   * assert.equal(policy.delayMs(0, parseRetryAfter("120", Date.now())), 120_000);
   * ```
   */
  delayMs(attempt: number, retryAfterMs?: number | null): number {
    if (retryAfterMs != null && retryAfterMs >= 0) return retryAfterMs;
    return this.backoffMs(attempt);
  }

  /**
   * Sleeps through the policy's clock.
   *
   * @param ms How long to wait.
   * @param signal Aborting it rejects the wait with the signal's reason.
   * @returns A promise that resolves after `ms`.
   * @example Waiting the computed delay
   * ```ts
   * import assert from "node:assert/strict";
   * import { ManualClock, RetryPolicy } from "@wats/toolkit/http";
   *
   * const clock = new ManualClock();
   * const policy = new RetryPolicy({ baseDelayMs: 2, clock });
   * const delay = policy.delayMs(0);
   * const wait = policy.sleep(delay);
   * await clock.advance(delay);
   * await wait;
   * assert.equal(clock.now(), delay);
   * ```
   */
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return this.#clock.sleep(ms, signal);
  }
}

/** A number of seconds: digits, optionally with a fraction; a leading sign is caught too. */
const SECONDS = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/;
/** The three HTTP-date forms of RFC 9110 §5.6.7, and ISO 8601 date-times. */
const IMF_FIXDATE =
  /^(?:[a-z]{3},\s*)?\d{1,2}\s+[a-z]{3}\s+\d{4}\s+\d{1,2}:\d{2}(?::\d{2})?\s+(?:gmt|ut|utc|z|[+-]\d{4})$/i;
const RFC_850 = /^[a-z]+,\s*\d{1,2}-[a-z]{3}-\d{2,4}\s+\d{1,2}:\d{2}:\d{2}\s+gmt$/i;
const ASCTIME = /^[a-z]{3}\s+[a-z]{3}\s+\d{1,2}\s+\d{1,2}:\d{2}:\d{2}\s+\d{4}$/i;
const ISO_8601 = /^\d{4}-\d{2}-\d{2}[t ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:z|[+-]\d{2}:?\d{2})$/i;

/**
 * Parses a `Retry-After` header into a wait in milliseconds.
 *
 * Accepts delta-seconds (`"120"`, also `"1.5"`) and HTTP-dates (IMF-fixdate, the obsolete RFC 850
 * and asctime forms, and ISO 8601 date-times with a zone). Strings that merely happen to be
 * accepted by `Date.parse` (`"1"`, `"foo 12"`) are refused.
 *
 * @param value The header value, or `null`/`undefined` when absent.
 * @param nowMs The current time in milliseconds since the epoch, to turn a date into a wait.
 * @returns The wait in whole milliseconds (rounded up); `0` for a date in the past; `null` for a
 *   missing, negative or unparsable value.
 * @example Both forms
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseRetryAfter } from "@wats/toolkit/http";
 *
 * const now = Date.UTC(2025, 0, 1, 12, 0, 0);
 * assert.equal(parseRetryAfter("30", now), 30_000);
 * assert.equal(parseRetryAfter("Wed, 01 Jan 2025 12:01:00 GMT", now), 60_000);
 * assert.equal(parseRetryAfter("soon", now), null);
 * ```
 *
 * @category Retry
 */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | null {
  if (value == null) return null;
  const text = value.trim();
  if (text === "") return null;
  if (SECONDS.test(text)) {
    const seconds = Number(text);
    if (!Number.isFinite(seconds) || seconds < 0) return null;
    // Round to microseconds first so 1.1 s is 1100 ms, not 1101 after float error.
    return Math.ceil(Math.round(seconds * 1e6) / 1e3);
  }
  let dateText: string;
  if (IMF_FIXDATE.test(text) || RFC_850.test(text) || ISO_8601.test(text)) dateText = text;
  else if (ASCTIME.test(text)) dateText = `${text} GMT`; // asctime carries no zone; it is GMT
  else return null;
  const time = Date.parse(dateText);
  if (Number.isNaN(time)) return null;
  return Math.max(0, Math.ceil(time - nowMs));
}

/**
 * Options of {@link retry}.
 *
 * @category Retry
 */
export interface RetryLoopOptions {
  /** Attempts and delays. */
  policy: RetryPolicy;
  /** Whether an error is worth another attempt; `false` rethrows it at once. */
  isRetryable: (error: unknown) => boolean;
  /** The wait the server asked for with this error, if any (e.g. from `Retry-After`). */
  retryAfterMs?: (error: unknown) => number | null;
  /** Aborting it stops the loop, also while waiting; the loop rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Called before each wait, e.g. to log the retry. */
  onRetry?: (info: { attempt: number; error: unknown; delayMs: number }) => void;
}

/**
 * Calls `fn` until it succeeds, the error is not retryable, or the attempts run out.
 *
 * For callers outside the HTTP transport (for example the station queue); the transport has its
 * own loop that also throttles each attempt.
 *
 * @param fn The operation; receives the 0-based attempt number.
 * @param options The policy, the retryable test, an optional server wait and an abort signal.
 * @returns The first successful result.
 * @throws The last error when attempts run out or the error is not retryable; the signal's
 *   reason when aborted.
 * @example Retrying only transient errors
 * ```ts
 * import assert from "node:assert/strict";
 * import { retry, RetryPolicy } from "@wats/toolkit/http";
 *
 * let calls = 0;
 * await assert.rejects(
 *   retry(() => {
 *     calls++;
 *     return Promise.reject(new TypeError("Bad input"));
 *   }, {
 *     policy: new RetryPolicy({ baseDelayMs: 1 }),
 *     isRetryable: (error) => !(error instanceof TypeError),
 *   }),
 *   { message: "Bad input" },
 * );
 * assert.equal(calls, 1);
 * ```
 *
 * @category Retry
 */
export async function retry<T>(
  fn: (attempt: number) => Promise<T>,
  options: RetryLoopOptions,
): Promise<T> {
  const { policy, isRetryable, retryAfterMs, signal, onRetry } = options;
  for (let attempt = 0;; attempt++) {
    signal?.throwIfAborted();
    try {
      return await fn(attempt);
    } catch (error) {
      signal?.throwIfAborted();
      if (attempt + 1 >= policy.maxAttempts || !isRetryable(error)) throw error;
      const delayMs = policy.delayMs(attempt, retryAfterMs?.(error) ?? null);
      onRetry?.({ attempt, error, delayMs });
      await policy.sleep(delayMs, signal);
    }
  }
}
