import assert from "node:assert/strict";
import {
  NetworkError,
  NotFoundError,
  RateLimitError,
  ServerError,
  TimeoutError,
  ValidationError,
} from "../../mod.ts";
import { ManualClock } from "../../http.ts";
import type { FaultRuleState } from "../../emulator/mod.ts";
import { failure, type Harness, startEmulator, uut } from "./_helpers.ts";

const FAST_RETRY = { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 };

async function outcomes(h: Harness, count: number): Promise<string> {
  let out = "";
  for (let i = 0; i < count; i++) {
    out += await h.wats.app.version().then(() => ".", () => "x");
  }
  return out;
}

Deno.test("a status fault answers the status with Retry-After, the given number of times", async () => {
  await using h = await startEmulator();
  await h.faults({
    path: "/api/App/Version",
    action: "status",
    status: 429,
    retryAfter: 7,
    times: 1,
  });
  const limited = await failure(h.wats.app.version());
  assert.ok(limited instanceof RateLimitError);
  assert.equal(limited.retryAfterMs, 7000);
  assert.match(limited.serverMessage ?? "", /Injected fault f1: HTTP 429/);
  assert.equal(await h.wats.app.version(), "24.1.0");
  const stats = await h.stats();
  assert.equal(stats.faultsFired, 1);
  assert.deepEqual(stats.requests["GET /api/App/Version"], { "429": 1, "200": 1 });
});

Deno.test("a retrying client gets through a 503 that fires twice", async () => {
  await using h = await startEmulator();
  await h.faults({
    method: "GET",
    path: "/api/App/*",
    action: "status",
    status: 503,
    retryAfter: 0,
    times: 2,
  });
  const error = await failure(h.wats.app.version());
  assert.ok(error instanceof ServerError);
  assert.equal(await h.client({ retry: FAST_RETRY }).app.version(), "24.1.0");
});

Deno.test("skip and times pick exactly which matching requests fail", async () => {
  await using h = await startEmulator();
  await h.faults({ path: "/api/App/Version", action: "status", status: 500, skip: 2, times: 2 });
  assert.equal(await outcomes(h, 6), "..xx..");
});

Deno.test("a seeded probability fires the same requests on every run", async () => {
  const rule = {
    path: "/api/App/Version",
    action: "status" as const,
    status: 503,
    probability: 0.5,
    seed: 42,
  };
  const runs: string[] = [];
  for (let run = 0; run < 2; run++) {
    await using h = await startEmulator();
    await h.faults(rule);
    runs.push(await outcomes(h, 24));
  }
  assert.equal(runs[0], runs[1]);
  assert.match(runs[0], /x/);
  assert.match(runs[0], /\./);
});

Deno.test("rules match on method and path pattern only", async () => {
  await using h = await startEmulator();
  await h.faults({ method: "POST", path: "/api/Report/**", action: "status", status: 500 });
  assert.equal(await h.wats.app.version(), "24.1.0");
  const missing = await failure(h.wats.report.get(crypto.randomUUID()));
  assert.ok(missing instanceof NotFoundError);
  const refused = await failure(h.wats.report.submit(uut()));
  assert.ok(refused instanceof ServerError);
});

Deno.test("a reset fault is a network error and the request is not applied", async () => {
  await using h = await startEmulator();
  await h.faults({ path: "/api/Report/WSJF", action: "reset", times: 1 });
  const report = uut();
  const error = await failure(h.wats.report.submit(report));
  assert.ok(error instanceof NetworkError);
  const missing = await failure(h.wats.report.get(String(report.id)));
  assert.ok(missing instanceof NotFoundError);
  assert.equal((await h.stats()).connectionsDropped, 1);
});

Deno.test("apply-then-drop: the client retries, the Idempotency-Key keeps it applied once", async () => {
  await using h = await startEmulator();
  await h.faults({ method: "POST", path: "/api/Report/WSJF", action: "apply-then-drop", times: 1 });
  const report = uut({ sn: "SN-DROP" });
  const id = await h.client({ retry: FAST_RETRY }).report.submit(report);
  assert.equal(id, report.id);
  const stats = await h.stats();
  assert.deepEqual(stats.reports[id], { received: 2, applied: 1, replayed: 1 });
  assert.equal(stats.connectionsDropped, 1);
  assert.deepEqual(stats.requests["POST /api/Report/WSJF"], { dropped: 1, "200": 1 });
  const [header] = await h.wats.report.headersBySerial("SN-DROP");
  assert.equal(header.receiveCount, 1);
});

Deno.test("apply-then-drop without a key is the case that makes clients submit twice", async () => {
  await using h = await startEmulator();
  await h.faults({ method: "POST", path: "/api/Report/WSJF", action: "apply-then-drop", times: 1 });
  const report = uut({ sn: "SN-TWICE" });
  const post = () =>
    h.wats.request({
      method: "POST",
      path: "/api/Report/WSJF",
      json: report,
      operation: "test.post",
    });
  const error = await failure(post());
  assert.ok(error instanceof NetworkError);
  await post();
  assert.deepEqual((await h.stats()).reports[String(report.id)], {
    received: 2,
    applied: 2,
    replayed: 0,
  });
  const [header] = await h.wats.report.headersBySerial("SN-TWICE");
  assert.equal(header.receiveCount, 2);
});

Deno.test("latency holds the answer back until the clock moves; a short timeout fires", async () => {
  const clock = new ManualClock();
  await using h = await startEmulator({ clock });
  await h.faults({ path: "/api/App/Version", action: "latency", latencyMs: 60_000, times: 1 });
  const error = await failure(h.client({ timeoutMs: 100 }).app.version());
  assert.ok(error instanceof TimeoutError);
  await clock.advance(60_000); // let the held request finish so the server can close
  assert.equal(await h.wats.app.version(), "24.1.0");
});

Deno.test("fault rules are validated, listed with counters, and cleared", async () => {
  await using h = await startEmulator();
  const bad = await failure(
    h.wats.request({
      method: "POST",
      path: "/_emulator/faults",
      json: { path: "/x", action: "status" },
      operation: "test.faults",
    }),
  );
  assert.ok(bad instanceof ValidationError);
  assert.match(bad.serverMessage ?? "", /status/);
  await h.faults({ path: "/api/App/Version", action: "status", status: 500, times: 1 });
  await h.wats.app.version().catch(() => {});
  const list = await h.wats.request<{ rules: FaultRuleState[] }>({
    method: "GET",
    path: "/_emulator/faults",
    operation: "test.faults",
  });
  assert.deepEqual(
    list.data.rules.map((r) => [r.id, r.matched, r.fired, r.exhausted]),
    [["f1", 1, 1, true]],
  );
  await h.faults({ path: "/api/App/Version", action: "status", status: 500 });
  await h.wats.request({ method: "DELETE", path: "/_emulator/faults", operation: "test.faults" });
  assert.equal(await h.wats.app.version(), "24.1.0");
});

Deno.test("reset clears reports, statistics and fault rules", async () => {
  await using h = await startEmulator();
  const report = uut();
  await h.wats.report.submit(report);
  await h.faults({ path: "/api/Product/**", action: "status", status: 500 });
  await h.wats.request({ method: "POST", path: "/_emulator/reset", operation: "test.reset" });
  const missing = await failure(h.wats.report.get(String(report.id)));
  assert.ok(missing instanceof NotFoundError);
  const stats = await h.stats();
  assert.equal(stats.reportsAccepted, 0);
  assert.deepEqual(stats.reports, {});
  await h.wats.request({ method: "GET", path: "/api/Product/Query", operation: "test.products" });
});
