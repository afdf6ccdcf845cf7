/**
 * The MQTT sink (`events.mqtt`), on MQTT.js (`npm:mqtt`).
 *
 * Topics, under the configured prefix: `<prefix>/<location>/<station>/report` for each accepted
 * report and `<prefix>/<location>/<station>/status` (retained) for the station's state and
 * health; an empty location leaves its level out, and `+`, `#` and `/` in a name become `_`. The
 * connection carries a last will, retained on the status topic, that marks the station
 * `offline` when the service dies without saying goodbye; on each connection the sink publishes
 * the current status (retained, `online`) and on a clean stop an `offline` one.
 *
 * The password comes from `WATS_MQTT_PASSWORD` or the file named by `events.mqtt.passwordFile`
 * (readable by the service account only, as the token file); it appears in no log or status.
 *
 * @module
 */

import { Buffer } from "node:buffer";
import mqtt from "mqtt";
import type { MqttClient } from "mqtt";
import type { MqttEventsConfig } from "../config/schema.ts";
import type { StationEvent, StatusEventBody } from "./event.ts";
import type { EventSink } from "./publisher.ts";
import { redactUrl } from "./_text.ts";
import { readSecretFile } from "../config/_secret_file.ts";

/** How long the broker may take to acknowledge a batch of events. */
const ACK_TIMEOUT_MS = 15_000;

/** One topic level from a name: MQTT wildcards and separators replaced. */
function topicLevel(name: string): string {
  return name.replace(/[+#/]/g, "_");
}

/**
 * The topics of a station.
 *
 * @param prefix The configured topic prefix.
 * @param station The station's name and location.
 * @returns The report and status topics.
 *
 * @example Topics of a station
 * ```ts
 * import assert from "node:assert/strict";
 * import { mqttTopics } from "@wats/toolkit/client";
 * assert.deepEqual(mqttTopics("acme/wats", { name: "ICT-1", location: "Line 2" }), {
 *   report: "acme/wats/Line 2/ICT-1/report",
 *   status: "acme/wats/Line 2/ICT-1/status",
 * });
 * ```
 */
export function mqttTopics(
  prefix: string,
  station: { name: string; location: string },
): { report: string; status: string } {
  const levels = [prefix.replace(/\/+$/, ""), station.location, station.name]
    .filter((level) => level !== "")
    .map((level, index) => index === 0 ? level : topicLevel(level));
  const base = levels.join("/");
  return { report: `${base}/report`, status: `${base}/status` };
}

/** The credentials of the MQTT connection: the environment first, then the configuration. */
export async function mqttCredentials(
  config: MqttEventsConfig,
  env: (name: string) => string | undefined,
): Promise<{ username?: string; password?: string }> {
  const username = env("WATS_MQTT_USERNAME")?.trim() || config.username;
  let password = env("WATS_MQTT_PASSWORD")?.trim() || undefined;
  if (password === undefined && config.passwordFile !== undefined) {
    password = await readSecretFile(config.passwordFile, "events.mqtt.passwordFile", {
      what: "MQTT password",
      envName: "WATS_MQTT_PASSWORD",
    });
  }
  return { ...(username ? { username } : {}), ...(password ? { password } : {}) };
}

/** Options of {@linkcode MqttSink}. */
export interface MqttSinkOptions {
  /** The `events.mqtt` configuration. */
  config: MqttEventsConfig;
  /** The station's name and location. */
  station: { name: string; location: string };
  /** User name and password (see {@linkcode mqttCredentials}). */
  credentials: { username?: string; password?: string };
  /** The station's current status, published (retained) on each connection. */
  currentStatus: () => StatusEventBody | null;
  /** Time between reconnection attempts in ms; 2 s by default. */
  reconnectMs?: number;
  /** The clock's `now`, for the time of status messages; `Date.now` by default. */
  now?: () => number;
}

/** Publishes events to an MQTT broker. */
export class MqttSink implements EventSink {
  /** The sink's name. */
  readonly name = "mqtt";
  readonly #options: MqttSinkOptions;
  readonly #topics: { report: string; status: string };
  #client: MqttClient | null = null;
  #connectionError: string | null = null;

  /**
   * Creates the sink; it connects on {@linkcode MqttSink.start}.
   *
   * @param options The configuration, station, credentials and current status.
   */
  constructor(options: MqttSinkOptions) {
    this.#options = options;
    this.#topics = mqttTopics(options.config.topicPrefix, options.station);
  }

  /** The broker URL without credentials. */
  get target(): string {
    return redactUrl(this.#options.config.url);
  }

  /** The report and status topics. */
  get topics(): { report: string; status: string } {
    return { ...this.#topics };
  }

  /** Whether the client is connected. */
  get isConnected(): boolean {
    return this.#client?.connected ?? false;
  }

  /** The last connection problem. */
  get connectionError(): string | null {
    return this.#connectionError;
  }

  /** Connects, and keeps reconnecting. */
  start(): void {
    if (this.#client) return;
    const { config, station, credentials } = this.#options;
    const tls = config.tls;
    const client = mqtt.connect(config.url, {
      clientId: config.clientId ?? `wats-${topicLevel(station.name)}`.slice(0, 128),
      protocolVersion: 4,
      clean: true,
      keepalive: 30,
      reconnectPeriod: this.#options.reconnectMs ?? 2_000,
      connectTimeout: 10_000,
      // The outbox keeps the events: nothing waits in the client while it is offline.
      queueQoSZero: false,
      ...credentials,
      will: {
        topic: this.#topics.status,
        payload: Buffer.from(JSON.stringify(this.#statusEvent("offline"))),
        qos: 1,
        retain: true,
      },
      ...(tls
        ? {
          rejectUnauthorized: tls.rejectUnauthorized,
          ...(tls.caFile ? { ca: Deno.readTextFileSync(tls.caFile) } : {}),
          ...(tls.certFile ? { cert: Deno.readTextFileSync(tls.certFile) } : {}),
          ...(tls.keyFile ? { key: Deno.readTextFileSync(tls.keyFile) } : {}),
        }
        : {}),
    });
    client.on("connect", () => {
      this.#connectionError = null;
      client.publish(
        this.#topics.status,
        JSON.stringify(this.#statusEvent("online")),
        { qos: 1, retain: true },
        () => {},
      );
    });
    client.on("error", (error) => {
      this.#connectionError = redactError(error, config.url);
    });
    client.on("offline", () => {
      this.#connectionError ??= "not connected to the broker";
    });
    this.#client = client;
  }

  /**
   * Publishes events: reports on the report topic, status events (retained) on the status topic.
   *
   * @param events The events.
   * @param signal Aborted when the service stops.
   * @returns A promise that resolves once the broker acknowledged every event.
   */
  async publish(events: readonly StationEvent[], signal: AbortSignal): Promise<void> {
    const client = this.#client;
    if (!client?.connected) throw new Error("not connected to the broker");
    const { qos } = this.#options.config;
    const sent = Promise.all(events.map((event) => {
      const isStatus = event.kind === "status";
      const topic = isStatus ? this.#topics.status : this.#topics.report;
      return client.publishAsync(topic, JSON.stringify(event), {
        qos: isStatus ? 1 : qos,
        retain: isStatus,
      });
    }));
    const timeout = AbortSignal.any([signal, AbortSignal.timeout(ACK_TIMEOUT_MS)]);
    await new Promise<void>((resolve, reject) => {
      const onAbort = () =>
        reject(new Error(`the broker did not acknowledge within ${ACK_TIMEOUT_MS / 1000} s`));
      if (timeout.aborted) return onAbort();
      timeout.addEventListener("abort", onAbort, { once: true });
      sent.then(() => resolve(), (error) => reject(new Error(redactError(error, this.target))))
        .finally(() => timeout.removeEventListener("abort", onAbort));
    });
  }

  /** Publishes the retained `offline` status, then disconnects. */
  async close(): Promise<void> {
    const client = this.#client;
    if (!client) return;
    this.#client = null;
    if (client.connected) {
      const offline = JSON.stringify(this.#statusEvent("offline"));
      await Promise.race([
        client.publishAsync(this.#topics.status, offline, { qos: 1, retain: true }),
        new Promise((resolve) => setTimeout(resolve, 2_000)),
      ]).catch(() => {});
    }
    await client.endAsync(!client.connected).catch(() => {});
  }

  #statusEvent(state: "online" | "offline"): StationEvent {
    const current = this.#options.currentStatus();
    return {
      messageId: crypto.randomUUID(),
      kind: "status",
      at: new Date((this.#options.now ?? Date.now)()).toISOString(),
      station: { ...this.#options.station },
      status: {
        health: current?.health ?? (state === "online" ? "ok" : "failing"),
        reasons: current?.reasons ?? [],
        backlog: current?.backlog ?? 0,
        breaker: current?.breaker ?? "closed",
        state,
      },
    };
  }
}

/** An error's message with the broker URL's credentials taken out. */
function redactError(error: unknown, url: string): string {
  const message = error instanceof Error ? error.message : String(error);
  const parsed = URL.canParse(url) ? new URL(url) : null;
  if (!parsed?.password) return message;
  return message.replaceAll(parsed.password, "[redacted]");
}
