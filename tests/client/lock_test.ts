import assert from "node:assert/strict";
import { join } from "node:path";
import {
  HOLDER_FILE,
  InstanceLock,
  isLocked,
  LOCK_FILE,
  LockHeldError,
  readLockInfo,
} from "../../client/lock.ts";
import { tempDir } from "../_temp.ts";

Deno.test("a second lock on the same data folder is refused, naming the holder", async () => {
  await using temp = await tempDir("wats-lock-");
  const dataDir = temp.path;
  const lock = await InstanceLock.acquire(dataDir, {
    version: "1.2.3",
    configPath: "/etc/wats.json",
  });
  try {
    await lock.update({ statusUrl: "http://127.0.0.1:8181" });
    assert.equal(await isLocked(dataDir), true);
    const error = await InstanceLock.acquire(dataDir, { version: "1.2.3" }).catch((caught) =>
      caught
    );
    assert.ok(error instanceof LockHeldError);
    assert.equal(error.holder?.pid, Deno.pid);
    assert.match(error.message, new RegExp(`process ${Deno.pid}.*status http://127.0.0.1:8181`));
    assert.match(error.message, /--data-dir/);
    const info = await readLockInfo(dataDir);
    assert.equal(info?.version, "1.2.3");
    assert.equal(info?.configPath, "/etc/wats.json");
  } finally {
    lock.release();
  }
  assert.equal(await isLocked(dataDir), false);
  const again = await InstanceLock.acquire(dataDir, { version: "1.2.3" });
  again.release();
});

Deno.test("a lock file left by a killed process is taken over and reported as stale", async () => {
  await using temp = await tempDir("wats-lock-");
  const dataDir = temp.path;
  // What a service killed with SIGKILL leaves: the file, but no OS lock on it.
  await Deno.writeTextFile(
    join(dataDir, LOCK_FILE),
    JSON.stringify({
      pid: 999_999,
      dataDir,
      startedAt: "2026-01-01T00:00:00.000Z",
      version: "0.0.1",
    }),
  );
  assert.equal(await isLocked(dataDir), false);
  const lock = await InstanceLock.acquire(dataDir, { version: "1.2.3" });
  try {
    assert.equal(lock.staleHolder?.pid, 999_999);
    assert.equal((await readLockInfo(dataDir))?.pid, Deno.pid);
  } finally {
    lock.release();
  }
});

Deno.test("the holder is read while the lock is held, from a durable file of its own", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "wats-lock-" });
  try {
    const lock = await InstanceLock.acquire(dataDir, { version: "1.2.3" });
    try {
      await lock.update({ statusUrl: "http://127.0.0.1:8181" });
      // On Windows LockFileEx keeps every other handle out of the lock file: nothing may be
      // needed from it.
      assert.equal((await Deno.stat(join(dataDir, LOCK_FILE))).size, 0);
      const holder = JSON.parse(await Deno.readTextFile(join(dataDir, HOLDER_FILE)));
      assert.equal(holder.pid, Deno.pid);
      assert.equal(holder.statusUrl, "http://127.0.0.1:8181");
      assert.equal(await isLocked(dataDir), true);
      assert.equal((await readLockInfo(dataDir))?.pid, Deno.pid);
      const names = [];
      for await (const entry of Deno.readDir(dataDir)) names.push(entry.name);
      assert.deepEqual(names.sort(), [HOLDER_FILE, LOCK_FILE], "no temp file is left");
    } finally {
      lock.release();
    }
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});
