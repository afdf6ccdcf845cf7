import assert from "node:assert/strict";
import { ManualClock } from "../../../util/clock.ts";
import { parseRetryAfter, retry, RetryPolicy } from "../../../api/http/retry.ts";

Deno.test("RetryPolicy backoff is random × min(cap, base × 2^attempt)", () => {
  const expected: Record<string, number[]> = {
    "0": [0, 0, 0, 0, 0, 0],
    "0.5": [500, 1_000, 2_000, 4_000, 8_000, 15_000],
    "0.999": [999, 1_998, 3_996, 7_992, 15_984, 29_970],
  };
  for (const [random, delays] of Object.entries(expected)) {
    const policy = new RetryPolicy({ random: () => Number(random) });
    const actual = [0, 1, 2, 3, 4, 5].map((attempt) => policy.backoffMs(attempt));
    actual.forEach((delay, attempt) =>
      assert.ok(Math.abs(delay - delays[attempt]) < 1e-6, `random ${random} attempt ${attempt}`)
    );
  }
});

Deno.test("RetryPolicy caps the backoff, also for huge attempt numbers", () => {
  const policy = new RetryPolicy({ baseDelayMs: 100, maxDelayMs: 1_000, random: () => 0.999 });
  assert.ok(Math.abs(policy.backoffMs(3) - 799.2) < 1e-9);
  assert.equal(policy.backoffMs(4), 999);
  assert.equal(policy.backoffMs(2_000), 999);
});

Deno.test("RetryPolicy delay uses Retry-After as given, even above the cap", () => {
  const policy = new RetryPolicy({ maxDelayMs: 30_000, random: () => 0.5 });
  assert.equal(policy.delayMs(0, 120_000), 120_000);
  assert.equal(policy.delayMs(3, 0), 0);
  assert.equal(policy.delayMs(1, null), 1_000);
  assert.equal(policy.delayMs(1), 1_000);
  assert.equal(policy.delayMs(1, -5), 1_000);
});

Deno.test("RetryPolicy retry statuses: defaults and custom", () => {
  const defaults = new RetryPolicy();
  assert.deepEqual(
    [400, 401, 404, 408, 409, 429, 500, 501, 502, 503, 504].filter((status) =>
      defaults.isRetryableStatus(status)
    ),
    [408, 429, 500, 502, 503, 504],
  );
  const custom = new RetryPolicy({ retryStatuses: [503] });
  assert.equal(custom.isRetryableStatus(503), true);
  assert.equal(custom.isRetryableStatus(500), false);
  assert.deepEqual(custom.retryStatuses, [503]);
});

Deno.test("RetryPolicy validates its options", () => {
  assert.equal(new RetryPolicy().maxAttempts, 3);
  assert.throws(() => new RetryPolicy({ maxAttempts: 0 }), RangeError);
  assert.throws(() => new RetryPolicy({ maxAttempts: 2.5 }), RangeError);
  assert.throws(() => new RetryPolicy({ baseDelayMs: -1 }), RangeError);
  assert.throws(() => new RetryPolicy({ maxDelayMs: Number.NaN }), RangeError);
});

Deno.test("RetryPolicy sleeps through its clock", async () => {
  const clock = new ManualClock();
  const policy = new RetryPolicy({ clock });
  let woke = false;
  const sleeping = policy.sleep(250).then(() => woke = true);
  await clock.advance(249);
  assert.equal(woke, false);
  await clock.advance(1);
  await sleeping;
  assert.equal(woke, true);
});

const NOW = Date.UTC(2025, 5, 1, 12, 0, 0);

Deno.test("parseRetryAfter reads delta-seconds", () => {
  assert.equal(parseRetryAfter("120", NOW), 120_000);
  assert.equal(parseRetryAfter(" 5 ", NOW), 5_000);
  assert.equal(parseRetryAfter("0", NOW), 0);
  assert.equal(parseRetryAfter("1.5", NOW), 1_500);
  assert.equal(parseRetryAfter("1.1", NOW), 1_100);
  assert.equal(parseRetryAfter("0.0001", NOW), 1);
});

Deno.test("parseRetryAfter reads HTTP-dates in every form", () => {
  assert.equal(parseRetryAfter("Sun, 01 Jun 2025 12:01:00 GMT", NOW), 60_000);
  assert.equal(parseRetryAfter("Sunday, 01-Jun-25 12:00:30 GMT", NOW), 30_000);
  assert.equal(parseRetryAfter("Sun Jun  1 12:00:10 2025", NOW), 10_000);
  assert.equal(parseRetryAfter("2025-06-01T12:00:02Z", NOW), 2_000);
  assert.equal(parseRetryAfter("2025-06-01T14:00:02+02:00", NOW), 2_000);
});

Deno.test("parseRetryAfter turns past dates into 0", () => {
  assert.equal(parseRetryAfter("Sun, 06 Nov 1994 08:49:37 GMT", NOW), 0);
  assert.equal(parseRetryAfter("Sun, 01 Jun 2025 11:59:59 GMT", NOW), 0);
});

Deno.test("parseRetryAfter refuses garbage, negatives and absent values", () => {
  for (
    const value of [
      null,
      undefined,
      "",
      "  ",
      "soon",
      "-5",
      "-0.5",
      "1e3",
      "12 abc",
      "foo 12",
      "May 5",
      "Sun, 32 Foo 2025 12:00:00 GMT",
      "NaN",
      "Infinity",
    ]
  ) {
    assert.equal(parseRetryAfter(value, NOW), null, `value ${JSON.stringify(value)}`);
  }
});

Deno.test("retry returns the first success and waits the policy's delays", async () => {
  const clock = new ManualClock();
  const policy = new RetryPolicy({ maxAttempts: 4, random: () => 0.5, clock });
  const attempts: number[] = [];
  const delays: number[] = [];
  const result = retry((attempt) => {
    attempts.push(attempt);
    return attempt < 2 ? Promise.reject(new Error("Busy")) : Promise.resolve(`ok ${attempt}`);
  }, {
    policy,
    isRetryable: () => true,
    onRetry: ({ delayMs }) => delays.push(delayMs),
  });
  await clock.runAll();
  assert.equal(await result, "ok 2");
  assert.deepEqual(attempts, [0, 1, 2]);
  assert.deepEqual(delays, [500, 1_000]);
  assert.equal(clock.now(), 1_500);
});

Deno.test("retry stops after maxAttempts and rethrows the last error", async () => {
  const clock = new ManualClock();
  const policy = new RetryPolicy({ maxAttempts: 3, random: () => 0, clock });
  let calls = 0;
  const result = retry(() => Promise.reject(new Error(`failure ${++calls}`)), {
    policy,
    isRetryable: () => true,
  });
  const settled = assert.rejects(result, { message: "failure 3" });
  await clock.runAll();
  await settled;
  assert.equal(calls, 3);
});

Deno.test("retry rethrows a non-retryable error at once", async () => {
  const policy = new RetryPolicy({ maxAttempts: 5, baseDelayMs: 0, clock: new ManualClock() });
  let calls = 0;
  const failure = new TypeError("Bad input");
  await assert.rejects(
    retry(() => {
      calls++;
      return Promise.reject(calls === 1 ? new Error("Busy") : failure);
    }, { policy, isRetryable: (error) => !(error instanceof TypeError) }),
    (error) => error === failure,
  );
  assert.equal(calls, 2);
});

Deno.test("retry waits what the error's Retry-After asks", async () => {
  const clock = new ManualClock();
  const policy = new RetryPolicy({ maxDelayMs: 1_000, clock });
  class Throttled extends Error {
    retryAfterMs = 90_000;
  }
  let calls = 0;
  const result = retry(
    () => ++calls === 1 ? Promise.reject(new Throttled()) : Promise.resolve(calls),
    {
      policy,
      isRetryable: (error) => error instanceof Throttled,
      retryAfterMs: (error) => error instanceof Throttled ? error.retryAfterMs : null,
    },
  );
  await clock.advance(89_999);
  assert.equal(calls, 1);
  await clock.advance(1);
  assert.equal(await result, 2);
});

Deno.test("retry aborts while waiting and before starting", async () => {
  const clock = new ManualClock();
  const policy = new RetryPolicy({ clock, random: () => 0.5 });
  const controller = new AbortController();
  const reason = new Error("Shutting down");
  let calls = 0;
  const result = retry(() => {
    calls++;
    return Promise.reject(new Error("Busy"));
  }, { policy, isRetryable: () => true, signal: controller.signal });
  await clock.advance(100);
  assert.equal(clock.pendingSleeps, 1);
  controller.abort(reason);
  await assert.rejects(result, (error) => error === reason);
  assert.equal(calls, 1);
  assert.equal(clock.pendingSleeps, 0);

  await assert.rejects(
    retry(() => Promise.resolve(calls++), {
      policy,
      isRetryable: () => true,
      signal: AbortSignal.abort(reason),
    }),
    (error) => error === reason,
  );
  assert.equal(calls, 1);
});
