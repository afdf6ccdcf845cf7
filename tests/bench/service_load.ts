/**
 * The station service under load, as real processes over loopback (the emulator and `wats run`,
 * both started with the `compile` task's permissions):
 *
 * 1. Throughput and latency: `--reports` (2,000) WSJF files dropped into a running service's
 *    drop folder, at `--rate` files a second (0: all at once), rate limiter set far above what is
 *    sent, after `--warmup` (200) files dropped at once and accepted (a station's service runs
 *    for days; the warm-up lets both processes compile their hot paths first). Prints reports/s from the first drop to the last acceptance (at a set drop rate this
 *    cannot exceed `reports / (reports / rate + the last file's latency)`), reports/s from the
 *    first acceptance to the last (the service's capacity when the files come at once; the drop
 *    rate when it keeps pace), p50/p99 from a file's
 *    rename into the drop folder to the server's acceptance (the mtime of its envelope in
 *    `done/`), and the service's peak RSS (sampled from its `/status` every 250 ms).
 * 2. Start-up: `--pending` (100,000) envelopes already in `queue/pending/`; prints the time from
 *    spawning the service to its first accepted upload, how many it accepted in the next
 *    `--drain-seconds` (10), and its peak RSS.
 *
 * 3. With `--events`: the throughput run again with an event sink, MQTT on a local mosquitto and
 *    then IPC-CFX on a local RabbitMQ node (Debian's; `--sink mqtt` or `--sink cfx` for one),
 *    printing also the events a second reaching a subscriber and the time from a report's
 *    acceptance (the event's `at`, CFX's `TimeStamp`) to its arrival there, p50/p99.
 *
 * Run: `deno task bench:service [--reports 2000] [--rate 450] [--warmup 200] [--pending 100000]
 * [--post-action archive|move|delete|keep] [--events [--sink mqtt|cfx]] [--skip-startup]`
 * (TMPDIR picks the disk; the cost of creating a file there is printed with the figures).
 * (this is a script, not a `Deno.bench` file: `deno bench` does not pick it up).
 *
 * @module
 */

import { join } from "node:path";
import { parseArgs } from "node:util";
import {
  type CliProcess,
  type EmulatorProcess,
  startEmulator,
  startService,
} from "../_processes.ts";
import { wsjfReport } from "../client/_service_kit.ts";
import { tempDir } from "../_temp.ts";
import { AmqpReceiver, Mosquitto, RabbitMq, Subscriber } from "../_brokers.ts";

const encoder = new TextEncoder();

/** Warm-up reports are numbered from here, apart from the measured ones. */
const WARMUP_IDS = 1_000_000;

function print(text: string): void {
  Deno.stdout.writeSync(encoder.encode(text + "\n"));
}

/**
 * How long creating an empty file takes in `folder` right now. On some virtual machines this
 * varies twenty-fold with the state of the host's page cache, and every queued report costs one
 * file creation: printed beside the figures so they can be read in context.
 */
async function createCostUs(folder: string): Promise<number> {
  const probe = await Deno.makeTempDir({ dir: folder, prefix: "probe-" });
  const started = performance.now();
  for (let n = 0; n < 200; n++) {
    Deno.openSync(join(probe, `f${n}`), { write: true, createNew: true }).close();
  }
  const cost = ((performance.now() - started) * 1000) / 200;
  await Deno.remove(probe, { recursive: true });
  return cost;
}

function percentile(sorted: number[], share: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))];
}

/**
 * Samples the service's resident memory from its `/status` every 250 ms until stopped (Deno lets
 * only `--allow-all` read another process's `/proc` entry).
 */
function memorySampler(statusUrl: string): { stop(): Promise<{ peakMb: number; lastMb: number }> } {
  let peak = 0;
  let last = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      try {
        const res = await fetch(`${statusUrl}/status`);
        const status = await res.json();
        last = status.memory.rss;
        peak = Math.max(peak, last);
      } catch {
        // The service is busy or gone; the next sample counts.
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return { peakMb: peak / 1048576, lastMb: last / 1048576 };
    },
  };
}

async function writeConfig(
  root: string,
  emulator: EmulatorProcess,
  extra: object,
): Promise<string> {
  const file = join(root, "config.json");
  await Deno.writeTextFile(
    file,
    JSON.stringify({
      server: { url: emulator.url },
      station: { name: "BENCH-1" },
      dataDir: "data",
      status: { port: 0 },
      limits: {
        requestsPerWindow: 1_000_000,
        windowMs: 60_000,
        maxQueueSize: 200_000,
        ...(Deno.env.get("CC") ? { conversionConcurrency: Number(Deno.env.get("CC")) } : {}),
        ...(Deno.env.get("UC") ? { uploadConcurrency: Number(Deno.env.get("UC")) } : {}),
      },
      ...extra,
    }),
  );
  return file;
}

async function stopAll(...processes: CliProcess[]): Promise<void> {
  for (const process of processes) await process.stop("SIGTERM");
}

/** Counts the envelopes in `done/`. */
async function countDone(doneDir: string): Promise<number> {
  let count = 0;
  for await (const _ of Deno.readDir(doneDir)) count++;
  return count;
}

/** An event sink under test: its configuration and what its subscriber has received. */
interface BenchSink {
  name: "MQTT" | "CFX";
  /** The `events` section of the configuration. */
  events: Record<string, unknown>;
  /** Each report event received: its id, its arrival and the report's acceptance (epoch ms). */
  arrived(): { id: string; at: number; acceptedAt: number }[];
}

async function throughput(
  reports: number,
  rate: number,
  warmup: number,
  postAction: string,
  sink?: BenchSink,
): Promise<void> {
  await using temp = await tempDir("wats-bench-");
  const root = temp.path;
  const createUs = await createCostUs(root);
  const drop = join(root, "drop");
  await Deno.mkdir(drop);
  const emulator = await startEmulator();
  const config = await writeConfig(root, emulator, {
    watch: [{ path: "drop", postAction }],
    ...sink ? { events: sink.events } : {},
  });
  const service = await startService(config, {
    WATS_TOKEN: emulator.token,
    ...(Deno.env.get("ARENA") ? { MALLOC_ARENA_MAX: Deno.env.get("ARENA")! } : {}),
  });
  const memory = memorySampler(service.statusUrl);
  // Files are written beforehand on the same volume and renamed into the drop folder, as test
  // stations do: the bench measures the service, not how fast it can write files itself.
  const staging = join(root, "staging");
  await Deno.mkdir(staging);
  for (let n = 0; n < reports; n++) {
    await Deno.writeTextFile(join(staging, `run-${n}.json`), wsjfReport(n).text);
  }
  const doneDir = join(root, "data", "queue", "done");
  // A service runs for days: the measured files come after `warmup` files (dropped at once and
  // accepted) have let both processes compile their hot paths.
  for (let n = 0; n < warmup; n++) {
    const name = `warm-${n}.json`;
    await Deno.writeTextFile(join(drop, name), wsjfReport(WARMUP_IDS + n).text);
  }
  while (warmup > 0 && await countDone(doneDir).catch(() => 0) < warmup) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const droppedAt = new Map<string, number>();
  const started = performance.now();
  for (let n = 0; n < reports; n++) {
    if (rate > 0) {
      const due = started + (n * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    }
    const name = `run-${n}.json`;
    await Deno.rename(join(staging, name), join(drop, name));
    droppedAt.set(name, Date.now());
  }
  while (await countDone(doneDir) < warmup + reports) {
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const rss = await memory.stop();
  const latencies: number[] = [];
  /** Drop to the envelope's `enqueuedAt`: the intake's share of the latency. */
  const queuedAfter: number[] = [];
  let lastAccepted = 0;
  let firstAccepted = Infinity;
  for await (const entry of Deno.readDir(doneDir)) {
    if (entry.name.startsWith(".")) continue;
    // A done/ envelope's mtime is when the server accepted it.
    const path = join(doneDir, entry.name);
    const accepted = (await Deno.lstat(path)).mtime!.getTime();
    const envelope = JSON.parse(await Deno.readTextFile(path));
    const name = envelope.source.path.split(/[\\/]/).pop();
    if (!droppedAt.has(name)) continue; // a warm-up file
    latencies.push(accepted - droppedAt.get(name)!);
    queuedAfter.push(Date.parse(envelope.enqueuedAt) - droppedAt.get(name)!);
    lastAccepted = Math.max(lastAccepted, accepted);
    firstAccepted = Math.min(firstAccepted, accepted);
  }
  latencies.sort((a, b) => a - b);
  queuedAfter.sort((a, b) => a - b);
  const firstDrop = Math.min(...droppedAt.values());
  const seconds = (lastAccepted - firstDrop) / 1000;
  // Uploads per second while the service was uploading: its capacity when the files came at
  // once, the drop rate when it kept pace with them.
  const sustained = (reports - 1) / ((lastAccepted - firstAccepted) / 1000);
  let eventFigures = "";
  if (sink) {
    const wanted = reports;
    const isMeasured = (id: string) => Number(`0x${id.slice(-12)}`) < WARMUP_IDS;
    let arrived: { at: number; acceptedAt: number }[] = [];
    for (let tries = 0; tries < 600; tries++) {
      arrived = sink.arrived().filter((event) => isMeasured(event.id));
      if (arrived.length >= wanted) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const eventLatencies = arrived.map((event) => event.at - event.acceptedAt).sort((a, b) =>
      a - b
    );
    const times = arrived.map((event) => event.at);
    const eventSeconds = (Math.max(...times) - Math.min(...times)) / 1000;
    eventFigures = `; ${sink.name} events: ${arrived.length} of ${wanted} arrived, ` +
      `${((arrived.length - 1) / eventSeconds).toFixed(0)} events/s, acceptance->subscriber ` +
      `p50 ${percentile(eventLatencies, 0.5)} ms, p99 ${percentile(eventLatencies, 0.99)} ms`;
  }
  print(
    `throughput${
      sink ? ` with ${sink.name === "MQTT" ? "an" : "a"} ${sink.name} sink` : ""
    }: ${reports} reports dropped ${rate > 0 ? `at ${rate}/s` : "at once"}: ` +
      `${(reports / seconds).toFixed(0)} reports/s (${seconds.toFixed(2)} s first drop to last ` +
      `acceptance), ${sustained.toFixed(0)} reports/s first to last acceptance, ` +
      `drop->accepted p50 ${percentile(latencies, 0.5)} ms, ` +
      `p99 ${percentile(latencies, 0.99)} ms, max ${latencies[latencies.length - 1]} ms ` +
      `(drop->queued p50 ${percentile(queuedAfter, 0.5)} ms, ` +
      `p99 ${percentile(queuedAfter, 0.99)} ms), ` +
      `service peak RSS ${rss.peakMb.toFixed(0)} MB (file creation here: ${
        createUs.toFixed(0)
      } µs)${eventFigures}`,
  );
  await stopAll(service.process, emulator.process);
}

async function startup(pending: number, drainSeconds: number): Promise<void> {
  await using temp = await tempDir("wats-bench-start-");
  const root = temp.path;
  const createUs = await createCostUs(root);
  const pendingDir = join(root, "data", "queue", "pending");
  await Deno.mkdir(pendingDir, { recursive: true });
  const at = new Date(Date.now() - 60_000).toISOString();
  for (let n = 0; n < pending; n++) {
    const { id, text } = wsjfReport(n);
    const envelope = `{"v":1,"id":"${id}","report":${text},"source":null,"enqueuedAt":"${at}",` +
      `"attempts":0,"nextAttemptAt":"${at}"}`;
    Deno.writeTextFileSync(join(pendingDir, `${id}.json`), envelope);
  }
  const emulator = await startEmulator();
  const config = await writeConfig(root, emulator, {});
  const doneDir = join(root, "data", "queue", "done");
  const spawnedAt = performance.now();
  const service = await startService(config, {
    WATS_TOKEN: emulator.token,
    ...(Deno.env.get("ARENA") ? { MALLOC_ARENA_MAX: Deno.env.get("ARENA")! } : {}),
  });
  const memory = memorySampler(service.statusUrl);
  let firstUploadMs = NaN;
  for (;;) {
    let found = false;
    try {
      for await (const _ of Deno.readDir(doneDir)) {
        found = true;
        break;
      }
    } catch {
      // Not made yet.
    }
    if (found) {
      firstUploadMs = performance.now() - spawnedAt;
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  const drainStart = performance.now();
  await new Promise((resolve) => setTimeout(resolve, drainSeconds * 1000));
  let drained = 0;
  for await (const _ of Deno.readDir(doneDir)) drained++;
  const drainRate = drained / ((performance.now() - drainStart) / 1000);
  const rss = await memory.stop();
  print(
    `start-up: ${pending} envelopes pending: first upload ${firstUploadMs.toFixed(0)} ms after ` +
      `spawning the service; ${drained} accepted in the next ${drainSeconds} s ` +
      `(${drainRate.toFixed(0)}/s); service peak RSS ${rss.peakMb.toFixed(0)} MB, ` +
      `last ${rss.lastMb.toFixed(0)} MB (file creation here: ${createUs.toFixed(0)} µs)`,
  );
  await stopAll(service.process, emulator.process);
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      reports: { type: "string", default: "2000" },
      warmup: { type: "string", default: "200" },
      rate: { type: "string", default: "450" },
      pending: { type: "string", default: "100000" },
      "drain-seconds": { type: "string", default: "10" },
      "skip-throughput": { type: "boolean" },
      "skip-startup": { type: "boolean" },
      "post-action": { type: "string", default: "archive" },
      events: { type: "boolean" },
      sink: { type: "string" },
    },
  });
  const postAction = values["post-action"];
  if (!values["skip-throughput"]) {
    await throughput(
      Number(values.reports),
      Number(values.rate),
      Number(values.warmup),
      postAction,
    );
  }
  const sinks = values.sink === undefined ? ["mqtt", "cfx"] : [values.sink];
  if (values.events && sinks.includes("mqtt")) {
    // The same load again with an MQTT sink on a local mosquitto.
    await using broker = await Mosquitto.start();
    await using subscriber = await Subscriber.connect(broker.url, "bench/+/report");
    await throughput(
      Number(values.reports),
      Number(values.rate),
      Number(values.warmup),
      postAction,
      {
        name: "MQTT",
        events: { mqtt: { url: broker.url, topicPrefix: "bench" } },
        arrived: () =>
          subscriber.messages.map((message) => ({
            id: String(message.payload.messageId),
            at: message.at,
            acceptedAt: Date.parse(String(message.payload.at)),
          })),
      },
    );
  }
  if (values.events && sinks.includes("cfx")) {
    // And with an IPC-CFX sink on a local RabbitMQ node, read from a durable queue.
    await using rabbit = await RabbitMq.start();
    await using folder = await tempDir("wats-bench-cfx-");
    const passwordFile = join(folder.path, "cfx.password");
    await Deno.writeTextFile(passwordFile, "guest\n", { mode: 0o600 });
    const queue = "/queue/bench-cfx";
    await using receiver = await AmqpReceiver.connect(rabbit.url, queue);
    await throughput(
      Number(values.reports),
      Number(values.rate),
      Number(values.warmup),
      postAction,
      {
        name: "CFX",
        events: { cfx: { url: `${rabbit.url}${queue}`, username: "guest", passwordFile } },
        arrived: () =>
          receiver.named("CFX.Production.TestAndInspection.UnitsTested").map((entry) => ({
            id: String(entry.envelope.UniqueID),
            at: entry.at,
            acceptedAt: Date.parse(String(entry.envelope.TimeStamp)),
          })),
      },
    );
  }
  if (!values["skip-startup"]) {
    await startup(Number(values.pending), Number(values["drain-seconds"]));
  }
}
