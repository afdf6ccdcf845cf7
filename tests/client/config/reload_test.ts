import assert from "node:assert/strict";
import { join } from "node:path";
import { loadConfig } from "../../../client/config/config.ts";
import { watchConfigFile } from "../../../client/config/reload.ts";
import { StationService } from "../../../client/service.ts";
import { serveEmulator } from "../../../emulator/mod.ts";
import { dropFile, namesIn, serviceFolders, waitFor, wsjfReport } from "../_service_kit.ts";

/** A configuration file for a service on `url`; the token in a 0600 file beside it. */
async function writeConfig(
  root: string,
  values: { url: string; token: string; watch: object[]; limits?: object },
): Promise<string> {
  const tokenFile = join(root, "token");
  await Deno.writeTextFile(tokenFile, values.token, { mode: 0o600 });
  await Deno.chmod(tokenFile, 0o600);
  const file = join(root, "config.json");
  const temp = `${file}.tmp`;
  await Deno.writeTextFile(
    temp,
    JSON.stringify({
      server: { url: values.url, tokenFile: "token" },
      station: { name: "RELOAD-1" },
      dataDir: "data",
      watch: values.watch,
      status: { port: 0 },
      retry: { baseDelayMs: 50, maxDelayMs: 200 },
      limits: values.limits ?? {},
    }),
  );
  await Deno.rename(temp, file);
  return file;
}

async function startService(file: string, options: { fetch?: typeof fetch } = {}) {
  return await StationService.start({
    config: await loadConfig({ file, env: {} }),
    configFile: file,
    reloadConfig: () => loadConfig({ file, env: {} }),
    watchConfigFile: false,
    fetch: options.fetch,
  });
}

Deno.test("an invalid configuration is refused, shown in /status, and the old one keeps running", async () => {
  await using emulator = await serveEmulator();
  const { root, drop } = await serviceFolders();
  const file = await writeConfig(root, {
    ...emulator,
    watch: [{ path: drop, stableMs: 20, postAction: "move" }],
  });
  const service = await startService(file);
  try {
    await Deno.writeTextFile(file, '{"server": {"url": "ftp://nowhere"}, "watch": [');
    const broken = await service.reload();
    assert.equal(broken.isApplied, false);
    assert.match(broken.problems.join("\n"), /config\.json: not valid JSON/);
    await writeConfig(root, { ...emulator, watch: [{ path: drop, postAction: "shred" }] });
    const invalid = await service.reload();
    assert.equal(invalid.isApplied, false);
    assert.match(invalid.problems[0], /watch\[0\]\.postAction: expected one of move/);
    const status = await service.status();
    assert.ok(
      status.warnings.some((warning) => /reload refused.*postAction/.test(warning)),
      status.warnings.join("\n"),
    );
    assert.ok(status.recentErrors.some((error) => error.kind === "config"));
    // Still the old configuration: files are taken and uploaded.
    await dropFile(drop, "after.json", wsjfReport(1).text);
    await waitFor("the upload", async () => (await service.status()).queue.done === 1 || undefined);
    // A valid file again clears the warning.
    await writeConfig(root, {
      ...emulator,
      watch: [{ path: drop, stableMs: 20, postAction: "move" }],
    });
    assert.equal((await service.reload()).isApplied, true);
    assert.ok(!(await service.status()).warnings.some((warning) => /reload/.test(warning)));
  } finally {
    await service.stop();
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("a reload restarts only changed watchers, which scan their folders at once", async () => {
  await using emulator = await serveEmulator();
  const { root, drop } = await serviceFolders();
  const second = join(root, "drop2");
  const third = join(root, "drop3");
  await Deno.mkdir(second);
  await Deno.mkdir(third);
  const watch = [{ path: drop, stableMs: 20, postAction: "move" }, {
    path: second,
    stableMs: 20,
    postAction: "move",
  }];
  const file = await writeConfig(root, { ...emulator, watch });
  const service = await startService(file);
  try {
    // Waiting in the new folder before the reload: the scan at the watcher's start finds it.
    await dropFile(third, "waiting.json", wsjfReport(3).text);
    await writeConfig(root, {
      ...emulator,
      watch: [watch[0], { path: third, stableMs: 20, postAction: "move" }],
    });
    const result = await service.reload();
    assert.equal(result.isApplied, true, result.problems.join("\n"));
    assert.deepEqual(result.restartedWatchers, [third]);
    assert.equal(result.isClientRebuilt, false);
    await waitFor(
      "the waiting file",
      async () => (await namesIn(join(third, "Done"))).includes("waiting.json") || undefined,
    );
    await dropFile(drop, "first.json", wsjfReport(1).text);
    await waitFor(
      "the unchanged folder",
      async () => (await namesIn(join(drop, "Done"))).includes("first.json") || undefined,
    );
    // The removed folder is not watched any more.
    await dropFile(second, "ignored.json", wsjfReport(2).text);
    await waitFor(
      "both uploads",
      async () => (await service.status()).queue.done === 2 || undefined,
    );
    assert.deepEqual(await namesIn(second), ["ignored.json"]);
    assert.deepEqual((await service.status()).watch.map((entry) => entry.path), [drop, third]);
  } finally {
    await service.stop();
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("a new token builds a new HTTP client and the waiting reports go out", async () => {
  await using emulator = await serveEmulator();
  const { root, drop } = await serviceFolders();
  const watch = [{ path: drop, stableMs: 20, postAction: "move" }];
  const file = await writeConfig(root, { url: emulator.url, token: btoa("wrong:token"), watch });
  const service = await startService(file);
  try {
    await dropFile(drop, "one.json", wsjfReport(1).text);
    await waitFor("the refused attempt", async () => {
      const status = await service.status();
      return status.uploads.retried > 0 ? status : undefined;
    });
    assert.equal((await service.status()).queue.done, 0);
    await writeConfig(root, { ...emulator, watch });
    const result = await service.reload();
    assert.equal(result.isClientRebuilt, true);
    assert.deepEqual(result.restartedWatchers, []);
    await waitFor(
      "the upload with the new token",
      async () => (await service.status()).queue.done === 1 || undefined,
      { timeoutMs: 15_000 },
    );
  } finally {
    await service.stop();
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("upload concurrency changes live and no report is lost across reloads", async () => {
  await using emulator = await serveEmulator({ inspect: true });
  const { root, drop } = await serviceFolders();
  const watch = [{ path: drop, stableMs: 20, postAction: "move" }];
  let inFlight = 0;
  let most = 0;
  const release: (() => void)[] = [];
  // Real requests to the real emulator, held at the door so concurrency can be seen.
  const gated: typeof fetch = async (input, init) => {
    const isReport = String(input instanceof Request ? input.url : input).includes("/api/Report");
    if (!isReport) return await fetch(input, init);
    inFlight++;
    most = Math.max(most, inFlight);
    await new Promise<void>((resolve) => release.push(resolve));
    try {
      return await fetch(input, init);
    } finally {
      inFlight--;
    }
  };
  const file = await writeConfig(root, { ...emulator, watch, limits: { uploadConcurrency: 1 } });
  const service = await startService(file, { fetch: gated });
  const opened = () => release.splice(0).forEach((open) => open());
  try {
    const reports = Array.from({ length: 12 }, (_, n) => wsjfReport(n + 1));
    for (const [n, report] of reports.entries()) await dropFile(drop, `r${n}.json`, report.text);
    await waitFor(
      "all queued",
      async () => (await service.status()).conversions.completed === 12 || undefined,
    );
    await waitFor("one upload held", () => release.length === 1 || undefined);
    assert.equal(most, 1);
    await writeConfig(root, { ...emulator, watch, limits: { uploadConcurrency: 4 } });
    assert.equal((await service.reload()).isApplied, true);
    await waitFor("four uploads held", () => inFlight === 4 || undefined);
    await writeConfig(root, { ...emulator, watch, limits: { uploadConcurrency: 2 } });
    assert.equal((await service.reload()).isApplied, true);
    most = 0;
    const done = waitFor("every upload", async () => {
      opened();
      return (await service.status()).queue.done === 12 || undefined;
    }, { everyMs: 5 });
    await done;
    assert.ok(most <= 4, `${most} uploads at once`);
    const stats = await (await fetch(`${emulator.url}/_emulator/stats`, {
      headers: { Authorization: `Basic ${emulator.token}` },
    })).json();
    for (const { id } of reports) assert.equal(stats.reports[id]?.applied, 1, id);
    const status = await service.status();
    assert.equal(status.queue.pending + status.queue.processing + status.queue.failed, 0);
  } finally {
    opened();
    await service.stop();
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("the configuration file watch calls back once per burst of saves", async () => {
  const root = await Deno.makeTempDir({ prefix: "wats-watch-" });
  const stop = new AbortController();
  try {
    const file = join(root, "config.json");
    await Deno.writeTextFile(file, "{}");
    let calls = 0;
    const watching = watchConfigFile(file, {
      onChange: () => void calls++,
      signal: stop.signal,
      debounceMs: 200,
    });
    await Deno.writeTextFile(join(root, "other.json"), "{}");
    for (let n = 0; n < 5; n++) {
      await Deno.writeTextFile(`${file}.tmp`, `{"n": ${n}}`);
      await Deno.rename(`${file}.tmp`, file);
    }
    await waitFor("the callback", () => calls > 0 || undefined);
    await new Promise((resolve) => setTimeout(resolve, 400));
    assert.equal(calls, 1);
    stop.abort();
    await watching;
  } finally {
    stop.abort();
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("a save whose file event never comes is found by comparing the file", async () => {
  const root = await Deno.makeTempDir({ prefix: "wats-config-poll-" });
  const stop = new AbortController();
  try {
    // The configuration is a hard link to a file in another folder, written there in place: the
    // watched folder gets no event, as on a network share or when the event was crowded out.
    await Deno.mkdir(join(root, "elsewhere"));
    const real = join(root, "elsewhere", "config.json");
    await Deno.writeTextFile(real, "{}");
    const file = join(root, "config.json");
    await Deno.link(real, file);
    let calls = 0;
    const watching = watchConfigFile(file, {
      onChange: () => void calls++,
      signal: stop.signal,
      debounceMs: 50,
      pollMs: 50,
    });
    await new Promise((resolve) => setTimeout(resolve, 120));
    assert.equal(calls, 0, "nothing changed yet");
    await Deno.writeTextFile(real, '{"n": 1}');
    await waitFor("the callback", () => calls > 0 || undefined);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(calls, 1, "one change, one reload");
    stop.abort();
    await watching;
  } finally {
    stop.abort();
    await Deno.remove(root, { recursive: true });
  }
});
