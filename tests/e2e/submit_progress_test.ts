/**
 * `wats submit` for backlogs, through real processes without a terminal: a progress line every
 * few seconds that says when the rate limiter holds the upload back and at what rate, refused
 * reports named by their source file, `--timeout 0` for none, and a default timeout scaled to the
 * number of reports at the configured rate.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { type CliProcess, spawnCli, startEmulator } from "../_processes.ts";
import { wsjfReport } from "../client/_service_kit.ts";
import { namesIn, workspace } from "./_e2e.ts";

Deno.test("wats submit reports progress, the limiter's hold and refusals by file", async () => {
  const emulator = await startEmulator();
  let slow: CliProcess | undefined;
  const space = await workspace(
    await Deno.realPath(await Deno.makeTempDir({ prefix: "wats-e2e-" })),
    emulator,
    { limits: { requestsPerWindow: 2, windowMs: 3000 } },
  );
  try {
    const files = join(space.root, "batch");
    await Deno.mkdir(files);
    for (let n = 1; n <= 6; n++) {
      await Deno.writeTextFile(join(files, `unit-${n}.json`), wsjfReport(n).text);
    }
    await emulator.control("POST", "/_emulator/faults", {
      method: "POST",
      path: "/api/Report/WSJF",
      action: "status",
      status: 400,
      message: "Step Supply 5V has no limits",
      times: 1,
    });
    const env = { WATS_TOKEN: emulator.token };
    const submit = await spawnCli(
      ["submit", files, "--timeout", "0", "--config", space.configFile],
      env,
    );
    const { code } = await submit.status;
    assert.equal(code, 1, `${submit.stdout}\n${submit.stderr}`);
    assert.match(submit.stdout, /^Uploading 6 report\(s\) at most 2 per 3\.0 s \(no timeout\)$/m);
    assert.match(
      submit.stdout,
      /^Progress: [0-5] of 6 settled \(\d accepted, [01] refused\); held back by the rate limiter at 2 per 3\.0 s \(limits\.requestsPerWindow\)$/m,
    );
    assert.ok(!submit.stdout.includes("\r"), "a progress bar without a terminal");
    assert.match(
      submit.stderr,
      /\/batch\/unit-[1-6]\.json: report \S+ refused: .*Step Supply 5V has no limits/,
    );
    assert.match(submit.stdout, /^6 file\(s\), 6 report\(s\): 5 accepted, 1 refused$/m);

    // One report a minute: three reports get 3 min × 1.5 + 1 min, not the two-minute floor.
    const rated = await workspace(
      await Deno.realPath(await Deno.makeTempDir({ prefix: "wats-e2e-" })),
      emulator,
      { limits: { requestsPerWindow: 1, windowMs: 60_000 } },
    );
    try {
      const more = join(rated.root, "more");
      await Deno.mkdir(more);
      for (let n = 7; n <= 9; n++) {
        await Deno.writeTextFile(join(more, `unit-${n}.json`), wsjfReport(n).text);
      }
      slow = await spawnCli(["submit", more, "--config", rated.configFile], env);
      await slow.waitFor(/^Uploading 3 report\(s\) at most 1 per 1 min \(timeout 5 min 30 s\)$/m);
      await slow.stop("SIGKILL");
    } finally {
      await slow?.stop("SIGKILL");
      await Deno.remove(rated.root, { recursive: true });
    }

    // --timeout 2 on the same rate: the limiter holds the reports back (its one slot a minute may
    // go to the service's first look at the server). The command ends at its timeout with 33;
    // its stop gives up the uploads still waiting for a slot at once, not after the 20 s grace,
    // and they stay queued for the service.
    const timed = await workspace(
      await Deno.realPath(await Deno.makeTempDir({ prefix: "wats-e2e-" })),
      emulator,
      { limits: { requestsPerWindow: 1, windowMs: 60_000 } },
    );
    try {
      const held = join(timed.root, "held");
      await Deno.mkdir(held);
      for (let n = 10; n <= 12; n++) {
        await Deno.writeTextFile(join(held, `unit-${n}.json`), wsjfReport(n).text);
      }
      const quick = await spawnCli(
        ["submit", held, "--timeout", "2", "--config", timed.configFile],
        env,
      );
      let timer: ReturnType<typeof setTimeout> | undefined;
      const status = await Promise.race([
        quick.status,
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`still running:\n${quick.stdout}`)), 15_000);
        }),
      ]).finally(() => clearTimeout(timer));
      assert.equal(status.code, 33, `${quick.stdout}\n${quick.stderr}`);
      const summary =
        /^3 file\(s\), 3 report\(s\): ([01]) accepted, 0 refused, ([23]) still queued$/m
          .exec(quick.stdout);
      assert.ok(summary, quick.stdout);
      // Given up while waiting: in processing/, which the next start turns back into pending/.
      const unsent = [
        ...await namesIn(join(timed.dataDir, "queue", "pending")),
        ...await namesIn(join(timed.dataDir, "queue", "processing")),
      ];
      assert.equal(unsent.length, Number(summary[2]), unsent.join(", "));
    } finally {
      await Deno.remove(timed.root, { recursive: true });
    }
  } finally {
    await emulator.process.stop("SIGTERM");
    await Deno.remove(space.root, { recursive: true });
  }
});
