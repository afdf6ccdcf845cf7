/**
 * IPC-CFX through real `cli.ts` processes and one real RabbitMQ node (AMQP 1.0 plug-in; a node
 * takes several seconds to start, so the file shares one):
 *
 * - `wats events tail --sink cfx` reads the configured exchange address through a receiver,
 *   prints one line per CFX message, stops after `--count`, and stops cleanly on SIGINT.
 * - Events survive what uploads survive: `wats run` processes publish `UnitsTested` while the
 *   node is stopped for part of the run and the service is killed with SIGKILL twice; a receiver
 *   on the durable queue still gets every accepted report's message (by `UniqueID`, the report
 *   id).
 */

import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { join } from "node:path";
import rhea from "rhea";
import { AmqpReceiver, connectAsGuest, RabbitMq } from "../_brokers.ts";
import { type CliProcess, spawnCli, startEmulator } from "../_processes.ts";
import { wsjfReport } from "../client/_service_kit.ts";
import { brokerOutage, tempDir, workspace } from "./_e2e.ts";

const FILES = 100;
const UNITS_TESTED = "CFX.Production.TestAndInspection.UnitsTested";

/** Waits until the tail says on stderr that its receiver is attached. */
async function listening(tail: CliProcess): Promise<void> {
  const deadline = performance.now() + 30_000;
  let ended = false;
  tail.status.then(() => ended = true, () => ended = true);
  while (!tail.stderr.includes("Listening on")) {
    if (ended || performance.now() > deadline) {
      throw new Error(
        `The tail is not listening\nstdout:\n${tail.stdout}\nstderr:\n${tail.stderr}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Sends CFX envelopes to an AMQP address as guest, the way the sink does (subject routing). */
async function publish(url: string, address: string, envelopes: Record<string, unknown>[]) {
  const connection = connectAsGuest(url);
  const sender = connection.open_sender({ target: { address } });
  try {
    await new Promise<void>((resolve, reject) => {
      sender.once("sendable", () => resolve());
      sender.once("sender_error", (context) => reject(context.sender?.error));
      connection.once("disconnected", (context) => reject(context.error ?? new Error("closed")));
    });
    let pending = envelopes.length;
    await new Promise<void>((resolve, reject) => {
      sender.on("accepted", () => --pending === 0 && resolve());
      sender.on("rejected", () => reject(new Error("the broker rejected a message")));
      for (const envelope of envelopes) {
        sender.send({
          message_id: String(envelope.UniqueID),
          subject: `acme.ict1.${envelope.MessageName}`,
          content_type: 'application/json; charset="utf-8"',
          body: rhea.message.data_section(Buffer.from(JSON.stringify(envelope), "utf8")),
        });
      }
    });
  } finally {
    connection.close();
  }
}

function unitsTested(serial: string, result: string): Record<string, unknown> {
  return {
    MessageName: UNITS_TESTED,
    Version: "2.0",
    TimeStamp: new Date().toISOString(),
    UniqueID: crypto.randomUUID(),
    Source: "acme.ict1",
    Target: null,
    RequestID: null,
    MessageBody: {
      TransactionId: crypto.randomUUID(),
      TestedUnits: [{ UnitIdentifier: serial, UnitPositionNumber: 1, OverallResult: result }],
    },
  };
}

/** `wats events tail --sink cfx`: lines for the messages, `--count`, and Ctrl-C. */
async function tailSteps(t: Deno.TestContext, rabbit: RabbitMq): Promise<void> {
  await using folder = await tempDir("wats-tail-cfx-");
  const passwordFile = join(folder.path, "cfx.password");
  await Deno.writeTextFile(passwordFile, "guest\n", { mode: 0o600 });
  const configFile = join(folder.path, "config.json");
  await Deno.writeTextFile(
    configFile,
    JSON.stringify({
      server: { url: "https://wats.invalid" },
      dataDir: "data",
      events: {
        mqtt: { url: "mqtt://127.0.0.1:1", topicPrefix: "unused" },
        cfx: { url: `${rabbit.url}/exchange/amq.topic`, username: "guest", passwordFile },
      },
    }),
  );

  await t.step("--count 2 prints two lines, then exits 0", async () => {
    const tail = await spawnCli(
      ["events", "tail", "--sink", "cfx", "--count", "2", "--config", configFile],
    );
    try {
      await listening(tail);
      const first = unitsTested("SN-0001", "Passed");
      const second = unitsTested("SN-0002", "Failed");
      await publish(rabbit.url, "/exchange/amq.topic", [first, second]);
      const status = await Promise.race([
        tail.status,
        new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error(`no exit:\n${tail.stderr}`)), 20_000)
        ),
      ]);
      assert.equal(status.code, 0, tail.stderr);
      assert.equal(
        tail.stdout,
        `${UNITS_TESTED} ${first.UniqueID} SN-0001 Passed\n` +
          `${UNITS_TESTED} ${second.UniqueID} SN-0002 Failed\n`,
      );
    } finally {
      await tail.stop("SIGKILL");
    }
  });

  await t.step("Ctrl-C (SIGINT) stops it cleanly", async () => {
    const tail = await spawnCli(["events", "tail", "--sink", "cfx", "--config", configFile]);
    try {
      await listening(tail);
      const status = await tail.stop("SIGINT");
      assert.equal(status.code, 0, tail.stderr);
      assert.equal(tail.stdout, "");
    } finally {
      await tail.stop("SIGKILL");
    }
  });
}

/** Node stopped for part of a run and two SIGKILLs: every report's UnitsTested arrives. */
async function outageStep(rabbit: RabbitMq): Promise<void> {
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
    await brokerOutage({
      space,
      env: { WATS_TOKEN: emulator.token },
      processes,
      reports: Array.from({ length: FILES }, (_, n) => wsjfReport(n)),
      broker: rabbit,
      received: () =>
        new Set(
          receivers.flatMap((receiver) =>
            receiver.named(UNITS_TESTED).map((entry) => entry.envelope.UniqueID)
          ),
        ),
      firstDrop: 40,
      firstSeen: 10,
      doneWhileDown: 80,
      // The queue and what it held are kept; a new receiver reads on.
      afterResume: async () => {
        receivers.push(await AmqpReceiver.connect(rabbit.url, queue));
      },
    });
  } finally {
    for (const receiver of receivers) await receiver[Symbol.asyncDispose]();
    for (const process of processes) await process.stop("SIGKILL");
    await Deno.remove(root, { recursive: true }).catch(() => {});
  }
}

Deno.test("IPC-CFX through real processes against RabbitMQ", async (t) => {
  await using rabbit = await RabbitMq.start();
  await t.step("wats events tail reads events.cfx", (t) => tailSteps(t, rabbit));
  await t.step(
    "node stopped and two SIGKILLs, every report's UnitsTested arrives",
    () => outageStep(rabbit),
  );
});
