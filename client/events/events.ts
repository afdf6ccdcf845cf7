/**
 * Test events on the factory's message broker: the configured sinks (`events.mqtt`,
 * `events.cfx`), the outbox they publish from, and the watch that turns health changes into
 * status events.
 *
 * The service asks {@linkcode StationEvents.entriesFor} for the outbox entries of an accepted
 * report, which the ledger writes in the record's commit, and calls
 * {@linkcode StationEvents.wake} once the commit is done. Every `statusCheckMs` the service's
 * status is compared with the last one committed; a change (state, health or its reasons) is
 * committed with its event. A sink that cannot publish makes the health `degraded`, never
 * `failing`: the uploads are what matter.
 *
 * @module
 */

import { getLogger } from "@logtape/logtape";
import type { ServiceConfig } from "../config/config.ts";
import type { Ledger, LinkedEntry } from "../ledger/ledger.ts";
import type { QueueReport } from "../queue/envelope.ts";
import { type Clock, systemClock } from "../../util/clock.ts";
import { reportEvent, type StationEvent, type StatusEventBody } from "./event.ts";
import { cfxCredentials, CfxSink } from "./cfx.ts";
import { mqttCredentials, MqttSink } from "./mqtt.ts";
import { Outbox } from "./outbox.ts";
import { type EventSink, Publisher, type SinkStatus } from "./publisher.ts";

const log = getLogger(["wats", "events"]);

/** How long a sink may be disconnected with events waiting before health is `degraded`. */
export const SINK_DOWN_DEGRADED_MS = 60_000;

/** Options of {@linkcode StationEvents.open}. */
export interface StationEventsOptions {
  /** The service configuration (its `events`, `station`). */
  config: ServiceConfig;
  /** The ledger, whose file holds the outbox. */
  ledger: Ledger;
  /** The service's status as a status event body, for health changes. */
  currentStatus: () => Promise<StatusEventBody>;
  /** The clock; the system clock by default. */
  clock?: Clock;
  /** Environment variables (the brokers' credentials); the process environment by default. */
  env?: (name: string) => string | undefined;
  /** Sinks to use instead of the configured ones (tests of the outbox). */
  sinks?: EventSink[];
  /** How often the status is compared with the last one committed, in ms; 5 s by default. */
  statusCheckMs?: number;
}

function processEnv(name: string): string | undefined {
  try {
    return Deno.env.get(name);
  } catch {
    return undefined;
  }
}

/** The configured sinks, their publishers and the status watch. */
export class StationEvents {
  readonly #outbox: Outbox;
  readonly #publishers: Publisher[];
  readonly #options: StationEventsOptions;
  readonly #clock: Clock;
  readonly #station: { name: string; location: string };
  readonly #halt = new AbortController();
  readonly #downSince = new Map<string, number>();
  #lastStatus: StatusEventBody | null = null;
  #watch: Promise<void> = Promise.resolve();

  private constructor(options: StationEventsOptions, sinks: EventSink[]) {
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    const { config } = options;
    this.#station = { name: config.station.name, location: config.station.location };
    this.#outbox = new Outbox(options.ledger, sinks.map((sink) => sink.name));
    this.#publishers = sinks.map((sink) =>
      new Publisher({
        outbox: this.#outbox,
        sink,
        maxPendingEvents: config.events.maxPendingEvents,
        clock: this.#clock,
      })
    );
  }

  /**
   * Makes the configured sinks; nothing connects until {@linkcode StationEvents.start}.
   *
   * @param options The configuration, ledger and status source.
   * @returns The events, or `null` when no sink is configured.
   * @throws {ConfigError} When a broker's password file is missing, empty or readable by all.
   */
  static async open(options: StationEventsOptions): Promise<StationEvents | null> {
    const { config } = options;
    const sinks: EventSink[] = options.sinks ? [...options.sinks] : [];
    let events: StationEvents | null = null;
    const currentStatus = () => events === null ? null : events.#lastStatus;
    const station = { name: config.station.name, location: config.station.location };
    const now = () => (options.clock ?? systemClock).now();
    if (!options.sinks && config.events.mqtt) {
      const credentials = await mqttCredentials(config.events.mqtt, options.env ?? processEnv);
      sinks.push(
        new MqttSink({ config: config.events.mqtt, station, credentials, currentStatus, now }),
      );
    }
    if (!options.sinks && config.events.cfx) {
      const credentials = await cfxCredentials(config.events.cfx, options.env ?? processEnv);
      sinks.push(
        new CfxSink({ config: config.events.cfx, station, credentials, clock: options.clock }),
      );
    }
    if (sinks.length === 0) return null;
    events = new StationEvents(options, sinks);
    events.#lastStatus = await events.#outbox.lastStatus();
    return events;
  }

  /** The outbox. */
  get outbox(): Outbox {
    return this.#outbox;
  }

  /** Connects the sinks and starts publishing and watching the status. */
  start(): void {
    for (const publisher of this.#publishers) publisher.start();
    this.#watch = this.#watchStatus();
  }

  /**
   * The outbox entries of an accepted report, for the ledger to write with its record.
   *
   * @param report The report as queued.
   * @param acceptedAt When the server accepted it, ISO 8601.
   * @returns One entry for each sink.
   */
  entriesFor(report: QueueReport, acceptedAt: string): LinkedEntry[] {
    return this.#outbox.entriesFor(reportEvent(report, acceptedAt, this.#station));
  }

  /** Tells the publishers that events were committed. */
  wake(): void {
    for (const publisher of this.#publishers) publisher.wake();
  }

  /**
   * Compares the service's status with the last one committed and commits a change with its
   * event (the status watch does this every few seconds).
   *
   * @param state `offline` when the service stops.
   * @returns `true` when a change was committed.
   */
  async checkStatus(state: "online" | "offline" = "online"): Promise<boolean> {
    const body = { ...await this.#options.currentStatus(), state };
    const event: StationEvent = {
      messageId: crypto.randomUUID(),
      kind: "status",
      at: new Date(this.#clock.now()).toISOString(),
      station: { ...this.#station },
      status: body,
    };
    this.#lastStatus = body;
    const isChanged = await this.#outbox.recordStatus(event);
    if (isChanged) this.wake();
    return isChanged;
  }

  /**
   * Each sink's state and counts.
   *
   * @returns One status a sink.
   */
  status(): SinkStatus[] {
    return this.#publishers.map((publisher) => publisher.status());
  }

  /**
   * Reasons for a `degraded` health: sinks disconnected for a minute with events waiting, and
   * events dropped from a full outbox.
   *
   * @returns One line a problem.
   */
  problems(): string[] {
    const now = this.#clock.now();
    const problems: string[] = [];
    for (const sink of this.status()) {
      if (sink.state === "connected") {
        this.#downSince.delete(sink.name);
        continue;
      }
      const since = this.#downSince.get(sink.name) ?? now;
      this.#downSince.set(sink.name, since);
      if (now - since >= SINK_DOWN_DEGRADED_MS && sink.pending > 0) {
        problems.push(
          `event sink ${sink.name} (${sink.target}) is not publishing: ${sink.pending} event(s) ` +
            `wait${sink.lastError ? `; ${sink.lastError}` : ""}`,
        );
      }
    }
    return problems;
  }

  /**
   * Commits the `offline` status, stops the publishers and closes the sinks.
   *
   * @returns A promise that resolves once every sink is closed.
   */
  async stop(): Promise<void> {
    this.#halt.abort();
    await this.#watch;
    await this.checkStatus("offline").catch(() => {});
    await Promise.all(this.#publishers.map((publisher) => publisher.stop()));
  }

  async #watchStatus(): Promise<void> {
    const everyMs = this.#options.statusCheckMs ?? 5_000;
    while (!this.#halt.signal.aborted) {
      try {
        await this.checkStatus();
      } catch (error) {
        log.warn("Could not record the status event: {message}", {
          message: (error as Error).message,
        });
      }
      await this.#clock.sleep(everyMs, this.#halt.signal).catch(() => {});
    }
  }
}
