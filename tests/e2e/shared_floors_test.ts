/**
 * Hostile floors: what a shared or unlucky drop folder may hold (a FIFO, a second service, odd
 * names, slow writers, deep nesting) handled by real `wats run` processes against the emulator.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import {
  type CliProcess,
  emulatorStats,
  spawnCli,
  startEmulator,
  startService,
} from "../_processes.ts";
import { dropFile, wsjfReport } from "../client/_service_kit.ts";
import { namesIn, pause, tempDir, until, workspace } from "./_e2e.ts";

const isPosix = Deno.build.os !== "windows";

/** Stops a process, or kills it when it has not ended after `ms`; returns the time it took. */
async function stopWithin(process: CliProcess, ms: number): Promise<number> {
  const started = performance.now();
  const ended = await Promise.race([process.stop("SIGTERM").then(() => true), pause(ms)]);
  const took = performance.now() - started;
  if (ended !== true) await process.stop("SIGKILL");
  return took;
}

Deno.test({
  name: "a FIFO made in a running service's drop folder neither stops events nor holds up SIGTERM",
  ignore: !isPosix,
  async fn() {
    // Declared first, so the folder is removed after the processes are stopped.
    await using temp = await tempDir("wats-e2e-");
    const emulator = await startEmulator();
    const space = await workspace(temp.path, emulator, {
      watch: [{ path: "drop", stableMs: 100, postAction: "move" }],
    });
    try {
      const { process } = await startService(space.configFile, { WATS_TOKEN: emulator.token });
      try {
        await pause(300);
        const made = await new Deno.Command("mkfifo", { args: [join(space.drop, "f.json")] })
          .output();
        assert.ok(made.success, "mkfifo failed");
        await pause(1_500);
        // Without events this file would wait for the rescan, a minute away.
        await dropFile(space.drop, "after-fifo.json", wsjfReport(1).text);
        await until("the file dropped after the FIFO accepted", async () => {
          const stats = await emulatorStats(emulator);
          return stats.reportsAccepted === 1 ? true : undefined;
        }, 10_000);
        const errorNames = await namesIn(join(space.drop, "Error"));
        assert.deepEqual(errorNames, ["f.json", "f.json.reason.txt"]);
        const reason = await Deno.readTextFile(join(space.drop, "Error", "f.json.reason.txt"));
        assert.match(reason, /not a regular file \(FIFO\)/i);
        // A second FIFO right before the stop.
        await new Deno.Command("mkfifo", { args: [join(space.drop, "g.json")] }).output();
        await pause(50);
      } finally {
        const took = await stopWithin(process, 10_000);
        assert.ok(took < 5_000, `SIGTERM took ${Math.round(took)} ms`);
      }
    } finally {
      await emulator.process.stop();
      await Deno.remove(space.root, { recursive: true });
    }
  },
});

/** A WSJF report without an id: the converter makes one up. */
function idLessReport(n: number): string {
  const report = JSON.parse(wsjfReport(n).text);
  delete report.id;
  return JSON.stringify(report);
}

Deno.test("two services sharing a drop folder upload each of 200 files once", async () => {
  // Declared first, so the folder is removed after the processes are stopped.
  await using temp = await tempDir("wats-e2e-");
  const emulator = await startEmulator();
  const space = await workspace(temp.path, emulator, {
    watch: [
      { path: "drop", stableMs: 100, postAction: "move" },
      { path: "own-1", stableMs: 100, create: true, postAction: "move" },
    ],
  });
  const processes: CliProcess[] = [];
  try {
    // The second service: its own data folder and private folder, the same drop folder.
    const config = JSON.parse(await Deno.readTextFile(space.configFile));
    const secondConfig = join(space.root, "config-2.json");
    await Deno.writeTextFile(
      secondConfig,
      JSON.stringify({
        ...config,
        dataDir: "data-2",
        watch: [
          { path: "drop", stableMs: 100, postAction: "move" },
          { path: "own-2", stableMs: 100, create: true, postAction: "move" },
        ],
      }),
    );
    for (const file of [space.configFile, secondConfig]) {
      processes.push((await startService(file, { WATS_TOKEN: emulator.token })).process);
    }
    const files = 200;
    const writes = [];
    for (let n = 0; n < files; n++) {
      const text = n % 2 === 0 ? wsjfReport(n).text : idLessReport(n);
      writes.push(dropFile(space.drop, `r${n}.json`, text));
    }
    await Promise.all(writes);
    const stats = await until("every file taken and uploaded", async () => {
      const stats = await emulatorStats(emulator);
      const left = (await namesIn(space.drop)).filter((name) => name.endsWith(".json"));
      return left.length === 0 && stats.reportsAccepted >= files ? stats : undefined;
    }, 60_000);
    await pause(1_000);
    const after = await emulatorStats(emulator);
    assert.equal(after.reportsAccepted, files, `reports on the server: ${after.reportsAccepted}`);
    assert.equal(Object.keys(stats.reports).length, files);
    const done = [
      ...await namesIn(join(space.drop, "Done")),
    ].filter((name) => name.endsWith(".json"));
    assert.equal(done.length, files, "each file once in Done/");

    // The same id-less content converted by each service gives one report, not two.
    await Deno.mkdir(join(space.root, "own-1"), { recursive: true });
    await Deno.mkdir(join(space.root, "own-2"), { recursive: true });
    await dropFile(join(space.root, "own-1"), "same.json", idLessReport(9_999));
    await dropFile(join(space.root, "own-2"), "same.json", idLessReport(9_999));
    await until("both copies taken", async () => {
      const left = [
        ...await namesIn(join(space.root, "own-1")),
        ...await namesIn(join(space.root, "own-2")),
      ].filter((name) => name.endsWith(".json"));
      return left.length === 0 ? true : undefined;
    }, 20_000);
    const last = await until("the copies uploaded", async () => {
      const stats = await emulatorStats(emulator);
      const received = Object.values(stats.reports).reduce((sum, r) => sum + r.received, 0);
      return received >= files + 2 ? stats : undefined;
    }, 20_000);
    assert.equal(last.reportsAccepted, files + 1, "one report for the same content");
  } finally {
    for (const process of processes) await process.stop();
    await emulator.process.stop();
    await Deno.remove(space.root, { recursive: true });
  }
});

Deno.test("deep nesting, a slow writer and a backslash in a name: each taken or refused with a reason", async () => {
  // Declared first, so the folder is removed after the processes are stopped.
  await using temp = await tempDir("wats-e2e-");
  const emulator = await startEmulator();
  const space = await workspace(temp.path, emulator, {
    watch: [{ path: "drop", converter: "wsjf", stableMs: 200, postAction: "move" }],
  });
  let process: CliProcess | undefined;
  try {
    process = (await startService(space.configFile, { WATS_TOKEN: emulator.token })).process;
    const deep = wsjfReport(1).text.replace(
      '"pn"',
      `"extra":${"[".repeat(100_000)}${"]".repeat(100_000)},"pn"`,
    );
    await dropFile(space.drop, "deep.json", deep);
    if (isPosix) await dropFile(space.drop, "a\\b.json", wsjfReport(2).text);
    // A writer that pauses longer than stableMs between chunks, on one open file.
    const slow = wsjfReport(3).text;
    const file = await Deno.open(join(space.drop, "slow.json"), { write: true, create: true });
    try {
      const pieces = 10;
      for (let n = 0; n < pieces; n++) {
        const from = Math.floor((n * slow.length) / pieces);
        const to = Math.floor(((n + 1) * slow.length) / pieces);
        await file.write(new TextEncoder().encode(slow.slice(from, to)));
        await pause(300);
      }
    } finally {
      file.close();
    }
    const expected = isPosix ? 2 : 1;
    await until("the good files uploaded", async () => {
      const stats = await emulatorStats(emulator);
      return stats.reportsAccepted === expected ? true : undefined;
    }, 20_000);
    const reason = await until(
      "deep.json in the error folder",
      () =>
        Deno.readTextFile(join(space.drop, "Error", "deep.json.reason.txt")).catch(() => undefined),
      20_000,
    );
    assert.match(reason, /nested too deeply: more than 512 levels/);
    const errorNames = await namesIn(join(space.drop, "Error"));
    assert.ok(
      !errorNames.includes("slow.json"),
      `slow.json sent to the error folder: ${errorNames}`,
    );
    const done = await namesIn(join(space.drop, "Done"));
    assert.ok(done.includes("slow.json"), `Done: ${done}`);
    if (isPosix) assert.ok(done.includes("a\\b.json"), `Done: ${done}`);
    assert.deepEqual((await namesIn(space.drop)).filter((name) => name.endsWith(".json")), []);
  } finally {
    await process?.stop();
    await emulator.process.stop();
    await Deno.remove(space.root, { recursive: true });
  }
});

/** Runs `wats run` on a configuration and returns how it ended. */
async function runWith(
  root: string,
  config: Record<string, unknown>,
): Promise<{ code: number; output: string }> {
  const file = join(root, `config-${crypto.randomUUID().slice(0, 8)}.json`);
  await Deno.writeTextFile(
    file,
    JSON.stringify({
      // Nothing listens on port 9; the folders are refused before the server counts.
      server: { url: "http://127.0.0.1:9" },
      station: { name: "E2E-1" },
      dataDir: "data",
      status: { port: 0 },
      ...config,
    }),
  );
  const process = await spawnCli(["run", "--config", file], { WATS_TOKEN: "dG9rZW4=" });
  // A configuration that is accepted starts the service: stopped once its status is served.
  const started = process.waitFor(/Status: http/, 20_000).then(() => process.stop(), () => {});
  const { code } = await process.status;
  await started;
  return { code, output: process.stdout + process.stderr };
}

Deno.test("folders that overlap stop the start with exit 22, naming both folders", async () => {
  const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "wats-e2e-" }));
  try {
    await Deno.mkdir(join(root, "drop"));
    await Deno.mkdir(join(root, "data"), { recursive: true });
    const cases: [string, Record<string, unknown>, RegExp][] = [
      [
        "the data folder as drop folder",
        { watch: [{ path: "data" }] },
        new RegExp(
          `watch\\[0\\]\\.path ${root}/data is the data folder \\(dataDir ${root}/data\\)`,
        ),
      ],
      [
        "the data folder inside the drop folder",
        { dataDir: "drop/data", watch: [{ path: "drop" }] },
        new RegExp(`dataDir ${root}/drop/data is inside watch\\[0\\]\\.path ${root}/drop`),
      ],
      [
        "the error folder as drop folder",
        { watch: [{ path: "drop", errorDir: "drop" }] },
        new RegExp(`watch\\[0\\]\\.errorDir ${root}/drop is watch\\[0\\]\\.path ${root}/drop`),
      ],
      [
        "the file-system root with postAction delete",
        { watch: [{ path: "/", postAction: "delete" }] },
        /watch\[0\]\.path \/ is a file-system root/,
      ],
    ];
    for (const [name, config, expected] of cases) {
      const { code, output } = await runWith(root, config);
      assert.equal(code, 22, `${name}: ${output}`);
      assert.match(output, expected, name);
    }
    // Nothing was taken or moved meanwhile.
    assert.deepEqual(await namesIn(join(root, "drop")), []);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("a missing drop folder stops the start with exit 21 unless its entry says create", async () => {
  const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "wats-e2e-" }));
  try {
    const missing = await runWith(root, { watch: [{ path: "typo" }] });
    assert.equal(missing.code, 21, missing.output);
    assert.match(
      missing.output,
      new RegExp(`watch\\[0\\]\\.path: ${root}/typo: the drop folder does not exist`),
    );
    assert.equal(await Deno.stat(join(root, "typo")).catch(() => null), null);
    const made = await runWith(root, { watch: [{ path: "new", create: true }] });
    assert.match(made.output, /Status: http/);
    assert.ok((await Deno.stat(join(root, "new"))).isDirectory);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
