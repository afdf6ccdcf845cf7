/**
 * Reload without restart through real processes: `wats run` picks up an edit of its
 * configuration file (a new drop folder starts taking files), keeps running on an invalid edit,
 * and reloads on SIGHUP instead of ending.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { type CliProcess, startEmulator, startService } from "../_processes.ts";
import { wsjfReport } from "../client/_service_kit.ts";
import { namesIn, statusOf, tempDir, until, workspace } from "./_e2e.ts";

/** Replaces the configuration file the way editors do: a temp file renamed over it. */
async function rewrite(file: string, change: (config: Record<string, unknown>) => void) {
  const config = JSON.parse(await Deno.readTextFile(file));
  change(config);
  await Deno.writeTextFile(`${file}.tmp`, JSON.stringify(config));
  await Deno.rename(`${file}.tmp`, file);
}

Deno.test("wats run reloads on a config file change and on SIGHUP, and keeps running on an invalid one", async () => {
  // Declared first, so the folder is removed after the finally below has stopped the processes.
  await using temp = await tempDir("wats-e2e-");
  const emulator = await startEmulator();
  const processes: CliProcess[] = [emulator.process];
  try {
    const space = await workspace(temp.path, emulator);
    const { process, statusUrl } = await startService(space.configFile, {
      WATS_TOKEN: emulator.token,
    });
    processes.push(process);

    // A new drop folder that already holds a file: from the save to the file leaving it.
    const line2 = join(space.root, "line2");
    await Deno.mkdir(line2);
    await Deno.writeTextFile(join(line2, "waiting.json"), wsjfReport(1).text);
    const saved = performance.now();
    await rewrite(space.configFile, (config) => {
      config.watch = [...config.watch as object[], {
        path: "line2",
        stableMs: 100,
        postAction: "move",
      }];
    });
    await until(
      "the new watcher's first file",
      async () => (await namesIn(join(line2, "Done"))).includes("waiting.json") || undefined,
    );
    const elapsedMs = Math.round(performance.now() - saved);
    // deno-lint-ignore no-console
    console.log(`config saved -> new watcher took its first file: ${elapsedMs} ms`);
    // 500 ms debounce + 100 ms stability wait + conversion and queue write.
    assert.ok(elapsedMs >= 500, `${elapsedMs} ms: the debounce was skipped`);

    await rewrite(space.configFile, (config) => {
      config.limits = { uploadConcurrency: "many" };
    });
    const refused = await until("the refusal in /status", async () => {
      const status = await statusOf(statusUrl);
      return status.warnings.find((warning) => /reload refused/.test(warning));
    });
    assert.match(refused, /limits\.uploadConcurrency/);
    assert.match(process.stderr, /Configuration reload refused/);

    await rewrite(space.configFile, (config) => {
      delete config.limits;
    });
    await until("the warning to clear", async () => {
      const status = await statusOf(statusUrl);
      return status.warnings.some((warning) => /reload/.test(warning)) ? undefined : true;
    });
    const reloads = process.stderr.match(/Configuration reloaded/g)?.length ?? 0;
    process.child.kill("SIGHUP");
    await until("the SIGHUP reload", () =>
      Promise.resolve(
        (process.stderr.match(/Configuration reloaded/g)?.length ?? 0) > reloads || undefined,
      ));
    assert.equal((await statusOf(statusUrl)).status, "running");
    assert.equal((await process.stop("SIGTERM")).code, 0);
  } finally {
    for (const process of processes.reverse()) await process.stop();
  }
});
