import assert from "node:assert/strict";
import { type BreakerState, CircuitBreaker } from "../../../api/http/breaker.ts";
import { ManualClock } from "../../../util/clock.ts";

function setup(options: ConstructorParameters<typeof CircuitBreaker>[0] = {}) {
  const clock = new ManualClock(10_000);
  const changes: string[] = [];
  const breaker = new CircuitBreaker({
    failureThreshold: 3,
    cooldownMs: 1_000,
    clock,
    onStateChange: (from: BreakerState, to: BreakerState) =>
      changes.push(`${from}>${to}@${clock.now()}`),
    ...options,
  });
  return { clock, breaker, changes };
}

function fail(breaker: CircuitBreaker, times: number): void {
  for (let i = 0; i < times; i++) {
    assert.equal(breaker.tryPass().allowed, true);
    breaker.recordFailure();
  }
}

Deno.test("CircuitBreaker opens after failureThreshold consecutive failures", () => {
  const { breaker, changes } = setup();
  fail(breaker, 2);
  assert.equal(breaker.state, "closed");
  assert.deepEqual(breaker.tryPass(), { allowed: true, probe: false });
  breaker.recordFailure();
  assert.equal(breaker.state, "open");
  assert.deepEqual(changes, ["closed>open@10000"]);
});

Deno.test("CircuitBreaker success resets the failure count", () => {
  const { breaker } = setup();
  fail(breaker, 2);
  breaker.tryPass();
  breaker.recordSuccess();
  assert.equal(breaker.stats.consecutiveFailures, 0);
  fail(breaker, 2);
  assert.equal(breaker.state, "closed");
  fail(breaker, 1);
  assert.equal(breaker.state, "open");
});

Deno.test("CircuitBreaker open refuses until the cooldown ends, then reports half-open", async () => {
  const { clock, breaker, changes } = setup();
  fail(breaker, 3);
  await clock.advance(999);
  assert.deepEqual(breaker.tryPass(), { allowed: false, retryAtMs: 11_000 });
  assert.equal(breaker.state, "open");
  await clock.advance(1);
  assert.equal(breaker.state, "half-open");
  assert.deepEqual(changes, ["closed>open@10000", "open>half-open@11000"]);
});

Deno.test("CircuitBreaker half-open admits halfOpenMaxProbes probes at once", async () => {
  for (const probes of [1, 3]) {
    const { clock, breaker } = setup({ halfOpenMaxProbes: probes });
    fail(breaker, 3);
    await clock.advance(1_000);
    for (let i = 0; i < probes; i++) {
      assert.deepEqual(breaker.tryPass(), { allowed: true, probe: true });
    }
    assert.deepEqual(breaker.tryPass(), { allowed: false, retryAtMs: 12_000 });
    breaker.release();
    assert.deepEqual(breaker.tryPass(), { allowed: true, probe: true });
    assert.equal(breaker.tryPass().allowed, false);
  }
});

Deno.test("CircuitBreaker busy probe slots ask for a short wait, at most the cooldown", async () => {
  const { clock, breaker } = setup({ cooldownMs: 200 });
  fail(breaker, 3);
  await clock.advance(200);
  breaker.tryPass();
  assert.deepEqual(breaker.tryPass(), { allowed: false, retryAtMs: 10_400 });
});

Deno.test("CircuitBreaker probe failure reopens at once with a new cooldown", async () => {
  const { clock, breaker, changes } = setup();
  fail(breaker, 3);
  await clock.advance(1_500);
  assert.deepEqual(breaker.tryPass(), { allowed: true, probe: true });
  breaker.recordFailure();
  assert.equal(breaker.state, "open");
  assert.deepEqual(breaker.tryPass(), { allowed: false, retryAtMs: 12_500 });
  assert.deepEqual(changes, ["closed>open@10000", "open>half-open@11500", "half-open>open@11500"]);
  assert.equal(breaker.stats.opens, 2);
});

Deno.test("CircuitBreaker closes after successThreshold probe successes", async () => {
  const { clock, breaker, changes } = setup({ successThreshold: 2 });
  fail(breaker, 3);
  await clock.advance(1_000);
  assert.equal(breaker.tryPass().allowed, true);
  breaker.recordSuccess();
  assert.equal(breaker.state, "half-open");
  assert.equal(breaker.tryPass().allowed, true);
  breaker.recordSuccess();
  assert.equal(breaker.state, "closed");
  assert.deepEqual(breaker.tryPass(), { allowed: true, probe: false });
  assert.deepEqual(changes, [
    "closed>open@10000",
    "open>half-open@11000",
    "half-open>closed@11000",
  ]);
  fail(breaker, 2);
  assert.equal(breaker.state, "closed", "the failure count starts over after closing");
});

Deno.test("CircuitBreaker release frees a probe slot without counting", async () => {
  const { clock, breaker } = setup({ successThreshold: 1 });
  fail(breaker, 3);
  await clock.advance(1_000);
  breaker.tryPass();
  breaker.release();
  assert.equal(breaker.state, "half-open");
  breaker.release(); // an extra release must not open a second slot
  assert.equal(breaker.tryPass().allowed, true);
  assert.equal(breaker.tryPass().allowed, false);
  breaker.recordSuccess();
  assert.equal(breaker.state, "closed");
});

Deno.test("CircuitBreaker ignores outcomes of calls admitted before it opened", async () => {
  const { clock, breaker } = setup();
  const stragglers = [breaker.tryPass(), breaker.tryPass()];
  assert.ok(stragglers.every((decision) => decision.allowed));
  fail(breaker, 3);
  await clock.advance(500);
  breaker.recordFailure(); // a straggler while open does not extend the cooldown
  assert.equal(breaker.stats.retryAtMs, 11_000);
  await clock.advance(500);
  breaker.recordSuccess(); // nor does a straggler success count as a probe
  breaker.recordFailure();
  assert.equal(breaker.state, "half-open");
  assert.equal(breaker.stats.opens, 1);
});

Deno.test("CircuitBreaker stats report state, counts and the end of the cooldown", async () => {
  const { clock, breaker } = setup();
  assert.deepEqual(breaker.stats, {
    state: "closed",
    consecutiveFailures: 0,
    opens: 0,
    rejected: 0,
    retryAtMs: null,
  });
  fail(breaker, 3);
  breaker.tryPass();
  breaker.tryPass();
  assert.deepEqual(breaker.stats, {
    state: "open",
    consecutiveFailures: 3,
    opens: 1,
    rejected: 2,
    retryAtMs: 11_000,
  });
  await clock.advance(1_000);
  assert.deepEqual(breaker.stats, {
    state: "half-open",
    consecutiveFailures: 3,
    opens: 1,
    rejected: 2,
    retryAtMs: null,
  });
});

Deno.test("CircuitBreaker defaults and validation", () => {
  const breaker = new CircuitBreaker();
  assert.equal(breaker.failureThreshold, 5);
  assert.equal(breaker.cooldownMs, 60_000);
  assert.equal(breaker.successThreshold, 2);
  assert.equal(breaker.halfOpenMaxProbes, 1);
  assert.throws(() => new CircuitBreaker({ failureThreshold: 0 }), RangeError);
  assert.throws(() => new CircuitBreaker({ successThreshold: 1.5 }), RangeError);
  assert.throws(() => new CircuitBreaker({ halfOpenMaxProbes: -1 }), RangeError);
  assert.throws(() => new CircuitBreaker({ cooldownMs: -1 }), RangeError);
});
