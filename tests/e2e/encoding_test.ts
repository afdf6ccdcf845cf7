/**
 * A JSON file written in Latin-1 instead of UTF-8, through a real service process: read as
 * Latin-1 with a warning in the conversion log and the status, or refused to the error folder
 * under `strictEncoding`.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { type CliProcess, emulatorStats, startEmulator, startService } from "../_processes.ts";
import { dropFile, wsjfReport } from "../client/_service_kit.ts";
import { namesIn, statusOf, tempDir, until, workspace } from "./_e2e.ts";

/** Report `n` with its machine name "Prüfstand 7" written in Latin-1 (ü as the byte 0xFC). */
function latin1Report(n: number): { id: string; bytes: Uint8Array } {
  const report = wsjfReport(n);
  const text = report.text.replace("Station 7", "Prüfstand 7");
  return { id: report.id, bytes: Uint8Array.from(text, (char) => char.charCodeAt(0)) };
}

Deno.test("a Latin-1 JSON file is uploaded with a warning, or refused under strictEncoding", async () => {
  // Declared first, so the folder is removed after the processes are stopped.
  await using temp = await tempDir("wats-e2e-");
  const emulator = await startEmulator();
  let service: CliProcess | undefined;
  try {
    const space = await workspace(temp.path, emulator, {
      watch: [
        { path: "drop", converter: "wsjf", stableMs: 100, postAction: "move" },
        {
          path: "strict",
          converter: "wsjf",
          stableMs: 100,
          strictEncoding: true,
          create: true,
          postAction: "move",
        },
      ],
    });
    const started = await startService(space.configFile, { WATS_TOKEN: emulator.token });
    service = started.process;
    const lenient = latin1Report(1);
    const strict = latin1Report(2);
    await dropFile(space.drop, "latin1.json", lenient.bytes);
    const strictDrop = join(space.root, "strict");
    await dropFile(strictDrop, "strict-latin1.json", strict.bytes);

    // Without the option: uploaded, read as Latin-1, and said so.
    const stats = await until("the lenient report uploaded", async () => {
      const now = await emulatorStats(emulator);
      return now.reports[lenient.id.toLowerCase()]?.applied ? now : undefined;
    }, 15_000);
    assert.equal(stats.reports[lenient.id.toLowerCase()]?.applied, 1);
    assert.deepEqual(await namesIn(join(space.drop, "Done")), ["latin1.json"]);
    const status = await until("the warning in the status", async () => {
      const now = await statusOf(started.statusUrl);
      return now.watch[0].lastError !== null ? now : undefined;
    }, 15_000);
    assert.match(
      status.watch[0].lastError ?? "",
      /^latin1\.json: read as Latin-1: not valid UTF-8/,
    );
    const warned = status.recentErrors.find((error) => error.message.includes("latin1.json:"));
    assert.ok(warned, JSON.stringify(status.recentErrors));
    assert.match(warned.message, /read as Latin-1: not valid UTF-8 \(byte 0xFC at offset \d+\)/);
    const logs = await logFiles(space.dataDir);
    const logText = await Promise.all(logs.map((path) => Deno.readTextFile(path)));
    assert.ok(
      logText.some((text) => text.includes("latin1.json: read as Latin-1: not valid UTF-8")),
      `conversion logs: ${logs}`,
    );

    // With the option: refused to the error folder, the reason naming the encoding.
    const errorDir = join(strictDrop, "Error");
    const names = await until("the strict file in the error folder", async () => {
      const now = await namesIn(errorDir);
      return now.includes("strict-latin1.json.reason.txt") ? now : undefined;
    }, 15_000).catch(async (error) => {
      throw new Error(`${error.message}: ${await namesIn(strictDrop)}`);
    });
    assert.ok(names.includes("strict-latin1.json"), `${names}`);
    const reason = await Deno.readTextFile(join(errorDir, "strict-latin1.json.reason.txt"));
    assert.match(reason, /^reason: Not valid UTF-8, refused under strictEncoding/m);
    assert.equal((await emulatorStats(emulator)).reports[strict.id.toLowerCase()], undefined);
    assert.equal((await service.stop("SIGTERM")).code, 0);
  } finally {
    await service?.stop("SIGKILL");
    await emulator.process.stop("SIGKILL");
  }
});

/** The conversion logs below the data folder. */
async function logFiles(folder: string): Promise<string[]> {
  const found: string[] = [];
  for await (const entry of Deno.readDir(folder)) {
    const path = join(folder, entry.name);
    if (entry.isDirectory) found.push(...await logFiles(path));
    else if (entry.name.endsWith(".log")) found.push(path);
  }
  return found;
}
