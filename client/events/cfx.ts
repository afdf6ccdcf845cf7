/**
 * The IPC-CFX sink (`events.cfx`): CFX messages over AMQP 1.0, on `rhea` (`npm:rhea`).
 *
 * Each accepted report from the outbox goes out as
 * `CFX.Production.TestAndInspection.UnitsTested` (see `cfx_message.ts` for the mapping); the
 * sink counts a report as published once the broker accepted its message. Status events have no
 * CFX message and are settled without sending. On each connection the sink publishes
 * `CFX.EndpointConnected`, and every `heartbeatMs` a `CFX.Heartbeat`, timed by the injected clock.
 *
 * The AMQP message carries what the CFX SDK sets: the envelope as UTF-8 JSON in a data section,
 * `message-id` the envelope's `UniqueID` (the report id for `UnitsTested`, so a consumer drops a
 * repeat), `subject` `<handle>.<message name>`, a JSON content type, and the application
 * properties `cfx-topic`, `cfx-message`, `cfx-handle`, `cfx-target`. Messages are durable.
 *
 * The password comes from `WATS_CFX_PASSWORD` or the file named by `events.cfx.passwordFile`
 * (readable by the service account only); it appears in no log or status.
 *
 * @module
 */

import { Buffer } from "node:buffer";
import rhea from "rhea";
import type { Connection, ConnectionOptions, Delivery, EventContext, Message, Sender } from "rhea";
import { cfxAddressOf, type CfxEventsConfig } from "../config/schema.ts";
import { type Clock, systemClock } from "../../util/clock.ts";
import type { StationEvent } from "./event.ts";
import type { EventSink } from "./publisher.ts";
import {
  type CfxEnvelope,
  endpointConnectedMessage,
  heartbeatMessage,
  unitsTestedMessage,
} from "./cfx_message.ts";
import { redactUrl } from "./_text.ts";
import { readSecretFile } from "../config/_secret_file.ts";

/** How long the broker may take to accept a batch of messages. */
const ACK_TIMEOUT_MS = 15_000;

/**
 * The credentials of the AMQP connection: the environment first, then the configuration, then
 * the URL's user information.
 *
 * @param config The `events.cfx` configuration.
 * @param env Reads an environment variable.
 * @returns The user name and password, when any is set.
 * @throws {ConfigError} When the password file is missing, empty or readable by all.
 */
export async function cfxCredentials(
  config: CfxEventsConfig,
  env: (name: string) => string | undefined,
): Promise<{ username?: string; password?: string }> {
  const url = new URL(config.url);
  const username = env("WATS_CFX_USERNAME")?.trim() || config.username ||
    decodeURIComponent(url.username);
  let password = env("WATS_CFX_PASSWORD")?.trim() || undefined;
  if (password === undefined && config.passwordFile !== undefined) {
    password = await readSecretFile(config.passwordFile, "events.cfx.passwordFile", {
      what: "CFX password",
      envName: "WATS_CFX_PASSWORD",
    });
  }
  password ??= decodeURIComponent(url.password) || undefined;
  return { ...(username ? { username } : {}), ...(password ? { password } : {}) };
}

/**
 * Closes an AMQP connection and waits for the broker's close, at most `timeoutMs`; a connection
 * that is not open is closed without waiting.
 *
 * @param connection The connection.
 * @param timeoutMs The longest wait; 2 s by default.
 * @returns Once closed, or the wait is over.
 */
export async function closeAmqpConnection(
  connection: Connection,
  timeoutMs = 2_000,
): Promise<void> {
  if (!connection.is_open()) {
    connection.close();
    return;
  }
  const closed = new Promise((resolve) => {
    connection.once("connection_close", resolve);
    connection.once("disconnected", resolve);
  });
  connection.close();
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([closed, new Promise((resolve) => timer = setTimeout(resolve, timeoutMs))]);
  clearTimeout(timer);
}

/**
 * The rhea connection options of `events.cfx`: host, port, credentials and TLS (`amqps://`).
 *
 * @param config The `events.cfx` configuration.
 * @param credentials User name and password (see {@linkcode cfxCredentials}).
 * @returns The options, without container id or reconnection settings.
 */
export function cfxConnectionOptions(
  config: CfxEventsConfig,
  credentials: { username?: string; password?: string },
): ConnectionOptions {
  const url = new URL(config.url);
  const isTls = url.protocol === "amqps:";
  const tls = config.tls;
  const common = {
    host: url.hostname,
    port: Number(url.port) || (isTls ? 5671 : 5672),
    ...credentials,
    idle_time_out: 30_000,
  };
  return isTls
    ? {
      ...common,
      transport: "tls",
      servername: url.hostname,
      rejectUnauthorized: tls?.rejectUnauthorized ?? true,
      ...(tls?.caFile ? { ca: Deno.readTextFileSync(tls.caFile) } : {}),
      ...(tls?.certFile ? { cert: Deno.readTextFileSync(tls.certFile) } : {}),
      ...(tls?.keyFile ? { key: Deno.readTextFileSync(tls.keyFile) } : {}),
    }
    : common;
}

/** Options of {@linkcode CfxSink}. */
export interface CfxSinkOptions {
  /** The `events.cfx` configuration. */
  config: CfxEventsConfig;
  /** The station's name (the CFX handle when `events.cfx.handle` is unset). */
  station: { name: string; location: string };
  /** User name and password (see {@linkcode cfxCredentials}). */
  credentials: { username?: string; password?: string };
  /** The clock of the heartbeat and of the messages' time stamps; the system clock by default. */
  clock?: Clock;
  /** First wait before reconnecting, in ms; 2 s by default (doubling up to 30 s). */
  reconnectMs?: number;
}

interface Waiting {
  resolve: () => void;
  reject: (error: Error) => void;
}

/** Publishes CFX messages to an AMQP 1.0 broker. */
export class CfxSink implements EventSink {
  /** The sink's name. */
  readonly name = "cfx";
  /** The station's CFX handle. */
  readonly handle: string;
  /** The AMQP address the messages go to. */
  readonly address: string;
  readonly #options: CfxSinkOptions;
  readonly #clock: Clock;
  readonly #halt = new AbortController();
  readonly #waiting = new Map<Delivery, Waiting>();
  #connection: Connection | null = null;
  #sender: Sender | null = null;
  #connectionError: string | null = null;
  #isAnnounceDue = false;
  #heartbeat: Promise<void> = Promise.resolve();

  /**
   * Creates the sink; it connects on {@linkcode CfxSink.start}.
   *
   * @param options The configuration, station and credentials.
   */
  constructor(options: CfxSinkOptions) {
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    this.handle = options.config.handle ?? options.station.name;
    this.address = options.config.address ?? cfxAddressOf(options.config.url);
  }

  /** The broker and address, without credentials. */
  get target(): string {
    const base = new URL(redactUrl(this.#options.config.url));
    return `${base.protocol}//${base.host}/${this.address.replace(/^\//, "")}`;
  }

  /** Whether the connection and its sender link are open. */
  get isConnected(): boolean {
    return (this.#connection?.is_open() ?? false) && (this.#sender?.is_open() ?? false);
  }

  /** The last connection problem. */
  get connectionError(): string | null {
    return this.#connectionError;
  }

  /** Connects, keeps reconnecting, and starts the heartbeat. */
  start(): void {
    if (this.#connection) return;
    const { config, credentials } = this.#options;
    const container = rhea.create_container({ id: `wats-${this.handle}` });
    const connectionOptions: ConnectionOptions = {
      ...cfxConnectionOptions(config, credentials),
      container_id: `wats-${this.handle}`,
      reconnect: true,
      initial_reconnect_delay: this.#options.reconnectMs ?? 2_000,
      max_reconnect_delay: 30_000,
    };
    const connection = container.connect(connectionOptions);
    const sender = connection.open_sender({ target: { address: this.address } });
    const announce = () => {
      // Once per connection (rhea opens the link again after a reconnection), at first credit.
      if (!this.#isAnnounceDue || !sender.sendable()) return;
      this.#isAnnounceDue = false;
      this.#sendQuietly(endpointConnectedMessage(this.handle, this.#clock.now()));
    };
    sender.on("sender_open", () => {
      this.#connectionError = null;
      this.#isAnnounceDue = true;
      announce();
    });
    sender.on("sendable", announce);
    sender.on("accepted", (context) => this.#settle(context, null));
    for (const outcome of ["rejected", "released", "modified"] as const) {
      sender.on(outcome, (context) => this.#settle(context, `the broker ${outcome} the message`));
    }
    sender.on("sender_error", (context) => {
      this.#connectionError = this.#redact(context.sender?.error ?? "sender link closed");
    });
    connection.on("connection_error", (context) => {
      this.#connectionError = this.#redact(context.connection.error ?? "connection closed");
    });
    connection.on("disconnected", (context) => {
      this.#connectionError = this.#redact(context.error ?? "not connected to the broker");
      const error = new Error(this.#connectionError);
      for (const waiting of this.#waiting.values()) waiting.reject(error);
      this.#waiting.clear();
    });
    // rhea emits `error` for problems no handler took; they are kept above, not thrown.
    connection.on("error", (context) => {
      this.#connectionError = this.#redact(context.error ?? "connection error");
    });
    this.#connection = connection;
    this.#sender = sender;
    this.#heartbeat = this.#beat();
  }

  /**
   * Publishes the `UnitsTested` message of each report event; status events are skipped.
   *
   * @param events The events.
   * @param signal Aborted when the service stops.
   * @returns A promise that resolves once the broker accepted every message.
   */
  async publish(events: readonly StationEvent[], signal: AbortSignal): Promise<void> {
    const timeout = AbortSignal.any([signal, AbortSignal.timeout(ACK_TIMEOUT_MS)]);
    const accepted: Promise<void>[] = [];
    for (const event of events) {
      if (event.kind !== "report") continue;
      const sent = await this.#send(unitsTestedMessage(event, this.handle), timeout);
      accepted.push(sent.accepted);
    }
    await new Promise<void>((resolve, reject) => {
      const onAbort = () =>
        reject(new Error(`the broker did not accept within ${ACK_TIMEOUT_MS / 1000} s`));
      if (timeout.aborted) return onAbort();
      timeout.addEventListener("abort", onAbort, { once: true });
      Promise.all(accepted).then(() => resolve(), reject)
        .finally(() => timeout.removeEventListener("abort", onAbort));
    });
  }

  /** Stops the heartbeat and closes the connection. */
  async close(): Promise<void> {
    this.#halt.abort();
    await this.#heartbeat;
    const connection = this.#connection;
    if (!connection) return;
    this.#connection = null;
    this.#sender = null;
    await closeAmqpConnection(connection);
  }

  /**
   * Sends one message once the link has credit.
   *
   * @returns Once sent: a promise (wrapped, so the caller may send more first) that resolves
   *   when the broker accepted the message.
   */
  async #send(envelope: CfxEnvelope, signal: AbortSignal): Promise<{ accepted: Promise<void> }> {
    const sender = this.#sender;
    if (!sender || !this.isConnected) throw new Error("not connected to the broker");
    while (!sender.sendable()) {
      if (signal.aborted) throw new Error("no credit from the broker");
      await new Promise<void>((resolve) => {
        const done = () => {
          sender.removeListener("sendable", done);
          signal.removeEventListener("abort", done);
          resolve();
        };
        sender.on("sendable", done);
        signal.addEventListener("abort", done, { once: true });
      });
      if (!this.isConnected) throw new Error("not connected to the broker");
    }
    const delivery = sender.send(amqpMessage(envelope));
    const accepted = new Promise<void>((resolve, reject) => {
      this.#waiting.set(delivery, { resolve, reject });
    });
    // A rejection before the caller waits is not an unhandled one; the caller still sees it.
    accepted.catch(() => {});
    return { accepted };
  }

  /** Sends a message whose outcome nobody waits for (connection and heartbeat messages). */
  #sendQuietly(envelope: CfxEnvelope): void {
    const sender = this.#sender;
    if (!sender?.sendable()) return;
    sender.send(amqpMessage(envelope));
  }

  #settle(context: EventContext, problem: string | null): void {
    const delivery = context.delivery;
    const waiting = delivery ? this.#waiting.get(delivery) : undefined;
    if (!delivery || !waiting) return;
    this.#waiting.delete(delivery);
    if (problem === null) waiting.resolve();
    else waiting.reject(new Error(problem));
  }

  async #beat(): Promise<void> {
    const everyMs = this.#options.config.heartbeatMs;
    while (!this.#halt.signal.aborted) {
      await this.#clock.sleep(everyMs, this.#halt.signal).catch(() => {});
      if (this.#halt.signal.aborted) return;
      if (this.isConnected) {
        this.#sendQuietly(heartbeatMessage(this.handle, this.#clock.now(), everyMs));
      }
    }
  }

  /** A problem's text without the password. */
  #redact(problem: unknown): string {
    const text = problem instanceof Error
      ? problem.message
      : typeof problem === "object" && problem !== null && "description" in problem
      ? String((problem as { description: unknown }).description)
      : String(problem);
    const password = this.#options.credentials.password;
    return password ? text.replaceAll(password, "[redacted]") : text;
  }
}

/** The AMQP message of a CFX envelope, with the properties the CFX SDK sets. */
function amqpMessage(envelope: CfxEnvelope): Message {
  const name = envelope.MessageName;
  return {
    message_id: envelope.UniqueID,
    subject: `${envelope.Source}.${name}`,
    content_type: 'application/json; charset="utf-8"',
    creation_time: new Date(envelope.TimeStamp),
    durable: true,
    application_properties: {
      "cfx-topic": name.slice(0, name.lastIndexOf(".")),
      "cfx-message": name,
      "cfx-handle": envelope.Source,
      "cfx-target": envelope.Target,
    },
    body: rhea.message.data_section(Buffer.from(JSON.stringify(envelope), "utf8")),
  };
}
