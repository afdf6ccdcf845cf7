import assert from "node:assert/strict";
import { join } from "node:path";
import { type TakeContext, takeSource } from "../../../client/intake/_take.ts";
import { registryConversion } from "../../../client/intake/_convert.ts";
import { ReportQueue } from "../../../client/queue/queue.ts";
import { Ledger } from "../../../client/ledger/ledger.ts";
import { hashHex } from "../../../util/hash.ts";
import { ManualClock } from "../../../util/clock.ts";
import { platformFor } from "../../../util/platform.ts";
import { wsjfReport } from "../_service_kit.ts";
import { tempDir } from "../../_temp.ts";

const STATION = { name: "STATION-7", location: "Line 2", purpose: "Production" };
const WSJF = { id: "wsjf", args: {} };

/** A take context over a queue and a ledger in `root` (a {@linkcode tempDir} the test removes). */
async function setUp(root: string, maxFileBytes = 1024 * 1024) {
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  const queue = await ReportQueue.open(join(root, "queue"), { clock });
  const ledger = await Ledger.open(join(root, "ledger.kv"));
  const context: TakeContext = {
    config: {
      station: STATION,
      limits: {
        maxFileBytes,
        maxQueueSize: 1_000,
        requestsPerWindow: 500,
        windowMs: 60_000,
        uploadConcurrency: 4,
        conversionConcurrency: 4,
      },
    },
    queue,
    ledger,
    conversion: registryConversion(),
    clock,
    signal: new AbortController().signal,
  };
  const write = async (name: string, text: string) => {
    const path = join(root, name);
    await Deno.writeTextFile(path, text);
    return path;
  };
  return { root, queue, ledger, context, write, close: () => ledger.close() };
}

Deno.test("a file is converted and its report queued with its source", async () => {
  await using temp = await tempDir("wats-take-");
  const t = await setUp(temp.path);
  try {
    const report = wsjfReport(1);
    const path = await t.write("run.json", report.text);
    const taken = await takeSource(t.context, path, WSJF);
    const envelope = (await t.queue.get(report.id))?.envelope;
    assert.deepEqual(taken, {
      outcome: "queued",
      reportIds: [report.id],
      source: envelope?.source,
      units: [{ id: report.id, sn: "SN000001", pn: "PCBA-100" }],
    });
    assert.match(envelope?.source?.argumentsHash ?? "", /^[0-9a-f]{64}$/);
    assert.equal(envelope?.source?.path, path);
    assert.equal(envelope?.source?.converter, "wsjf");
    assert.equal(envelope?.source?.sha256, hashHex(new TextEncoder().encode(report.text)));
  } finally {
    t.close();
  }
});

Deno.test("the same content under another name is a duplicate; under the same name it was taken", async () => {
  await using temp = await tempDir("wats-take-");
  const t = await setUp(temp.path);
  try {
    const report = wsjfReport(1);
    const first = await t.write("run.json", report.text);
    const second = await t.write("copy.json", report.text);
    await takeSource(t.context, first, WSJF);
    const duplicate = await takeSource(t.context, second, WSJF);
    assert.equal(duplicate.outcome, "duplicate");
    assert.equal(duplicate.outcome === "duplicate" && duplicate.firstPath, first);
    assert.equal((await takeSource(t.context, first, WSJF)).outcome, "resumed");
    assert.equal((await t.queue.counts()).pending, 1);
    assert.equal((await t.ledger.counters())["sources.duplicate"], 1);
  } finally {
    t.close();
  }
});

Deno.test("after a crash between the source record and the queue, the reports get their recorded ids", async () => {
  await using temp = await tempDir("wats-take-");
  const t = await setUp(temp.path);
  try {
    // A file whose reports have no id of their own get a new one each conversion: the first
    // conversion recorded its id, then the process died before queueing the report.
    const { text } = wsjfReport(1);
    const withoutId = JSON.stringify({ ...JSON.parse(text), id: undefined });
    const path = await t.write("run.json", withoutId);
    const sha = hashHex(new TextEncoder().encode(withoutId));
    const recorded = "11111111-2222-4333-8444-555555555555";
    await t.ledger.recordSource(sha, { reportIds: [recorded], path, at: "2026-01-01T00:00:00Z" });
    const taken = await takeSource(t.context, path, WSJF);
    assert.deepEqual(taken.outcome === "queued" && [taken.reportIds, taken.units], [
      [recorded],
      [{ id: recorded, sn: "SN000001", pn: "PCBA-100" }],
    ]);
    assert.equal((await t.queue.get(recorded))?.state, "pending");
    assert.equal((await t.queue.counts()).pending, 1);
  } finally {
    t.close();
  }
});

Deno.test("empty, oversized and unconvertible files fail with their reason", async () => {
  await using temp = await tempDir("wats-take-");
  const t = await setUp(temp.path, 2_000);
  try {
    const empty = await takeSource(t.context, await t.write("empty.json", ""), WSJF);
    assert.equal(empty.outcome === "failed" && empty.facts.reason, "Empty file (0 bytes)");
    const big = await takeSource(t.context, await t.write("big.json", "x".repeat(2_001)), WSJF);
    assert.match(
      big.outcome === "failed" ? big.facts.reason : "",
      /2001 bytes, over the limit of 2000/,
    );
    const bad = await takeSource(t.context, await t.write("bad.json", "{"), WSJF);
    assert.equal(bad.outcome === "failed" && bad.facts.stage, "parse");
    const unknown = await takeSource(t.context, await t.write("x.json", "{}"), {
      id: "nope",
      args: {},
    });
    assert.match(
      unknown.outcome === "failed" ? unknown.facts.reason : "",
      /Unknown converter "nope"/,
    );
    assert.equal((await takeSource(t.context, join(t.root, "gone.json"), WSJF)).outcome, "gone");
    assert.equal((await t.queue.counts()).pending, 0);
  } finally {
    t.close();
  }
});

Deno.test("a conversion cancelled by the stop leaves the file unrecorded, for the next start", async () => {
  await using temp = await tempDir("wats-take-");
  const t = await setUp(temp.path);
  try {
    const report = wsjfReport(3);
    const path = await t.write("run.json", report.text);
    const stop = new AbortController();
    stop.abort(new Error("service stopping"));
    const taken = await takeSource({ ...t.context, signal: stop.signal }, path, WSJF);
    assert.deepEqual(taken, { outcome: "stopped" });
    assert.equal(await t.queue.get(report.id), null);
    const sha = hashHex(new TextEncoder().encode(report.text));
    assert.equal(await t.ledger.getSource(sha), null);
    // The next start takes it as if nothing had happened.
    assert.equal((await takeSource(t.context, path, WSJF)).outcome, "queued");
  } finally {
    t.close();
  }
});

Deno.test("on Windows a source that cannot be read yet (EBUSY) is not stable yet, not an error", async () => {
  await using temp = await tempDir("wats-take-");
  const t = await setUp(temp.path);
  try {
    const report = wsjfReport(2);
    const path = await t.write("held.json", report.text);
    let isHeld = true;
    const context: TakeContext = {
      ...t.context,
      platform: platformFor("windows"),
      readFile: (file) => {
        if (!isHeld) return Deno.readFile(file);
        const error = new Error("The process cannot access the file (os error 32)");
        return Promise.reject(Object.assign(error, { code: "EBUSY" }));
      },
    };
    const busy = await takeSource(context, path, WSJF);
    assert.equal(busy.outcome, "busy");
    assert.equal(await t.queue.get(report.id), null, "nothing queued");
    assert.equal(await Deno.readTextFile(path), report.text, "the file stays where it is");
    isHeld = false;
    const taken = await takeSource(context, path, WSJF);
    assert.deepEqual(taken, {
      outcome: "queued",
      reportIds: [report.id],
      source: (await t.queue.get(report.id))?.envelope?.source,
      units: [{ id: report.id, sn: "SN000002", pn: "PCBA-100" }],
    });
  } finally {
    t.close();
  }
});
