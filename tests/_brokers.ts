/**
 * Real message brokers for the event tests: Debian's `mosquitto` on a free loopback port, its
 * configuration and persistence in a temp folder. A broker that is not installed or does not
 * start fails the test with the reason (`.ci/run` installs it); it is never skipped.
 *
 * @module
 */

import { join } from "node:path";
import mqtt from "mqtt";
import type { MqttClient } from "mqtt";

/** A free TCP port on 127.0.0.1 (asked of the OS, then released). */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/** Waits until something accepts TCP connections on the port. */
export async function waitForPort(port: number, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    try {
      (await Deno.connect({ hostname: "127.0.0.1", port })).close();
      return;
    } catch {
      if (performance.now() > deadline) throw new Error(`${what} does not listen on ${port}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

/** Where a Debian program lives, or an error saying how to install it. */
export function program(name: string, debianPackage: string): string {
  for (const folder of ["/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin"]) {
    try {
      Deno.statSync(join(folder, name));
      return join(folder, name);
    } catch {
      // Not here.
    }
  }
  throw new Error(
    `${name} is not installed: apt-get install -y ${debianPackage} (.ci/run installs it)`,
  );
}

/** A running mosquitto. */
export class Mosquitto implements AsyncDisposable {
  /** Its URL, `mqtt://127.0.0.1:<port>`. */
  readonly url: string;
  readonly #folder: string;
  readonly #port: number;
  #child: Deno.ChildProcess | null = null;
  #log = "";

  private constructor(folder: string, port: number) {
    this.#folder = folder;
    this.#port = port;
    this.url = `mqtt://127.0.0.1:${port}`;
  }

  /**
   * Starts mosquitto with anonymous access and persistence (sessions and retained messages
   * survive a restart) in a new temp folder.
   */
  static async start(): Promise<Mosquitto> {
    const binary = program("mosquitto", "mosquitto");
    const folder = await Deno.makeTempDir({ prefix: "wats-mosquitto-" });
    const port = freePort();
    await Deno.writeTextFile(
      join(folder, "mosquitto.conf"),
      [
        `listener ${port} 127.0.0.1`,
        "allow_anonymous true",
        "persistence true",
        `persistence_location ${folder}/`,
        "autosave_interval 1",
        "max_queued_messages 100000",
        "log_dest stderr",
        "log_type error",
        "log_type warning",
      ].join("\n") + "\n",
    );
    const broker = new Mosquitto(folder, port);
    broker.#binary = binary;
    await broker.resume();
    return broker;
  }

  #binary = "";

  /** Starts the broker again after {@linkcode Mosquitto.pause}. */
  async resume(): Promise<void> {
    const child = new Deno.Command(this.#binary, {
      args: ["-c", join(this.#folder, "mosquitto.conf")],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    this.#child = child;
    const decoder = new TextDecoder();
    for (const stream of [child.stdout, child.stderr]) {
      (async () => {
        for await (const chunk of stream) {
          this.#log = (this.#log + decoder.decode(chunk)).slice(-8000);
        }
      })();
    }
    try {
      await waitForPort(this.#port, "mosquitto");
    } catch (error) {
      throw new Error(`${(error as Error).message}\nmosquitto log:\n${this.#log}`);
    }
  }

  /** Stops the broker (SIGTERM: it saves its sessions and retained messages). */
  async pause(): Promise<void> {
    const child = this.#child;
    if (!child) return;
    this.#child = null;
    try {
      child.kill("SIGTERM");
    } catch {
      // Gone already.
    }
    await child.status;
  }

  /** Stops the broker and removes its folder. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.pause();
    await Deno.remove(this.#folder, { recursive: true }).catch(() => {});
  }
}

/** A subscriber that keeps every message, by topic. */
export class Subscriber implements AsyncDisposable {
  /** Messages in arrival order, each with its topic, parsed payload and arrival time. */
  readonly messages: {
    topic: string;
    payload: Record<string, unknown>;
    retained: boolean;
    at: number;
  }[] = [];
  readonly #client: MqttClient;

  private constructor(client: MqttClient) {
    this.#client = client;
    client.on("message", (topic, payload, packet) => {
      this.messages.push({
        topic,
        payload: payload.length === 0 ? {} : JSON.parse(payload.toString()),
        retained: packet.retain,
        at: Date.now(),
      });
    });
  }

  /**
   * Connects and subscribes with QoS 1. With a `clientId` the session is persistent: messages
   * published while the subscriber or the broker was away are delivered once it is back.
   */
  static async connect(
    url: string,
    topic: string,
    options: { clientId?: string } = {},
  ): Promise<Subscriber> {
    const client = await mqtt.connectAsync(url, {
      clientId: options.clientId ?? `test-${crypto.randomUUID()}`,
      clean: options.clientId === undefined,
      reconnectPeriod: 200,
    });
    const subscriber = new Subscriber(client);
    await client.subscribeAsync(topic, { qos: 1 });
    return subscriber;
  }

  /** Messages on one topic. */
  on(topic: string): { payload: Record<string, unknown>; retained: boolean; at: number }[] {
    return this.messages.filter((message) => message.topic === topic);
  }

  /** Disconnects. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.#client.endAsync(true).catch(() => {});
  }
}
