import assert from "node:assert/strict";
import { join } from "node:path";
import { serveEmulator } from "../../emulator/mod.ts";
import { StationService } from "../../client/service.ts";
import { LockHeldError } from "../../client/lock.ts";
import { ConfigError } from "../../client/errors.ts";
import { platformFor } from "../../util/platform.ts";
import {
  dropFile,
  namesIn,
  serviceFolders,
  testConfig,
  waitFor,
  wsjfReport,
} from "./_service_kit.ts";

async function emulatorStats(url: string, token: string) {
  const res = await fetch(`${url}/_emulator/stats`, {
    headers: { Authorization: `Basic ${token}` },
  });
  return await res.json();
}

Deno.test("dropped WSJF files are uploaded once, moved to Done, and shown in /status", async () => {
  await using emulator = await serveEmulator({ faults: true, inspect: true });
  await using folders = await serviceFolders();
  const config = await testConfig(folders, emulator);
  const service = await StationService.start({ config });
  try {
    const reports = [1, 2, 3].map((n) => wsjfReport(n));
    for (const [index, report] of reports.entries()) {
      await dropFile(folders.drop, `run-${index}.json`, report.text);
    }
    await waitFor("3 accepted", async () => {
      const status = await service.status();
      return status.queue.done === 3 ? status : undefined;
    });
    const stats = await emulatorStats(emulator.url, emulator.token);
    for (const { id } of reports) assert.equal(stats.reports[id]?.applied, 1);
    assert.deepEqual(await namesIn(join(folders.drop, "Done")), [
      "run-0.json",
      "run-1.json",
      "run-2.json",
    ]);
    const res = await fetch(`${service.statusUrl}/status`);
    const status = await res.json();
    assert.equal(status.status, "running");
    assert.equal(status.uploads.accepted, 3);
    assert.equal(status.health.status, "ok");
    const metrics = await (await fetch(`${service.statusUrl}/metrics`)).text();
    assert.match(metrics, /wats_queue_depth\{queue_name="done"\} 3/);
    const page = await (await fetch(`${service.statusUrl}/`)).text();
    assert.match(page, /<h1>WATS station service/);
    // Inline script only (it keeps the page live); nothing loaded from anywhere else.
    assert.doesNotMatch(page, /<script[^>]*\ssrc=|<link[^>]*href="(?!data:)|https?:\/\/(?!127)/);
  } finally {
    await service.stop();
  }
});

Deno.test("a second service on the same data folder refuses with a clear message", async () => {
  await using emulator = await serveEmulator();
  await using folders = await serviceFolders();
  const config = await testConfig(folders, emulator);
  const first = await StationService.start({ config });
  try {
    const error = await StationService.start({ config }).catch((caught) => caught);
    assert.ok(error instanceof LockHeldError, String(error));
    assert.match(error.message, new RegExp(`process ${Deno.pid}.*status http://127\\.0\\.0\\.1`));
  } finally {
    await first.stop();
  }
  const again = await StationService.start({ config });
  await again.stop();
});

Deno.test("a drop folder on a share that appears after start is picked up; health fails meanwhile", async () => {
  await using emulator = await serveEmulator({ inspect: true });
  await using folders = await serviceFolders();
  const share = join(folders.root, "share", "drop");
  const config = await testConfig(folders, emulator, {
    watch: [{ path: share, pattern: "*", stableMs: 50 }],
  });
  // A mapped drive whose share is not connected yet: the Windows form, told this folder is one.
  const platform = { ...platformFor("windows"), isNetworkPath: (path: string) => path === share };
  const service = await StationService.start({ config, platform });
  try {
    const health = await waitFor("health failing", async () => {
      const health = await service.health();
      return health.status === "failing" ? health : undefined;
    }, { timeoutMs: 5_000 });
    assert.match(health.reasons.join("\n"), /drop folder cannot be watched: .*share.*drop/);
    await Deno.mkdir(share, { recursive: true });
    const report = wsjfReport(41);
    await dropFile(share, "late.json", report.text);
    await waitFor("the late file accepted", async () => {
      const status = await service.status();
      return status.queue.done === 1 ? status : undefined;
    }, { timeoutMs: 15_000 });
    assert.equal((await service.health()).status, "ok");
  } finally {
    await service.stop();
  }
});

Deno.test("a local drop folder missing at start is refused, naming it (exit 21)", async () => {
  await using emulator = await serveEmulator();
  await using folders = await serviceFolders();
  const missing = join(folders.root, "no-such-drop");
  const config = await testConfig(folders, emulator, {
    watch: [{ path: missing, pattern: "*" }],
  });
  const error = await StationService.start({ config }).catch((caught) => caught);
  assert.ok(error instanceof ConfigError, String(error));
  assert.equal(error.exitCode, 21);
  assert.match(error.message, /watch\[0\]\.path: .*no-such-drop: the drop folder does not exist/);
});
