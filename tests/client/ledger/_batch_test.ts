import assert from "node:assert/strict";
import { join } from "node:path";
import { InsertBatcher, MAX_BATCH } from "../../../client/ledger/_batch.ts";
import { tempDir } from "../../_temp.ts";

/** Opens a KV store in `dir` (a {@linkcode tempDir} the test removes). */
async function openKv(dir: string): Promise<Deno.Kv> {
  return await Deno.openKv(join(dir, "batch.kv"));
}

/** A committer that counts its commits. */
function counting(): {
  commits: number[];
  commit: (build: () => Deno.AtomicOperation) => Promise<Deno.KvCommitResult | Deno.KvCommitError>;
} {
  const commits: number[] = [];
  return {
    commits,
    commit: (build) => {
      commits.push(commits.length);
      return build().commit();
    },
  };
}

async function counter(kv: Deno.Kv): Promise<number> {
  return Number((await kv.get<Deno.KvU64>(["counter", "n"])).value?.value ?? 0n);
}

Deno.test("inserts made together share commits and all land", async () => {
  await using temp = await tempDir("wats-batch-");
  const kv = await openKv(temp.path);
  try {
    const { commits, commit } = counting();
    const batcher = new InsertBatcher(kv, commit);
    const results = await Promise.all(
      Array.from(
        { length: 250 },
        (_, i) => batcher.insert({ key: ["k", i], value: { i }, counter: ["counter", "n"] }),
      ),
    );
    assert.ok(results.every((isNew) => isNew));
    assert.equal(await counter(kv), 250);
    for (let i = 0; i < 250; i += 37) assert.deepEqual((await kv.get(["k", i])).value, { i });
    // The first call commits alone; the 249 that waited go out in batches of at most 100.
    assert.equal(commits.length, 1 + Math.ceil(249 / MAX_BATCH));
  } finally {
    kv.close();
  }
});

Deno.test("a batch with an existing key answers each insert on its own", async () => {
  await using temp = await tempDir("wats-batch-");
  const kv = await openKv(temp.path);
  try {
    await kv.set(["k", 3], "first");
    const batcher = new InsertBatcher(kv, (build) => build().commit());
    const results = await Promise.all(
      Array.from(
        { length: 6 },
        (_, i) => batcher.insert({ key: ["k", i], value: `v${i}`, counter: ["counter", "n"] }),
      ),
    );
    assert.deepEqual(results, [true, true, true, false, true, true]);
    assert.equal((await kv.get(["k", 3])).value, "first");
    assert.equal(await counter(kv), 5);
  } finally {
    kv.close();
  }
});

Deno.test("the same key twice among waiting inserts is set once and counted once", async () => {
  await using temp = await tempDir("wats-batch-");
  const kv = await openKv(temp.path);
  try {
    const batcher = new InsertBatcher(kv, (build) => build().commit());
    const results = await Promise.all([
      batcher.insert({ key: ["k", "lead"], value: 0, counter: ["counter", "n"] }),
      ...Array.from(
        { length: 4 },
        (_, i) => batcher.insert({ key: ["k", "same"], value: i, counter: ["counter", "n"] }),
      ),
    ]);
    assert.deepEqual(results, [true, true, false, false, false]);
    assert.equal((await kv.get(["k", "same"])).value, 0);
    assert.equal(await counter(kv), 2);
  } finally {
    kv.close();
  }
});

Deno.test("a commit that throws rejects every insert of its batch", async () => {
  await using temp = await tempDir("wats-batch-");
  const kv = await openKv(temp.path);
  try {
    const batcher = new InsertBatcher(kv, () => Promise.reject(new Error("disk full")));
    const results = await Promise.allSettled(
      Array.from(
        { length: 3 },
        (_, i) => batcher.insert({ key: ["k", i], value: i, counter: ["counter", "n"] }),
      ),
    );
    assert.ok(results.every((r) => r.status === "rejected" && /disk full/.test(String(r.reason))));
    assert.equal(await counter(kv), 0);
  } finally {
    kv.close();
  }
});
