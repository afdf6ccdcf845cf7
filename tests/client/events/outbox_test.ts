import assert from "node:assert/strict";
import { join } from "node:path";
import { Ledger } from "../../../client/ledger/ledger.ts";
import { reportEvent, type StationEvent } from "../../../client/events/event.ts";
import { Outbox } from "../../../client/events/outbox.ts";
import { type EventSink, Publisher } from "../../../client/events/publisher.ts";
import { ManualClock } from "../../../util/clock.ts";
import { waitFor, wsjfReport } from "../_service_kit.ts";

const STATION = { name: "ICT-1", location: "Line 2" };

async function withLedger(test: (ledger: Ledger) => Promise<void>): Promise<void> {
  const folder = await Deno.makeTempDir({ prefix: "wats-outbox-" });
  const ledger = await Ledger.open(join(folder, "ledger.kv"));
  try {
    await test(ledger);
  } finally {
    ledger.close();
    await Deno.remove(folder, { recursive: true });
  }
}

function eventOf(n: number, at = "2026-01-30T21:02:00.000Z"): StationEvent {
  return reportEvent(JSON.parse(wsjfReport(n).text), at, STATION);
}

/** A sink that keeps what it is given, and can be switched off. */
class MemorySink implements EventSink {
  readonly name = "memory";
  readonly target = "memory";
  readonly received: StationEvent[] = [];
  isConnected = true;
  connectionError: string | null = null;
  start(): void {}
  publish(events: readonly StationEvent[]): Promise<void> {
    if (!this.isConnected) return Promise.reject(new Error("not connected"));
    this.received.push(...events);
    return Promise.resolve();
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

Deno.test("an accepted record and its events are committed together, once", async () => {
  await withLedger(async (ledger) => {
    const outbox = new Outbox(ledger, ["mqtt", "cfx"]);
    const event = eventOf(1);
    const record = { at: event.at };
    assert.equal(
      await ledger.recordAccepted(event.messageId, record, outbox.entriesFor(event)),
      true,
    );
    // The same report accepted again (a crash before the settle): no second event.
    assert.equal(
      await ledger.recordAccepted(event.messageId, record, outbox.entriesFor(event)),
      false,
    );
    for (const sink of ["mqtt", "cfx"]) {
      const entries = await outbox.take(sink, 10);
      assert.deepEqual(entries.map((entry) => entry.event.messageId), [event.messageId]);
      assert.deepEqual(await outbox.counts(sink), { pending: 1, published: 0, dropped: 0 });
    }
    assert.equal((await ledger.counters())["events.mqtt.written"], 1);
  });
});

Deno.test("the outbox keeps at most maxPendingEvents, dropping the oldest with a count", async () => {
  await withLedger(async (ledger) => {
    const outbox = new Outbox(ledger, ["mqtt"]);
    const events = Array.from(
      { length: 10 },
      (_, n) => eventOf(n, new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString()),
    );
    await Promise.all(
      events.map((event) =>
        ledger.recordAccepted(event.messageId, { at: event.at }, outbox.entriesFor(event))
      ),
    );
    assert.equal(await outbox.trim("mqtt", 4), 6);
    const left = await outbox.take("mqtt", 100);
    assert.deepEqual(
      left.map((entry) => entry.event.messageId),
      events.slice(6).map((event) => event.messageId),
    );
    assert.deepEqual(await outbox.counts("mqtt"), { pending: 4, published: 0, dropped: 6 });
  });
});

Deno.test("a status change is committed with its event; the same status makes none", async () => {
  await withLedger(async (ledger) => {
    const outbox = new Outbox(ledger, ["mqtt"]);
    const status = (health: "ok" | "degraded", reasons: string[]): StationEvent => ({
      messageId: crypto.randomUUID(),
      kind: "status",
      at: "2026-01-30T21:02:00.000Z",
      station: STATION,
      status: { state: "online", health, reasons, backlog: 0, breaker: "closed" },
    });
    assert.equal(await outbox.recordStatus(status("ok", [])), true);
    assert.equal(await outbox.recordStatus(status("ok", [])), false);
    assert.equal(await outbox.recordStatus(status("degraded", ["disk low"])), true);
    const taken = await outbox.take("mqtt", 10);
    assert.deepEqual(taken.map((entry) => entry.event.status?.health), ["ok", "degraded"]);
    assert.deepEqual((await outbox.lastStatus())?.reasons, ["disk low"]);
  });
});

Deno.test("the publisher sends every event once and keeps them while the sink is down", async () => {
  await withLedger(async (ledger) => {
    const sink = new MemorySink();
    sink.isConnected = false;
    const outbox = new Outbox(ledger, [sink.name]);
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    const publisher = new Publisher({ outbox, sink, maxPendingEvents: 1_000, clock, idleMs: 5 });
    publisher.start();
    try {
      const events = Array.from({ length: 150 }, (_, n) => eventOf(n));
      for (const event of events) {
        await ledger.recordAccepted(event.messageId, { at: event.at }, outbox.entriesFor(event));
      }
      publisher.wake();
      await waitFor("the pending count", () => publisher.status().pending === 150 || undefined);
      assert.equal(publisher.status().state, "disconnected");
      assert.equal(sink.received.length, 0);
      sink.isConnected = true;
      await waitFor("every event", () => {
        clock.advance(5);
        return publisher.status().published === 150 || undefined;
      });
      const ids = sink.received.map((event) => event.messageId);
      assert.equal(new Set(ids).size, 150);
      assert.deepEqual(ids.toSorted(), events.map((event) => event.messageId).toSorted());
      assert.deepEqual(await outbox.counts(sink.name), { pending: 0, published: 150, dropped: 0 });
    } finally {
      await publisher.stop();
    }
  });
});
