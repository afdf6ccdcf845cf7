import assert from "node:assert/strict";
import { ValidationError, type WatsError } from "../../mod.ts";
import { ManualClock } from "../../http.ts";
import { startEmulator, uut } from "./_helpers.ts";

const DAY_MS = 24 * 60 * 60 * 1000;

Deno.test("a repeat with the same Idempotency-Key and body is replayed, not applied again", async () => {
  await using h = await startEmulator();
  const report = uut({ sn: "SN-IDEM" });
  assert.equal(await h.wats.report.submit(report), report.id);
  assert.equal(await h.wats.report.submit(report), report.id);
  const stats = await h.stats();
  assert.deepEqual(stats.reports[String(report.id)], { received: 2, applied: 1, replayed: 1 });
  const [header] = await h.wats.report.headersBySerial("SN-IDEM");
  assert.equal(header.receiveCount, 1);
});

Deno.test("the same Idempotency-Key with a different body is refused with 422", async () => {
  await using h = await startEmulator();
  const report = uut();
  const post = (body: unknown) =>
    h.wats.request({
      method: "POST",
      path: "/api/Report/WSJF",
      json: body,
      idempotencyKey: "key-1",
      operation: "test.submit",
    });
  await post(report);
  let caught: unknown;
  try {
    await post({ ...report, sn: "SN-CHANGED" });
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof ValidationError);
  assert.equal((caught as WatsError).status, 422);
  assert.match((caught as WatsError).serverMessage ?? "", /already used for a different request/);
  const back = await h.wats.report.get(String(report.id));
  assert.equal(back?.sn, report.sn);
});

Deno.test("a stored response is kept 24 hours by the injected clock, then the key is new", async () => {
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  await using h = await startEmulator({ clock });
  const report = uut({ sn: "SN-TTL" });
  await h.wats.report.submit(report);
  await clock.advance(DAY_MS - 1);
  await h.wats.report.submit(report);
  assert.equal((await h.stats()).reports[String(report.id)].applied, 1);
  await clock.advance(1);
  await h.wats.report.submit(report);
  const counters = (await h.stats()).reports[String(report.id)];
  assert.deepEqual(counters, { received: 3, applied: 2, replayed: 1 });
  const [header] = await h.wats.report.headersBySerial("SN-TTL");
  assert.equal(header.receiveCount, 2);
});

Deno.test("the same key sent to another route counts as a different request (422)", async () => {
  await using h = await startEmulator();
  const key = crypto.randomUUID();
  const post = (path: string, json: unknown) =>
    h.wats.request({ method: "POST", path, json, idempotencyKey: key, operation: "test.key" });
  await post("/api/Report/WSJF", uut({ id: key }));
  let caught: unknown;
  try {
    await post("/api/App/DynamicYield", {});
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof ValidationError);
  assert.equal((caught as WatsError).status, 422);
});
