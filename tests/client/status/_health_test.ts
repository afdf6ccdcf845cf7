import assert from "node:assert/strict";
import { evaluateHealth, type HealthInputs } from "../../../client/status/_health.ts";
import { ServiceStats } from "../../../client/status/_stats.ts";

const CALM: HealthInputs = {
  state: "running",
  pending: 3,
  maxQueueSize: 1_000,
  oldestPendingAgeMs: 2_000,
  errorRate: { rate: 0, attempts: 40 },
  breaker: "closed",
  disk: { freeBytes: 50 * 2 ** 30, totalBytes: 100 * 2 ** 30 },
  isQueueFull: false,
  isAuthRefused: false,
  deadTasks: [],
};

Deno.test("a calm service is ok, with no reasons", () => {
  assert.deepEqual(evaluateHealth(CALM), { status: "ok", reasons: [] });
});

Deno.test("backlog, age, error rate, breaker and low disk make it degraded, each with a reason", () => {
  const report = evaluateHealth({
    ...CALM,
    pending: 900,
    oldestPendingAgeMs: 20 * 60_000,
    errorRate: { rate: 0.8, attempts: 50 },
    breaker: "open",
    disk: { freeBytes: 500 * 2 ** 20, totalBytes: 100 * 2 ** 30 },
  });
  assert.equal(report.status, "degraded");
  assert.equal(report.reasons.length, 5);
  assert.match(report.reasons.join("\n"), /backlog: 900 of 1000/);
  assert.match(report.reasons.join("\n"), /waited 20 min/);
  assert.match(report.reasons.join("\n"), /error rate 80% of 50/);
  assert.match(report.reasons.join("\n"), /breaker open/);
  assert.match(report.reasons.join("\n"), /disk low: 500 MiB free/);
});

Deno.test("a few failures are not an error rate; a full queue is degraded", () => {
  assert.equal(evaluateHealth({ ...CALM, errorRate: { rate: 1, attempts: 3 } }).status, "ok");
  const full = evaluateHealth({ ...CALM, isQueueFull: true });
  assert.equal(full.status, "degraded");
  assert.match(full.reasons[0], /queue full/);
});

Deno.test("stopping, a refused token or an almost full disk make it failing", () => {
  assert.equal(evaluateHealth({ ...CALM, state: "stopping" }).status, "failing");
  const token = evaluateHealth({ ...CALM, isAuthRefused: true, breaker: "open" });
  assert.equal(token.status, "failing");
  assert.match(token.reasons[0], /refuses the token/);
  assert.match(token.reasons[1], /breaker/);
  const disk = { freeBytes: 10 * 2 ** 20, totalBytes: 100 * 2 ** 30 };
  assert.equal(evaluateHealth({ ...CALM, disk }).status, "failing");
});

Deno.test("the error rate names its window and clears once the last uploads succeed", () => {
  let now = Date.parse("2026-03-01T08:00:00Z");
  const stats = new ServiceStats(() => now, []);
  const health = (pending: number) =>
    evaluateHealth({ ...CALM, pending, errorRate: stats.errorRate() });
  // An outage: 12 uploads fail over two minutes.
  for (let index = 0; index < 12; index++) {
    stats.submission("503", false);
    now += 10_000;
  }
  const during = health(12);
  assert.equal(during.status, "degraded");
  assert.match(
    during.reasons.join("\n"),
    /upload error rate 100% of 12 uploads over the last 5 min/,
  );
  // The server is back: the last uploads drain the queue and succeed, a minute later.
  now += 60_000;
  stats.submission("200", true);
  assert.equal(health(1).status, "degraded", "one success with reports still waiting");
  stats.submission("200", true);
  assert.deepEqual(health(0), { status: "ok", reasons: [] }, "empty queue, last upload ok");
  // A queue that is not empty recovers once three uploads in a row succeed.
  stats.submission("503", false);
  stats.submission("200", true);
  stats.submission("200", true);
  assert.equal(health(5).status, "degraded", "two in a row are not yet a recovery");
  stats.submission("200", true);
  assert.deepEqual(health(5), { status: "ok", reasons: [] });
  // A flapping server is not a recovery: two of three fail (after the three that succeeded).
  for (let index = 0; index < 6; index++) {
    stats.submission("503", false);
    stats.submission("503", false);
    stats.submission("200", true);
    now += 1_000;
  }
  assert.match(
    health(5).reasons.join("\n"),
    /upload error rate 57% of 21 uploads over the last 5 min/,
  );
  // Without new uploads the outcomes age out of the five-minute window.
  now += 5 * 60_000 + 1;
  assert.deepEqual(health(5), { status: "ok", reasons: [] });
});
