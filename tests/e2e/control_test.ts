/**
 * The control channel through real processes: the routes want the instance's control token
 * (401 with no body without it), and `wats reload`, `wats queue retry` and `wats stop` reach the
 * running service with the token from its data folder.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { type CliProcess, spawnCli, startEmulator, startService } from "../_processes.ts";
import { wsjfReport } from "../client/_service_kit.ts";
import { statusOf, tempDir, until, workspace } from "./_e2e.ts";

Deno.test("control routes want the control token; wats reload, queue retry and stop use it", async () => {
  // Declared first, so the folder is removed after the finally below has stopped the processes.
  await using temp = await tempDir("wats-e2e-");
  const emulator = await startEmulator();
  const processes: CliProcess[] = [emulator.process];
  try {
    // The first upload is refused for good (400): it lands in failed/ to retry later.
    await emulator.control("POST", "/_emulator/faults", {
      method: "POST",
      path: "/api/Report/WSJF",
      action: "status",
      status: 400,
      times: 1,
    });
    const space = await workspace(temp.path, emulator);
    const env = { WATS_TOKEN: emulator.token };
    const { process, statusUrl } = await startService(space.configFile, env);
    processes.push(process);
    const tokenFile = join(space.dataDir, "control.token");
    const token = (await Deno.readTextFile(tokenFile)).trim();
    assert.match(token, /^[0-9a-f]{64}$/);
    assert.equal((await Deno.stat(tokenFile)).mode! & 0o777, 0o600);

    const routes = [
      ["POST", "/control/reload"],
      ["POST", "/control/stop"],
      ["POST", "/queue/all/retry"],
      ["GET", "/converters"],
    ];
    for (const [method, path] of routes) {
      const refused: Record<string, string>[] = [
        {},
        { Authorization: "Bearer wrong" },
        { Authorization: token },
      ];
      for (const headers of refused) {
        const res = await fetch(`${statusUrl}${path}`, { method, headers });
        assert.equal(res.status, 401, `${method} ${path}`);
        assert.equal(await res.text(), "", "no detail");
      }
    }
    const auth = { Authorization: `Bearer ${token}` };
    const converters = await (await fetch(`${statusUrl}/converters`, { headers: auth })).json();
    assert.ok(converters.some((converter: { id: string }) => converter.id === "wsjf"));

    const report = wsjfReport(7);
    await Deno.writeTextFile(join(space.drop, "refused.json"), report.text);
    await until(
      "the refused report in failed/",
      async () => (await statusOf(statusUrl)).queue.failed === 1 || undefined,
    );
    const retried = await spawnCli(
      ["queue", "retry", report.id, "--config", space.configFile],
      env,
    );
    assert.equal((await retried.status).code, 0, retried.stderr);
    assert.match(retried.stdout, /^1 report queued again$/m);
    await until(
      "the retried upload",
      async () => (await statusOf(statusUrl)).queue.done === 1 || undefined,
    );

    const reload = await spawnCli(["reload", "--config", space.configFile], env);
    assert.equal((await reload.status).code, 0, reload.stderr);
    assert.match(reload.stdout, /^Reloaded; 0 watcher\(s\) restarted$/m);

    const stop = await spawnCli(["stop", "--config", space.configFile], env);
    assert.equal((await stop.status).code, 0, stop.stderr);
    assert.equal((await process.status).code, 0, process.stderr);
    await assert.rejects(Deno.stat(tokenFile), Deno.errors.NotFound);
    assert.ok(!process.stderr.includes(token), "the control token is never logged");
    assert.ok(!process.stderr.includes(emulator.token), "the API token is never logged");
    const again = await spawnCli(["stop", "--config", space.configFile], env);
    assert.equal((await again.status).code, 32);
    const restarted = await startService(space.configFile, env);
    processes.push(restarted.process);
    assert.doesNotMatch(restarted.process.stderr, /Took over the lock/);
  } finally {
    for (const process of processes.reverse()) await process.stop();
  }
});
