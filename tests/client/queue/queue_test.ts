import assert from "node:assert/strict";
import { join } from "node:path";
import { tempPathFor } from "../../../client/_fs.ts";
import { ReportQueue } from "../../../client/queue/queue.ts";
import { claimFile } from "../../../client/queue/_claim.ts";
import { platformFor } from "../../../util/platform.ts";
import { QueueFullError } from "../../../client/errors.ts";
import { parseEnvelope, type QueueSource } from "../../../client/queue/envelope.ts";
import { ManualClock } from "../../../util/clock.ts";
import { tempDir } from "../../_temp.ts";

const SOURCE: QueueSource = {
  path: "C:\\drop\\uut-1.json",
  sha256: "a".repeat(64),
  size: 1234,
  converter: "wsjf",
};

function reportId(n: number): string {
  return `00000000-0000-4000-8000-${n.toString().padStart(12, "0")}`;
}

async function names(folder: string): Promise<string[]> {
  const found: string[] = [];
  for await (const entry of Deno.readDir(folder)) found.push(entry.name);
  return found.sort();
}

/** Opens a queue in `root` (a {@linkcode tempDir} the test removes). */
async function openTemp(root: string, clock = new ManualClock(Date.UTC(2026, 0, 1)), options = {}) {
  const queue = await ReportQueue.open(root, { clock, ...options });
  return { root, queue, clock };
}

Deno.test("enqueue is on disk and parses when it resolves, with no temp file left", async () => {
  await using temp = await tempDir("wats-queue-");
  const { root, queue } = await openTemp(temp.path);
  const envelope = await queue.enqueue({ id: reportId(1), type: "T", pn: "PN-1" }, SOURCE);
  assert.equal(envelope.attempts, 0);
  assert.deepEqual(await names(join(root, "pending")), [`${reportId(1)}.json`]);
  const parsed = parseEnvelope(
    await Deno.readTextFile(join(root, "pending", `${reportId(1)}.json`)),
  );
  assert.ok(parsed.ok);
  assert.equal(parsed.envelope.report.pn, "PN-1");
  assert.deepEqual(parsed.envelope.source, SOURCE);
  assert.deepEqual(await names(join(root, "tmp")), []);
});

Deno.test("enqueue of an id already pending or processing returns the existing envelope", async () => {
  await using temp = await tempDir("wats-queue-");
  const { root, queue, clock } = await openTemp(temp.path);
  const first = await queue.enqueue({ id: reportId(1), v: "first" }, null);
  await clock.advance(1000);
  const second = await queue.enqueue({ id: reportId(1), v: "second" }, null);
  assert.deepEqual(second, first);
  const claim = await queue.claimNext();
  assert.ok(claim);
  const third = await queue.enqueue({ id: reportId(1), v: "third" }, null);
  assert.equal(third.report.v, "first");
  assert.deepEqual(await names(join(root, "pending")), []);
});

Deno.test("enqueue refuses ids that cannot name a file and malformed sources", async () => {
  await using temp = await tempDir("wats-queue-");
  const { root, queue } = await openTemp(temp.path);
  for (const id of ["../escape", "a/b", "", "CON", "trailing.", ".hidden"]) {
    await assert.rejects(queue.enqueue({ id }, null), TypeError);
  }
  const badSource = { ...SOURCE, sha256: "nope" };
  await assert.rejects(queue.enqueue({ id: reportId(2) }, badSource), /source\.sha256/);
  assert.deepEqual(await names(join(root, "pending")), []);
});

Deno.test("enqueue refuses with QueueFullError when maxPending envelopes wait", async () => {
  await using temp = await tempDir("wats-queue-");
  const { queue } = await openTemp(temp.path, new ManualClock(Date.UTC(2026, 0, 1)), {
    maxPending: 2,
  });
  await queue.enqueue({ id: reportId(1) }, null);
  await queue.enqueue({ id: reportId(2) }, null);
  const error = await queue.enqueue({ id: reportId(3) }, null).catch((caught) => caught);
  assert.ok(error instanceof QueueFullError);
  assert.equal(error.maxPending, 2);
  await (await queue.claimNext())?.complete();
  await queue.enqueue({ id: reportId(3) }, null);
});

Deno.test("claimNext moves the envelope to processing by rename, once", async () => {
  await using temp = await tempDir("wats-queue-");
  const { root, queue } = await openTemp(temp.path);
  await queue.enqueue({ id: reportId(1) }, null);
  const claim = await queue.claimNext();
  assert.equal(claim?.envelope.id, reportId(1));
  assert.deepEqual(await names(join(root, "pending")), []);
  assert.deepEqual(await names(join(root, "processing")), [`${reportId(1)}.json`]);
  assert.equal(await queue.claimNext(), null);
});

Deno.test("claims come out oldest due first", async () => {
  await using temp = await tempDir("wats-queue-");
  const { queue, clock } = await openTemp(temp.path);
  for (const n of [3, 1, 4, 5, 2]) {
    await queue.enqueue({ id: reportId(n * 10) }, null);
    await clock.advance(1000);
  }
  const order: string[] = [];
  for (let claim = await queue.claimNext(); claim; claim = await queue.claimNext()) {
    order.push(claim.envelope.id);
  }
  assert.deepEqual(order, [30, 10, 40, 50, 20].map(reportId));
});

Deno.test("a pending file with an mtime far in the future is still claimed when due", async () => {
  await using temp = await tempDir("wats-queue-");
  const { root, queue, clock } = await openTemp(temp.path);
  await queue.enqueue({ id: reportId(1) }, null);
  const path = join(root, "pending", `${reportId(1)}.json`);
  const farFuture = new Date(clock.now() + 30 * 86_400_000);
  await Deno.utime(path, farFuture, farFuture);
  assert.equal((await queue.claimNext())?.envelope.id, reportId(1));
});

Deno.test("20 parallel claimers on two queue handles claim 200 envelopes exactly once", async () => {
  await using temp = await tempDir("wats-queue-");
  const { root, queue } = await openTemp(temp.path);
  for (let n = 0; n < 200; n++) await queue.enqueue({ id: reportId(n) }, null);
  const other = await ReportQueue.open(root);
  const claimed: string[] = [];
  async function claimer(handle: ReportQueue): Promise<void> {
    for (let claim = await handle.claimNext(); claim; claim = await handle.claimNext()) {
      claimed.push(claim.envelope.id);
    }
  }
  await Promise.all(Array.from({ length: 20 }, (_, i) => claimer(i % 2 ? other : queue)));
  assert.equal(claimed.length, 200);
  assert.equal(new Set(claimed).size, 200);
  assert.equal((await names(join(root, "processing"))).length, 200);
});

Deno.test("open returns processing/ to pending/ and removes leftover temp files", async () => {
  await using temp = await tempDir("wats-queue-");
  const { root, queue, clock } = await openTemp(temp.path);
  await queue.enqueue({ id: reportId(1) }, null);
  assert.ok(await queue.claimNext());
  await Deno.writeTextFile(join(root, "pending", `.${reportId(2)}.json.0123abcd.tmp`), "{");
  await Deno.writeTextFile(join(root, "tmp", `.${reportId(3)}.json.0123abcd.tmp`), "{");
  // The process dies here: the claim is never settled.
  const reopened = await ReportQueue.open(root, { clock });
  assert.deepEqual(await names(join(root, "tmp")), []);
  assert.deepEqual(await reopened.counts(), {
    pending: 1,
    processing: 0,
    done: 0,
    failed: 0,
    quarantine: 0,
  });
  // Temp files in pending/ go with the indexing pass, which runs on after open resolves.
  await reopened.indexed();
  assert.deepEqual(await names(join(root, "pending")), [`${reportId(1)}.json`]);
  assert.equal((await reopened.claimNext())?.envelope.id, reportId(1));
});

Deno.test("retry puts the envelope back with attempts + 1, due after the delay", async () => {
  await using temp = await tempDir("wats-queue-");
  const { queue, clock } = await openTemp(temp.path);
  await queue.enqueue({ id: reportId(1) }, null);
  const claim = await queue.claimNext();
  await claim?.retry({ message: "Service unavailable", status: 503 }, { delayMs: 60_000 });
  assert.equal(await queue.claimNext(), null);
  await clock.advance(59_999);
  assert.equal(await queue.claimNext(), null);
  assert.equal(await queue.oldestPendingAgeMs(), 0);
  await clock.advance(1);
  const again = await queue.claimNext();
  assert.equal(again?.envelope.attempts, 1);
  assert.equal(again?.envelope.lastError?.status, 503);
  assert.equal(again?.envelope.lastError?.message, "Service unavailable");
  await again?.retry("network down", { delayMs: 0 });
  await clock.advance(5_000);
  assert.equal(await queue.oldestPendingAgeMs(), 5_000);
  assert.equal((await queue.claimNext())?.envelope.attempts, 2);
});

Deno.test("a claim settles once; complete moves the envelope to done/ unchanged", async () => {
  // The queue used to rewrite the envelope with the server's answer; that answer is the ledger's
  // now (one file write less per report), and done/ keeps the envelope as it was sent.
  await using temp = await tempDir("wats-queue-");
  const { root, queue, clock } = await openTemp(temp.path);
  const sent = await queue.enqueue({ id: reportId(1), pn: "PN-1" }, SOURCE);
  const claim = await queue.claimNext();
  assert.ok(claim);
  await clock.advance(5_000);
  await claim.complete();
  await assert.rejects(claim.fail("late"), /already settled/);
  const item = await queue.get(reportId(1));
  assert.equal(item?.state, "done");
  assert.deepEqual(item?.envelope, sent);
  assert.equal(item?.changedAt, clock.now());
  assert.deepEqual(await names(join(root, "processing")), []);
});

Deno.test("corrupt pending files go to quarantine with a reason, never deleted", async () => {
  // Files written by hand carry the real time as mtime: let the queue's clock be past it.
  await using temp = await tempDir("wats-queue-");
  const { root, queue } = await openTemp(temp.path, new ManualClock(Date.now() + 60_000));
  const pending = join(root, "pending");
  await Deno.writeTextFile(join(pending, `${reportId(1)}.json`), "{not json");
  await Deno.writeTextFile(join(pending, `${reportId(2)}.json`), JSON.stringify({ v: 1 }));
  const good = await queue.enqueue({ id: reportId(3) }, null);
  await Deno.writeTextFile(
    join(pending, `${reportId(4)}.json`),
    JSON.stringify({ ...good, id: reportId(3) }),
  );
  const claim = await queue.claimNext();
  assert.equal(claim?.envelope.id, reportId(3));
  assert.equal(await queue.claimNext(), null);
  const quarantine = await names(join(root, "quarantine"));
  assert.deepEqual(
    quarantine,
    [1, 2, 4].flatMap((n) => [`${reportId(n)}.json`, `${reportId(n)}.json.reason.txt`]),
  );
  assert.equal(
    await Deno.readTextFile(join(root, "quarantine", `${reportId(1)}.json`)),
    "{not json",
  );
  const listed = await queue.list("quarantine", { limit: 10 });
  const problems = Object.fromEntries(listed.map((item) => [item.id, item.problem]));
  assert.match(problems[reportId(1)] ?? "", /not JSON/);
  assert.match(problems[reportId(2)] ?? "", /not a queue envelope/);
  assert.match(problems[reportId(4)] ?? "", /does not match/);
  assert.equal((await queue.counts()).quarantine, 3);
});

Deno.test("fail keeps the reason in and beside the envelope; retryFailed re-queues", async () => {
  await using temp = await tempDir("wats-queue-");
  const { root, queue } = await openTemp(temp.path);
  for (const n of [1, 2, 3]) {
    await queue.enqueue({ id: reportId(n) }, null);
    const claim = await queue.claimNext();
    await claim?.retry("timeout", { delayMs: 0 });
    await (await queue.claimNext())?.fail({ message: "Report rejected: bad pn", status: 400 });
  }
  const failedFile = join(root, "failed", `${reportId(1)}.json`);
  const parsed = parseEnvelope(await Deno.readTextFile(failedFile));
  assert.ok(parsed.ok);
  assert.equal(parsed.envelope.lastError?.status, 400);
  assert.match(await Deno.readTextFile(`${failedFile}.reason.txt`), /Report rejected: bad pn/);
  assert.equal((await queue.counts()).failed, 3);

  assert.equal(await queue.retryFailed(reportId(1)), 1);
  assert.equal(await queue.retryFailed(reportId(1)), 0);
  const back = await queue.get(reportId(1));
  assert.equal(back?.state, "pending");
  assert.equal(back?.envelope?.attempts, 0);
  await assert.rejects(Deno.stat(`${failedFile}.reason.txt`), Deno.errors.NotFound);
  assert.equal(await queue.retryFailed("all"), 2);
  assert.deepEqual(await names(join(root, "failed")), []);
  assert.equal((await queue.counts()).pending, 3);
});

Deno.test("pruneDone removes done envelopes older than the retention only", async () => {
  await using temp = await tempDir("wats-queue-");
  const { queue, clock } = await openTemp(temp.path);
  const day = 86_400_000;
  for (const n of [1, 2]) {
    await queue.enqueue({ id: reportId(n) }, null);
    await (await queue.claimNext())?.complete();
    await clock.advance(day);
  }
  await clock.advance(5 * day - 1);
  assert.equal(await queue.pruneDone(7 * day), 0);
  await clock.advance(1);
  assert.equal(await queue.pruneDone(7 * day), 1);
  assert.equal(await queue.get(reportId(1)), null);
  assert.equal((await queue.get(reportId(2)))?.state, "done");
  await assert.rejects(queue.purge("pending", { olderThanMs: 0 }), TypeError);
});

Deno.test("list pages through a state", async () => {
  await using temp = await tempDir("wats-queue-");
  const { queue } = await openTemp(temp.path);
  for (let n = 0; n < 5; n++) await queue.enqueue({ id: reportId(n) }, null);
  const first = await queue.list("pending", { limit: 3 });
  const rest = await queue.list("pending", { limit: 3, offset: 3 });
  assert.equal(first.length, 3);
  assert.equal(rest.length, 2);
  const ids = [...first, ...rest].map((item) => item.envelope?.id).sort();
  assert.deepEqual(ids, [0, 1, 2, 3, 4].map(reportId));
});

Deno.test("5,000 files pending at open are indexed by one pass and claimed oldest first", async () => {
  await using temp = await tempDir("wats-queue-big-");
  const root = temp.path;
  const pending = join(root, "pending");
  await Deno.mkdir(pending, { recursive: true });
  const base = Date.now() - 6 * 3_600_000;
  // Written in shuffled order, each due at its own second: the claim order must be by due time.
  const order = Array.from({ length: 5_000 }, (_, n) => n).sort((a, b) =>
    (a * 7919) % 5_000 - (b * 7919) % 5_000
  );
  for (const n of order) {
    const id = reportId(n);
    const at = new Date(base + n * 1000);
    const envelope = {
      v: 1,
      id,
      report: { id },
      source: null,
      enqueuedAt: at.toISOString(),
      attempts: 0,
      nextAttemptAt: at.toISOString(),
    };
    const path = join(pending, `${id}.json`);
    await Deno.writeTextFile(path, JSON.stringify(envelope));
    await Deno.utime(path, at, at);
  }
  await Deno.writeTextFile(join(pending, `.${reportId(9)}.json.0123abcd.tmp`), "{");
  const queue = await ReportQueue.open(root);
  const first = await queue.claimNext();
  assert.ok(first);
  await queue.indexed();
  assert.equal(queue.pendingCount, 4_999);
  const claimed = [first.envelope.id];
  for (let claim = await queue.claimNext(); claim; claim = await queue.claimNext()) {
    claimed.push(claim.envelope.id);
  }
  assert.equal(new Set(claimed).size, 5_000);
  // After the pass, every claim is the earliest due of what is left.
  const rest = claimed.slice(1).map((id) => Number(id.slice(-12)));
  assert.deepEqual(rest, [...rest].sort((a, b) => a - b));
  assert.equal((await queue.counts()).processing, 5_000);
  assert.deepEqual((await names(pending)).length, 0);
});

Deno.test("files another process puts into pending/ are found once nothing known is due", async () => {
  await using temp = await tempDir("wats-queue-");
  const { root, queue, clock } = await openTemp(temp.path);
  await queue.enqueue({ id: reportId(1) }, null);
  const other = await ReportQueue.open(root, { clock, recover: false });
  await other.enqueue({ id: reportId(2) }, null);
  assert.equal((await queue.claimNext())?.envelope.id, reportId(1));
  assert.equal((await queue.claimNext())?.envelope.id, reportId(2));
  assert.equal(await queue.claimNext(), null);
  assert.equal(queue.nextDueAt(), undefined);
});

Deno.test("the indexing pass removes a crash's temp files, never one this process is writing", async () => {
  await using temp = await tempDir("wats-queue-");
  const { root, clock } = await openTemp(temp.path);
  const pending = join(root, "pending");
  const ours = tempPathFor(join(pending, `${reportId(1)}.json`));
  const foreign = join(
    pending,
    `.${reportId(2)}.json.${ours.slice(-12, -8) === "ffff" ? "0000" : "ffff"}abcd.tmp`,
  );
  await Deno.writeTextFile(ours, "{");
  await Deno.writeTextFile(foreign, "{");
  const reopened = await ReportQueue.open(root, { clock });
  await reopened.indexed();
  assert.ok(await Deno.stat(ours), "a write of this process may still be under way");
  await assert.rejects(() => Deno.stat(foreign), Deno.errors.NotFound);
});

Deno.test("open with recover: false leaves processing/ alone", async () => {
  await using temp = await tempDir("wats-queue-");
  const { root, queue, clock } = await openTemp(temp.path);
  await queue.enqueue({ id: reportId(1) }, null);
  assert.ok(await queue.claimNext());
  const observer = await ReportQueue.open(root, { clock, recover: false });
  assert.equal((await observer.counts()).processing, 1);
  assert.equal(await observer.stateOf(reportId(1)), "processing");
  assert.equal(await observer.stateOf(reportId(2)), null);
});

Deno.test("on Windows an envelope that cannot be read yet (EBUSY) stays pending, not quarantined", async () => {
  await using temp = await tempDir("wats-queue-");
  const { root, queue, clock } = await openTemp(temp.path);
  await queue.indexed();
  const id = reportId(1);
  // Not even an envelope: were it read, it would be quarantined.
  await Deno.writeTextFile(join(root, "pending", `${id}.json`), "{}");
  const due: number[] = [];
  let reads = 0;
  const claim = await claimFile({
    root,
    clock,
    platform: platformFor("windows"),
    readTextFile() {
      reads++;
      throw Object.assign(new Error("The process cannot access the file (os error 32)"), {
        code: "EBUSY",
      });
    },
    onPending: (_name, at) => due.push(at),
    onReleased: () => {},
  }, `${id}.json`);
  assert.equal(claim, null);
  assert.equal(reads, 1);
  assert.deepEqual(await names(join(root, "pending")), [`${id}.json`]);
  assert.deepEqual(await names(join(root, "processing")), []);
  assert.deepEqual(await names(join(root, "quarantine")).catch(() => []), []);
  assert.equal(due.length, 1);
  assert.ok(due[0] >= clock.now() + 1_000, "tried again after a second or more");
});
