/**
 * The exit codes monitoring acts on, through real processes: `wats status` exits 0, 34 or 35 for
 * a service whose health is ok, degraded or failing (32 when none runs), and `wats doctor` exits
 * 0, 1 or 2 for pass, warn or fail.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { type CliProcess, spawnCli, startEmulator, startService } from "../_processes.ts";
import { wsjfReport } from "../client/_service_kit.ts";
import { statusOf, until, type Workspace, workspace } from "./_e2e.ts";

async function wats(args: string[], env: Record<string, string>) {
  const process = await spawnCli(args, env);
  const { code } = await process.status;
  return { code, stdout: process.stdout, stderr: process.stderr };
}

Deno.test("wats status and wats doctor exit with the health they find", async (t) => {
  const emulator = await startEmulator();
  const processes: CliProcess[] = [emulator.process];
  const workspaces: Workspace[] = [];
  /** A new work folder; each is removed in the finally below, after the processes stopped. */
  async function newFolder(): Promise<string> {
    return await Deno.realPath(await Deno.makeTempDir({ prefix: "wats-e2e-" }));
  }
  const env = { WATS_TOKEN: emulator.token };
  /** Starts a service on a new workspace and drops one report into it. */
  async function serviceWith(extra: Record<string, unknown>, token: string) {
    const space = await workspace(await newFolder(), emulator, extra);
    workspaces.push(space);
    const service = await startService(space.configFile, { WATS_TOKEN: token });
    processes.push(service.process);
    await Deno.writeTextFile(join(space.drop, "run.json"), wsjfReport(workspaces.length).text);
    return { space, service };
  }
  try {
    await t.step("doctor: 1 with a warning (no service runs yet), 2 with a failure", async () => {
      const space = await workspace(await newFolder(), emulator);
      workspaces.push(space);
      const warn = await wats(["doctor", "--config", space.configFile], env);
      assert.equal(warn.code, 1, warn.stdout);
      assert.deepEqual(warn.stdout.match(/^(WARN|FAIL).*$/gm), [
        "WARN  service: not running on this data folder",
      ]);
      const notRunning = await wats(["status", "--config", space.configFile], env);
      assert.equal(notRunning.code, 32, notRunning.stderr);

      const unreachable = await workspace(await newFolder(), emulator, {
        server: { url: "http://127.0.0.1:9" },
      });
      workspaces.push(unreachable);
      const fail = await wats(["doctor", "--config", unreachable.configFile], env);
      assert.equal(fail.code, 2, fail.stdout);
      assert.match(fail.stdout, /^FAIL {2}server: http:\/\/127\.0\.0\.1:9 unreachable: /m);
    });

    await t.step("healthy: status 0 and doctor 0, every check passed", async () => {
      const { space, service } = await serviceWith({}, emulator.token);
      await until("the upload", async () => {
        const status = await statusOf(service.statusUrl);
        return status.queue.done === 1 ? status : undefined;
      });
      const status = await wats(["status", "--config", space.configFile], env);
      assert.equal(status.code, 0, status.stdout + status.stderr);
      assert.match(status.stdout, /^health: ok$/m);
      const doctor = await wats(["doctor", "--config", space.configFile], env);
      assert.equal(doctor.code, 0, doctor.stdout);
      assert.doesNotMatch(doctor.stdout, /^(WARN|FAIL)/m);
      await service.process.stop();
    });

    await t.step("degraded (breaker open on an unreachable server): status 34", async () => {
      const { space, service } = await serviceWith({
        server: { url: "http://127.0.0.1:9" },
        breaker: { failureThreshold: 1, cooldownMs: 600_000 },
      }, emulator.token);
      await until("the breaker to open", async () => {
        const status = await statusOf(service.statusUrl);
        return status.health.status === "degraded" ? status : undefined;
      });
      const status = await wats(["status", "--config", space.configFile], env);
      assert.equal(status.code, 34, status.stdout + status.stderr);
      assert.match(status.stdout, /^health: degraded\nhealth_reason: circuit breaker open/m);
      const json = await wats(["status", "--json", "--config", space.configFile], env);
      assert.equal(json.code, 34);
      assert.equal(JSON.parse(json.stdout).health.status, "degraded");
      await service.process.stop();
    });

    await t.step("failing (the server refuses the token): status 35", async () => {
      const { space, service } = await serviceWith({}, btoa("e2e:wrong"));
      await until("the refused upload", async () => {
        const status = await statusOf(service.statusUrl);
        return status.health.status === "failing" ? status : undefined;
      });
      const status = await wats(["status", "--config", space.configFile], env);
      assert.equal(status.code, 35, status.stdout + status.stderr);
      assert.match(
        status.stdout,
        /^health: failing\nhealth_reason: [^\n]*the server refuses the token/m,
      );
      await service.process.stop();
    });
  } finally {
    for (const process of processes.reverse()) await process.stop();
    for (const space of workspaces) await Deno.remove(space.root, { recursive: true });
  }
});
