/**
 * The publisher of one sink: a loop that takes the oldest events of the sink from the outbox,
 * hands them to the sink, and removes them once the broker has acknowledged them. It runs beside
 * the uploads and never holds them up: the uploads only write the outbox entries, in the commit
 * they make anyway.
 *
 * While the sink is not connected the loop only keeps the outbox within `maxPendingEvents`. A
 * failed publish keeps the events and is tried again after `retryMs`; an event may so reach the
 * broker twice (at least once), and consumers drop repeats by `messageId`.
 *
 * @module
 */

import { getLogger } from "@logtape/logtape";
import type { StationEvent } from "./event.ts";
import type { Outbox } from "./outbox.ts";
import { type Clock, systemClock } from "../../util/clock.ts";

const log = getLogger(["wats", "events"]);

/** A broker connection that publishes events. */
export interface EventSink {
  /** The sink's name (`mqtt`, `cfx`), also its outbox key and its metrics label. */
  readonly name: string;
  /** Where it publishes, without credentials (for status). */
  readonly target: string;
  /** Whether it is connected now. */
  readonly isConnected: boolean;
  /** The last connection problem, without secrets; `null` once connected again. */
  readonly connectionError: string | null;
  /** Starts connecting; the sink reconnects by itself when the connection drops. */
  start(): void;
  /**
   * Publishes events; resolves once the broker acknowledged all of them.
   *
   * @param events The events, oldest first.
   * @param signal Aborted when the service stops.
   */
  publish(events: readonly StationEvent[], signal: AbortSignal): Promise<void>;
  /** Disconnects cleanly (marking the station offline where the protocol allows). */
  close(): Promise<void>;
}

/** The state of a sink, as `/status` shows it. */
export interface SinkStatus {
  /** The sink's name. */
  name: string;
  /** Where it publishes, without credentials. */
  target: string;
  /** `connected`, `disconnected` (connecting or waiting to) or `stopped`. */
  state: "connected" | "disconnected" | "stopped";
  /** Events waiting in the outbox. */
  pending: number;
  /** Events published (since the data folder was made). */
  published: number;
  /** Events dropped because the outbox was full (since the data folder was made). */
  dropped: number;
  /** The last problem, without secrets. */
  lastError: string | null;
  /** When the last problem happened, ISO 8601. */
  lastErrorAt: string | null;
}

/** Options of {@linkcode Publisher}. */
export interface PublisherOptions {
  /** The outbox. */
  outbox: Outbox;
  /** The sink. */
  sink: EventSink;
  /** Most events waiting for the sink; older ones are dropped. */
  maxPendingEvents: number;
  /** The clock; the system clock by default. */
  clock?: Clock;
  /** Events handed to the sink at once; 100 by default. */
  batchSize?: number;
  /** Wait after a failed publish, in ms; 1 s by default. */
  retryMs?: number;
  /** How often an idle or disconnected loop looks again, in ms; 1 s by default. */
  idleMs?: number;
}

/** Publishes one sink's events from the outbox. */
export class Publisher {
  readonly #options: PublisherOptions;
  readonly #clock: Clock;
  readonly #halt = new AbortController();
  #wake = new AbortController();
  #loop: Promise<void> | null = null;
  #counts = { pending: 0, published: 0, dropped: 0 };
  #lastError: { message: string; at: number } | null = null;

  /**
   * Creates the publisher; nothing runs until {@linkcode Publisher.start}.
   *
   * @param options The outbox, the sink and the bounds.
   */
  constructor(options: PublisherOptions) {
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
  }

  /** Starts the sink and the loop. */
  start(): void {
    if (this.#loop) return;
    this.#options.sink.start();
    this.#loop = this.#run();
  }

  /** Tells the loop that new events were committed. */
  wake(): void {
    const wake = this.#wake;
    this.#wake = new AbortController();
    wake.abort();
  }

  /**
   * Stops the loop (a publish under way is abandoned; its events stay in the outbox) and closes
   * the sink.
   *
   * @returns A promise that resolves once the sink is closed.
   */
  async stop(): Promise<void> {
    this.#halt.abort();
    await this.#loop;
    await this.#options.sink.close().catch(() => {});
  }

  /**
   * The sink's state and counts.
   *
   * @returns The status of the sink.
   */
  status(): SinkStatus {
    const { sink } = this.#options;
    const connectionError = sink.isConnected ? null : sink.connectionError;
    const lastError = this.#lastError;
    return {
      name: sink.name,
      target: sink.target,
      state: this.#halt.signal.aborted
        ? "stopped"
        : sink.isConnected
        ? "connected"
        : "disconnected",
      ...this.#counts,
      lastError: connectionError ?? lastError?.message ?? null,
      lastErrorAt: lastError ? new Date(lastError.at).toISOString() : null,
    };
  }

  async #run(): Promise<void> {
    const { outbox, sink, maxPendingEvents } = this.#options;
    const batchSize = this.#options.batchSize ?? 100;
    while (!this.#halt.signal.aborted) {
      try {
        const dropped = await outbox.trim(sink.name, maxPendingEvents);
        if (dropped > 0) {
          log.warn("Outbox of {sink} full: dropped the {dropped} oldest event(s)", {
            sink: sink.name,
            dropped,
          });
        }
        this.#counts = await outbox.counts(sink.name);
        if (!sink.isConnected || this.#counts.pending === 0) {
          await this.#sleep(this.#options.idleMs ?? 1_000);
          continue;
        }
        const entries = await outbox.take(sink.name, batchSize);
        await sink.publish(entries.map((entry) => entry.event), this.#halt.signal);
        await outbox.settle(sink.name, entries, "published");
      } catch (error) {
        if (this.#halt.signal.aborted) return;
        const message = error instanceof Error ? error.message : String(error);
        if (this.#lastError?.message !== message) {
          log.warn("Publishing events to {sink} failed, will try again: {message}", {
            sink: sink.name,
            message,
          });
        }
        this.#lastError = { message, at: this.#clock.now() };
        await this.#sleep(this.#options.retryMs ?? 1_000);
      }
    }
  }

  /** Sleeps; wakes early on stop and on new events. */
  async #sleep(ms: number): Promise<void> {
    const signal = AbortSignal.any([this.#halt.signal, this.#wake.signal]);
    await this.#clock.sleep(ms, signal).catch(() => {});
  }
}
