import assert from "node:assert/strict";
import { join } from "node:path";
import {
  retryDelayMs,
  SETTLE_RETRY_MS,
  type SettledEvent,
  Submitter,
  type SubmitterOptions,
} from "../../client/submitter.ts";
import { ReportQueue } from "../../client/queue/queue.ts";
import { Ledger, reportDigest } from "../../client/ledger/ledger.ts";
import { ServiceStats } from "../../client/status/_stats.ts";
import { ManualClock } from "../../util/clock.ts";
import { tempDir } from "../_temp.ts";
import {
  AuthenticationError,
  CircuitOpenError,
  NetworkError,
  ServerError,
  ValidationError,
} from "../../api/http/errors.ts";

const RETRY = { baseDelayMs: 1_000, maxDelayMs: 60_000 };

function reportId(n: number): string {
  return `00000000-0000-4000-8000-${n.toString().padStart(12, "0")}`;
}

/** Polls a condition in real time: the queue and ledger do real I/O. */
async function eventually(what: string, check: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = performance.now() + 5_000;
  while (!await check()) {
    if (performance.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** A submitter over a queue and a ledger in `root` (a {@linkcode tempDir} the test removes). */
async function setUp(
  root: string,
  send: SubmitterOptions["send"],
  options: {
    concurrency?: number;
    breaker?: { stats: { state: string; retryAtMs: number | null } };
  } = {},
) {
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  const queue = await ReportQueue.open(join(root, "queue"), { clock });
  const ledger = await Ledger.open(join(root, "ledger.kv"));
  const stats = new ServiceStats(() => clock.now(), []);
  const settled: SettledEvent[] = [];
  const submitter = new Submitter({
    queue,
    ledger,
    send,
    stats,
    clock,
    retry: RETRY,
    concurrency: options.concurrency ?? 1,
    breaker: options.breaker,
    random: () => 0.5,
    idleCheckMs: 60_000,
    onSettled: (event) => settled.push(event),
  });
  const close = async () => {
    await submitter.stop(0);
    await queue.indexed();
    ledger.close();
  };
  return { root, queue, ledger, stats, clock, submitter, settled, close };
}

Deno.test("an accepted report is recorded in the ledger and moved to done/", async () => {
  const sent: string[] = [];
  await using temp = await tempDir("wats-submitter-");
  const t = await setUp(temp.path, (report) => {
    sent.push(report.id);
    return Promise.resolve(`srv-${report.id.slice(-1)}`);
  });
  try {
    await t.queue.enqueue({ id: reportId(1) }, null);
    t.submitter.start();
    // The settle ends beside the next claim: wait for its end, not only for the rename.
    await eventually("settled", () => t.settled.length === 1);
    assert.equal(await t.queue.stateOf(reportId(1)), "done");
    assert.deepEqual(sent, [reportId(1)]);
    const record = await t.ledger.getAccepted(reportId(1));
    assert.equal(record?.serverId, "srv-1");
    assert.equal(record?.at, new Date(t.clock.now()).toISOString());
    assert.equal(t.stats.uploadsAccepted, 1);
  } finally {
    await t.close();
  }
});

Deno.test("a report the ledger has as accepted is settled without a second POST", async () => {
  let posts = 0;
  await using temp = await tempDir("wats-submitter-");
  const t = await setUp(temp.path, () => {
    posts++;
    return Promise.resolve(null);
  });
  try {
    // The process died after the server's answer was recorded, before the settle.
    await t.ledger.recordAccepted(reportId(1), { at: "2026-01-01T00:00:00.000Z" });
    await t.queue.enqueue({ id: reportId(1) }, null);
    t.submitter.start();
    await eventually("settled", () => t.settled.length === 1);
    assert.equal(await t.queue.stateOf(reportId(1)), "done");
    assert.equal(posts, 0);
    assert.equal(t.stats.ledgerHits, 1);
  } finally {
    await t.close();
  }
});

Deno.test("a corrected report under an accepted id is sent; the same one is not", async () => {
  const sent: unknown[] = [];
  await using temp = await tempDir("wats-submitter-");
  const t = await setUp(temp.path, (report) => {
    sent.push(report.sn);
    return Promise.resolve(null);
  });
  try {
    const first = { id: reportId(1), sn: "SN-1" };
    await t.ledger.recordAccepted(reportId(1), {
      at: "2026-01-01T00:00:00.000Z",
      digest: reportDigest(first),
    });
    await t.queue.enqueue(first, null);
    t.submitter.start();
    await eventually("first settled", () => t.settled.length === 1);
    assert.deepEqual(sent, []);
    // The serial number was wrong: the file is fixed and dropped again, same report id.
    await t.queue.enqueue({ id: reportId(1), sn: "SN-1A" }, null);
    t.submitter.wake();
    await eventually("correction settled", () => t.settled.length === 2);
    assert.deepEqual(sent, ["SN-1A"]);
    assert.equal(await t.queue.stateOf(reportId(1)), "done");
  } finally {
    await t.close();
  }
});

Deno.test("Retry-After delays the report and pauses every worker until then", async () => {
  const sentAt: number[] = [];
  let failures = 1;
  await using temp = await tempDir("wats-submitter-");
  const t = await setUp(temp.path, () => {
    sentAt.push(t.clock.now());
    if (failures-- > 0) {
      return Promise.reject(
        new ServerError("Service unavailable", { status: 503, retryAfterMs: 30_000 }),
      );
    }
    return Promise.resolve(null);
  }, { concurrency: 2 });
  try {
    const start = t.clock.now();
    await t.queue.enqueue({ id: reportId(1) }, null);
    t.submitter.start();
    await eventually("the refused attempt", () => t.settled.length === 1);
    assert.equal(t.settled[0].state, "retry");
    assert.equal(t.submitter.pausedUntil, start + 30_000);
    // A second report is due now, but the server asked everyone to wait.
    await t.queue.enqueue({ id: reportId(2) }, null);
    t.submitter.wake();
    await t.clock.advance(29_999);
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(sentAt.length, 1);
    await t.clock.advance(1);
    await eventually("both accepted", () => t.stats.uploadsAccepted === 2);
    assert.ok(sentAt.slice(1).every((at) => at >= start + 30_000), `${sentAt}`);
    const envelope = (await t.queue.get(reportId(1)))?.envelope;
    assert.equal(envelope?.attempts, 1);
    assert.equal(envelope?.lastError?.status, 503);
  } finally {
    await t.close();
  }
});

Deno.test("a refused report goes to failed/ with the reason; a refused token is retried", async () => {
  await using temp = await tempDir("wats-submitter-");
  const t = await setUp(temp.path, (report) => {
    if (report.id === reportId(1)) {
      return Promise.reject(
        new ValidationError("Report rejected: unknown process", { status: 400 }),
      );
    }
    return Promise.reject(new AuthenticationError("Token refused", { status: 401 }));
  });
  try {
    await t.queue.enqueue({ id: reportId(1) }, null);
    await t.queue.enqueue({ id: reportId(2) }, null);
    t.submitter.start();
    await eventually("both settled", () => t.settled.length === 2);
    const failed = await t.queue.get(reportId(1));
    assert.equal(failed?.state, "failed");
    assert.equal(failed?.envelope?.lastError?.status, 400);
    assert.match(failed?.envelope?.lastError?.message ?? "", /unknown process/);
    const waiting = await t.queue.get(reportId(2));
    assert.equal(waiting?.state, "pending");
    assert.equal(waiting?.envelope?.attempts, 1);
    assert.notEqual(t.stats.authRefusedAt, null);
  } finally {
    await t.close();
  }
});

Deno.test("nothing is claimed while the breaker is open", async () => {
  let posts = 0;
  const breaker = {
    stats: { state: "open", retryAtMs: Date.UTC(2026, 0, 1) + 10_000 as number | null },
  };
  await using temp = await tempDir("wats-submitter-");
  const t = await setUp(temp.path, () => {
    posts++;
    return Promise.resolve(null);
  }, { breaker });
  try {
    await t.queue.enqueue({ id: reportId(1) }, null);
    t.submitter.start();
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(posts, 0);
    assert.equal(await t.queue.stateOf(reportId(1)), "pending");
    breaker.stats = { state: "half-open", retryAtMs: null };
    await t.clock.advance(10_000);
    await eventually("sent after the cooldown", () => posts === 1);
  } finally {
    await t.close();
  }
});

Deno.test("stop lets uploads finish within the grace period, then aborts and leaves them in processing/", async () => {
  await using temp = await tempDir("wats-submitter-");
  // An upload on the wire that never gets an answer: only the abort at the grace's end ends it.
  let isSending = false;
  const t = await setUp(temp.path, (_report, signal) =>
    new Promise((_resolve, reject) => {
      isSending = true;
      if (signal.aborted) reject(signal.reason);
      signal.addEventListener("abort", () => reject(signal.reason), { once: true });
    }));
  await t.queue.enqueue({ id: reportId(1) }, null);
  t.submitter.start();
  await eventually("in flight", () => isSending);
  const stopped = t.submitter.stop(20_000);
  await t.clock.advance(19_999);
  assert.equal(t.submitter.inFlight, 1);
  await t.clock.advance(1);
  await stopped;
  assert.equal(await t.queue.stateOf(reportId(1)), "processing");
  assert.equal(t.settled.length, 0);
  await t.close();
});

Deno.test("stop does not wait for uploads that are still waiting to be sent", async () => {
  await using temp = await tempDir("wats-submitter-");
  // An upload held for a limiter slot: only the wait signal ends it, as RateLimiter.acquire does
  // (at once when the stop came before the upload reached it).
  let isWaiting = false;
  const t = await setUp(
    temp.path,
    (_report, _signal, waitSignal) =>
      new Promise((_resolve, reject) => {
        isWaiting = true;
        if (waitSignal.aborted) reject(waitSignal.reason);
        waitSignal.addEventListener("abort", () => reject(waitSignal.reason), { once: true });
      }),
  );
  await t.queue.enqueue({ id: reportId(1) }, null);
  t.submitter.start();
  await eventually("waiting to be sent", () => isWaiting);
  // No clock advance: the stop ends before any of its 20 s grace has passed.
  await t.submitter.stop(20_000);
  assert.equal(t.submitter.inFlight, 0);
  assert.equal(await t.queue.stateOf(reportId(1)), "processing");
  assert.equal(t.settled.length, 0);
  assert.deepEqual(t.stats.recentErrors, []);
  await t.close();
});

Deno.test("retry delays: full jitter capped, Retry-After as given, breaker until its probe", () => {
  const now = 1_000_000;
  const half = () => 0.5;
  const network = new NetworkError("down");
  assert.equal(retryDelayMs(network, 0, RETRY, now, half), 500);
  assert.equal(retryDelayMs(network, 3, RETRY, now, half), 4_000);
  assert.equal(retryDelayMs(network, 20, RETRY, now, half), 30_000);
  assert.ok(Math.abs(retryDelayMs(network, 20, RETRY, now, () => 0.999999) - 59_999.94) < 1e-6);
  const asked = new ServerError("busy", { status: 503, retryAfterMs: 120_000 });
  assert.equal(retryDelayMs(asked, 0, RETRY, now, half), 120_000);
  const open = new CircuitOpenError("open", { retryAtMs: now + 7_000 });
  assert.equal(retryDelayMs(open, 5, RETRY, now, half), 7_000);
});

/** Makes `queue/<state>` a file, so that renames into it fail (ENOTDIR, even as root). */
async function breakFolder(root: string, state: string): Promise<() => Promise<void>> {
  const folder = join(root, state);
  await Deno.remove(folder, { recursive: true });
  await Deno.writeTextFile(folder, "not a folder");
  return async () => {
    await Deno.remove(folder);
    await Deno.mkdir(folder);
  };
}

Deno.test("an accepted report whose settle failed is settled once the disk takes it again", async () => {
  await using temp = await tempDir("wats-submitter-");
  const t = await setUp(temp.path, (report) => Promise.resolve(`srv-${report.id.slice(-1)}`));
  const queueRoot = join(t.root, "queue");
  try {
    await t.queue.enqueue({ id: reportId(1) }, null);
    const repair = await breakFolder(queueRoot, "done");
    t.submitter.start();
    await eventually(
      "the settle failed",
      () => t.stats.recentErrors.some((error) => /could not be settled/.test(error.message)),
    );
    assert.equal(await t.queue.stateOf(reportId(1)), "processing");
    assert.ok(await t.ledger.getAccepted(reportId(1)));
    await repair();
    await t.clock.advance(SETTLE_RETRY_MS);
    await eventually("settled after all", () => t.settled.length === 1);
    assert.equal(await t.queue.stateOf(reportId(1)), "done");
    assert.deepEqual(t.settled.map((event) => event.state), ["done"]);
  } finally {
    await t.close();
    await Deno.remove(t.root, { recursive: true });
  }
});

Deno.test("a retry whose move back to pending/ failed is tried again, not left in processing/", async () => {
  const broken = Promise.withResolvers<void>();
  // The first attempt fails once pending/ is broken, so its move back there fails.
  await using temp = await tempDir("wats-submitter-");
  const t = await setUp(
    temp.path,
    () => broken.promise.then(() => Promise.reject(new NetworkError("down"))),
  );
  const queueRoot = join(t.root, "queue");
  try {
    await t.queue.enqueue({ id: reportId(2) }, null);
    t.submitter.start();
    await eventually("claimed", async () => await t.queue.stateOf(reportId(2)) === "processing");
    const repair = await breakFolder(queueRoot, "pending");
    broken.resolve();
    await eventually(
      "the settle failed",
      () => t.stats.recentErrors.some((error) => /could not be settled/.test(error.message)),
    );
    const claimed = join(queueRoot, "processing", `${reportId(2)}.json`);
    assert.ok((await Deno.lstat(claimed)).isFile);
    await repair();
    await t.clock.advance(SETTLE_RETRY_MS);
    await eventually(
      "back in pending/",
      async () => await t.queue.stateOf(reportId(2)) === "pending",
    );
  } finally {
    await t.close();
    await Deno.remove(t.root, { recursive: true });
  }
});
