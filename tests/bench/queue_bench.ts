/**
 * Claiming from a large queue: the in-memory due index makes a claim a heap pop and a rename,
 * however many envelopes wait (the queue used to list `pending/` and stat every file whenever its
 * 256 candidates ran out: about 145 claims/s with 100,000 pending).
 *
 * `deno task bench` runs it; the end-to-end figures come from `service_load.ts`.
 */

import { join } from "node:path";
import { ReportQueue } from "../../client/queue/queue.ts";

const PENDING = 20_000;
const root = await Deno.makeTempDir({ prefix: "wats-queue-bench-" });
const pending = join(root, "pending");
await Deno.mkdir(pending, { recursive: true });
const at = new Date(Date.now() - 60_000).toISOString();
for (let n = 0; n < PENDING; n++) {
  const id = `00000000-0000-4000-8000-${n.toString().padStart(12, "0")}`;
  Deno.writeTextFileSync(
    join(pending, `${id}.json`),
    JSON.stringify({
      v: 1,
      id,
      report: { id },
      source: null,
      enqueuedAt: at,
      attempts: 0,
      nextAttemptAt: at,
    }),
  );
}

Deno.bench("open a queue of 20,000 pending and index it", { n: 3 }, async () => {
  const queue = await ReportQueue.open(root);
  await queue.indexed();
});

const queue = await ReportQueue.open(root);
await queue.indexed();

Deno.bench("claim 1,000 of 20,000 pending (rename + read each)", { n: 5 }, async (b) => {
  const claims = [];
  b.start();
  for (let n = 0; n < 1_000; n++) claims.push(await queue.claimNext());
  b.end();
  for (const claim of claims) await claim?.retry("bench", { delayMs: 0 });
});

globalThis.addEventListener("unload", () => Deno.removeSync(root, { recursive: true }));
