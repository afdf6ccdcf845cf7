import assert from "node:assert/strict";
import { join } from "node:path";
import { type CliIo, runCli } from "../../../client/commands/mod.ts";
import { ReportQueue } from "../../../client/queue/queue.ts";
import { StationService } from "../../../client/service.ts";
import { serveEmulator } from "../../../emulator/mod.ts";
import { dropFile, wsjfReport } from "../_service_kit.ts";
import { tempDir } from "../../_temp.ts";

function captured(isTty = false): CliIo & { stdout: string; stderr: string } {
  const io = {
    stdout: "",
    stderr: "",
    isTty,
    out(text: string) {
      io.stdout += text;
    },
    err(text: string) {
      io.stderr += text;
    },
  };
  return io;
}

/** Writes a configuration and a token file into `root` (a {@linkcode tempDir} the test removes). */
async function configFile(
  root: string,
  server: { url: string; token: string },
  extra: object = {},
) {
  const tokenFile = join(root, "token");
  await Deno.writeTextFile(tokenFile, server.token);
  await Deno.chmod(tokenFile, 0o600);
  const file = join(root, "config.json");
  await Deno.writeTextFile(
    file,
    JSON.stringify({
      server: { url: server.url, tokenFile: "token" },
      station: { name: "CLI-1" },
      dataDir: "data",
      watch: [{ path: "drop", stableMs: 50 }],
      status: { port: 0 },
      ...extra,
    }),
  );
  return { root, file, dataDir: join(root, "data") };
}

Deno.test("wats --help lists the commands; no command or an unknown one is a usage error", async () => {
  const io = captured();
  assert.equal(await runCli(["--help"], io), 0);
  for (const command of ["run", "status", "submit", "queue", "doctor", "demo", "emulator"]) {
    assert.match(io.stdout, new RegExp(`^ {2}${command}`, "m"));
  }
  assert.equal(await runCli([], captured()), 2);
  const unknown = captured();
  assert.equal(await runCli(["fly"], unknown), 2);
  assert.match(unknown.stderr, /Unknown command "fly"/);
  const badOption = captured();
  assert.equal(await runCli(["status", "--no-such-option"], badOption), 2);
});

Deno.test("wats queue ls, show, retry and purge work on a data folder", async () => {
  await using temp = await tempDir("wats-cli-queue-");
  const dataDir = temp.path;
  const queue = await ReportQueue.open(join(dataDir, "queue"));
  const ids = [1, 2, 3].map((n) => wsjfReport(n).id);
  for (const id of ids) await queue.enqueue({ id, pn: "PCBA-100", sn: "SN1" }, null);
  await (await queue.claimNext())?.complete();
  await (await queue.claimNext())?.fail({ message: "Report rejected", status: 400 });
  await queue.indexed();
  const args = ["--data-dir", dataDir];

  const counts = captured();
  assert.equal(await runCli(["queue", "ls", "--json", ...args], counts), 0);
  const listed = JSON.parse(counts.stdout);
  assert.equal(listed.total, 2, "pending and failed, not done");
  assert.deepEqual(listed.counts, {
    pending: 1,
    processing: 0,
    done: 1,
    failed: 1,
    quarantine: 0,
  });
  const failed = captured();
  assert.equal(await runCli(["queue", "ls", "--state", "failed", ...args], failed), 0);
  assert.match(
    failed.stdout,
    new RegExp(`^\\S.* +failed +SN1 .* 400 Report rejected +${ids[1]}$`, "m"),
  );
  const show = captured();
  assert.equal(await runCli(["queue", "show", ids[1], "--json", ...args], show), 0);
  assert.equal(JSON.parse(show.stdout).envelope.lastError.status, 400);
  assert.equal(await runCli(["queue", "show", "nope", ...args], captured()), 1);
  const { Ledger } = await import("../../../client/ledger/ledger.ts");
  const ledger = await Ledger.open(join(dataDir, "ledger.kv"));
  await ledger.recordAccepted(ids[0], { at: "2026-01-01T00:00:00.000Z", serverId: "srv-1" });
  ledger.close();
  const done = captured();
  assert.equal(await runCli(["queue", "show", ids[0], ...args], done), 0);
  assert.match(done.stdout, /^accepted at 2026-01-01T00:00:00\.000Z as srv-1$/m);
  const retried = captured();
  assert.equal(await runCli(["queue", "retry", "--all", ...args], retried), 0);
  assert.match(retried.stdout, /^1 report queued again$/m);
  const purged = captured();
  assert.equal(await runCli(["queue", "purge", "done", ...args], purged), 0);
  assert.match(purged.stdout, /^1 item removed from done$/m);
  assert.equal(await runCli(["queue", "purge", "pending", ...args], captured()), 2);
  const after = await ReportQueue.open(join(dataDir, "queue"), { recover: false });
  assert.deepEqual(await after.counts(), {
    pending: 2,
    processing: 0,
    done: 0,
    failed: 0,
    quarantine: 0,
  });
  await after.indexed();
});

Deno.test("wats status says 32 without a service and shows the running one", async () => {
  await using emulator = await serveEmulator();
  await using temp = await tempDir("wats-cli-");
  const { file, dataDir } = await configFile(temp.path, emulator);
  const idle = captured();
  assert.equal(await runCli(["status", "--data-dir", dataDir], idle), 32);
  assert.match(idle.stderr, /No WATS service is running on/);
  const { loadConfig } = await import("../../../client/config/config.ts");
  // The service refuses a drop folder that does not exist.
  await Deno.mkdir(join(temp.path, "drop"));
  const service = await StationService.start({
    config: await loadConfig({ file }),
    configFile: file,
  });
  try {
    const onTerminal = captured(true);
    assert.equal(await runCli(["status", "--config", file], onTerminal), 0);
    assert.match(onTerminal.stdout, /^Service: +running, health ok \(station CLI-1/m);
    const io = captured();
    assert.equal(await runCli(["status", "--config", file], io), 0);
    assert.match(io.stdout, /^service: running\nhealth: ok\nstation: CLI-1\n/);
    assert.match(io.stdout, /^queue_pending: 0$/m);
    const json = captured();
    assert.equal(await runCli(["status", "--json", "--config", file], json), 0);
    assert.equal(JSON.parse(json.stdout).status, "running");
  } finally {
    await service.stop();
  }
});

Deno.test("wats doctor checks config, permissions, folders, token, server and clock", async () => {
  await using emulator = await serveEmulator();
  await using temp = await tempDir("wats-cli-");
  const { file } = await configFile(temp.path, emulator);
  // A drop folder that does not exist is a failure of its own.
  await Deno.mkdir(join(temp.path, "drop"));
  const io = captured();
  // Warnings only: no service runs, and the tests may not ask the disk space (--allow-sys).
  assert.equal(await runCli(["doctor", "--config", file], io), 1);
  assert.match(io.stdout, /^ok {4}server: http:\/\/127\.0\.0\.1:\d+, version /m);
  assert.match(io.stdout, /^ok {4}clock: within \d+ s of the server$/m);
  assert.match(io.stdout, /^ok {4}token: configured \(not shown\)$/m);
  assert.match(io.stdout, /^WARN {2}service: not running on this data folder$/m);
  assert.doesNotMatch(io.stdout, new RegExp(emulator.token));

  await using wrongTemp = await tempDir("wats-cli-");
  const wrong = await configFile(wrongTemp.path, { url: emulator.url, token: "d3Jvbmc6dG9rZW4=" });
  const refused = captured();
  assert.equal(await runCli(["doctor", "--config", wrong.file], refused), 2);
  assert.match(refused.stdout, /^FAIL {2}server: the server refuses the token \(HTTP 401\)$/m);
});

Deno.test("wats submit uploads files once through the queue and keeps them where they are", async () => {
  await using emulator = await serveEmulator({ inspect: true });
  await using temp = await tempDir("wats-cli-");
  const { root, file } = await configFile(temp.path, emulator);
  const files = join(root, "results");
  await Deno.mkdir(files);
  const reports = [1, 2].map((n) => wsjfReport(n));
  for (const [n, report] of reports.entries()) await dropFile(files, `r${n}.json`, report.text);
  const io = captured();
  assert.equal(await runCli(["submit", files, "--config", file], io), 0, io.stderr);
  assert.match(io.stdout, /2 file\(s\), 2 report\(s\): 2 accepted, 0 refused/);
  const again = captured();
  assert.equal(await runCli(["submit", join(files, "r0.json"), "--config", file], again), 0);
  assert.match(again.stderr, /r0\.json: submitted before; not sent again/);
  const copy = join(root, "copy.json");
  await Deno.copyFile(join(files, "r1.json"), copy);
  const duplicate = captured();
  assert.equal(await runCli(["submit", copy, "--config", file], duplicate), 0);
  assert.match(duplicate.stderr, /copy\.json: same content as .*r1\.json; not sent again/);
  const stats = await (await fetch(`${emulator.url}/_emulator/stats`, {
    headers: { Authorization: `Basic ${emulator.token}` },
  })).json();
  for (const report of reports) assert.equal(stats.reports[report.id].applied, 1);
  assert.deepEqual([...Deno.readDirSync(files)].map((entry) => entry.name).sort(), [
    "r0.json",
    "r1.json",
  ]);
});
