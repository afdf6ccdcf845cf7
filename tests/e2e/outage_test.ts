/**
 * The outage test: the server answers 503 for a while, first with `Retry-After`, then without;
 * the service waits as asked, sends nothing while its circuit breaker is open, and drains the
 * backlog once the server recovers. The emulator's request counts, sampled over time, are the
 * witness: what the station sent, not what it says it sent.
 */

import assert from "node:assert/strict";
import { type CliProcess, emulatorStats, startEmulator, startService } from "../_processes.ts";
import { dropFile, wsjfReport } from "../client/_service_kit.ts";
import { pause, statusOf, tempDir, until, workspace } from "./_e2e.ts";

const ROUTE = "POST /api/Report/WSJF";
const REPORTS = 20;

/** Samples the emulator's count of report POSTs every 25 ms for `ms`; returns the times of each new request. */
async function requestTimes(
  count: () => Promise<number>,
  ms: number,
): Promise<{ times: number[]; total: number }> {
  const times: number[] = [];
  const start = performance.now();
  let last = await count();
  const first = last;
  while (performance.now() - start < ms) {
    await pause(25);
    const now = await count();
    for (let n = last; n < now; n++) times.push(performance.now() - start);
    last = now;
  }
  return { times, total: last - first };
}

/** Splits request times into bursts (requests less than `gapMs` apart). */
function bursts(times: number[], gapMs: number): number[][] {
  const groups: number[][] = [];
  for (const time of times) {
    const group = groups.at(-1);
    if (group && time - group[group.length - 1] < gapMs) group.push(time);
    else groups.push([time]);
  }
  return groups;
}

Deno.test("an outage: Retry-After is honoured, nothing is sent while the breaker is open, the backlog drains", async () => {
  // Declared first, so the folder is removed after the finally below has stopped the processes.
  await using temp = await tempDir("wats-e2e-");
  const emulator = await startEmulator();
  let service: CliProcess | undefined;
  try {
    const space = await workspace(temp.path, emulator, {
      limits: { requestsPerWindow: 1_000_000, uploadConcurrency: 2 },
      retry: { baseDelayMs: 100, maxDelayMs: 400 },
      breaker: { failureThreshold: 3, cooldownMs: 1_500 },
    });
    const posts = async () => {
      const byOutcome = (await emulatorStats(emulator)).requests[ROUTE] ?? {};
      return Object.values(byOutcome).reduce((sum, n) => sum + n, 0);
    };
    // Phase 1: 503 with Retry-After: 3 (longer than the API client waits in a call).
    await emulator.control("POST", "/_emulator/faults", {
      method: "POST",
      path: "/api/Report/WSJF",
      action: "status",
      status: 503,
      retryAfter: 3,
    });
    const started = await startService(space.configFile, { WATS_TOKEN: emulator.token });
    service = started.process;
    const reports = Array.from({ length: REPORTS }, (_, n) => wsjfReport(n));
    for (const [n, report] of reports.entries()) {
      await dropFile(space.drop, `r${n}.json`, report.text);
    }
    await until("the first refused upload", async () => (await posts()) > 0 ? true : undefined);
    const withRetryAfter = await requestTimes(posts, 4_500);
    // Every burst of requests (one per upload worker at most) waits out the 3 s asked for.
    const phase1 = bursts(withRetryAfter.times, 1_000);
    for (const burst of phase1) assert.ok(burst.length <= 2, `burst of ${burst.length}: ${phase1}`);
    for (let n = 1; n < phase1.length; n++) {
      assert.ok(phase1[n][0] - phase1[n - 1][0] >= 2_700, `Retry-After not honoured: ${phase1}`);
    }
    assert.ok(
      withRetryAfter.total <= 4,
      `${withRetryAfter.total} requests in 4.5 s of Retry-After: 3`,
    );

    // Phase 2: 503 without Retry-After; the breaker opens after 3 failures and lets one probe
    // through per 1.5 s cooldown. Without it the 100 ms backoff would send dozens.
    await emulator.control("DELETE", "/_emulator/faults");
    await emulator.control("POST", "/_emulator/faults", {
      method: "POST",
      path: "/api/Report/WSJF",
      action: "status",
      status: 503,
    });
    await pause(3_000);
    const breakerOpen = await requestTimes(posts, 4_000);
    const status = await statusOf(started.statusUrl);
    assert.ok(status.api.breaker.opens >= 1, `breaker never opened: ${JSON.stringify(status.api)}`);
    assert.ok(breakerOpen.total <= 6, `${breakerOpen.total} requests in 4 s with the breaker open`);
    const phase2 = bursts(breakerOpen.times, 1_000);
    for (let n = 1; n < phase2.length; n++) {
      assert.ok(
        phase2[n][0] - phase2[n - 1][0] >= 1_300,
        `sent while the breaker was open: ${phase2}`,
      );
    }
    assert.equal(status.health.status, "degraded");
    assert.ok(status.queue.pending + status.queue.processing > 0);

    // Recovery: the backlog drains, every report applied once.
    await emulator.control("DELETE", "/_emulator/faults");
    await until("the backlog drained", async () => {
      const current = await statusOf(started.statusUrl);
      return current.queue.done === REPORTS ? current : undefined;
    }, 20_000);
    const stats = await emulatorStats(emulator);
    for (const report of reports) assert.equal(stats.reports[report.id.toLowerCase()]?.applied, 1);
    const after = await statusOf(started.statusUrl);
    assert.equal(after.api.breaker.state, "closed");
    assert.equal((await service.stop("SIGTERM")).code, 0);
  } finally {
    await service?.stop("SIGKILL");
    await emulator.process.stop("SIGKILL");
  }
});
