import assert from "node:assert/strict";
import { type Clock, ManualClock } from "../../../util/clock.ts";
import { type Limiter, RateLimiter } from "../../../api/http/limiter.ts";
import { seeded } from "../../_random.ts";

interface Arrival {
  at: number;
  abortAt: number | null;
}

/** Random arrivals: bursts and quiet gaps; about one in six gives up at a random later time. */
function arrivals(random: () => number, count: number, windowMs: number): Arrival[] {
  const list: Arrival[] = [];
  let at = 0;
  for (let i = 0; i < count; i++) {
    const r = random();
    at += r < 0.5
      ? 0
      : r < 0.9
      ? Math.floor(random() * windowMs / 4)
      : Math.floor(random() * 3 * windowMs);
    // Aborts fall on half milliseconds, so they never tie with a grant (always whole ms here).
    const abortAt = random() < 1 / 6 ? at + Math.floor(random() * 2 * windowMs) + 0.5 : null;
    list.push({ at, abortAt });
  }
  return list;
}

/** The earliest grant times a fair, exact limiter can give; `null` for a waiter that gave up. */
function model(list: Arrival[], max: number, windowMs: number): (number | null)[] {
  const granted: number[] = [];
  return list.map(({ at, abortAt }) => {
    let time = Math.max(at, granted.at(-1) ?? at);
    if (granted.length >= max) time = Math.max(time, granted[granted.length - max] + windowMs);
    if (abortAt !== null && abortAt < time) return null;
    granted.push(time);
    return time;
  });
}

Deno.test("RateLimiter is exact, fair and as early as allowed (seeded random arrivals)", async () => {
  for (let seed = 1; seed <= 12; seed++) {
    const random = seeded(seed);
    const max = 1 + Math.floor(random() * 6);
    const windowMs = 100 + Math.floor(random() * 1_000);
    const list = arrivals(random, 250, windowMs);
    const clock = new ManualClock();
    const limiter = new RateLimiter({ maxRequests: max, windowMs, clock });
    const grants: (number | null)[] = list.map(() => null);
    const resolvedOrder: number[] = [];
    const settled: Promise<void>[] = [];
    const events: { time: number; run: () => void }[] = [];
    list.forEach((arrival, index) => {
      const controller = new AbortController();
      events.push({
        time: arrival.at,
        run: () => {
          settled.push(
            limiter.acquire(controller.signal).then(() => {
              grants[index] = clock.now();
              resolvedOrder.push(index);
            }, (error) => assert.equal(error.message, `gave up ${index}`)),
          );
        },
      });
      if (arrival.abortAt !== null) {
        const at = arrival.abortAt;
        events.push({ time: at, run: () => controller.abort(new Error(`gave up ${index}`)) });
      }
    });
    events.sort((a, b) => a.time - b.time); // stable: arrivals keep their order
    let maxTimers = 0;
    for (const event of events) {
      await clock.set(event.time);
      event.run();
      maxTimers = Math.max(maxTimers, clock.pendingSleeps);
    }
    await clock.runAll();
    await Promise.all(settled);

    const label = `seed ${seed} (max ${max}, window ${windowMs} ms)`;
    assert.deepEqual(grants, model(list, max, windowMs), label);
    const times = grants.filter((time) => time !== null);
    for (let i = 0; i + max < times.length; i++) {
      assert.ok(times[i + max] - times[i] >= windowMs, `${label}: window overfilled at ${i}`);
    }
    const expectedOrder = grants.flatMap((time, index) => time === null ? [] : [index]);
    assert.deepEqual(resolvedOrder, expectedOrder, `${label}: not first come, first served`);
    assert.equal(maxTimers <= 1, true, `${label}: more than one timer`);
    assert.equal(clock.pendingSleeps, 0);
    const stats = limiter.stats;
    assert.equal(stats.requests, times.length);
    assert.equal(stats.waiting, 0);
  }
});

Deno.test("RateLimiter grants at once while slots are free, then waits for the oldest", async () => {
  const clock = new ManualClock();
  const limiter = new RateLimiter({ maxRequests: 3, windowMs: 1_000, clock });
  await limiter.acquire();
  await clock.advance(100);
  await limiter.acquire();
  await limiter.acquire();
  let grantedAt: number | null = null;
  const fourth = limiter.acquire().then(() => grantedAt = clock.now());
  await clock.advance(899);
  assert.equal(grantedAt, null);
  await clock.advance(1);
  await fourth;
  assert.equal(grantedAt, 1_000);
  assert.equal(limiter.stats.inWindow, 3);
});

Deno.test("RateLimiter serves concurrent waiters in arrival order with one timer", async () => {
  const clock = new ManualClock();
  const limiter = new RateLimiter({ maxRequests: 2, windowMs: 100, clock });
  const order: string[] = [];
  const all = ["a", "b", "c", "d", "e", "f"].map((name) =>
    limiter.acquire().then(() => order.push(`${name}@${clock.now()}`))
  );
  await clock.advance(0);
  assert.deepEqual(order, ["a@0", "b@0"]);
  assert.equal(clock.pendingSleeps, 1);
  assert.equal(limiter.stats.waiting, 4);
  await clock.runAll();
  await Promise.all(all);
  assert.deepEqual(order, ["a@0", "b@0", "c@100", "d@100", "e@200", "f@200"]);
});

/** A clock whose timers fire only when the test says so, to freeze the moment a slot frees. */
function heldClock(): Clock & { time: number; fire: () => void } {
  const pending: (() => void)[] = [];
  return {
    time: 0,
    now() {
      return this.time;
    },
    sleep(_ms: number, signal?: AbortSignal) {
      return new Promise<void>((resolve, reject) => {
        pending.push(resolve);
        signal?.addEventListener("abort", () => reject(signal.reason), { once: true });
      });
    },
    fire() {
      pending.shift()?.();
    },
  };
}

Deno.test("RateLimiter never lets a newcomer overtake a waiter, even with a free slot", async () => {
  const clock = heldClock();
  const limiter = new RateLimiter({ maxRequests: 1, windowMs: 100, clock });
  await limiter.acquire();
  const order: string[] = [];
  const first = limiter.acquire().then(() => order.push("waiter"));
  clock.time = 150; // the slot is free, but the waiter's timer has not fired yet
  assert.equal(limiter.tryAcquire(), false);
  const second = limiter.acquire().then(() => order.push("newcomer"));
  assert.equal(limiter.stats.waiting, 2);
  clock.fire();
  await first;
  assert.deepEqual(order, ["waiter"]);
  clock.time = 250;
  clock.fire();
  await second;
  assert.deepEqual(order, ["waiter", "newcomer"]);
});

Deno.test("RateLimiter rejects an already aborted acquire without taking a slot", async () => {
  const clock = new ManualClock();
  const limiter = new RateLimiter({ maxRequests: 1, windowMs: 100, clock });
  const reason = new Error("Cancelled");
  await assert.rejects(limiter.acquire(AbortSignal.abort(reason)), (error) => error === reason);
  assert.deepEqual(limiter.stats, {
    requests: 0,
    throttled: 0,
    totalWaitMs: 0,
    waiting: 0,
    inWindow: 0,
  });
  assert.equal(limiter.tryAcquire(), true);
});

Deno.test("RateLimiter removes an aborted head waiter; the next one takes its slot", async () => {
  const clock = new ManualClock();
  const limiter = new RateLimiter({ maxRequests: 1, windowMs: 100, clock });
  await limiter.acquire();
  const head = new AbortController();
  const reason = new Error("Head gave up");
  const headWait = limiter.acquire(head.signal);
  let nextAt: number | null = null;
  const next = limiter.acquire().then(() => nextAt = clock.now());
  await clock.advance(50);
  head.abort(reason);
  await assert.rejects(headWait, (error) => error === reason);
  assert.equal(limiter.stats.waiting, 1);
  await clock.advance(50);
  await next;
  assert.equal(nextAt, 100);
  assert.equal(limiter.stats.requests, 2);
  assert.equal(clock.pendingSleeps, 0);
});

Deno.test("RateLimiter removes an aborted middle waiter without disturbing the order", async () => {
  const clock = new ManualClock();
  const limiter = new RateLimiter({ maxRequests: 1, windowMs: 100, clock });
  await limiter.acquire();
  const middle = new AbortController();
  const order: string[] = [];
  const a = limiter.acquire().then(() => order.push(`a@${clock.now()}`));
  const b = limiter.acquire(middle.signal).catch((error) => order.push(`b:${error.message}`));
  const c = limiter.acquire().then(() => order.push(`c@${clock.now()}`));
  middle.abort(new Error("Middle gave up"));
  await clock.runAll();
  await Promise.all([a, b, c]);
  assert.deepEqual(order, ["b:Middle gave up", "a@100", "c@200"]);
  assert.equal(limiter.stats.requests, 3);
});

Deno.test("RateLimiter clears its timer when every waiter gives up, and an abort after the grant is harmless", async () => {
  const clock = new ManualClock();
  const limiter = new RateLimiter({ maxRequests: 1, windowMs: 100, clock });
  const granted = new AbortController();
  await limiter.acquire(granted.signal);
  granted.abort();
  const controllers = [new AbortController(), new AbortController()];
  const waits = controllers.map((c) => limiter.acquire(c.signal).catch(() => "aborted"));
  assert.equal(clock.pendingSleeps, 1);
  for (const controller of controllers) controller.abort();
  assert.deepEqual(await Promise.all(waits), ["aborted", "aborted"]);
  assert.equal(clock.pendingSleeps, 0);
  assert.equal(limiter.stats.waiting, 0);
  assert.equal(limiter.stats.inWindow, 1);
  await clock.advance(100);
  assert.equal(limiter.tryAcquire(), true);
});

Deno.test("RateLimiter counts requests, throttled calls, waiting time and the window", async () => {
  const clock = new ManualClock();
  const limiter = new RateLimiter({ maxRequests: 2, windowMs: 1_000, clock });
  await limiter.acquire();
  await limiter.acquire();
  const waits = [limiter.acquire(), limiter.acquire()];
  await clock.advance(0);
  assert.deepEqual(limiter.stats, {
    requests: 2,
    throttled: 2,
    totalWaitMs: 0,
    waiting: 2,
    inWindow: 2,
  });
  await clock.advance(1_000);
  await Promise.all(waits);
  assert.deepEqual(limiter.stats, {
    requests: 4,
    throttled: 2,
    totalWaitMs: 2_000,
    waiting: 0,
    inWindow: 2,
  });
  await clock.advance(1_000);
  assert.equal(limiter.stats.inWindow, 0);
  assert.equal(limiter.tryAcquire(), true);
  assert.equal(limiter.tryAcquire(), true);
  assert.equal(limiter.tryAcquire(), false);
  assert.equal(limiter.stats.requests, 6);
});

Deno.test("RateLimiter shared by many clients keeps one budget", async () => {
  const clock = new ManualClock();
  const shared = new RateLimiter({ maxRequests: 5, windowMs: 1_000, clock });
  const grants: number[] = [];
  async function client(limiter: Limiter, calls: number): Promise<void> {
    for (let i = 0; i < calls; i++) {
      await limiter.acquire();
      grants.push(clock.now());
    }
  }
  const clients = [client(shared, 6), client(shared, 6), client(shared, 6)];
  await clock.runAll();
  await Promise.all(clients);
  assert.equal(grants.length, 18);
  assert.deepEqual(grants, [...grants].sort((a, b) => a - b));
  for (let i = 0; i + 5 < grants.length; i++) assert.ok(grants[i + 5] - grants[i] >= 1_000);
  assert.equal(grants.at(-1), 3_000);
});

Deno.test("RateLimiter keeps the limit when the clock steps back", async () => {
  const clock = new ManualClock(10_000);
  const limiter = new RateLimiter({ maxRequests: 1, windowMs: 100, clock });
  await limiter.acquire();
  await clock.set(5_000);
  assert.equal(limiter.tryAcquire(), false);
  await clock.set(10_100);
  assert.equal(limiter.tryAcquire(), true);
});

Deno.test("RateLimiter grows its buffer past the initial capacity", async () => {
  const clock = new ManualClock();
  const limiter = new RateLimiter({ maxRequests: 100, windowMs: 1_000, clock });
  for (let i = 0; i < 100; i++) {
    assert.equal(limiter.tryAcquire(), true, `grant ${i}`);
    await clock.advance(1);
  }
  assert.equal(limiter.tryAcquire(), false);
  await clock.set(1_000);
  assert.equal(limiter.tryAcquire(), true);
  assert.equal(limiter.tryAcquire(), false);
  await clock.set(1_001);
  assert.equal(limiter.tryAcquire(), true);
  assert.equal(limiter.stats.inWindow, 100);
});

Deno.test("RateLimiter validates its options and defaults to 500 per minute", () => {
  const limiter = new RateLimiter();
  assert.equal(limiter.maxRequests, 500);
  assert.equal(limiter.windowMs, 60_000);
  assert.throws(() => new RateLimiter({ maxRequests: 0 }), RangeError);
  assert.throws(() => new RateLimiter({ maxRequests: 1.5 }), RangeError);
  assert.throws(() => new RateLimiter({ windowMs: 0 }), RangeError);
  assert.throws(() => new RateLimiter({ windowMs: Number.POSITIVE_INFINITY }), RangeError);
});

Deno.test("RateLimiter.unlimited never waits but counts and honours aborts", async () => {
  const limiter = RateLimiter.unlimited();
  for (let i = 0; i < 1_000; i++) await limiter.acquire();
  const reason = new Error("Cancelled");
  await assert.rejects(limiter.acquire(AbortSignal.abort(reason)), (error) => error === reason);
  assert.deepEqual(limiter.stats, {
    requests: 1_000,
    throttled: 0,
    totalWaitMs: 0,
    waiting: 0,
    inWindow: 0,
  });
});
