import assert from "node:assert/strict";
import { ManualClock, systemClock } from "../../util/clock.ts";

Deno.test("ManualClock stands still until advanced", async () => {
  const clock = new ManualClock(1_000);
  let woke = false;
  const sleeping = clock.sleep(100).then(() => woke = true);
  await clock.advance(99);
  assert.equal(woke, false);
  assert.equal(clock.now(), 1_099);
  assert.equal(clock.pendingSleeps, 1);
  await clock.advance(1);
  await sleeping;
  assert.equal(woke, true);
  assert.equal(clock.pendingSleeps, 0);
});

Deno.test("ManualClock wakes sleeps in deadline order, ties in start order", async () => {
  const clock = new ManualClock();
  const woken: string[] = [];
  for (const [name, ms] of [["c", 30], ["a", 10], ["b1", 20], ["b2", 20]] as const) {
    clock.sleep(ms).then(() => woken.push(`${name}@${clock.now()}`));
  }
  assert.equal(clock.nextDeadline, 10);
  await clock.set(25);
  assert.deepEqual(woken, ["a@10", "b1@20", "b2@20"]);
  assert.equal(clock.now(), 25);
  await clock.advance(100);
  assert.deepEqual(woken, ["a@10", "b1@20", "b2@20", "c@30"]);
  assert.equal(clock.nextDeadline, null);
});

Deno.test("ManualClock fires sleeps started by woken code within the same advance", async () => {
  const clock = new ManualClock();
  const times: number[] = [];
  async function loop(): Promise<void> {
    for (let i = 0; i < 3; i++) {
      await clock.sleep(10);
      times.push(clock.now());
    }
  }
  const done = loop();
  await clock.advance(25);
  assert.deepEqual(times, [10, 20]);
  await clock.advance(5);
  await done;
  assert.deepEqual(times, [10, 20, 30]);
});

Deno.test("ManualClock sleep aborts with the signal's reason and leaves the queue", async () => {
  const clock = new ManualClock();
  const controller = new AbortController();
  const reason = new Error("Stop");
  const sleeping = clock.sleep(50, controller.signal);
  const other = clock.sleep(60);
  assert.equal(clock.pendingSleeps, 2);
  controller.abort(reason);
  await assert.rejects(sleeping, (error) => error === reason);
  assert.equal(clock.pendingSleeps, 1);
  await clock.advance(60);
  await other;

  const aborted = AbortSignal.abort(reason);
  await assert.rejects(clock.sleep(10, aborted), (error) => error === reason);
  assert.equal(clock.pendingSleeps, 0);
});

Deno.test("ManualClock sleep(0) and negative sleeps resolve without moving time", async () => {
  const clock = new ManualClock(5);
  await clock.sleep(0);
  await clock.sleep(-10);
  await clock.sleep(Number.NaN);
  assert.equal(clock.now(), 5);
  assert.equal(clock.pendingSleeps, 0);
});

Deno.test("ManualClock runAll runs chained sleeps and guards against endless ones", async () => {
  const clock = new ManualClock();
  clock.sleep(100).then(() => clock.sleep(50));
  await clock.runAll();
  assert.equal(clock.now(), 150);
  assert.equal(clock.pendingSleeps, 0);

  const controller = new AbortController();
  async function forever(): Promise<void> {
    while (!controller.signal.aborted) await clock.sleep(1, controller.signal);
  }
  const running = forever().catch(() => {});
  await assert.rejects(clock.runAll(20), /still pending after 20 wake-ups/);
  controller.abort();
  await running;
});

Deno.test("ManualClock set may step back and validates its input", async () => {
  const clock = new ManualClock(1_000);
  let woke = false;
  clock.sleep(10).then(() => woke = true);
  await clock.set(500);
  assert.equal(clock.now(), 500);
  assert.equal(woke, false);
  await assert.rejects(clock.advance(-1), RangeError);
  await assert.rejects(clock.set(Number.POSITIVE_INFINITY), RangeError);
  assert.throws(() => new ManualClock(Number.NaN), RangeError);
  await clock.set(1_010);
  assert.equal(woke, true);
});

Deno.test("systemClock reads the wall clock and sleeps for real", async () => {
  const before = Date.now();
  assert.ok(Math.abs(systemClock.now() - before) < 1_000);
  const started = performance.now();
  await systemClock.sleep(5);
  assert.ok(performance.now() - started >= 4);
  await systemClock.sleep(0);
});

Deno.test("systemClock sleep aborts and clears its timer", async () => {
  const controller = new AbortController();
  const reason = new Error("Shutting down");
  const sleeping = systemClock.sleep(60_000, controller.signal);
  controller.abort(reason);
  // A leaked 60 s timer would fail this test through Deno's op sanitizer.
  await assert.rejects(sleeping, (error) => error === reason);
  await assert.rejects(
    systemClock.sleep(10, AbortSignal.abort(reason)),
    (error) => error === reason,
  );
});
