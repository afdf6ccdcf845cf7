/**
 * A circuit breaker: after repeated failures, stop calling a server that is down, then probe it
 * carefully before letting traffic back.
 *
 * ```
 * closed --failureThreshold consecutive failures--> open
 * open --cooldownMs elapsed--> half-open
 * half-open --a probe fails--> open (a new cooldown)
 * half-open --successThreshold probe successes--> closed
 * ```
 *
 * Design notes:
 * - **Pure and clock-injected.** No timers: the open → half-open step happens when the breaker is
 *   next looked at (`state`, `tryPass`, `stats`) after the cooldown; `onStateChange` fires then.
 * - **Limited probing.** In half-open at most `halfOpenMaxProbes` calls are in flight. Each passed
 *   probe must end in exactly one of {@link CircuitBreaker.recordSuccess},
 *   {@link CircuitBreaker.recordFailure} or {@link CircuitBreaker.release}.
 * - **Stragglers.** An outcome reported while open, or in half-open with no probe in flight,
 *   comes from a call admitted before the breaker opened: it is old news and changes nothing.
 *   A straggler arriving while a probe is in flight cannot be told apart from the probe.
 *
 * @example Guarding calls
 * ```ts
 * import assert from "node:assert/strict";
 * import { CircuitBreaker } from "@wats/toolkit/http";
 *
 * const breaker = new CircuitBreaker({ failureThreshold: 5, cooldownMs: 60_000 });
 * const decision = breaker.tryPass();
 * assert.equal(decision.allowed, true);
 * try {
 *   await Promise.resolve("call the server");
 *   breaker.recordSuccess();
 * } catch (error) {
 *   breaker.recordFailure();
 *   throw error;
 * }
 * assert.equal(breaker.state, "closed");
 * ```
 *
 * @module
 */

import { type Clock, systemClock } from "../../util/clock.ts";

/**
 * Where the breaker stands: passing calls, refusing them, or probing.
 *
 * @category Circuit breaker
 */
export type BreakerState = "closed" | "open" | "half-open";

/**
 * Options of {@link CircuitBreaker}.
 *
 * @category Circuit breaker
 */
export interface CircuitBreakerOptions {
  /** Consecutive failures that open the breaker (default 5). */
  failureThreshold?: number;
  /** Time the breaker stays open before probing, in milliseconds (default 60 000). */
  cooldownMs?: number;
  /** Probe successes in half-open that close the breaker (default 2). */
  successThreshold?: number;
  /** Probes allowed in flight at once in half-open (default 1). */
  halfOpenMaxProbes?: number;
  /** Source of time (default {@link systemClock}). */
  clock?: Clock;
  /** Called after each state change; it must not throw. */
  onStateChange?: (from: BreakerState, to: BreakerState) => void;
}

/**
 * The answer of {@link CircuitBreaker.tryPass}: go ahead (as a probe or not), or come back at
 * `retryAtMs`.
 *
 * @category Circuit breaker
 */
export type BreakerDecision = { allowed: true; probe: boolean } | {
  allowed: false;
  retryAtMs: number;
};

/**
 * Counters of a breaker, a snapshot.
 *
 * @category Circuit breaker
 */
export interface CircuitBreakerStats {
  /** The current state. */
  state: BreakerState;
  /** Failures since the last success (closed state). */
  consecutiveFailures: number;
  /** How often the breaker opened. */
  opens: number;
  /** Calls refused by {@link CircuitBreaker.tryPass}. */
  rejected: number;
  /** When an open breaker starts probing, in ms since the epoch; `null` unless open. */
  retryAtMs: number | null;
}

/** When half-open probe slots are all taken, callers are told to come back this soon at most. */
const PROBE_BUSY_RETRY_MS = 1_000;

function positiveInteger(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(`Circuit breaker ${name} must be a positive integer, got ${value}`);
  }
  return value;
}

/**
 * Fails fast while a server is down, then lets a few probes test it.
 *
 * @example The whole cycle with a test clock
 * ```ts
 * import assert from "node:assert/strict";
 * import { CircuitBreaker, ManualClock } from "@wats/toolkit/http";
 *
 * const clock = new ManualClock();
 * const breaker = new CircuitBreaker({ failureThreshold: 2, cooldownMs: 1_000, clock });
 * breaker.recordFailure();
 * breaker.recordFailure();
 * assert.equal(breaker.state, "open");
 * assert.deepEqual(breaker.tryPass(), { allowed: false, retryAtMs: 1_000 });
 * await clock.advance(1_000);
 * assert.deepEqual(breaker.tryPass(), { allowed: true, probe: true });
 * breaker.recordSuccess();
 * breaker.tryPass();
 * breaker.recordSuccess();
 * assert.equal(breaker.state, "closed");
 * ```
 *
 * @category Circuit breaker
 */
export class CircuitBreaker {
  /** Consecutive failures that open the breaker. */
  readonly failureThreshold: number;
  /** Time the breaker stays open before probing, in milliseconds. */
  readonly cooldownMs: number;
  /** Probe successes in half-open that close the breaker. */
  readonly successThreshold: number;
  /** Probes allowed in flight at once in half-open. */
  readonly halfOpenMaxProbes: number;
  #clock: Clock;
  #onStateChange: ((from: BreakerState, to: BreakerState) => void) | undefined;
  #state: BreakerState = "closed";
  #consecutiveFailures = 0;
  #openedAt = 0;
  #probesInFlight = 0;
  #probeSuccesses = 0;
  #opens = 0;
  #rejected = 0;

  /**
   * Creates a closed breaker.
   *
   * @param options Thresholds, cooldown, clock and a state-change callback.
   * @throws {RangeError} When a threshold is not a positive integer or the cooldown is negative.
   * @example Logging state changes
   * ```ts
   * import assert from "node:assert/strict";
   * import { CircuitBreaker } from "@wats/toolkit/http";
   *
   * const changes: string[] = [];
   * const breaker = new CircuitBreaker({
   *   failureThreshold: 1,
   *   onStateChange: (from, to) => changes.push(`${from} -> ${to}`),
   * });
   * breaker.recordFailure();
   * assert.deepEqual(changes, ["closed -> open"]);
   * ```
   */
  constructor(options: CircuitBreakerOptions = {}) {
    this.failureThreshold = positiveInteger("failureThreshold", options.failureThreshold ?? 5);
    this.successThreshold = positiveInteger("successThreshold", options.successThreshold ?? 2);
    this.halfOpenMaxProbes = positiveInteger("halfOpenMaxProbes", options.halfOpenMaxProbes ?? 1);
    const cooldownMs = options.cooldownMs ?? 60_000;
    if (!(cooldownMs >= 0) || !Number.isFinite(cooldownMs)) {
      throw new RangeError(
        `Circuit breaker cooldownMs must be a finite number >= 0, got ${cooldownMs}`,
      );
    }
    this.cooldownMs = cooldownMs;
    this.#clock = options.clock ?? systemClock;
    this.#onStateChange = options.onStateChange;
  }

  /**
   * The current state; reports `"half-open"` as soon as the cooldown has elapsed.
   *
   * @returns `"closed"`, `"open"` or `"half-open"`.
   * @example A new breaker
   * ```ts
   * import assert from "node:assert/strict";
   * import { CircuitBreaker } from "@wats/toolkit/http";
   *
   * assert.equal(new CircuitBreaker().state, "closed");
   * ```
   */
  get state(): BreakerState {
    return this.#refresh();
  }

  /**
   * Asks to make a call. While open nothing passes; after the cooldown up to
   * `halfOpenMaxProbes` probes pass at once.
   *
   * A passed call must later report `recordSuccess`, `recordFailure` or `release`.
   *
   * @returns `{ allowed: true, probe }`, or `{ allowed: false, retryAtMs }` with the time worth
   *   trying again (the end of the cooldown, or shortly when the probe slots are busy).
   * @example Refused while open
   * ```ts
   * import assert from "node:assert/strict";
   * import { CircuitBreaker } from "@wats/toolkit/http";
   *
   * const breaker = new CircuitBreaker({ failureThreshold: 1 });
   * breaker.recordFailure();
   * assert.equal(breaker.tryPass().allowed, false);
   * ```
   */
  tryPass(): BreakerDecision {
    const state = this.#refresh();
    if (state === "closed") return { allowed: true, probe: false };
    if (state === "half-open" && this.#probesInFlight < this.halfOpenMaxProbes) {
      this.#probesInFlight++;
      return { allowed: true, probe: true };
    }
    this.#rejected++;
    if (state === "open") return { allowed: false, retryAtMs: this.#openedAt + this.cooldownMs };
    const retryAtMs = this.#clock.now() + Math.min(this.cooldownMs, PROBE_BUSY_RETRY_MS);
    return { allowed: false, retryAtMs };
  }

  /**
   * Reports that a passed call succeeded: resets the failure count, or counts toward closing.
   *
   * @example Success resets the count
   * ```ts
   * import assert from "node:assert/strict";
   * import { CircuitBreaker } from "@wats/toolkit/http";
   *
   * const breaker = new CircuitBreaker({ failureThreshold: 2 });
   * breaker.recordFailure();
   * breaker.recordSuccess();
   * breaker.recordFailure();
   * assert.equal(breaker.state, "closed");
   * ```
   */
  recordSuccess(): void {
    const state = this.#refresh();
    if (state === "closed") {
      this.#consecutiveFailures = 0;
    } else if (state === "half-open" && this.#probesInFlight > 0) {
      this.#probesInFlight--;
      this.#probeSuccesses++;
      if (this.#probeSuccesses >= this.successThreshold) {
        this.#consecutiveFailures = 0;
        this.#probesInFlight = 0;
        this.#probeSuccesses = 0;
        this.#transition("closed");
      }
    }
  }

  /**
   * Reports that a passed call failed (the server is unreachable or failing): counts toward
   * opening, or reopens from half-open.
   *
   * @example Opening after the threshold
   * ```ts
   * import assert from "node:assert/strict";
   * import { CircuitBreaker } from "@wats/toolkit/http";
   *
   * const breaker = new CircuitBreaker({ failureThreshold: 3 });
   * for (let i = 0; i < 3; i++) breaker.recordFailure();
   * assert.equal(breaker.state, "open");
   * assert.equal(breaker.stats.opens, 1);
   * ```
   */
  recordFailure(): void {
    const state = this.#refresh();
    if (state === "closed") {
      this.#consecutiveFailures++;
      if (this.#consecutiveFailures >= this.failureThreshold) this.#open();
    } else if (state === "half-open" && this.#probesInFlight > 0) {
      this.#consecutiveFailures++;
      this.#open();
    }
  }

  /**
   * Reports that a passed call ended neither as a success nor as a failure (e.g. a 4xx answer
   * that says nothing about the server's health); frees its probe slot.
   *
   * @example Freeing a probe slot
   * ```ts
   * import assert from "node:assert/strict";
   * import { CircuitBreaker, ManualClock } from "@wats/toolkit/http";
   *
   * const clock = new ManualClock();
   * const breaker = new CircuitBreaker({ failureThreshold: 1, cooldownMs: 10, clock });
   * breaker.recordFailure();
   * await clock.advance(10);
   * breaker.tryPass();
   * assert.equal(breaker.tryPass().allowed, false); // the probe slot is taken
   * breaker.release();
   * assert.equal(breaker.tryPass().allowed, true);
   * ```
   */
  release(): void {
    if (this.#refresh() === "half-open" && this.#probesInFlight > 0) this.#probesInFlight--;
  }

  /**
   * Counters, a snapshot taken now.
   *
   * @returns State, failure count, opens, refusals and the end of the current cooldown.
   * @example Reading the counters
   * ```ts
   * import assert from "node:assert/strict";
   * import { CircuitBreaker } from "@wats/toolkit/http";
   *
   * const breaker = new CircuitBreaker();
   * breaker.recordFailure();
   * assert.equal(breaker.stats.consecutiveFailures, 1);
   * ```
   */
  get stats(): CircuitBreakerStats {
    const state = this.#refresh();
    return {
      state,
      consecutiveFailures: this.#consecutiveFailures,
      opens: this.#opens,
      rejected: this.#rejected,
      retryAtMs: state === "open" ? this.#openedAt + this.cooldownMs : null,
    };
  }

  /** Moves open to half-open once the cooldown is over. */
  #refresh(): BreakerState {
    if (this.#state === "open" && this.#clock.now() >= this.#openedAt + this.cooldownMs) {
      this.#probesInFlight = 0;
      this.#probeSuccesses = 0;
      this.#transition("half-open");
    }
    return this.#state;
  }

  #open(): void {
    this.#openedAt = this.#clock.now();
    this.#opens++;
    this.#probesInFlight = 0;
    this.#probeSuccesses = 0;
    this.#transition("open");
  }

  #transition(to: BreakerState): void {
    const from = this.#state;
    this.#state = to;
    this.#onStateChange?.(from, to);
  }
}
