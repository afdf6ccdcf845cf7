/**
 * Real message brokers for the event tests: Debian's `mosquitto` and `rabbitmq-server` (with its
 * AMQP 1.0 plugin) on free loopback ports, their configuration and data in temp folders. A broker that is not installed or does not
 * start fails the test with the reason (`.ci/run` installs it); it is never skipped.
 *
 * @module
 */

import { join } from "node:path";
import mqtt from "mqtt";
import type { MqttClient } from "mqtt";
import rhea from "rhea";
import type { Connection, Message } from "rhea";
import { closeAmqpConnection } from "../client/events/cfx.ts";

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
    keepTail(child, (text) => this.#log = (this.#log + text).slice(-8000));
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

/** Hands a child's standard output and error, as text, to `onText` as they come. */
function keepTail(child: Deno.ChildProcess, onText: (text: string) => void): void {
  const decoder = new TextDecoder();
  for (const stream of [child.stdout, child.stderr]) {
    (async () => {
      for await (const chunk of stream) onText(decoder.decode(chunk));
    })();
  }
}

/** The script Debian's `/usr/sbin/rabbitmq-server` runs, without its switch of user. */
const RABBITMQ_SERVER = "/usr/lib/rabbitmq/bin/rabbitmq-server";
const RABBITMQ_CTL = "/usr/lib/rabbitmq/bin/rabbitmqctl";

/**
 * A running RabbitMQ node with the AMQP 1.0 plugin: its own node name, ports, Erlang cookie,
 * database, logs and `epmd` (on a free port, so nothing is shared with another node).
 */
export class RabbitMq implements AsyncDisposable {
  /** Its AMQP URL, `amqp://127.0.0.1:<port>`. */
  readonly url: string;
  readonly #folder: string;
  readonly #port: number;
  readonly #env: Record<string, string>;
  readonly #node: string;
  #child: Deno.ChildProcess | null = null;
  #log = "";

  private constructor(folder: string, port: number, env: Record<string, string>) {
    this.#folder = folder;
    this.#port = port;
    this.#env = env;
    this.#node = env.RABBITMQ_NODENAME;
    this.url = `amqp://127.0.0.1:${port}`;
  }

  /** Starts a node (10 to 20 s); throws with its log when it does not come up in 60 s. */
  static async start(): Promise<RabbitMq> {
    // Debian's /usr/sbin/rabbitmq-server switches to the rabbitmq user when run as root, who
    // cannot read this temp folder; the script it calls runs as whoever starts it.
    try {
      Deno.statSync(RABBITMQ_SERVER);
    } catch {
      throw new Error(
        "rabbitmq-server is not installed: apt-get install -y rabbitmq-server (.ci/run installs it)",
      );
    }
    const folder = await Deno.makeTempDir({ prefix: "wats-rabbitmq-" });
    const port = freePort();
    const env: Record<string, string> = {
      HOME: folder,
      RABBITMQ_NODENAME: `wats-test-${crypto.randomUUID().slice(0, 8)}@localhost`,
      RABBITMQ_NODE_PORT: String(port),
      RABBITMQ_NODE_IP_ADDRESS: "127.0.0.1",
      RABBITMQ_DIST_PORT: String(freePort()),
      ERL_EPMD_PORT: String(freePort()),
      RABBITMQ_MNESIA_BASE: join(folder, "mnesia"),
      RABBITMQ_LOG_BASE: join(folder, "log"),
      RABBITMQ_CONFIG_FILE: join(folder, "rabbitmq.conf"),
      RABBITMQ_ENABLED_PLUGINS_FILE: join(folder, "enabled_plugins"),
      RABBITMQ_FEATURE_FLAGS_FILE: join(folder, "feature_flags"),
      RABBITMQ_PLUGINS_EXPAND_DIR: join(folder, "plugins"),
      ERL_CRASH_DUMP: join(folder, "erl_crash.dump"),
    };
    await Deno.writeTextFile(join(folder, "enabled_plugins"), "[rabbitmq_amqp1_0].\n");
    await Deno.writeTextFile(join(folder, "rabbitmq.conf"), "log.console.level = warning\n");
    const broker = new RabbitMq(folder, port, env);
    try {
      await broker.resume();
    } catch (error) {
      await broker[Symbol.asyncDispose]();
      throw error;
    }
    return broker;
  }

  /**
   * Starts the node (again, after {@linkcode RabbitMq.pause}) with its folder: durable queues and
   * the persistent messages in them are still there.
   */
  async resume(): Promise<void> {
    const child = new Deno.Command(RABBITMQ_SERVER, {
      cwd: this.#folder,
      env: this.#env,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    this.#child = child;
    keepTail(child, (text) => this.#log = (this.#log + text).slice(-8000));
    try {
      // The AMQP listener opens once the node and its plug-ins have started.
      await Promise.race([
        waitForPort(this.#port, "rabbitmq-server", 60_000),
        child.status.then((status) => {
          throw new Error(`rabbitmq-server exited with code ${status.code}`);
        }),
      ]);
    } catch (error) {
      throw new Error(`${(error as Error).message}\nrabbitmq-server log:\n${this.#log}`);
    }
  }

  /** Stops the node (`rabbitmqctl stop`, a clean stop) and keeps its folder. */
  async pause(): Promise<void> {
    const child = this.#child;
    if (!child) return;
    this.#child = null;
    const stopped = await new Deno.Command(RABBITMQ_CTL, {
      args: ["-n", this.#node, "stop"],
      env: this.#env,
      stdout: "null",
      stderr: "null",
    }).output().then((output) => output.success, () => false);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const exited = await Promise.race([
      child.status.then(() => true),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), stopped ? 20_000 : 0);
      }),
    ]);
    clearTimeout(timer);
    if (!exited) {
      try {
        child.kill("SIGKILL");
      } catch {
        // Gone already.
      }
      await child.status;
    }
  }

  /** Stops the node and its epmd, then removes its folder. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.pause();
    // The epmd on this node's own port was started for it: stop it too.
    await new Deno.Command("epmd", {
      args: ["-kill"],
      env: this.#env,
      stdout: "null",
      stderr: "null",
    })
      .output().catch(() => {});
    await Deno.remove(this.#folder, { recursive: true }).catch(() => {});
  }
}

/**
 * Opens an AMQP 1.0 connection to a test node as RabbitMQ's `guest`, without reconnecting.
 *
 * @param url The node's `amqp://127.0.0.1:<port>`.
 * @returns The connection (opening).
 */
export function connectAsGuest(url: string): Connection {
  const parsed = new URL(url);
  return rhea.create_container({ id: `test-${crypto.randomUUID()}` }).connect({
    host: parsed.hostname,
    port: Number(parsed.port),
    username: "guest",
    password: "guest",
    reconnect: false,
  });
}

/** An AMQP 1.0 receiver that keeps every message it gets from one address. */
export class AmqpReceiver implements AsyncDisposable {
  /** Messages in arrival order, with the envelope parsed from the body and when it arrived. */
  readonly messages: { message: Message; envelope: Record<string, unknown>; at: number }[] = [];
  readonly #connection: Connection;

  private constructor(connection: Connection) {
    this.#connection = connection;
  }

  /**
   * Connects as guest and attaches a receiver to `address` (RabbitMQ declares a `/queue/...`).
   *
   * @returns Once the receiver link is open.
   */
  static async connect(url: string, address: string): Promise<AmqpReceiver> {
    const connection = connectAsGuest(url);
    const receiver = new AmqpReceiver(connection);
    const link = connection.open_receiver({ source: { address } });
    link.on("message", (context) => {
      const message = context.message!;
      const body = message.body as { content?: Uint8Array } | string;
      const text = typeof body === "string" ? body : new TextDecoder().decode(body.content);
      receiver.messages.push({ message, envelope: JSON.parse(text), at: Date.now() });
    });
    await new Promise<void>((resolve, reject) => {
      link.once("receiver_open", () => resolve());
      connection.once("disconnected", (context) => reject(context.error ?? new Error("closed")));
      link.once("receiver_error", (context) => reject(context.receiver?.error));
    });
    return receiver;
  }

  /** Messages with one `MessageName`. */
  named(name: string): { message: Message; envelope: Record<string, unknown>; at: number }[] {
    return this.messages.filter((entry) => entry.envelope.MessageName === name);
  }

  /** Disconnects. */
  async [Symbol.asyncDispose](): Promise<void> {
    await closeAmqpConnection(this.#connection);
  }
}
