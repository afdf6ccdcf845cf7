import assert from "node:assert/strict";
import { basename, join } from "node:path";
import { serveEmulator } from "../../../emulator/mod.ts";
import { StationService } from "../../../client/service.ts";
import { Ledger } from "../../../client/ledger/ledger.ts";
import {
  type ArchiveEntry,
  archiveSource,
  purgeArchive,
  readArchived,
  removeStaleArchiveTemps,
} from "../../../client/archive/archive.ts";
import { tempPathFor } from "../../../client/_fs.ts";
import { systemClock } from "../../../util/clock.ts";
import { hashHex } from "../../../util/hash.ts";
import {
  dropFile,
  namesIn,
  serviceFolders,
  testConfig,
  waitFor,
  wsjfReport,
} from "../_service_kit.ts";

const DAY_MS = 86_400_000;
const encoder = new TextEncoder();

async function entriesOf(ledger: Ledger): Promise<ArchiveEntry[]> {
  return await Array.fromAsync(ledger.archive.list());
}

async function withLedger<T>(dataDir: string, use: (ledger: Ledger) => Promise<T>): Promise<T> {
  const ledger = await Ledger.open(join(dataDir, "ledger.kv"));
  try {
    return await use(ledger);
  } finally {
    ledger.close();
  }
}

Deno.test("archive gzips the source into a dated folder, records it, then removes it", async () => {
  const root = await Deno.makeTempDir({ prefix: "wats-archive-" });
  const ledger = await Ledger.open(join(root, "ledger.kv"));
  try {
    const content = "Serial;Result\r\nSN1;Passed\r\n".repeat(50);
    const sha256 = hashHex(encoder.encode(content));
    const now = Date.UTC(2026, 4, 7, 10, 15, 0, 123);
    await Deno.writeTextFile(join(root, "run.csv"), content);
    const entry = await archiveSource(ledger, join(root, "run.csv"), join(root, "archive"), {
      outcome: "converted",
      converter: "csv",
      converterVersion: "1.2.0",
      argumentsHash: "ab".repeat(32),
      reports: [{ id: "r-1", sn: "SN1", pn: "PCBA-100" }],
    }, { now });
    const expected = join(
      root,
      "archive",
      "2026",
      "05",
      "07",
      `20260507T101500123Z_${sha256}.csv.gz`,
    );
    assert.equal(entry.file, expected);
    assert.deepEqual(await ledger.archive.get(entry.id), {
      id: `20260507T101500123Z_${sha256}`,
      file: expected,
      sourceName: "run.csv",
      sourceFolder: root,
      sha256,
      size: content.length,
      storedBytes: (await Deno.stat(expected)).size,
      converter: "csv",
      converterVersion: "1.2.0",
      argumentsHash: "ab".repeat(32),
      reports: [{ id: "r-1", sn: "SN1", pn: "PCBA-100" }],
      outcome: "converted",
      archivedAt: "2026-05-07T10:15:00.123Z",
    });
    assert.ok(entry.storedBytes < content.length / 5, `${entry.storedBytes} bytes`);
    assert.equal(new TextDecoder().decode(await readArchived(entry)), content);
    await assert.rejects(Deno.lstat(join(root, "run.csv")), Deno.errors.NotFound);

    // The same content again (a duplicate) is stored once: only the original is removed.
    await Deno.writeTextFile(join(root, "again.csv"), content);
    const again = await archiveSource(ledger, join(root, "again.csv"), join(root, "archive"), {
      outcome: "converted",
    }, { now: now + DAY_MS });
    assert.equal(again.id, entry.id);
    await assert.rejects(Deno.lstat(join(root, "again.csv")), Deno.errors.NotFound);
    assert.equal((await entriesOf(ledger)).length, 1);
    assert.deepEqual(await namesIn(join(root, "archive", "2026", "05")), ["07"]);
  } finally {
    ledger.close();
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("a crash between the record and the file: taking the source again writes the file", async () => {
  const root = await Deno.makeTempDir({ prefix: "wats-archive-" });
  const ledger = await Ledger.open(join(root, "ledger.kv"));
  try {
    const content = "Serial;Result\r\nSN2;Failed\r\n";
    const now = Date.UTC(2026, 4, 7, 10, 15, 0, 123);
    await Deno.writeTextFile(join(root, "run.csv"), content);
    const entry = await archiveSource(ledger, join(root, "run.csv"), join(root, "archive"), {
      outcome: "converted",
    }, { now, keepSource: true });
    // As if the process died after the record was committed and before the file was written.
    await Deno.remove(entry.file);
    // The next start takes the same source again, a day later.
    const again = await archiveSource(ledger, join(root, "run.csv"), join(root, "archive"), {
      outcome: "converted",
    }, { now: now + DAY_MS });
    assert.equal(again.id, entry.id);
    assert.equal(new TextDecoder().decode(await readArchived(again)), content);
    await assert.rejects(Deno.lstat(join(root, "run.csv")), Deno.errors.NotFound);
    // One record, one file, and nothing under the second day.
    assert.equal((await entriesOf(ledger)).length, 1);
    assert.deepEqual(await namesIn(join(root, "archive", "2026", "05")), ["07"]);
    assert.equal((await namesIn(join(root, "archive", "2026", "05", "07"))).length, 1);
  } finally {
    ledger.close();
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("archive writes go through <root>/.tmp, and a killed writer's temp files are removed", async () => {
  const root = await Deno.makeTempDir({ prefix: "wats-archive-" });
  const ledger = await Ledger.open(join(root, "ledger.kv"));
  try {
    const archive = join(root, "archive");
    await Deno.writeTextFile(join(root, "run.csv"), "Serial;Result\r\nSN3;Passed\r\n");
    await archiveSource(ledger, join(root, "run.csv"), archive, { outcome: "converted" }, {
      now: Date.UTC(2026, 4, 7),
    });
    assert.deepEqual(await namesIn(join(archive, ".tmp")), [], "a finished write leaves nothing");
    // A temp file of this process (a write under way) and one of a process that is gone.
    const own = basename(tempPathFor(join(archive, ".tmp", "x.csv.gz")));
    const tag = own.slice(-12, -8);
    const dead = own.slice(0, -12) + (tag === "0000" ? "1111" : "0000") + own.slice(-8);
    for (const name of [own, dead, "notes.txt"]) {
      await Deno.writeTextFile(join(archive, ".tmp", name), "partial");
    }
    assert.equal(await removeStaleArchiveTemps(archive), 1);
    assert.deepEqual(await namesIn(join(archive, ".tmp")), [own, "notes.txt"].sort());
    assert.equal(await removeStaleArchiveTemps(join(root, "no-archive")), 0);
  } finally {
    ledger.close();
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("retention purges by age and by size, oldest first, and keeps unaccepted ones", async () => {
  const root = await Deno.makeTempDir({ prefix: "wats-archive-" });
  const ledger = await Ledger.open(join(root, "ledger.kv"));
  try {
    const start = Date.UTC(2026, 0, 1);
    const entries: ArchiveEntry[] = [];
    // Day 0..4; the report of day 1 is not accepted yet.
    for (let day = 0; day < 5; day++) {
      const path = join(root, `run-${day}.json`);
      await Deno.writeTextFile(path, `report ${day} `.repeat(200 + day));
      entries.push(
        await archiveSource(ledger, path, join(root, "archive"), {
          outcome: "converted",
          reports: [{ id: `r-${day}` }],
        }, { now: start + day * DAY_MS }),
      );
      if (day !== 1) await ledger.recordAccepted(`r-${day}`, { at: new Date().toISOString() });
    }
    const total = entries.reduce((sum, entry) => sum + entry.storedBytes, 0);

    // Day 10 with 7 days kept: days 0..2 are due; day 1 is held.
    const byAge = await purgeArchive(
      ledger,
      { retentionDays: 7, maxArchiveBytes: total },
      start + 10 * DAY_MS,
    );
    assert.deepEqual(
      { byAge: byAge.byAge, bySize: byAge.bySize, held: byAge.held },
      { byAge: 2, bySize: 0, held: 1 },
    );
    assert.deepEqual((await entriesOf(ledger)).map((e) => e.reports[0].id), ["r-1", "r-3", "r-4"]);
    await assert.rejects(Deno.lstat(entries[0].file), Deno.errors.NotFound);
    await assert.rejects(Deno.lstat(entries[2].file), Deno.errors.NotFound);

    // Room for one entry only: the oldest settled ones go, the held one stays.
    const bySize = await purgeArchive(
      ledger,
      { retentionDays: 365, maxArchiveBytes: entries[1].storedBytes + entries[4].storedBytes },
      start + 10 * DAY_MS,
    );
    assert.deepEqual({ bySize: bySize.bySize, held: bySize.held }, { bySize: 1, held: 1 });
    assert.deepEqual((await entriesOf(ledger)).map((e) => e.reports[0].id), ["r-1", "r-4"]);
    await assert.rejects(Deno.lstat(entries[3].file), Deno.errors.NotFound);
    const counters = await ledger.counters();
    assert.equal(counters["archive.purged.age"], 2);
    assert.equal(counters["archive.purged.size"], 1);
  } finally {
    ledger.close();
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("the service archives taken and refused files, and purges at start by its clock", async () => {
  await using emulator = await serveEmulator({ faults: true, inspect: true });
  const folders = await serviceFolders();
  const archiveWatch = [{ path: folders.drop, stableMs: 50 }];
  try {
    // 1. A good file and a broken one, server up: archived with their facts.
    const config = await testConfig(folders, emulator, { watch: archiveWatch });
    assert.equal(config.watch[0].postAction, "archive");
    const first = wsjfReport(1);
    let service = await StationService.start({ config });
    try {
      await dropFile(folders.drop, "good.json", first.text);
      await dropFile(folders.drop, "broken.json", "{ not json");
      await waitFor("one accepted, one refused", async () => {
        const status = await service.status();
        return status.queue.done === 1 && status.conversions.failed === 1 ? true : undefined;
      });
      await waitFor("the drop folder emptied", async () => {
        // The claim folder (`.wats-claims`) holds files only while they are taken.
        const names = (await namesIn(folders.drop)).filter((name) => name !== ".wats-claims");
        return names.join() === "Error" ? true : undefined;
      });
    } finally {
      await service.stop();
    }
    const [taken, refused] = await withLedger(folders.dataDir, async (ledger) => {
      const entries = await entriesOf(ledger);
      return [
        entries.find((e) => e.outcome === "converted"),
        entries.find((e) => e.outcome === "error"),
      ];
    });
    assert.ok(taken && refused);
    assert.equal(taken.sourceName, "good.json");
    assert.equal(taken.sourceFolder, folders.drop);
    assert.equal(taken.converter, "wsjf");
    assert.ok(taken.converterVersion);
    assert.match(taken.argumentsHash ?? "", /^[0-9a-f]{64}$/);
    assert.deepEqual(taken.reports, [{ id: first.id, sn: "SN000001", pn: "PCBA-100" }]);
    assert.equal(new TextDecoder().decode(await readArchived(taken)), first.text);
    assert.ok(taken.file.startsWith(join(folders.dataDir, "archive")));
    assert.equal(refused.sourceName, "broken.json");
    assert.equal(refused.stage, "sniff");
    assert.ok(refused.reason);
    assert.deepEqual(await namesIn(join(folders.drop, "Error")), [
      "broken.json",
      "broken.json.reason.txt",
    ]);
    assert.equal(refused.errorPath, join(folders.drop, "Error", "broken.json"));

    // 2. Server down: a third file is archived, its report stays pending (not accepted).
    const offline = await testConfig(
      folders,
      { url: "http://127.0.0.1:9", token: emulator.token },
      {
        watch: archiveWatch,
      },
    );
    service = await StationService.start({ config: offline });
    try {
      await dropFile(folders.drop, "later.json", wsjfReport(2).text);
      await waitFor("the third file archived", async () => {
        const names = (await namesIn(folders.drop)).filter((name) => name !== ".wats-claims");
        return names.join() === "Error" && (await service.status()).queue.pending +
                (await service.status()).queue.processing === 1
          ? true
          : undefined;
      });
    } finally {
      await service.stop();
    }

    // 3. 91 days later (the service's clock), still offline: the two old settled sources go,
    //    the unaccepted one stays; /status and /metrics count them.
    const later = { now: () => Date.now() + 91 * DAY_MS, sleep: systemClock.sleep };
    service = await StationService.start({ config: offline, clock: later });
    try {
      const status = await waitFor("the purge at start", async () => {
        const status = await service.status();
        return status.counters["archive.purged.age"] === 2 ? status : undefined;
      });
      assert.equal(status.counters["archive.purged.size"] ?? 0, 0);
      const metrics = await (await fetch(`${service.statusUrl}/metrics`)).text();
      assert.match(metrics, /wats_archive_purged_total\{reason="age"\} 2/);
    } finally {
      await service.stop();
    }
    const left = await withLedger(folders.dataDir, entriesOf);
    assert.deepEqual(left.map((entry) => entry.sourceName), ["later.json"]);
    await assert.rejects(Deno.lstat(taken.file), Deno.errors.NotFound);
    await assert.rejects(Deno.lstat(refused.file), Deno.errors.NotFound);
    await Deno.lstat(left[0].file);
  } finally {
    await Deno.remove(folders.root, { recursive: true });
  }
});
