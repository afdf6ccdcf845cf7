/**
 * The crash test: 1,000 files are dropped while the service works and it is killed with SIGKILL
 * at random points, once while the emulator applies every report and drops the connection before
 * the answer (so reports are stored on the server but not settled on the station). After the
 * restarts the emulator holds every report exactly once, and no source file is lost: with the
 * default post action, `archive`, each source is in the archive once, recorded and readable, and
 * the archive holds no file without a record.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { type CliProcess, emulatorStats, startEmulator, startService } from "../_processes.ts";
import { wsjfReport } from "../client/_service_kit.ts";
import { Ledger } from "../../client/ledger/ledger.ts";
import { readArchived } from "../../client/archive/archive.ts";
import { dropRun, namesIn, pause, seeded, tempDir, until, workspace } from "./_e2e.ts";

const FILES = 1_000;

/** Every file below `folder`, at any depth. */
async function filesBelow(folder: string): Promise<string[]> {
  const files: string[] = [];
  for await (const entry of Deno.readDir(folder)) {
    const path = join(folder, entry.name);
    if (entry.isDirectory) files.push(...await filesBelow(path));
    else files.push(path);
  }
  return files;
}

Deno.test("SIGKILL at random points: 1,000 files, each report applied once, no file lost", async () => {
  const seed = Number(Deno.env.get("WATS_CRASH_SEED") ?? Math.floor(Math.random() * 1e9));
  const random = seeded(seed);
  const context = `(seed ${seed}; repeat with WATS_CRASH_SEED=${seed})`;
  // Declared before the processes, so the folder is removed after the finally has killed them.
  await using temp = await tempDir("wats-e2e-");
  const emulator = await startEmulator();
  const processes: CliProcess[] = [emulator.process];
  try {
    // A few reports answer with a dropped connection after being stored, all through the test.
    await emulator.control("POST", "/_emulator/faults", {
      method: "POST",
      path: "/api/Report/WSJF",
      action: "apply-then-drop",
      probability: 0.03,
      seed,
    });
    const space = await workspace(temp.path, emulator, {
      breaker: { failureThreshold: 50, cooldownMs: 300 },
      watch: [{ path: "drop", stableMs: 100, postAction: "archive" }],
    });
    const env = { WATS_TOKEN: emulator.token };
    const reports = Array.from({ length: FILES }, (_, n) => wsjfReport(n));
    const dropping = (async () => {
      for (const [n, report] of reports.entries()) {
        await dropRun(space.drop, n, report.text);
        if (n % 100 === 99) await pause(30);
      }
    })();
    const run = async () => {
      const { process } = await startService(space.configFile, env);
      processes.push(process);
      return process;
    };
    const kill = async (process: CliProcess) => {
      const status = await process.stop("SIGKILL");
      assert.equal(status.signal, "SIGKILL", `service ended before the kill ${context}`);
    };

    // Two kills while files arrive and the first reports go out.
    for (let round = 0; round < 2; round++) {
      const service = await run();
      await pause(300 + random() * 600);
      await kill(service);
    }
    await dropping;

    // Every upload is stored and then its answer is lost: kill with reports in that state.
    const { rules } = await emulator.control("POST", "/_emulator/faults", {
      method: "POST",
      path: "/api/Report/WSJF",
      action: "apply-then-drop",
    }) as { rules: { id: string }[] };
    const firedBefore = (await emulatorStats(emulator)).faultsFired;
    const blind = await run();
    await until("uploads stored without an answer", async () => {
      const fired = (await emulatorStats(emulator)).faultsFired - firedBefore;
      return fired >= 20 ? fired : undefined;
    });
    await kill(blind);
    await emulator.control("DELETE", `/_emulator/faults/${rules[0].id}`);

    // More kills at random points while the backlog drains, then a run to the end.
    for (let round = 0; round < 4; round++) {
      const service = await run();
      await pause(100 + random() * 500);
      await kill(service);
    }
    const last = await run();
    const doneDir = join(space.dataDir, "queue", "done");
    const envelopes = async (folder: string) =>
      (await namesIn(folder)).filter((name) => !name.startsWith("."));
    await until(`${FILES} reports done ${context}`, async () => {
      const done = await envelopes(doneDir);
      return done.length === FILES ? done : undefined;
    }, 60_000).catch(async (error) => {
      const counts = await Promise.all(
        ["pending", "processing", "done", "failed", "quarantine"].map(async (state) =>
          `${state} ${(await envelopes(join(space.dataDir, "queue", state))).length}`
        ),
      );
      const drop = (await namesIn(space.drop)).filter((name) => name !== "Done");
      throw new Error(
        `${error.message}\nqueue: ${counts.join(", ")}\ndrop folder: ${
          drop.slice(0, 20).join(" ")
        }` +
          `\nservice log:\n${last.stderr.slice(-3000)}`,
      );
    });
    const stopped = await last.stop("SIGTERM");
    assert.equal(stopped.code, 0, `service did not stop cleanly ${context}\n${last.stderr}`);

    const stats = await emulatorStats(emulator);
    const ids = reports.map((report) => report.id.toLowerCase());
    assert.equal(Object.keys(stats.reports).length, FILES, `reports on the server ${context}`);
    const notOnce = ids.filter((id) => stats.reports[id]?.applied !== 1);
    assert.deepEqual(notOnce, [], `reports not applied exactly once ${context}`);
    const resent = ids.filter((id) => stats.reports[id].received > 1).length;
    assert.ok(resent > 0, `no report was sent twice, so the crash windows were not hit ${context}`);

    const expected = reports.map((_, n) => `run-${n}.json`).sort();
    const ledger = await Ledger.open(join(space.dataDir, "ledger.kv"));
    try {
      const entries = await Array.fromAsync(ledger.archive.list());
      assert.deepEqual(
        entries.map((entry) => entry.sourceName).sort(),
        expected,
        `archived ${context}`,
      );
      for (const entry of entries) {
        const n = Number(/run-(\d+)\.json/.exec(entry.sourceName)![1]);
        const text = new TextDecoder().decode(await readArchived(entry));
        assert.equal(text, reports[n].text, `${entry.file} ${context}`);
      }
      const files = await filesBelow(join(space.dataDir, "archive"));
      assert.deepEqual(
        files.sort(),
        entries.map((entry) => entry.file).sort(),
        `archive files ${context}`,
      );
    } finally {
      ledger.close();
    }
    assert.deepEqual(
      (await namesIn(space.drop)).filter((name) => !name.startsWith(".")),
      [],
      `left in the drop folder ${context}`,
    );
    for (const state of ["pending", "processing", "failed", "quarantine"]) {
      assert.deepEqual(
        await namesIn(join(space.dataDir, "queue", state)),
        [],
        `${state} ${context}`,
      );
    }
  } finally {
    for (const process of processes) await process.stop("SIGKILL");
  }
});
