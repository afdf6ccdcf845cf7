/**
 * Events survive what uploads survive: `wats run` processes publish to a real mosquitto while
 * the broker is stopped for part of the run and the service is killed with SIGKILL twice; a
 * subscriber with a persistent session still receives every accepted report's event, and the
 * last will marks the killed station offline.
 */

import { type CliProcess, startEmulator } from "../_processes.ts";
import { Mosquitto, Subscriber } from "../_brokers.ts";
import { wsjfReport } from "../client/_service_kit.ts";
import { brokerOutage, until, workspace } from "./_e2e.ts";

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
    const received = () => new Set(subscriber.on(REPORT_TOPIC).map((m) => m.payload.messageId));
    await brokerOutage({
      space,
      env: { WATS_TOKEN: emulator.token },
      processes,
      reports: Array.from({ length: FILES }, (_, n) => wsjfReport(n)),
      broker,
      received,
      firstDrop: 80,
      firstSeen: 20,
      doneWhileDown: 150,
      // The killed station's last will says offline.
      afterFirstKill: () =>
        until("the last will", () => {
          const last = subscriber.on(STATUS_TOPIC).at(-1);
          const state = (last?.payload.status as { state?: string } | undefined)?.state;
          return Promise.resolve(state === "offline" ? true : undefined);
        }),
    });
  } finally {
    for (const process of processes) await process.stop("SIGKILL");
    await Deno.remove(space.root, { recursive: true }).catch(() => {});
  }
});
