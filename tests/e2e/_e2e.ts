/**
 * Helpers of the end-to-end tests: a work folder with a configuration for `wats run` against an
 * emulator process, and reading the service's status.
 *
 * @module
 */

import { join } from "node:path";
import assert from "node:assert/strict";
import { type CliProcess, type EmulatorProcess, startService } from "../_processes.ts";
import type { ServiceStatus } from "../../client/status/model.ts";

/** The folders of one end-to-end test. */
export interface Workspace {
  root: string;
  drop: string;
  dataDir: string;
  configFile: string;
}

/**
 * Makes the work folders in `root` and writes `config.json` for a service on `emulator`.
 *
 * @param root The work folder: a {@linkcode tempDir} declared before the processes start, so it
 *   is removed after they are stopped.
 * @param emulator The emulator process.
 * @param extra Configuration keys to add or replace.
 * @returns The folders.
 */
export async function workspace(
  root: string,
  emulator: EmulatorProcess,
  extra: Record<string, unknown> = {},
): Promise<Workspace> {
  const drop = join(root, "drop");
  const dataDir = join(root, "data");
  await Deno.mkdir(drop);
  const configFile = join(root, "config.json");
  await Deno.writeTextFile(
    configFile,
    JSON.stringify({
      server: { url: emulator.url },
      station: { name: "E2E-1", location: "Lab", purpose: "Test" },
      dataDir: "data",
      watch: [{ path: "drop", stableMs: 100, postAction: "move" }],
      status: { port: 0 },
      limits: { requestsPerWindow: 1_000_000 },
      retry: { baseDelayMs: 50, maxDelayMs: 500 },
      ...extra,
    }),
  );
  return { root, drop, dataDir, configFile };
}

/** The service's `/status` JSON. */
export async function statusOf(statusUrl: string): Promise<ServiceStatus> {
  const res = await fetch(`${statusUrl}/status`);
  if (!res.ok) throw new Error(`GET /status: HTTP ${res.status}`);
  return await res.json();
}

/** Names in a folder, sorted; none when it does not exist. */
export async function namesIn(folder: string): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir(folder)) names.push(entry.name);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return names.sort();
}

/**
 * Drops `run-<n>.json` the way a tester writes a result: under a hidden temp name, then renamed
 * into the drop folder, so the service never sees half a file.
 */
export async function dropRun(drop: string, n: number, text: string): Promise<void> {
  const temp = join(drop, `.run-${n}.tmp`);
  await Deno.writeTextFile(temp, text);
  await Deno.rename(temp, join(drop, `run-${n}.json`));
}

/** Polls until `check` answers something other than `undefined`. */
export async function until<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (performance.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export { seeded } from "../_random.ts";
export { tempDir } from "../_temp.ts";

/** Sleeps for real (end-to-end tests wait for other processes, not for a clock). */
export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** What {@linkcode brokerOutage} runs against. */
export interface BrokerOutage {
  /** The service's folders and configuration, with an event sink on `broker`. */
  space: Workspace;
  /** The environment of `wats run` (the token). */
  env: Record<string, string>;
  /** Every process started is added here, for the caller to stop. */
  processes: CliProcess[];
  /** The reports, dropped as `run-<n>.json`. */
  reports: { id: string; text: string }[];
  /** The broker, stopped and started again. */
  broker: { pause(): Promise<void>; resume(): Promise<void> };
  /** The message ids the subscriber has received so far. */
  received(): Set<unknown>;
  /** Reports dropped while the broker is up, and the events that must arrive before the kill. */
  firstDrop: number;
  firstSeen: number;
  /** Reports uploaded while the broker is down before the second kill. */
  doneWhileDown: number;
  /** Runs after the first kill (MQTT: the last will). */
  afterFirstKill?: () => Promise<unknown>;
  /** Runs after the broker is back, before the last service starts. */
  afterResume?: () => Promise<unknown>;
}

/**
 * The outage every event sink must survive, through real processes: the broker up and the service
 * killed with SIGKILL; the broker down while a second service uploads the rest, killed too; then
 * the broker and a third service back, and every report's event arrives. Ends with a clean stop.
 */
export async function brokerOutage(run: BrokerOutage): Promise<void> {
  const { space, reports, received } = run;
  const drop = async (from: number, to: number) => {
    for (let n = from; n < to; n++) await dropRun(space.drop, n, reports[n].text);
  };
  const start = async () => {
    const { process } = await startService(space.configFile, run.env);
    run.processes.push(process);
    return process;
  };

  const first = await start();
  await drop(0, run.firstDrop);
  await until(
    "the first events",
    () => Promise.resolve(received().size >= run.firstSeen || undefined),
  );
  await first.stop("SIGKILL");
  await run.afterFirstKill?.();

  // Broker down: reports are uploaded, their events wait in the outbox; killed again.
  await run.broker.pause();
  const second = await start();
  await drop(run.firstDrop, reports.length);
  const done = join(space.dataDir, "queue", "done");
  await until(
    "uploads while the broker is down",
    async () => (await namesIn(done)).length >= run.doneWhileDown || undefined,
  );
  await second.stop("SIGKILL");

  await run.broker.resume();
  await run.afterResume?.();
  const last = await start();
  await until(`${reports.length} events`, () => {
    const size = received().size;
    return Promise.resolve(size === reports.length ? size : undefined);
  }, 60_000).catch((error) => {
    throw new Error(`${error.message}: ${received().size} arrived\n${last.stderr.slice(-3000)}`);
  });
  assert.deepEqual([...received()].toSorted(), reports.map((report) => report.id).toSorted());
  const stopped = await last.stop("SIGTERM");
  assert.equal(stopped.code, 0, last.stderr);
}
