/**
 * CFX events survive what uploads survive: `wats run` processes publish `UnitsTested` to a real
 * RabbitMQ node (AMQP 1.0) while the node is stopped for part of the run and the service is
 * killed with SIGKILL twice; a receiver on the durable queue still gets every accepted report's
 * message (by `UniqueID`, the report id).
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { type CliProcess, startEmulator, startService } from "../_processes.ts";
import { AmqpReceiver, RabbitMq } from "../_brokers.ts";
import { wsjfReport } from "../client/_service_kit.ts";
import { namesIn, until, workspace } from "./_e2e.ts";

const FILES = 100;
const UNITS_TESTED = "CFX.Production.TestAndInspection.UnitsTested";

Deno.test("CFX events: node stopped and two SIGKILLs, every report's UnitsTested arrives", async () => {
  await using rabbit = await RabbitMq.start();
  const emulator = await startEmulator();
  const processes: CliProcess[] = [emulator.process];
  const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "wats-e2e-" }));
  const passwordFile = join(root, "cfx.password");
  await Deno.writeTextFile(passwordFile, "guest\n", { mode: 0o600 });
  const queue = "/queue/cfx-e2e";
  const space = await workspace(root, emulator, {
    events: {
      cfx: {
        url: `${rabbit.url}${queue}`,
        handle: "acme.e2e.ict1",
        username: "guest",
        passwordFile,
      },
    },
  });
  const receivers: AmqpReceiver[] = [];
  try {
    // The receiver declares the durable queue before anything is published to it.
    receivers.push(await AmqpReceiver.connect(rabbit.url, queue));
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
    const received = () =>
      new Set(
        receivers.flatMap((receiver) =>
          receiver.named(UNITS_TESTED).map((entry) => entry.envelope.UniqueID)
        ),
      );

    // Node up: some messages arrive, then the service is killed.
    const first = await run();
    await drop(0, 40);
    await until("the first messages", () => Promise.resolve(received().size >= 10 || undefined));
    await first.stop("SIGKILL");

    // Node down: reports are uploaded, their messages wait in the outbox; killed again.
    await rabbit.pause();
    const second = await run();
    await drop(40, FILES);
    await until(
      "uploads while the node is down",
      async () => (await namesIn(join(space.dataDir, "queue", "done"))).length >= 80 || undefined,
    );
    await second.stop("SIGKILL");

    // Node back (the queue and what it held kept), service back: every message arrives.
    await rabbit.resume();
    receivers.push(await AmqpReceiver.connect(rabbit.url, queue));
    const last = await run();
    await until(`${FILES} UnitsTested messages`, () => {
      const size = received().size;
      return Promise.resolve(size === FILES ? size : undefined);
    }, 60_000).catch((error) => {
      throw new Error(`${error.message}: ${received().size} arrived\n${last.stderr.slice(-3000)}`);
    });
    assert.deepEqual([...received()].toSorted(), reports.map((report) => report.id).toSorted());
    const stopped = await last.stop("SIGTERM");
    assert.equal(stopped.code, 0, last.stderr);
  } finally {
    for (const receiver of receivers) await receiver[Symbol.asyncDispose]();
    for (const process of processes) await process.stop("SIGKILL");
    await Deno.remove(root, { recursive: true }).catch(() => {});
  }
});
