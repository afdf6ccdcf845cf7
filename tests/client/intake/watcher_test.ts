import assert from "node:assert/strict";
import { join } from "node:path";
import { FileWatcher, type FileWatcherOptions } from "../../../client/intake/watcher.ts";
import { tempDir } from "../../_temp.ts";

const isPosix = Deno.build.os !== "windows";

/** Runs the watcher for `forMs` real milliseconds and returns what it yielded, as relative names. */
async function collect(
  options: FileWatcherOptions,
  forMs: number,
  onYield: (path: string, watcher: FileWatcher) => void = () => {},
): Promise<string[]> {
  const watcher = new FileWatcher(options);
  const yielded: string[] = [];
  try {
    for await (const path of watcher.files(AbortSignal.timeout(forMs))) {
      yielded.push(path.slice(options.root.length + 1).replaceAll("\\", "/"));
      onYield(path, watcher);
    }
  } finally {
    watcher.close();
  }
  return yielded;
}

function later(ms: number, action: () => Promise<void>): Promise<void> {
  return new Promise((resolve, reject) => setTimeout(() => action().then(resolve, reject), ms));
}

Deno.test("a file written and then stable is yielded once, despite events and rescans", async () => {
  await using temp = await tempDir("wats-watch-");
  const root = temp.path;
  const writer = later(50, async () => {
    await Deno.writeTextFile(join(root, "a.json"), "{");
    await Deno.writeTextFile(join(root, "a.json"), "}", { append: true });
  });
  const yielded = await collect({ root, stableMs: 100, rescanMs: 60 }, 700);
  await writer;
  assert.deepEqual(yielded, ["a.json"]);
});

Deno.test("a growing file is yielded only after it stopped changing for stableMs", async () => {
  await using temp = await tempDir("wats-watch-");
  const root = temp.path;
  const path = join(root, "big.txt");
  let lastWriteAt = 0;
  const writer = (async () => {
    for (let i = 0; i < 8; i++) {
      await Deno.writeTextFile(path, `chunk ${i}\n`, { append: true });
      lastWriteAt = performance.now();
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })();
  let yieldedAt = 0;
  let sizeAtYield = -1;
  const yielded = await collect({ root, stableMs: 200, rescanMs: 80 }, 1200, (file) => {
    yieldedAt = performance.now();
    sizeAtYield = Deno.statSync(file).size;
  });
  await writer;
  assert.deepEqual(yielded, ["big.txt"]);
  assert.equal(sizeAtYield, Deno.statSync(path).size);
  assert.ok(
    yieldedAt - lastWriteAt >= 150,
    `yielded ${yieldedAt - lastWriteAt} ms after the last write`,
  );
});

Deno.test("the pattern, temp names and recursion decide what is taken", async () => {
  await using temp = await tempDir("wats-watch-");
  const root = temp.path;
  await Deno.mkdir(join(root, "sub"));
  await Deno.mkdir(join(root, "Done"));
  for (const name of ["a.json", "b.txt", ".h.json", "c.json.tmp", "~d.json", "e.json~", "f.part"]) {
    await Deno.writeTextFile(join(root, name), "x");
  }
  await Deno.writeTextFile(join(root, "sub", "g.json"), "x");
  await Deno.writeTextFile(join(root, "Done", "old.json"), "x");
  const options = { root, pattern: "*.json", stableMs: 30, rescanMs: 10_000 };
  assert.deepEqual(await collect(options, 250), ["a.json"]);
  const recursive = await collect({ ...options, recursive: true, exclude: ["Done"] }, 250);
  assert.deepEqual(recursive.sort(), ["a.json", "sub/g.json"]);
  const byPath = await collect({ ...options, recursive: true, pattern: "sub/*.{json,xml}" }, 250);
  assert.deepEqual(byPath, ["sub/g.json"]);
});

Deno.test("a periodic rescan finds a file whose event was missed", async () => {
  await using temp = await tempDir("wats-watch-");
  const root = temp.path;
  await Deno.writeTextFile(join(root, "before-start.json"), "x");
  const writer = later(100, () => Deno.writeTextFile(join(root, "no-event.json"), "x"));
  const yielded = await collect({ root, stableMs: 30, rescanMs: 120, useEvents: false }, 600);
  await writer;
  assert.deepEqual(yielded, ["before-start.json", "no-event.json"]);
});

Deno.test("release makes a file eligible again; keepUntilChanged waits for a change", async () => {
  await using temp = await tempDir("wats-watch-");
  const root = temp.path;
  const path = join(root, "kept.json");
  await Deno.writeTextFile(path, "v1");
  const changer = later(300, () => Deno.writeTextFile(path, "v2, longer"));
  const yielded = await collect({ root, stableMs: 30, rescanMs: 50 }, 700, (file, watcher) => {
    watcher.release(file, { keepUntilChanged: true });
  });
  await changer;
  assert.deepEqual(yielded, ["kept.json", "kept.json"]);

  let count = 0;
  await collect({ root, stableMs: 30, rescanMs: 50 }, 400, (file, watcher) => {
    count++;
    watcher.release(file);
  });
  assert.ok(count >= 2, `released file yielded ${count} times`);
});

Deno.test({
  name: "a symlink pointing outside the watch folder is refused",
  ignore: !isPosix,
  fn: async () => {
    await using temp = await tempDir("wats-watch-");
    const root = temp.path;
    await using outsideTemp = await tempDir("wats-watch-");
    const outside = outsideTemp.path;
    await Deno.writeTextFile(join(outside, "secret.json"), "x");
    await Deno.writeTextFile(join(root, "real.json"), "x");
    await Deno.symlink(join(outside, "secret.json"), join(root, "escape.json"));
    await Deno.symlink(join(root, "real.json"), join(root, "alias.json"));
    const skipped: string[] = [];
    const yielded = await collect({
      root,
      stableMs: 30,
      rescanMs: 60,
      onSkip: (path, reason) => skipped.push(`${path.slice(root.length + 1)}: ${reason}`),
    }, 300);
    assert.deepEqual(yielded.sort(), ["alias.json", "real.json"]);
    assert.deepEqual(skipped, ["escape.json: symlink points outside the watch folder"]);
  },
});

Deno.test({
  name: "symlink loops neither hang nor crash the watcher",
  ignore: !isPosix,
  fn: async () => {
    await using temp = await tempDir("wats-watch-");
    const root = temp.path;
    await Deno.mkdir(join(root, "sub"));
    await Deno.symlink(join(root, "loop2.json"), join(root, "loop1.json"));
    await Deno.symlink(join(root, "loop1.json"), join(root, "loop2.json"));
    await Deno.symlink(root, join(root, "sub", "back"));
    await Deno.writeTextFile(join(root, "sub", "ok.json"), "x");
    const skipped: string[] = [];
    const yielded = await collect({
      root,
      recursive: true,
      stableMs: 30,
      rescanMs: 60,
      onSkip: (path) => skipped.push(path.slice(root.length + 1)),
    }, 400);
    assert.deepEqual(yielded, ["sub/ok.json"]);
    assert.deepEqual(skipped.sort(), ["loop1.json", "loop2.json"]);
  },
});

Deno.test("a file last written long ago is taken after a short confirming look", async () => {
  await using temp = await tempDir("wats-watch-");
  const root = temp.path;
  const path = join(root, "moved-in.json");
  await Deno.writeTextFile(path, "{}");
  const hourAgo = new Date(Date.now() - 3_600_000);
  await Deno.utime(path, hourAgo, hourAgo);
  const started = performance.now();
  let yieldedAt = 0;
  // stableMs is longer than the whole run: only the confirming wait (a fifth of it) fits.
  const yielded = await collect({ root, stableMs: 1_500, rescanMs: 60_000 }, 1_200, () => {
    yieldedAt = performance.now();
  });
  assert.deepEqual(yielded, ["moved-in.json"]);
  assert.ok(yieldedAt - started >= 250, `yielded after ${yieldedAt - started} ms`);
});

Deno.test("an old file that changes during the confirming look waits the full stableMs", async () => {
  await using temp = await tempDir("wats-watch-");
  const root = temp.path;
  const path = join(root, "reopened.txt");
  await Deno.writeTextFile(path, "start\n");
  const hourAgo = new Date(Date.now() - 3_600_000);
  await Deno.utime(path, hourAgo, hourAgo);
  let changedAt = 0;
  const writer = later(30, async () => {
    await Deno.writeTextFile(path, "more\n", { append: true });
    changedAt = performance.now();
  });
  let yieldedAt = 0;
  const yielded = await collect({ root, stableMs: 400, rescanMs: 60_000 }, 1_000, () => {
    yieldedAt = performance.now();
  });
  await writer;
  assert.deepEqual(yielded, ["reopened.txt"]);
  assert.ok(yieldedAt - changedAt >= 350, `yielded ${yieldedAt - changedAt} ms after the change`);
});
