import assert from "node:assert/strict";
import { join } from "node:path";
import {
  type CliProcess,
  emulatorStats,
  REPO_ROOT,
  spawnCli,
  startEmulator,
  startService,
} from "../_processes.ts";
import { dropFile } from "../client/_service_kit.ts";
import { until } from "./_e2e.ts";

/** The row mapping of `samples/csv/README.md`, with the 5 V rail's upper limit given. */
function mapping(high5V: number): Record<string, unknown> {
  return {
    mode: "row",
    columns: {
      serial: "Serial",
      part: "Part",
      revision: "Rev",
      start: "Start",
      operator: "Operator",
      result: "Result",
    },
    startFormat: "dd.MM.yyyy HH:mm:ss",
    utcOffsetMinutes: 60,
    processCode: 10,
    sequence: "Functional test",
    measurements: [
      { column: "V_5V", name: "Supply 5V", unit: "V", low: 4.9, high: high5V },
      { column: "V_3V3", name: "Supply 3V3", unit: "V", low: 3.2, high: 3.4 },
    ],
  };
}

interface ListedSource {
  sourceFolder: string;
  status: string;
  reports: { id: string; sn?: string }[];
}

async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const process = await spawnCli(args);
  const { code } = await process.status;
  return { code, stdout: process.stdout, stderr: process.stderr };
}

Deno.test("after a mapping is corrected, wats reprocess sends exactly the changed reports under their ids", async () => {
  const emulator = await startEmulator();
  let service: CliProcess | undefined;
  const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "wats-reprocess-" }));
  try {
    const configFile = join(root, "config.json");
    const writeConfig = (high5V: number) =>
      Deno.writeTextFile(
        configFile,
        JSON.stringify({
          server: { url: emulator.url },
          station: { name: "E2E-1", location: "Lab", purpose: "Test" },
          dataDir: "data",
          watch: [
            { path: "line-a", converter: "csv", converterArgs: mapping(high5V), stableMs: 100 },
            { path: "line-b", converter: "csv", converterArgs: mapping(5.1), stableMs: 100 },
          ],
          status: { port: 0 },
          limits: { requestsPerWindow: 1_000_000 },
          retry: { baseDelayMs: 50, maxDelayMs: 500 },
        }),
      );
    await writeConfig(5.1);
    for (const line of ["line-a", "line-b"]) await Deno.mkdir(join(root, line));
    const started = await startService(configFile, { WATS_TOKEN: emulator.token });
    service = started.process;
    const since = new Date(Date.now() - 1000).toISOString();
    const units = await Deno.readTextFile(join(REPO_ROOT, "samples", "csv", "units.csv"));
    await dropFile(join(root, "line-a"), "units.csv", units);
    await dropFile(
      join(root, "line-b"),
      "units.csv",
      units.replaceAll("PCBA100-0003", "PCBA100-0009"),
    );
    await until("4 reports accepted", async () => {
      const stats = await emulatorStats(emulator);
      return stats.reportsAccepted === 4 ? stats : undefined;
    });
    const listed = await until("both sources archived and accepted", async () => {
      const ls = await run(["archive", "ls", "--json", "--config", configFile]);
      assert.equal(ls.code, 0, ls.stderr);
      const sources = JSON.parse(ls.stdout) as ListedSource[];
      return sources.length === 2 && sources.every((s) => s.status === "accepted")
        ? sources
        : undefined;
    });
    const idsOf = (line: string) =>
      listed.find((s) => s.sourceFolder === join(root, line))!.reports.map((r) => r.id);
    const [a1, a2] = idsOf("line-a");
    const [b1, b2] = idsOf("line-b");

    // wats archive: filter by serial number, show one source, restore it byte for byte.
    const bySn = await run([
      "archive",
      "ls",
      "--json",
      "--sn",
      "PCBA100-000902",
      "--config",
      configFile,
    ]);
    const found = JSON.parse(bySn.stdout) as (ListedSource & { id: string })[];
    assert.deepEqual(found.map((s) => s.sourceFolder), [join(root, "line-b")]);
    const show = await run(["archive", "show", found[0].id, "--config", configFile]);
    assert.match(
      show.stdout,
      new RegExp(`^report ${b2}  sn PCBA100-000902 pn PCBA-100  accepted `, "m"),
    );
    const restore = await run([
      "archive",
      "restore",
      found[0].id,
      "--to",
      join(root, "back"),
      "--config",
      configFile,
    ]);
    assert.equal(restore.code, 0, restore.stderr);
    assert.equal(
      await Deno.readTextFile(join(root, "back", "units.csv")),
      units.replaceAll("PCBA100-0003", "PCBA100-0009"),
    );
    // The 5 V step of a report as the server holds it.
    const supply5V = async (id: string) => {
      const report = await emulator.control("GET", `/api/Report/Wsjf/${id}`) as {
        id: string;
        sn: string;
      };
      type Step = { name: string; status: string; numericMeas?: { highLimit: number }[] };
      let step: Step | undefined;
      JSON.stringify(report, (_, value) => {
        if (value?.name === "Supply 5V" && value.numericMeas) step = value;
        return value;
      });
      assert.ok(step, JSON.stringify(report));
      return [report.id.toLowerCase(), report.sn, step.status, step.numericMeas![0].highLimit];
    };
    assert.deepEqual(await supply5V(a2), [a2.toLowerCase(), "PCBA100-000302", "F", 5.1]);

    // The 5 V limit of line A was wrong: 5.214 V is fine.
    await writeConfig(5.3);
    const dryRun = await run(["reprocess", "--config", configFile, "--since", since, "--dry-run"]);
    assert.equal(dryRun.code, 0, dryRun.stderr);
    assert.match(dryRun.stdout, /would queue corrected \(.*\)/);
    assert.match(dryRun.stdout, /^dry run: 2 converted, 2 unchanged, 2 corrected, 0 failed$/m);
    assert.equal((await emulatorStats(emulator)).reports[a1].received, 1);

    const reprocess = await run(["reprocess", "--config", configFile, "--since", since]);
    assert.equal(reprocess.code, 0, reprocess.stderr);
    assert.match(reprocess.stdout, /^2 converted, 2 unchanged, 2 corrected, 0 failed$/m);
    const stats = await until("the corrected reports sent", async () => {
      const stats = await emulatorStats(emulator);
      return stats.reports[a1].applied === 2 && stats.reports[a2].applied === 2 ? stats : undefined;
    });
    assert.equal(stats.reports[b1].received, 1);
    assert.equal(stats.reports[b2].received, 1);
    assert.deepEqual(await supply5V(a2), [a2.toLowerCase(), "PCBA100-000302", "P", 5.3]);
    assert.deepEqual(await supply5V(a1), [a1.toLowerCase(), "PCBA100-000301", "P", 5.3]);
    assert.deepEqual(await supply5V(b2), [b2.toLowerCase(), "PCBA100-000902", "F", 5.1]);

    // Once accepted, the corrected reports are the ones on record: nothing changes any more.
    await until("the corrected reports settled", async () => {
      const again = await run(["reprocess", "--config", configFile, "--since", since, "--dry-run"]);
      return /^dry run: 2 converted, 4 unchanged, 0 corrected, 0 failed$/m.test(again.stdout)
        ? true
        : undefined;
    });
  } finally {
    await service?.stop("SIGTERM");
    await emulator.process.stop("SIGTERM");
    await Deno.remove(root, { recursive: true });
  }
});
