/**
 * Hostile floors: what a shared or unlucky drop folder may hold (a FIFO, a second service, odd
 * names, slow writers, deep nesting) handled by real `wats run` processes against the emulator.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { type CliProcess, emulatorStats, startEmulator, startService } from "../_processes.ts";
import { dropFile, wsjfReport } from "../client/_service_kit.ts";
import { namesIn, pause, until, workspace } from "./_e2e.ts";

const isPosix = Deno.build.os !== "windows";

/** Stops a process, or kills it when it has not ended after `ms`; returns the time it took. */
async function stopWithin(process: CliProcess, ms: number): Promise<number> {
  const started = performance.now();
  const ended = await Promise.race([process.stop("SIGTERM").then(() => true), pause(ms)]);
  const took = performance.now() - started;
  if (ended !== true) await process.stop("SIGKILL");
  return took;
}

Deno.test({
  name: "a FIFO made in a running service's drop folder neither stops events nor holds up SIGTERM",
  ignore: !isPosix,
  async fn() {
    const emulator = await startEmulator();
    const space = await workspace(emulator, { watch: [{ path: "drop", stableMs: 100 }] });
    try {
      const { process } = await startService(space.configFile, { WATS_TOKEN: emulator.token });
      try {
        await pause(300);
        const made = await new Deno.Command("mkfifo", { args: [join(space.drop, "f.json")] })
          .output();
        assert.ok(made.success, "mkfifo failed");
        await pause(1_500);
        // Without events this file would wait for the rescan, a minute away.
        await dropFile(space.drop, "after-fifo.json", wsjfReport(1).text);
        await until("the file dropped after the FIFO accepted", async () => {
          const stats = await emulatorStats(emulator);
          return stats.reportsAccepted === 1 ? true : undefined;
        }, 10_000);
        const errorNames = await namesIn(join(space.drop, "Error"));
        assert.deepEqual(errorNames, ["f.json", "f.json.reason.txt"]);
        const reason = await Deno.readTextFile(join(space.drop, "Error", "f.json.reason.txt"));
        assert.match(reason, /not a regular file \(FIFO\)/i);
        // A second FIFO right before the stop.
        await new Deno.Command("mkfifo", { args: [join(space.drop, "g.json")] }).output();
        await pause(50);
      } finally {
        const took = await stopWithin(process, 10_000);
        assert.ok(took < 5_000, `SIGTERM took ${Math.round(took)} ms`);
      }
    } finally {
      await emulator.process.stop();
      await Deno.remove(space.root, { recursive: true });
    }
  },
});
