/**
 * `wats events tail`: subscribes to the configured broker and prints the events as they come,
 * one line each, for people checking the wiring. On MQTT (`events.mqtt`) a line is
 * `<topic> <payload>`, retained status messages first; on IPC-CFX over AMQP 1.0 (`events.cfx`)
 * it is `<MessageName> <UniqueID>`, and for `UnitsTested` each unit's serial number and result.
 * Ends on Ctrl+C, or after `--count` messages.
 *
 * @module
 */

import { parseArgs } from "node:util";
import mqtt from "mqtt";
import rhea from "rhea";
import type { Message } from "rhea";
import { cfxAddressOf, type CfxEventsConfig } from "../config/schema.ts";
import { cfxConnectionOptions, cfxCredentials, closeAmqpConnection } from "../events/cfx.ts";
import { mqttCredentials } from "../events/mqtt.ts";
import { redactUrl } from "../events/_text.ts";
import { CommandError, COMMON_OPTIONS, configFrom } from "./_context.ts";
import { aborted, type CliIo, stopSignal } from "./_io.ts";

/** Help of `wats events`. */
export const EVENTS_HELP =
  `Usage: wats events tail [--sink mqtt|cfx] [--topic TOPIC] [--count N] [--config FILE]

Subscribes to the broker of events.mqtt or events.cfx and prints each event as it comes.
--sink chooses when both are configured (MQTT by default).

MQTT: prints the topic, then the JSON payload; by default every topic under
events.mqtt.topicPrefix. Credentials come from WATS_MQTT_USERNAME/WATS_MQTT_PASSWORD or
events.mqtt.passwordFile.

CFX (AMQP 1.0): prints the MessageName and UniqueID, and for UnitsTested each unit's serial
number and result. --topic is the AMQP source address; by default the configured address,
where an exchange address (/exchange/NAME) becomes /exchange/NAME/# (RabbitMQ binds a
temporary queue to the exchange with that key). On a queue address (/queue/NAME) the tail
takes the messages it prints off the queue. Credentials come from
WATS_CFX_USERNAME/WATS_CFX_PASSWORD or events.cfx.passwordFile.

Ends on Ctrl+C, or after --count messages. Exits 22 when the chosen sink is not configured,
40 when the broker cannot be reached or is lost.
`;

/** Reads an environment variable; undefined when unset or not permitted. */
function readEnv(name: string): string | undefined {
  try {
    return Deno.env.get(name);
  } catch {
    return undefined;
  }
}

/**
 * The AMQP source address `wats events tail` reads for an `events.cfx` target address: a
 * RabbitMQ exchange without a binding key gets `#` (every routing key of a topic exchange; any
 * key for a fanout one), since the sink routes by the message subject.
 *
 * @param address The configured target address.
 * @returns The source address.
 */
export function cfxSourceOf(address: string): string {
  return /^\/exchange\/[^/]+$/.test(address) ? `${address}/#` : address;
}

/**
 * One line of a CFX message for `wats events tail`: the message name and unique id, and for
 * `UnitsTested` each unit's serial number and result.
 *
 * @param message The AMQP message.
 * @returns The line, without its newline.
 */
export function cfxLine(message: Message): string {
  const body = message.body as unknown;
  let text: string;
  if (typeof body === "string") text = body;
  else if (body instanceof Uint8Array) text = new TextDecoder().decode(body);
  else if (body && typeof body === "object" && "content" in body) {
    text = new TextDecoder().decode((body as { content: Uint8Array }).content);
  } else text = "";
  let envelope: Record<string, unknown>;
  try {
    envelope = JSON.parse(text);
    if (typeof envelope !== "object" || envelope === null) throw new Error("not an object");
  } catch {
    return `(not a CFX envelope) ${String(message.message_id ?? message.subject ?? "")}`.trim();
  }
  const words = [String(envelope.MessageName ?? "?"), String(envelope.UniqueID ?? "?")];
  const units = (envelope.MessageBody as { TestedUnits?: unknown } | undefined)?.TestedUnits;
  if (Array.isArray(units)) {
    for (const unit of units as { UnitIdentifier?: unknown; OverallResult?: unknown }[]) {
      words.push(String(unit?.UnitIdentifier ?? "?"), String(unit?.OverallResult ?? "?"));
    }
  }
  return words.join(" ");
}

/**
 * Runs `wats events`.
 *
 * @param args The arguments after `events`.
 * @param io Output.
 * @returns The exit code.
 */
export async function eventsCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      ...COMMON_OPTIONS,
      topic: { type: "string" },
      count: { type: "string" },
      sink: { type: "string" },
    },
  });
  if (values.help || positionals[0] !== "tail") {
    io.out(EVENTS_HELP);
    return values.help ? 0 : 2;
  }
  const count = values.count === undefined ? Infinity : Number(values.count);
  if (!(count > 0)) throw new CommandError(`--count expects a positive number`, 2);
  if (values.sink !== undefined && values.sink !== "mqtt" && values.sink !== "cfx") {
    throw new CommandError(`--sink expects mqtt or cfx, not ${values.sink}`, 2);
  }
  const config = await configFrom(values, io);
  const sink = values.sink ?? (config.events.mqtt ? "mqtt" : config.events.cfx ? "cfx" : null);
  if (sink === null) {
    throw new CommandError("No events.mqtt or events.cfx in the configuration", 22);
  }
  if (sink === "cfx") {
    if (!config.events.cfx) throw new CommandError("No events.cfx in the configuration", 22);
    return await tailCfx(config.events.cfx, values.topic, count, io);
  }
  const settings = config.events.mqtt;
  if (!settings) throw new CommandError("No events.mqtt in the configuration", 22);
  const credentials = await mqttCredentials(settings, readEnv);
  const topic = values.topic ?? `${settings.topicPrefix.replace(/\/+$/, "")}/#`;
  const stop = stopSignal();
  const signal = io.signal ? AbortSignal.any([io.signal, stop.signal]) : stop.signal;
  let client: mqtt.MqttClient;
  try {
    client = await mqtt.connectAsync(settings.url, {
      ...credentials,
      clean: true,
      reconnectPeriod: 2_000,
      connectTimeout: 10_000,
      ...(settings.tls
        ? {
          rejectUnauthorized: settings.tls.rejectUnauthorized,
          ...(settings.tls.caFile ? { ca: await Deno.readTextFile(settings.tls.caFile) } : {}),
        }
        : {}),
    });
  } catch (error) {
    stop.dispose();
    throw new CommandError(
      `Cannot reach the broker ${redactUrl(settings.url)}: ${(error as Error).message}`,
      40,
    );
  }
  try {
    let seen = 0;
    const done = new AbortController();
    client.on("message", (messageTopic, payload) => {
      if (seen >= count) return;
      io.out(`${messageTopic} ${payload.toString()}\n`);
      if (++seen >= count) done.abort();
    });
    await client.subscribeAsync(topic, { qos: 1 });
    io.err(`Listening on ${redactUrl(settings.url)} to ${topic}\n`);
    await aborted(AbortSignal.any([signal, done.signal]));
    return 0;
  } finally {
    stop.dispose();
    await client.endAsync(true).catch(() => {});
  }
}

/** Most messages the broker may send ahead of the ones printed. */
const CFX_CREDIT = 100;

/** `wats events tail` on `events.cfx`: a receiver link on the configured AMQP address. */
async function tailCfx(
  settings: CfxEventsConfig,
  topic: string | undefined,
  count: number,
  io: CliIo,
): Promise<number> {
  const credentials = await cfxCredentials(settings, readEnv);
  const redact = (problem: unknown): string => {
    const text = problem instanceof Error
      ? problem.message
      : typeof problem === "object" && problem !== null && "description" in problem
      ? String((problem as { description: unknown }).description)
      : String(problem);
    const password = credentials.password;
    return password ? text.replaceAll(password, "[redacted]") : text;
  };
  const source = topic ?? cfxSourceOf(settings.address ?? cfxAddressOf(settings.url));
  const where = `${redactUrl(settings.url)} (${source})`;
  const stop = stopSignal();
  const signal = io.signal ? AbortSignal.any([io.signal, stop.signal]) : stop.signal;
  const id = `wats-tail-${crypto.randomUUID()}`;
  const connection = rhea.create_container({ id }).connect({
    ...cfxConnectionOptions(settings, credentials),
    container_id: id,
    reconnect: false,
  });
  // Credit by hand: with --count N the broker sends no more than N, so a queue keeps the rest.
  const receiver = connection.open_receiver({ source: { address: source }, credit_window: 0 });
  let granted = 0;
  let seen = 0;
  const grant = () => {
    const wanted = Math.min(count - granted, CFX_CREDIT - (granted - seen));
    if (wanted > 0) {
      receiver.add_credit(wanted);
      granted += wanted;
    }
  };
  const done = new AbortController();
  let failure: CommandError | null = null;
  let isClosing = false;
  const fail = (message: string) => {
    if (isClosing) return;
    failure ??= new CommandError(message, 40);
    done.abort();
  };
  try {
    await new Promise<void>((resolve, reject) => {
      const onAbort = () => resolve();
      signal.addEventListener("abort", onAbort, { once: true });
      receiver.once("receiver_open", () => {
        signal.removeEventListener("abort", onAbort);
        resolve();
      });
      receiver.once("receiver_error", (context) => {
        reject(new Error(redact(context.receiver?.error ?? "the receiver link was refused")));
      });
      connection.once("connection_error", (context) => {
        reject(new Error(redact(context.connection.error ?? "connection refused")));
      });
      connection.once("disconnected", (context) => {
        reject(new Error(redact(context.error ?? "not connected")));
      });
    }).catch((error: Error) => {
      throw new CommandError(`Cannot read ${where}: ${error.message}`, 40);
    });
    if (signal.aborted) return 0;
    receiver.on("message", (context) => {
      if (seen >= count || !context.message) return;
      io.out(`${cfxLine(context.message)}\n`);
      if (++seen >= count) done.abort();
      else if (granted < count) grant();
    });
    receiver.on("receiver_close", () => fail(`The broker closed the receiver on ${where}`));
    connection.on("disconnected", (context) => {
      fail(`Lost the broker ${where}: ${redact(context.error ?? "disconnected")}`);
    });
    connection.on("error", (context) => fail(`${where}: ${redact(context.error)}`));
    grant();
    io.err(`Listening on ${where}\n`);
    await aborted(AbortSignal.any([signal, done.signal]));
    if (failure && seen < count && !signal.aborted) throw failure;
    return 0;
  } finally {
    stop.dispose();
    isClosing = true;
    await closeAmqpConnection(connection);
  }
}
