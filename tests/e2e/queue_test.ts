/**
 * `wats queue` for people, through real processes on a data folder of 55 reports queued a
 * minute apart: `ls` oldest first with "50 of 54" and `--all`, the filters, `show` by the start
 * of an id, `retry` saying why nothing moved and warning that no service runs, and `purge`
 * asking on a terminal.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { Ledger } from "../../client/ledger/ledger.ts";
import { ReportQueue } from "../../client/queue/queue.ts";
import { ManualClock } from "../../util/clock.ts";
import { spawnCli, spawnCliOnTerminal } from "../_processes.ts";

/** Ids that differ in their first two characters: `07` names report 7, `0` several. */
function idOf(n: number): string {
  return `${n.toString(16).padStart(2, "0")}000000-0000-4000-8000-000000000000`;
}

async function wats(...args: string[]) {
  const process = await spawnCli(args);
  const { code } = await process.status;
  return { code, stdout: process.stdout, stderr: process.stderr };
}

/** The serial column of `ls` output. */
function serials(stdout: string): string[] {
  return stdout.split("\n").slice(1).filter((line) => /^\S.* {2}SN/.test(line))
    .map((line) => line.match(/\bSN\d{6}\b/)![0]);
}

Deno.test("wats queue ls, show, retry and purge read for people", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "wats-queue-" });
  try {
    const clock = new ManualClock(Date.now() - 2 * 3_600_000);
    const queue = await ReportQueue.open(join(dataDir, "queue"), { clock });
    for (let n = 1; n <= 55; n++) {
      const sn = `SN${n.toString().padStart(6, "0")}`;
      await queue.enqueue({ id: idOf(n), pn: "PCBA-100", sn }, {
        path: `/srv/drop/unit-${n}.json`,
        sha256: "0".repeat(64),
        size: 100,
        converter: "wsjf",
      });
      await clock.advance(60_000);
    }
    await (await queue.claimNext())?.fail({ message: "Report rejected: bad step", status: 400 });
    await (await queue.claimNext())?.complete();
    await queue.indexed();
    const ledger = await Ledger.open(join(dataDir, "ledger.kv"));
    await ledger.recordAccepted(idOf(2), { at: "2026-01-01T00:00:00.000Z", serverId: "srv-2" });
    ledger.close();
    const dir = ["--data-dir", dataDir];

    const ls = await wats("queue", "ls", ...dir);
    assert.equal(ls.code, 0, ls.stderr);
    assert.match(ls.stdout, /^AGE +STATE +SERIAL +PART +FILE +TRIES +LAST ERROR +ID$/m);
    const shown = serials(ls.stdout);
    assert.equal(shown.length, 50);
    assert.deepEqual(shown.slice(0, 3), ["SN000001", "SN000003", "SN000004"], "not oldest first");
    assert.match(
      ls.stdout,
      /^2 h +failed +SN000001 +PCBA-100 +unit-1\.json +0 +400 Report/m,
    );
    assert.match(
      ls.stdout,
      /^50 of 54 reports \(pending, processing, failed, quarantine\), oldest first; --all lists every one$/m,
    );
    const all = await wats("queue", "ls", "--all", ...dir);
    assert.equal(serials(all.stdout).length, 54);
    assert.match(all.stdout, /^54 reports \(/m);
    const bySerial = await wats("queue", "ls", "--sn", "sn000007", ...dir);
    assert.deepEqual(serials(bySerial.stdout), ["SN000007"]);
    const byFile = await wats("queue", "ls", "--file", "unit-1", ...dir);
    assert.deepEqual(
      serials(byFile.stdout),
      [1, ...Array.from({ length: 10 }, (_, i) => 10 + i)]
        .map((n) => `SN${n.toString().padStart(6, "0")}`),
    );
    const failed = await wats("queue", "ls", "--state", "failed", ...dir);
    assert.deepEqual(serials(failed.stdout), ["SN000001"]);
    const done = await wats("queue", "ls", "--state", "done", "--sn", "SN000002", ...dir);
    assert.deepEqual(serials(done.stdout), ["SN000002"]);
    const none = await wats("queue", "ls", "--sn", "SN999999", ...dir);
    assert.match(
      none.stdout,
      /^No reports \(pending, processing, failed, quarantine, serial SN999999\)$/m,
    );

    const show = await wats("queue", "show", "07", ...dir);
    assert.equal(show.code, 0, show.stderr);
    assert.match(show.stdout, new RegExp(`^id: +${idOf(7)}$`, "m"));
    assert.match(show.stdout, /^serial: +SN000007$/m);
    assert.match(show.stdout, /^source: +\/srv\/drop\/unit-7\.json \(wsjf\)$/m);
    assert.match(show.stdout, /^next try: +due now$/m);
    const ambiguous = await wats("queue", "show", "0", ...dir);
    assert.equal(ambiguous.code, 2);
    assert.match(ambiguous.stderr, /15 reports start with 0 .*give more of the id/);

    const accepted = await wats("queue", "retry", "02", ...dir);
    assert.equal(accepted.code, 1);
    assert.match(accepted.stderr, /02000000-.* was already accepted by the server at 2026-01-01/);
    const waiting = await wats("queue", "retry", "05", ...dir);
    assert.equal(waiting.code, 1);
    assert.match(waiting.stderr, /is not failed: it waits in pending\/ for its next try/);
    const unknown = await wats("queue", "retry", "ff", ...dir);
    assert.match(unknown.stderr, /^No report ff in the queue$/m);
    const retried = await wats("queue", "retry", "--all", ...dir);
    assert.equal(retried.code, 0);
    assert.match(retried.stdout, /^1 report queued again$/m);
    assert.match(
      retried.stderr,
      /^Warning: no WATS service runs on .*wait until `wats run` starts$/m,
    );
    const again = await wats("queue", "retry", "--all", ...dir);
    assert.match(again.stdout, /^No failed reports to retry$/m);

    const dry = await wats("queue", "purge", "done", "--dry-run", ...dir);
    assert.match(dry.stdout, /^Would remove 1 item from done$/m);
    const refused = await spawnCliOnTerminal(["queue", "purge", "done", ...dir]);
    await refused.waitFor(/Remove 1 item from done\? \[y\/N\]/);
    await typeLine(refused, "n");
    assert.equal((await refused.status).code, 1);
    assert.match(refused.stdout, /Nothing removed/);
    const agreed = await spawnCliOnTerminal(["queue", "purge", "done", ...dir]);
    await agreed.waitFor(/Remove 1 item from done\? \[y\/N\]/);
    await typeLine(agreed, "y");
    assert.equal((await agreed.status).code, 0, agreed.stdout);
    assert.match(agreed.stdout, /1 item removed from done/);
    const yes = await wats("queue", "purge", "done", "--yes", ...dir);
    assert.match(yes.stdout, /^Nothing to remove from done$/m);
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});

async function typeLine(process: Awaited<ReturnType<typeof spawnCliOnTerminal>>, line: string) {
  const keyboard = process.child.stdin.getWriter();
  await keyboard.write(new TextEncoder().encode(`${line}\r`));
  await keyboard.close();
}
