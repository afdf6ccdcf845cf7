/**
 * Events survive what uploads survive: `wats run` processes publish to a real mosquitto while
 * the broker is stopped for part of the run and the service is killed with SIGKILL twice; a
 * subscriber with a persistent session still receives every accepted report's event, and the
 * last will marks the killed station offline.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { type CliProcess, startEmulator, startService } from "../_processes.ts";
import { Mosquitto, Subscriber } from "../_brokers.ts";
import { wsjfReport } from "../client/_service_kit.ts";
import { namesIn, until, workspace } from "./_e2e.ts";

const FILES = 200;
const REPORT_TOPIC = "e2e/Lab/E2E-1/report";
const STATUS_TOPIC = "e2e/Lab/E2E-1/status";

Deno.test("events: broker stopped and two SIGKILLs, every report's event still arrives", async () => {
  await using broker = await Mosquitto.start();
  const emulator = await startEmulator();
  const processes: CliProcess[] = [emulator.process];
  const space = await workspace(
    await Deno.realPath(await Deno.makeTempDir({ prefix: "wats-e2e-" })),
    emulator,
    {
      events: { mqtt: { url: broker.url, topicPrefix: "e2e" } },
    },
  );
  try {
    await using subscriber = await Subscriber.connect(broker.url, "e2e/#", {
      clientId: "e2e-subscriber",
    });
    const env = { WATS_TOKEN: emulator.token };
    const reports = Array.from({ length: FILES }, (_, n) => wsjfReport(n));
    const drop = async (from: number, to: number) => {
      for (let n = from; n < to; n++) {
        const temp = join(space.drop, `.run-${n}.tmp`);
        await Deno.writeTextFile(temp, reports[n].text);
        await Deno.rename(temp, join(space.drop, `run-${n}.json`));
      }
    };
    const run = async () => {
      const { process } = await startService(space.configFile, env);
      processes.push(process);
      return process;
    };
    const received = () => new Set(subscriber.on(REPORT_TOPIC).map((m) => m.payload.messageId));

    // Broker up: some events arrive, then the service is killed; its last will says offline.
    const first = await run();
    await drop(0, 80);
    await until("the first events", () => Promise.resolve(received().size >= 20 || undefined));
    await first.stop("SIGKILL");
    await until("the last will", () => {
      const last = subscriber.on(STATUS_TOPIC).at(-1);
      const state = (last?.payload.status as { state?: string } | undefined)?.state;
      return Promise.resolve(state === "offline" ? true : undefined);
    });

    // Broker down: reports are uploaded, their events wait; the service is killed again.
    await broker.pause();
    const second = await run();
    await drop(80, FILES);
    await until(
      "uploads while the broker is down",
      async () => (await namesIn(join(space.dataDir, "queue", "done"))).length >= 150 || undefined,
    );
    await second.stop("SIGKILL");

    // Broker back, service back: every event arrives.
    await broker.resume();
    const last = await run();
    await until(`${FILES} report events`, () => {
      const size = received().size;
      return Promise.resolve(size === FILES ? size : undefined);
    }, 60_000).catch((error) => {
      throw new Error(`${error.message}: ${received().size} arrived\n${last.stderr.slice(-3000)}`);
    });
    assert.deepEqual([...received()].toSorted(), reports.map((report) => report.id).toSorted());
    const stopped = await last.stop("SIGTERM");
    assert.equal(stopped.code, 0, last.stderr);
  } finally {
    for (const process of processes) await process.stop("SIGKILL");
    await Deno.remove(space.root, { recursive: true }).catch(() => {});
  }
});
