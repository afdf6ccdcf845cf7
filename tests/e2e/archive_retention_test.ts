/**
 * Retention of the source archive through real processes: files dropped into `wats run`, archived
 * and accepted by the emulator; a restart purges them by size (`archive.maxArchiveBytes`) and by
 * age (`archive.retentionDays: 0`), but never a source whose report the server has not accepted.
 * The witnesses are `wats archive ls --json`, the `.gz` files on disk and the `/status` counters.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import {
  type CliProcess,
  emulatorStats,
  spawnCli,
  startEmulator,
  startService,
} from "../_processes.ts";
import { dropFile, wsjfReport } from "../client/_service_kit.ts";
import { statusOf, tempDir, until, type Workspace, workspace } from "./_e2e.ts";

interface Listed {
  id: string;
  sourceName: string;
  storedBytes: number;
  status: string;
}

/** `wats archive ls --json` of the workspace's data folder. */
async function archived(space: Workspace): Promise<Listed[]> {
  const process = await spawnCli(["archive", "ls", "--json", "--config", space.configFile]);
  const { code } = await process.status;
  assert.equal(code, 0, process.stderr);
  return JSON.parse(process.stdout) as Listed[];
}

/** The `.gz` files under the data folder's `archive/`, by name (`<id>.<ext>.gz`), sorted. */
async function gzOnDisk(space: Workspace): Promise<string[]> {
  const names: string[] = [];
  const walk = async (folder: string) => {
    try {
      for await (const entry of Deno.readDir(folder)) {
        if (entry.isDirectory) await walk(join(folder, entry.name));
        else if (entry.name.endsWith(".gz")) names.push(entry.name);
      }
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
  };
  await walk(join(space.dataDir, "archive"));
  return names.sort();
}

/** Rewrites the `archive` section of the workspace's configuration. */
async function setArchive(space: Workspace, archive: Record<string, unknown>): Promise<void> {
  const config = JSON.parse(await Deno.readTextFile(space.configFile));
  await Deno.writeTextFile(space.configFile, JSON.stringify({ ...config, archive }));
}

/** Drops report `n` and waits until its source is archived with status `status`. */
async function dropAndArchive(space: Workspace, n: number, status: string): Promise<Listed> {
  const name = `r${n}.json`;
  await dropFile(space.drop, name, wsjfReport(n).text);
  return await until(`${name} archived ${status}`, async () => {
    const found = (await archived(space)).find((s) => s.sourceName === name);
    return found?.status === status ? found : undefined;
  });
}

/** Waits until the service's durable counter `name` reaches `value`. */
async function counterReaches(statusUrl: string, name: string, value: number): Promise<void> {
  await until(`${name} = ${value}`, async () => {
    const counters = (await statusOf(statusUrl)).counters;
    assert.ok((counters[name] ?? 0) <= value, `${name} = ${counters[name]}, above ${value}`);
    return counters[name] === value ? true : undefined;
  });
}

const WATCH = [{ path: "drop", stableMs: 100 }]; // postAction "archive", the default

Deno.test("a restart purges the archive down to maxArchiveBytes, oldest first, then everything settled by age", async () => {
  await using temp = await tempDir("wats-e2e-retention-");
  const emulator = await startEmulator();
  let service: CliProcess | undefined;
  try {
    const space = await workspace(temp.path, emulator, { watch: WATCH });
    const env = { WATS_TOKEN: emulator.token };
    service = (await startService(space.configFile, env)).process;
    // One at a time, so the archive order (oldest first) is the drop order.
    for (let n = 0; n < 4; n++) await dropAndArchive(space, n, "accepted");
    assert.equal((await emulatorStats(emulator)).reportsAccepted, 4);
    const before = await archived(space);
    assert.deepEqual(before.map((s) => s.sourceName), ["r0.json", "r1.json", "r2.json", "r3.json"]);
    assert.equal((await gzOnDisk(space)).length, 4);
    await service.stop("SIGTERM");

    // By size: room for the two newest only.
    const limit = before[2].storedBytes + before[3].storedBytes;
    await setArchive(space, { maxArchiveBytes: limit });
    let started = await startService(space.configFile, env);
    service = started.process;
    await counterReaches(started.statusUrl, "archive.purged.size", 2);
    const bySize = await archived(space);
    assert.deepEqual(bySize.map((s) => s.id), [before[2].id, before[3].id]);
    assert.deepEqual(await gzOnDisk(space), [`${before[2].id}.json.gz`, `${before[3].id}.json.gz`]);
    const counters = (await statusOf(started.statusUrl)).counters;
    assert.equal(counters["archive.purged.age"] ?? 0, 0);
    const metrics = await (await fetch(`${started.statusUrl}/metrics`)).text();
    assert.match(metrics, /^wats_archive_purged_total\{reason="size"\} 2$/m);
    await service.stop("SIGTERM");

    // By age: retentionDays 0 makes every settled source too old.
    await setArchive(space, { retentionDays: 0, maxArchiveBytes: limit });
    started = await startService(space.configFile, env);
    service = started.process;
    await counterReaches(started.statusUrl, "archive.purged.age", 2);
    assert.deepEqual(await archived(space), []);
    assert.deepEqual(await gzOnDisk(space), []);
    assert.equal((await statusOf(started.statusUrl)).counters["archive.purged.size"], 2);
  } finally {
    await service?.stop("SIGTERM");
    await emulator.process.stop("SIGTERM");
  }
});

Deno.test("a source whose report is not accepted yet outlives retentionDays 0, and is purged once accepted", async () => {
  await using temp = await tempDir("wats-e2e-retention-held-");
  const emulator = await startEmulator();
  let service: CliProcess | undefined;
  try {
    const space = await workspace(temp.path, emulator, {
      watch: WATCH,
      // A short cooldown, so the upload is tried again soon after the server recovers.
      breaker: { failureThreshold: 3, cooldownMs: 500 },
    });
    const env = { WATS_TOKEN: emulator.token };
    service = (await startService(space.configFile, env)).process;
    const settled = await dropAndArchive(space, 0, "accepted");
    // The server refuses uploads from now on: r1's report stays queued.
    await emulator.control("POST", "/_emulator/faults", {
      method: "POST",
      path: "/api/Report/WSJF",
      action: "status",
      status: 503,
    });
    const pending = await dropAndArchive(space, 1, "queued");
    await service.stop("SIGTERM");

    await setArchive(space, { retentionDays: 0 });
    let started = await startService(space.configFile, env);
    service = started.process;
    await counterReaches(started.statusUrl, "archive.purged.age", 1);
    const log = started.process;
    await until(
      "the held source logged",
      () =>
        Promise.resolve(/1 kept until their reports are accepted/.test(log.stderr) || undefined),
    );
    const kept = await archived(space);
    assert.deepEqual(kept.map((s) => [s.id, s.sourceName]), [[pending.id, "r1.json"]]);
    assert.notEqual(kept[0].status, "accepted");
    assert.deepEqual(await gzOnDisk(space), [`${pending.id}.json.gz`]);
    assert.notEqual(settled.id, pending.id);

    // The server recovers: once r1's report is accepted, the next pass purges it.
    await emulator.control("DELETE", "/_emulator/faults");
    await until("r1 accepted", async () => {
      const [listed] = await archived(space);
      return listed?.status === "accepted" ? true : undefined;
    });
    assert.equal((await emulatorStats(emulator)).reportsAccepted, 2);
    await service.stop("SIGTERM");
    started = await startService(space.configFile, env);
    service = started.process;
    await counterReaches(started.statusUrl, "archive.purged.age", 2);
    assert.deepEqual(await archived(space), []);
    assert.deepEqual(await gzOnDisk(space), []);
  } finally {
    await service?.stop("SIGTERM");
    await emulator.process.stop("SIGTERM");
  }
});
