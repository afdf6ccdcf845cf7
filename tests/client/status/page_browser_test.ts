/**
 * The status page in a real browser: Debian's `chromium` (installed by `.ci/run` when missing; a
 * missing browser fails the test with the reason) driven over the DevTools protocol. An emulator and a
 * service run as processes; three files are dropped while the emulator answers 503, and the page
 * must show, without a reload: the breaker open (never "online"), each upload error naming the
 * serial number and the file with the server's status and message, due reports "waiting for the
 * breaker" (never "Next try 21 s ago"), the waiting reports oldest first, and then the recovery:
 * every report accepted, nothing waiting. No console error, and no request leaves the service.
 */

import assert from "node:assert/strict";
import { ChromiumPage } from "../../_chromium.ts";
import { type CliProcess, startEmulator, startService } from "../../_processes.ts";
import { statusOf, workspace } from "../../e2e/_e2e.ts";
import { dropFile, wsjfReport } from "../_service_kit.ts";

const MESSAGE = "Database maintenance until 14:00";

/** The text of each body row of the table under the `<h2>` that starts with `heading`. */
async function tableRows(page: ChromiumPage, heading: string): Promise<string[][]> {
  return await page.evaluate(`(() => {
    const h2 = [...document.querySelectorAll("#live h2")]
      .find((element) => element.textContent.trim().startsWith(${JSON.stringify(heading)}));
    const table = h2?.nextElementSibling;
    if (!table || table.tagName !== "TABLE") return [];
    return [...table.querySelectorAll("tr")].slice(1)
      .map((row) => [...row.querySelectorAll("td")].map((cell) => cell.textContent.trim()));
  })()`);
}

/** The text of the element with `id`. */
async function textOf(page: ChromiumPage, id: string): Promise<string> {
  return await page.evaluate(`document.getElementById(${JSON.stringify(id)})?.innerText ?? ""`);
}

/** Waits until the live part of the page matches `pattern` (the page refreshes every 2 s). */
async function waitForText(page: ChromiumPage, pattern: RegExp, timeoutMs = 20_000) {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const text = await textOf(page, "live");
    if (pattern.test(text)) return;
    if (performance.now() > deadline) throw new Error(`The page never showed ${pattern}:\n${text}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

Deno.test("the status page in chromium shows an outage as it happens and then the recovery", async () => {
  const emulator = await startEmulator();
  let service: CliProcess | undefined;
  let space: Awaited<ReturnType<typeof workspace>> | undefined;
  try {
    space = await workspace(
      await Deno.realPath(await Deno.makeTempDir({ prefix: "wats-e2e-" })),
      emulator,
      {
        limits: { requestsPerWindow: 1_000_000, uploadConcurrency: 1 },
        retry: { baseDelayMs: 100, maxDelayMs: 300 },
        breaker: { failureThreshold: 2, cooldownMs: 6_000 },
      },
    );
    const started = await startService(space.configFile, { WATS_TOKEN: emulator.token });
    service = started.process;
    const origin = new URL(started.statusUrl).origin;
    await using page = await ChromiumPage.launch();
    await page.goto(`${started.statusUrl}/`);
    await page.evaluate("globalThis.loadedOnce = true");
    assert.match(await textOf(page, "server"), /^online/);

    await emulator.control("POST", "/_emulator/faults", {
      method: "POST",
      path: "/api/Report/WSJF",
      action: "status",
      status: 503,
      message: MESSAGE,
    });
    for (let n = 1; n <= 3; n++) {
      await dropFile(space.drop, `unit-${n}.json`, wsjfReport(n).text);
      // Longer than stableMs: each file is queued before the next is taken, so the queue's
      // order is the drop order (files taken together are queued in any order).
      await new Promise((resolve) => setTimeout(resolve, 300));
    }

    await waitForText(page, /breaker open/);
    await waitForText(page, /waiting for the breaker/);
    await waitForText(page, /Waiting in the queue \(3, oldest first\)/);
    assert.doesNotMatch(await textOf(page, "server"), /online/);
    const problems = await tableRows(page, "Upload problems");
    assert.ok(problems.length > 0, "no upload problem shown");
    for (const [serial, part, file, status, message, nextTry] of problems) {
      assert.match(serial, /^SN00000[1-3]$/);
      assert.equal(part, "PCBA-100");
      assert.equal(file, `unit-${Number(serial.slice(2))}.json`);
      assert.equal(status, "503");
      assert.match(message, new RegExp(MESSAGE));
      assert.doesNotMatch(nextTry, /ago/);
    }
    const waiting = await tableRows(page, "Waiting in the queue");
    assert.deepEqual(waiting.map((row) => row[0]), ["SN000001", "SN000002", "SN000003"]);
    assert.deepEqual(waiting.map((row) => row[2]), ["unit-1.json", "unit-2.json", "unit-3.json"]);
    assert.ok(
      waiting.every((row) => !/ago/.test(row[5])),
      `a next try in the past: ${JSON.stringify(waiting)}`,
    );
    assert.match(
      await page.evaluate<string>("document.title"),
      /^(degraded|failing|ok) – E2E-1 – WATS$/,
    );

    await emulator.control("DELETE", "/_emulator/faults");
    await waitForText(page, /Waiting in the queue \(0, oldest first\)/, 30_000);
    await waitForText(page, /online/);
    const reports = await tableRows(page, "Last reports");
    assert.deepEqual(reports.map((row) => row[1]).sort(), ["SN000001", "SN000002", "SN000003"]);
    assert.ok(reports.every((row) => /^accepted after /.test(row[5])), JSON.stringify(reports));
    assert.deepEqual(await tableRows(page, "Upload problems"), []);
    assert.equal(await textOf(page, "health"), "ok");
    const status = await statusOf(started.statusUrl);
    assert.equal(status.api.breaker.state, "closed");
    assert.equal(await page.evaluate("globalThis.loadedOnce"), true, "the page reloaded");
    const foreign = page.requests.filter((url) =>
      !url.startsWith(origin) && !url.startsWith("data:")
    );
    assert.deepEqual(foreign, [], "the page fetched from elsewhere");
    assert.ok(page.requests.some((url) => url.includes("fragment=live")), "no live update");
    assert.deepEqual(page.errors, []);
    await page.close();
    assert.equal((await service.stop("SIGTERM")).code, 0);
  } finally {
    await service?.stop("SIGKILL");
    await emulator.process.stop("SIGTERM");
    if (space) await Deno.remove(space.root, { recursive: true });
  }
});
