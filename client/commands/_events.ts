/**
 * `wats events tail`: subscribes to the configured MQTT broker (`events.mqtt`) and prints the
 * events as they come, one line each (`<topic> <payload>`), for people checking the wiring.
 * Retained status messages come first. Ends on Ctrl+C, or after `--count` messages.
 *
 * @module
 */

import { parseArgs } from "node:util";
import mqtt from "mqtt";
import { mqttCredentials } from "../events/mqtt.ts";
import { redactUrl } from "../events/_text.ts";
import { CommandError, COMMON_OPTIONS, configFrom } from "./_context.ts";
import { aborted, type CliIo, stopSignal } from "./_io.ts";

/** Help of `wats events`. */
export const EVENTS_HELP = `Usage: wats events tail [--topic TOPIC] [--count N] [--config FILE]

Subscribes to the MQTT broker of events.mqtt and prints each event as it comes:
the topic, then the JSON payload. By default every topic under events.mqtt.topicPrefix.
Credentials come from WATS_MQTT_USERNAME/WATS_MQTT_PASSWORD or events.mqtt.passwordFile.
Ends on Ctrl+C, or after --count messages. Exits 22 when events.mqtt is not configured,
40 when the broker cannot be reached.
`;

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
    options: { ...COMMON_OPTIONS, topic: { type: "string" }, count: { type: "string" } },
  });
  if (values.help || positionals[0] !== "tail") {
    io.out(EVENTS_HELP);
    return values.help ? 0 : 2;
  }
  const count = values.count === undefined ? Infinity : Number(values.count);
  if (!(count > 0)) throw new CommandError(`--count expects a positive number`, 2);
  const config = await configFrom(values, io);
  const settings = config.events.mqtt;
  if (!settings) throw new CommandError("No events.mqtt in the configuration", 22);
  const credentials = await mqttCredentials(settings, (name) => {
    try {
      return Deno.env.get(name);
    } catch {
      return undefined;
    }
  });
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
