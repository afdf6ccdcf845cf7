/**
 * Two instances side by side on one station: each `wats run --instance NAME` has its own data
 * folder, lock, status port and control token, and `wats stop --instance NAME` stops only its own.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { instanceStatusPort } from "../../client/config/instance.ts";
import { type CliProcess, spawnCli, startEmulator } from "../_processes.ts";
import { wsjfReport } from "../client/_service_kit.ts";
import { namesIn, statusOf, until } from "./_e2e.ts";

Deno.test("two instances run side by side and never touch each other's files", async () => {
  const emulator = await startEmulator();
  const processes: CliProcess[] = [emulator.process];
  const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "wats-instances-" }));
  try {
    const env = { WATS_TOKEN: emulator.token, WATS_ROOT: root };
    const suffix = crypto.randomUUID().slice(0, 8);
    const names = [`line1-${suffix}`, `line2-${suffix}`];
    const services = [];
    for (const [n, name] of names.entries()) {
      const configFile = join(root, `${name}.json`);
      await Deno.mkdir(join(root, `drop-${n + 1}`));
      // No dataDir and no status port: both come from the instance name.
      await Deno.writeTextFile(
        configFile,
        JSON.stringify({
          server: { url: emulator.url },
          station: { name: `LINE-${n + 1}` },
          watch: [{ path: `drop-${n + 1}`, stableMs: 50 }],
        }),
      );
      const process = await spawnCli(["run", "--instance", name, "--config", configFile], env);
      processes.push(process);
      const [, statusUrl] = await process.waitFor(/Status: (http:\/\/\S+)/);
      services.push({ name, configFile, process, statusUrl, drop: join(root, `drop-${n + 1}`) });
    }
    for (const [n, service] of services.entries()) {
      assert.equal(new URL(service.statusUrl).port, String(instanceStatusPort(service.name)));
      const dataDir = join(root, "instances", service.name);
      assert.deepEqual(
        (await namesIn(dataDir)).filter((name) =>
          name === "service.lock" || name === "control.token"
        ),
        ["control.token", "service.lock"],
      );
      await Deno.writeTextFile(join(service.drop, "run.json"), wsjfReport(n + 1).text);
    }
    for (const service of services) {
      await until(`the upload of ${service.name}`, async () => {
        const status = await statusOf(service.statusUrl);
        return status.queue.done === 1 ? status : undefined;
      });
    }
    const [first, second] = services;
    const stop = await spawnCli(
      ["stop", "--instance", first.name, "--config", first.configFile],
      env,
    );
    assert.equal((await stop.status).code, 0, stop.stderr);
    assert.equal((await first.process.status).code, 0);
    assert.equal((await statusOf(second.statusUrl)).status, "running");
    const status = await spawnCli(["status", "--instance", second.name, "--json"], env);
    assert.equal((await status.status).code, 0, status.stderr);
    assert.equal(JSON.parse(status.stdout).instance.station, "LINE-2");
    const gone = await spawnCli(["status", "--instance", first.name], env);
    assert.equal((await gone.status).code, 32);
  } finally {
    for (const process of processes.reverse()) await process.stop();
    await Deno.remove(root, { recursive: true });
  }
});
