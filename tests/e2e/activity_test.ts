/**
 * Activity you can follow: `wats run` writes one line per file taken and per report settled
 * (serial number, part number, result, the server's answer, the source file), as JSON lines with
 * `--log-format json`; `wats demo` prints the same lines, a summary on Ctrl-C, and removes its
 * temp folder.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { type CliProcess, spawnCli, startEmulator } from "../_processes.ts";
import { dropFile, wsjfReport } from "../client/_service_kit.ts";
import { namesIn, tempDir, until, workspace } from "./_e2e.ts";

interface JsonLine {
  level: string;
  logger: string;
  message: string;
  properties: Record<string, unknown>;
}

function jsonLines(stderr: string): JsonLine[] {
  return stderr.split("\n").filter((line) => line.startsWith("{")).map((line) => JSON.parse(line));
}

Deno.test("wats run --log-format json: a line per file taken and per report settled, with the server's answer", async () => {
  // Declared first, so the folder is removed after the finally below has stopped the processes.
  await using temp = await tempDir("wats-e2e-");
  const emulator = await startEmulator();
  let service: CliProcess | undefined;
  try {
    const space = await workspace(temp.path, emulator, {
      retry: { baseDelayMs: 200, maxDelayMs: 400 },
    });
    service = await spawnCli(["run", "--config", space.configFile, "--log-format", "json"], {
      WATS_TOKEN: emulator.token,
    });
    await service.waitFor(/Status: http/);
    const process = service;
    const activity = () =>
      jsonLines(process.stderr).filter((line) => line.logger === "wats.activity");
    await dropFile(space.drop, "good.json", wsjfReport(1).text);
    await dropFile(space.drop, "broken.json", "{ not json");
    const accepted = await until(
      "the accepted line",
      () => Promise.resolve(activity().find((line) => line.message.startsWith("Accepted"))),
    );
    assert.match(accepted.message, /^Accepted SN000001 PCBA-100 Passed from good\.json after \d/);
    assert.deepEqual(
      [accepted.properties.sn, accepted.properties.pn, accepted.properties.result],
      ["SN000001", "PCBA-100", "Passed"],
    );
    assert.equal(accepted.properties.file, "good.json");
    const queued = activity().find((line) => line.message.startsWith("good.json"));
    assert.equal(
      queued?.message,
      "good.json → 1 report(s) queued (SN000001 PCBA-100 Passed from good.json)",
    );
    const refusedFile = await until(
      "the error-folder line",
      () => Promise.resolve(activity().find((line) => line.message.startsWith("broken.json"))),
    );
    assert.equal(refusedFile.level, "WARN");
    assert.match(refusedFile.message, /^broken\.json → error folder: .+/);

    await emulator.control("POST", "/_emulator/faults", {
      method: "POST",
      path: "/api/Report/WSJF",
      action: "status",
      status: 503,
      message: "Maintenance until 14:00",
      times: 3,
    });
    await dropFile(space.drop, "late.json", wsjfReport(2).text);
    const retry = await until(
      "the retry line",
      () => Promise.resolve(activity().find((line) => line.message.startsWith("Not sent"))),
    );
    assert.match(
      retry.message,
      /^Not sent SN000002 PCBA-100 Passed from late\.json: HTTP 503: .*Maintenance until 14:00.*; next try in \d+ ms$/,
    );
    assert.equal(retry.properties.status, 503);
    await until(
      "the late report accepted",
      () =>
        Promise.resolve(
          activity().find((line) => /^Accepted SN000002 .* from late\.json/.test(line.message)),
        ),
    );
    assert.equal((await service.stop("SIGTERM")).code, 0);
    assert.ok(!/WATS_TOKEN|Basic /.test(service.stderr), "a secret in the log");
  } finally {
    await service?.stop("SIGKILL");
    await emulator.process.stop("SIGTERM");
  }
});

Deno.test("wats demo prints each file and report, a summary on Ctrl-C, and removes its temp folder", async () => {
  const temp = await Deno.makeTempDir({ prefix: "wats-demo-tmp-" });
  try {
    const demo = await spawnCli(["demo"], { TMPDIR: temp });
    await demo.waitFor(/Drop more files/);
    await demo.waitFor(/^\d\d:\d\d:\d\d {2}Accepted \S+ .* from \S+ after \d/m);
    assert.match(demo.stdout, /^\d\d:\d\d:\d\d {2}\S+ → \d+ report\(s\) queued/m);
    assert.deepEqual((await namesIn(temp)).length, 1, "the demo's temp folder while it runs");
    const status = await demo.stop("SIGINT");
    assert.equal(status.code, 0, demo.stderr);
    assert.match(
      demo.stdout,
      /^Summary: \d+ file\(s\) dropped, \d+ converted, 0 failed; \d+ report\(s\) accepted/m,
    );
    assert.deepEqual(await namesIn(temp), [], "the temp folder is left behind");
  } finally {
    await Deno.remove(temp, { recursive: true });
  }
});

Deno.test("wats demo --keep keeps its temp folder and names it", async () => {
  const temp = await Deno.makeTempDir({ prefix: "wats-demo-tmp-" });
  try {
    const demo = await spawnCli(["demo", "--exit-when-idle", "--keep"], { TMPDIR: temp });
    assert.equal((await demo.status).code, 0, demo.stderr);
    const [, kept] = /^Kept (.+)$/m.exec(demo.stdout) ?? [];
    assert.ok(kept, demo.stdout);
    assert.ok((await namesIn(join(kept, "drop", "Done"))).length > 0);
  } finally {
    await Deno.remove(temp, { recursive: true });
  }
});
