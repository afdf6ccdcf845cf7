/** The usage examples of `client/status/_responses.ts`, an internal module, run as tests. */
import assert from "node:assert/strict";
import { observedFetch, ResponseLog } from "../../../client/status/_responses.ts";

Deno.test("client/status/_responses.ts: Count the answers of a server", async () => {
  const log = new ResponseLog();
  const fake: typeof fetch = () =>
    Promise.resolve(Response.json({ message: "Down for maintenance" }, { status: 503 }));
  const observed = observedFetch(fake, log, { now: () => 0 });
  await (await observed("http://wats.test/api/Report/WSJF", { method: "POST" })).body?.cancel();
  assert.equal([...log.counts.values()][0].status, "503");
  assert.equal(log.lastFailure?.message, "Down for maintenance");
});
