import assert from "node:assert/strict";
import { join } from "node:path";
import { isTempName, moveDurable, renameReplacing, writeFileDurable } from "../../client/_fs.ts";
import { platformFor } from "../../util/platform.ts";
import { tempDir } from "../_temp.ts";

const encoder = new TextEncoder();

async function names(folder: string): Promise<string[]> {
  const found: string[] = [];
  for await (const entry of Deno.readDir(folder)) found.push(entry.name);
  return found.sort();
}

Deno.test("writeFileDurable replaces the target and leaves no temp file", async () => {
  await using temp = await tempDir("wats-fs-");
  const folder = temp.path;
  const target = join(folder, "a.json");
  await writeFileDurable(target, encoder.encode("old"));
  await writeFileDurable(target, encoder.encode("new"), { mtime: Date.UTC(2026, 0, 2) });
  assert.equal(await Deno.readTextFile(target), "new");
  assert.equal((await Deno.stat(target)).mtime?.getTime(), Date.UTC(2026, 0, 2));
  assert.deepEqual(await names(folder), ["a.json"]);
});

Deno.test("a failed durable write removes its temp file and keeps the old target", async () => {
  await using temp = await tempDir("wats-fs-");
  const folder = temp.path;
  const target = join(folder, "taken");
  await Deno.mkdir(join(target, "child"), { recursive: true });
  await assert.rejects(writeFileDurable(target, encoder.encode("x")));
  assert.deepEqual(await names(folder), ["taken"]);
  assert.ok((await Deno.stat(target)).isDirectory);
});

Deno.test("moveDurable moves between folders, replacing the target", async () => {
  await using temp = await tempDir("wats-fs-");
  const folder = temp.path;
  await Deno.mkdir(join(folder, "from"));
  await Deno.mkdir(join(folder, "to"));
  await Deno.writeTextFile(join(folder, "from", "x"), "moved");
  await Deno.writeTextFile(join(folder, "to", "x"), "replaced");
  await moveDurable(join(folder, "from", "x"), join(folder, "to", "x"));
  assert.deepEqual(await names(join(folder, "from")), []);
  assert.equal(await Deno.readTextFile(join(folder, "to", "x")), "moved");
});

Deno.test("temp names are recognised, other names are not", () => {
  assert.ok(isTempName(".report.json.0a1b2c3d.tmp"));
  assert.ok(!isTempName("report.json"));
  assert.ok(!isTempName("report.tmp"));
});

/** What Deno throws on Windows for a sharing violation (error 32): a plain Error with a code. */
function sharingViolation(): Error {
  return Object.assign(new Error("The process cannot access the file (os error 32)"), {
    code: "EBUSY",
  });
}

Deno.test("on Windows a rename that fails with EBUSY three times is tried again and succeeds", async () => {
  const folder = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(join(folder, "a"), "moved");
    let failures = 3;
    const waits: number[] = [];
    await renameReplacing(join(folder, "a"), join(folder, "b"), {
      platform: platformFor("windows"),
      rename(from, to) {
        if (failures-- > 0) throw sharingViolation();
        Deno.renameSync(from, to);
      },
      sleep: (ms) => {
        waits.push(ms);
        return Promise.resolve();
      },
    });
    assert.equal(await Deno.readTextFile(join(folder, "b")), "moved");
    assert.equal(waits.length, 3);
    assert.ok(waits[0] < waits[1] && waits[1] < waits[2], `backoff grows: ${waits}`);

    // A lasting refusal ends after about five seconds of waits; off Windows EACCES is not retried.
    waits.length = 0;
    const denied = () => {
      throw Object.assign(new Error("Access is denied (os error 5)"), { code: "EACCES" });
    };
    const sleep = (ms: number) => {
      waits.push(ms);
      return Promise.resolve();
    };
    await assert.rejects(
      renameReplacing(join(folder, "b"), join(folder, "c"), {
        platform: platformFor("windows"),
        rename: denied,
        sleep,
      }),
      /Access is denied/,
    );
    const waited = waits.reduce((sum, ms) => sum + ms, 0);
    assert.ok(waited >= 3_000 && waited <= 10_000, `waited ${waited} ms`);
    waits.length = 0;
    await assert.rejects(
      renameReplacing(join(folder, "b"), join(folder, "c"), {
        platform: platformFor("linux"),
        rename: denied,
        sleep,
      }),
    );
    assert.equal(waits.length, 0);
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});

Deno.test("on Windows a rename is made durable by flushing the renamed file", async () => {
  const folder = await Deno.makeTempDir();
  try {
    await Deno.mkdir(join(folder, "from"));
    await Deno.mkdir(join(folder, "to"));
    await Deno.writeTextFile(join(folder, "from", "x"), "moved");
    const flushed: string[] = [];
    const record = {
      syncFile: (path: string) => Promise.resolve(void flushed.push(`file ${path}`)),
      syncFolder: (path: string) => Promise.resolve(void flushed.push(`folder ${path}`)),
    };
    await moveDurable(join(folder, "from", "x"), join(folder, "to", "x"), {
      platform: platformFor("windows"),
      ...record,
    });
    assert.deepEqual(flushed, [`file ${join(folder, "to", "x")}`]);
    flushed.length = 0;
    await writeFileDurable(join(folder, "to", "y"), encoder.encode("y"), {
      platform: platformFor("windows"),
      ...record,
    });
    assert.deepEqual(flushed, [`file ${join(folder, "to", "y")}`]);
    flushed.length = 0;
    // POSIX: both folders, the target's first.
    await moveDurable(join(folder, "to", "x"), join(folder, "from", "x"), {
      platform: platformFor("linux"),
      ...record,
    });
    assert.deepEqual(flushed, [`folder ${join(folder, "from")}`, `folder ${join(folder, "to")}`]);
    // The real flush of the Windows form works on this OS's files as well.
    await moveDurable(join(folder, "from", "x"), join(folder, "to", "x"), {
      platform: platformFor("windows"),
    });
    assert.equal(await Deno.readTextFile(join(folder, "to", "x")), "moved");
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});
