/**
 * Bad input: files a station may well drop — empty, truncated, not UTF-8, too large, still being
 * written, with unicode or very long names, a symlink loop. Each bad one ends in the error folder
 * with its reason beside it; good ones (the slow writer's among them) are uploaded; the service
 * stays up.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { type CliProcess, emulatorStats, startEmulator, startService } from "../_processes.ts";
import { dropFile, wsjfReport } from "../client/_service_kit.ts";
import { namesIn, pause, statusOf, tempDir, until, workspace } from "./_e2e.ts";

const isPosix = Deno.build.os !== "windows";

Deno.test("bad files go to the error folder with a reason; good ones are uploaded; the service stays up", async () => {
  // Declared first, so the folder is removed after the finally below has stopped the processes.
  await using temp = await tempDir("wats-e2e-");
  const emulator = await startEmulator();
  let service: CliProcess | undefined;
  try {
    const space = await workspace(temp.path, emulator, {
      watch: [{ path: "drop", converter: "wsjf", stableMs: 400, postAction: "move" }],
      limits: { requestsPerWindow: 1_000_000, maxFileBytes: 64 * 1024 },
    });
    const started = await startService(space.configFile, { WATS_TOKEN: emulator.token });
    service = started.process;
    const drop = space.drop;
    const longStem = "a".repeat(240);
    const good = {
      "good-1.json": wsjfReport(1),
      "good-2.json": wsjfReport(2),
      "ünïcødé-✓-测试.json": wsjfReport(3),
      [`${longStem}.json`]: wsjfReport(4),
    };
    for (const [name, report] of Object.entries(good)) await dropFile(drop, name, report.text);
    const valid = wsjfReport(5).text;
    await dropFile(drop, "empty.json", "");
    await dropFile(drop, "truncated.json", valid.slice(0, valid.length / 2));
    await dropFile(drop, "invalid-utf8.json", new Uint8Array([0xc3, 0x28, 0xa0, 0xa1, 0xff, 0x7b]));
    await dropFile(drop, "big.json", valid.replace('"pn"', `"pad":"${"x".repeat(70_000)}","pn"`));
    await dropFile(drop, "prüfung-😀.json", "{ not json");
    await dropFile(drop, `b${longStem}.json`, "{ not json either");
    if (isPosix) {
      await Deno.symlink("loop-b.json", join(drop, "loop-a.json"));
      await Deno.symlink("loop-a.json", join(drop, "loop-b.json"));
    }
    // A slow writer: a valid report in five pieces, 150 ms apart (less than stableMs).
    const growing = wsjfReport(6);
    const pieces = 5;
    for (let n = 0; n < pieces; n++) {
      const from = Math.floor((n * growing.text.length) / pieces);
      const to = Math.floor(((n + 1) * growing.text.length) / pieces);
      await Deno.writeTextFile(join(drop, "growing.json"), growing.text.slice(from, to), {
        append: n > 0,
      });
      await pause(150);
    }

    const bad = [
      ["empty.json", /empty/i],
      ["truncated.json", /JSON/],
      ["invalid-utf8.json", /JSON/],
      ["big.json", /over the limit of 65536 bytes/],
      ["prüfung-😀.json", /JSON/],
      ...(isPosix ? [["loop-a.json", /symlink/i], ["loop-b.json", /symlink/i]] : []),
    ] as [string, RegExp][];
    const errorDir = join(drop, "Error");
    const reasons = await until("every bad file in the error folder", async () => {
      const names = await namesIn(errorDir);
      const reasonFiles = names.filter((name) => name.endsWith(".reason.txt"));
      // A reason file is written before its file is moved: wait for both.
      const moved = bad.every(([name]) => names.includes(name));
      return moved && reasonFiles.length === bad.length + 1 ? names : undefined;
    }, 15_000).catch(async (error) => {
      throw new Error(
        `${error.message}: ${await namesIn(errorDir)}\ndrop: ${await namesIn(drop)}\n` +
          `${started.process.stderr.slice(-3000)}`,
      );
    });
    for (const [name, pattern] of bad) {
      assert.ok(reasons.includes(name), `${name} not in the error folder: ${reasons}`);
      const reason = await Deno.readTextFile(join(errorDir, `${name}.reason.txt`));
      assert.match(reason, pattern, `${name}: ${reason}`);
      assert.match(reason, /^reason: .+$/m);
    }
    // The long name is shortened (a hash keeps it unique) so that `.reason.txt` still fits.
    const longFailed = reasons.find((name) => name.startsWith("baaa") && !name.endsWith(".txt"));
    assert.ok(longFailed && reasons.includes(`${longFailed}.reason.txt`), `${reasons}`);
    assert.ok(new TextEncoder().encode(`${longFailed}.reason.txt`).length <= 255);

    const doneDir = join(drop, "Done");
    const done = await until("the good files in Done", async () => {
      const names = await namesIn(doneDir);
      return names.length === Object.keys(good).length + 1 ? names : undefined;
    }, 15_000);
    assert.ok(done.includes("growing.json") && done.includes("good-1.json"), `${done}`);
    assert.ok(done.includes("ünïcødé-✓-测试.json"), `${done}`);
    // A file reaches Done once its report is durable in the queue; the upload may follow.
    const expected = [...Object.values(good), growing].map((report) => report.id.toLowerCase());
    const stats = await until("every good report uploaded", async () => {
      const now = await emulatorStats(emulator);
      return expected.every((id) => now.reports[id]?.applied) ? now : undefined;
    }, 15_000).catch(async () => await emulatorStats(emulator));
    for (const report of [...Object.values(good), growing]) {
      assert.equal(stats.reports[report.id.toLowerCase()]?.applied, 1, `report ${report.id}`);
    }
    assert.equal(Object.keys(stats.reports).length, Object.keys(good).length + 1);
    // The claim folder of the running service may stay, but it holds no file.
    assert.deepEqual(
      (await namesIn(drop)).filter((name) => !["Done", "Error", ".wats-claims"].includes(name)),
      [],
    );
    assert.deepEqual(await filesBelow(join(drop, ".wats-claims")), []);

    const live = await fetch(`${started.statusUrl}/health/live`);
    assert.equal(live.status, 200);
    await live.body?.cancel();
    const status = await statusOf(started.statusUrl);
    assert.equal(status.status, "running");
    assert.equal(status.conversions.failed, bad.length + 1);
    assert.equal((await service.stop("SIGTERM")).code, 0);
  } finally {
    await service?.stop("SIGKILL");
    await emulator.process.stop("SIGKILL");
  }
});

/** The files below a folder, at any depth; none when it does not exist. */
async function filesBelow(folder: string): Promise<string[]> {
  const files: string[] = [];
  for (const name of await namesIn(folder)) {
    const path = join(folder, name);
    if ((await Deno.lstat(path)).isDirectory) files.push(...await filesBelow(path));
    else files.push(path);
  }
  return files;
}
