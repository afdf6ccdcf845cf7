import assert from "node:assert/strict";
import { evaluateHealth, type HealthInputs } from "../../../client/status/_health.ts";

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
