/**
 * Honest status during an outage, through real processes: the emulator answers 503 with a
 * message; `/status` and the page name each failed report with the server's status and message
 * and the next try, list the waiting reports oldest first, state the breaker the same way
 * everywhere (never "online" while it is open), show the error folder's files with their reasons,
 * and turn `degraded` when files land in the error folder faster than configured.
 */

import assert from "node:assert/strict";
import { type CliProcess, startEmulator, startService } from "../_processes.ts";
import { dropFile, wsjfReport } from "../client/_service_kit.ts";
import { statusOf, tempDir, until, workspace } from "./_e2e.ts";

const MESSAGE = "Database maintenance until 14:00";

Deno.test("during an outage the status names each waiting report, the 503 and its message, and the breaker", async () => {
  // Declared first, so the folder is removed after the finally below has stopped the processes.
  await using temp = await tempDir("wats-e2e-");
  const emulator = await startEmulator();
  let service: CliProcess | undefined;
  try {
    const space = await workspace(temp.path, emulator, {
      limits: { requestsPerWindow: 1_000_000, uploadConcurrency: 1, maxErrorFilesPerHour: 1 },
      retry: { baseDelayMs: 100, maxDelayMs: 300 },
      breaker: { failureThreshold: 2, cooldownMs: 60_000 },
    });
    await emulator.control("POST", "/_emulator/faults", {
      method: "POST",
      path: "/api/Report/WSJF",
      action: "status",
      status: 503,
      message: MESSAGE,
    });
    const started = await startService(space.configFile, { WATS_TOKEN: emulator.token });
    service = started.process;
    for (let n = 1; n <= 4; n++) {
      await dropFile(space.drop, `unit-${n}.json`, wsjfReport(n).text);
      await new Promise((resolve) => setTimeout(resolve, 30));
    }
    await dropFile(space.drop, "garbled-1.json", "{ half a report");
    await dropFile(space.drop, "garbled-2.json", "{ the other half");
    const status = await until("the breaker open with problems listed", async () => {
      const current = await statusOf(started.statusUrl);
      return current.api.breaker.state === "open" &&
          (current.activity?.uploadProblems.length ?? 0) > 0 &&
          (current.activity?.errorFiles.length ?? 0) === 2 &&
          (current.waiting?.length ?? 0) === 4
        ? current
        : undefined;
    });
    assert.equal(status.api.state, "offline");
    assert.match(status.api.summary ?? "", /^offline: breaker open, no upload leaves/);
    for (const problem of status.activity!.uploadProblems) {
      assert.equal(problem.status, 503);
      assert.match(problem.message, new RegExp(MESSAGE));
      assert.match(problem.report.sn ?? "", /^SN00000[1-4]$/);
      assert.match(problem.report.file ?? "", /^unit-[1-4]\.json$/);
      assert.ok(Date.parse(problem.nextAttemptAt) > Date.parse(problem.at));
    }
    const waiting = status.waiting!;
    assert.deepEqual(
      waiting.map((item) => item.report.sn).sort(),
      ["SN000001", "SN000002", "SN000003", "SN000004"],
    );
    const queuedAt = waiting.map((item) => item.enqueuedAt);
    assert.deepEqual(queuedAt, [...queuedAt].sort(), "not oldest first");
    assert.deepEqual(
      status.activity!.errorFiles.map((file) => file.file).sort(),
      ["garbled-1.json", "garbled-2.json"],
    );
    assert.ok(status.activity!.errorFiles.every((file) => file.reason.length > 0));
    assert.equal(status.health.status, "degraded");
    assert.ok(
      status.health.reasons.some((reason) => /2 files went to an error folder/.test(reason)),
      status.health.reasons.join("; "),
    );

    const page = await (await fetch(`${started.statusUrl}/`)).text();
    for (const text of [MESSAGE, "breaker open", "SN000001", "unit-1.json", "garbled-2.json"]) {
      assert.ok(page.includes(text), `the page does not show ${text}`);
    }
    assert.doesNotMatch(page, /\bonline\b/);
    const fragment = await (await fetch(`${started.statusUrl}/?fragment=live`)).text();
    assert.ok(fragment.startsWith("<div data-title="), fragment.slice(0, 80));
    assert.ok(fragment.includes(MESSAGE));
    const text = await (await fetch(`${started.statusUrl}/status`)).text();
    assert.ok(!text.includes(emulator.token), "the token is in /status");
    assert.equal((await service.stop("SIGTERM")).code, 0);
  } finally {
    await service?.stop("SIGKILL");
    await emulator.process.stop("SIGTERM");
  }
});
