/**
 * The event outbox: events kept in the ledger's KV file, written in the same atomic commit as the
 * state change that causes them, and removed only once a sink has published them.
 *
 * An accepted report's event is a {@linkcode LinkedEntry} of its ledger record
 * ({@linkcode Outbox.entriesFor}): the record and the event exist together or not at all, so a
 * crash between the server's answer and the settle neither loses an event nor makes a second
 * one (the record is written once). A health change is committed with the last known health
 * ({@linkcode Outbox.recordStatus}), checked against its versionstamp.
 *
 * Each sink has its own entries, `["outbox", sink, atMs, sequence, messageId]` (oldest first; the
 * sequence orders the events of one millisecond), so a sink that is down
 * never holds back another. Three counters per sink tell its state without listing entries:
 * `events.<sink>.written` (added in the commit that writes the entry), `.published` and
 * `.dropped` (added in the commit that deletes it); pending is written − published − dropped.
 * The outbox is bounded: {@linkcode Outbox.trim} drops the oldest entries of a sink beyond
 * `maxPendingEvents`, counting them as dropped, so a broker gone for a month cannot fill the disk.
 *
 * @module
 */

import type { Ledger, LinkedEntry } from "../ledger/ledger.ts";
import type { StationEvent, StatusEventBody } from "./event.ts";

const OUTBOX = "outbox";
const LAST_STATUS: Deno.KvKey = ["events", "status"];

/** An event taken from the outbox, with the key that settles it. */
export interface OutboxEntry {
  /** The entry's key. */
  key: Deno.KvKey;
  /** The event. */
  event: StationEvent;
}

/** A sink's counts, from the outbox's durable counters. */
export interface OutboxCounts {
  /** Events waiting for the sink. */
  pending: number;
  /** Events the sink published. */
  published: number;
  /** Events dropped because the outbox was full. */
  dropped: number;
}

/**
 * The counter names of a sink.
 *
 * @param sink The sink's name, e.g. `mqtt`.
 * @returns The names of its written, published and dropped counters.
 */
export function outboxCounters(
  sink: string,
): { written: string; published: string; dropped: string } {
  return {
    written: `events.${sink}.written`,
    published: `events.${sink}.published`,
    dropped: `events.${sink}.dropped`,
  };
}

function sameStatus(a: StatusEventBody, b: StatusEventBody): boolean {
  return a.state === b.state && a.health === b.health &&
    JSON.stringify(a.reasons) === JSON.stringify(b.reasons);
}

/**
 * Events waiting for their sinks, in the ledger's KV file.
 *
 * @example Write an event with its record, take it, settle it
 * ```ts
 * import assert from "node:assert/strict";
 * import { join } from "node:path";
 * import { Ledger, Outbox } from "@wats/toolkit/client";
 * const folder = await Deno.makeTempDir();
 * const ledger = await Ledger.open(join(folder, "ledger.kv"));
 * const outbox = new Outbox(ledger, ["mqtt"]);
 * const event = {
 *   messageId: "8c1f0d6e-3b1a-4f0e-9a2b-1d2c3e4f5a6b", kind: "report" as const,
 *   at: "2026-01-30T21:02:00.000Z", station: { name: "ICT-1", location: "" },
 * };
 * await ledger.recordAccepted(event.messageId, { at: event.at }, outbox.entriesFor(event));
 * const [entry] = await outbox.take("mqtt", 10);
 * await outbox.settle("mqtt", [entry], "published");
 * assert.deepEqual(await outbox.counts("mqtt"), { pending: 0, published: 1, dropped: 0 });
 * ledger.close();
 * await Deno.remove(folder, { recursive: true });
 * ```
 */
export class Outbox {
  readonly #ledger: Ledger;
  readonly #sinks: readonly string[];
  #sequence = 0;

  /**
   * Opens the outbox of a ledger.
   *
   * @param ledger The ledger whose file holds the outbox.
   * @param sinks The names of the configured sinks; an event gets one entry for each.
   */
  constructor(ledger: Ledger, sinks: readonly string[]) {
    this.#ledger = ledger;
    this.#sinks = [...sinks];
  }

  /** The names of the sinks. */
  get sinks(): readonly string[] {
    return this.#sinks;
  }

  /**
   * The entries of an event, one for each sink, to be written in the commit of its state change.
   *
   * @param event The event.
   * @returns Entries for {@linkcode Ledger.recordAccepted}.
   */
  entriesFor(event: StationEvent): LinkedEntry[] {
    const atMs = Date.parse(event.at);
    // Events of the same millisecond keep the order they were made in.
    const sequence = this.#sequence++;
    return this.#sinks.map((sink) => ({
      key: [OUTBOX, sink, Number.isFinite(atMs) ? atMs : 0, sequence, event.messageId],
      value: event,
      counter: outboxCounters(sink).written,
    }));
  }

  /**
   * Commits a status event together with the last known status, unless the status is the same
   * as the one committed before (a change of state, health or reasons makes an event).
   *
   * @param event A `status` event.
   * @returns `true` when the change was committed; `false` when nothing changed.
   */
  async recordStatus(event: StationEvent): Promise<boolean> {
    const body = event.status;
    if (!body) throw new TypeError("A status event needs its status");
    const kv = this.#ledger.kv;
    for (let attempt = 0; attempt < 5; attempt++) {
      const last = await kv.get<StatusEventBody>(LAST_STATUS);
      if (last.value && sameStatus(last.value, body)) return false;
      const result = await this.#ledger.commit(() => {
        const atomic = kv.atomic().check(last).set(LAST_STATUS, body);
        for (const entry of this.entriesFor(event)) {
          atomic.set(entry.key, entry.value).sum(
            this.#ledger.counterKey(entry.counter),
            1n,
          );
        }
        return atomic;
      });
      if (result.ok) return true;
    }
    return false;
  }

  /**
   * The last status committed, if any.
   *
   * @returns The status body, or `null`.
   */
  async lastStatus(): Promise<StatusEventBody | null> {
    return (await this.#ledger.kv.get<StatusEventBody>(LAST_STATUS)).value;
  }

  /**
   * The oldest events waiting for a sink.
   *
   * @param sink The sink's name.
   * @param limit Most entries to take.
   * @returns The entries, oldest first.
   */
  async take(sink: string, limit: number): Promise<OutboxEntry[]> {
    const entries: OutboxEntry[] = [];
    const list = this.#ledger.kv.list<StationEvent>({ prefix: [OUTBOX, sink] }, { limit });
    for await (const entry of list) entries.push({ key: entry.key, event: entry.value });
    return entries;
  }

  /**
   * Removes entries of a sink, counting them as published or dropped, in one commit.
   *
   * @param sink The sink's name.
   * @param entries Entries taken with {@linkcode Outbox.take}.
   * @param outcome Why they leave the outbox.
   * @returns A promise that resolves once committed.
   */
  async settle(
    sink: string,
    entries: readonly OutboxEntry[],
    outcome: "published" | "dropped",
  ): Promise<void> {
    const counter = this.#ledger.counterKey(outboxCounters(sink)[outcome]);
    // Deno KV takes at most 1,000 mutations in one atomic operation.
    for (let start = 0; start < entries.length; start += 500) {
      const chunk = entries.slice(start, start + 500);
      const result = await this.#ledger.commit(() => {
        const atomic = this.#ledger.kv.atomic();
        for (const entry of chunk) atomic.delete(entry.key);
        return atomic.sum(counter, BigInt(chunk.length));
      });
      if (!result.ok) throw new Error(`Outbox entries of ${sink} could not be removed`);
    }
  }

  /**
   * Drops the oldest entries of a sink beyond `maxPending`, counting them as dropped.
   *
   * @param sink The sink's name.
   * @param maxPending Most entries the sink may have waiting.
   * @returns How many were dropped.
   */
  async trim(sink: string, maxPending: number): Promise<number> {
    const excess = (await this.counts(sink)).pending - maxPending;
    if (excess <= 0) return 0;
    const oldest = await this.take(sink, excess);
    await this.settle(sink, oldest, "dropped");
    return oldest.length;
  }

  /**
   * A sink's counts from the durable counters.
   *
   * @param sink The sink's name.
   * @returns Pending, published and dropped events.
   */
  async counts(sink: string): Promise<OutboxCounts> {
    const names = outboxCounters(sink);
    const kv = this.#ledger.kv;
    const [written, published, dropped] = (await kv.getMany<Deno.KvU64[]>([
      this.#ledger.counterKey(names.written),
      this.#ledger.counterKey(names.published),
      this.#ledger.counterKey(names.dropped),
    ])).map((entry) => Number(entry.value?.value ?? 0n));
    return { pending: Math.max(0, written - published - dropped), published, dropped };
  }
}
