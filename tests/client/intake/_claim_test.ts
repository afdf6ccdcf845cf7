import assert from "node:assert/strict";
import { join } from "node:path";
import {
  claimFile,
  CLAIMS_FOLDER,
  dropClaim,
  hasChangedSince,
  instanceName,
  releaseClaims,
  unclaimFile,
} from "../../../client/intake/_claim.ts";

async function withRoot(test: (root: string) => Promise<void>): Promise<void> {
  const root = await Deno.makeTempDir({ prefix: "wats-claim-" });
  try {
    await test(root);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

Deno.test("a claim moves the file into the instance's claim folder; a second claim finds it gone", async () => {
  await withRoot(async (root) => {
    const file = join(root, "a.json");
    await Deno.writeTextFile(file, "{}");
    const claimed = await claimFile(root, file, "inst-a");
    assert.equal(claimed, join(root, CLAIMS_FOLDER, "inst-a", "a.json"));
    assert.equal(await Deno.readTextFile(claimed!), "{}");
    assert.equal(await claimFile(root, file, "inst-b"), null);
    dropClaim(claimed!);
  });
});

Deno.test("a file of a name held already takes another slot and replaces nothing", async () => {
  await withRoot(async (root) => {
    const file = join(root, "a.json");
    await Deno.writeTextFile(file, "first");
    const first = await claimFile(root, file, "inst");
    await Deno.writeTextFile(file, "second");
    const second = await claimFile(root, file, "inst");
    assert.equal(second, join(root, CLAIMS_FOLDER, "inst", "#1", "a.json"));
    assert.equal(await Deno.readTextFile(first!), "first");
    assert.equal(await Deno.readTextFile(second!), "second");
    // Once the first has left (post action) and is forgotten, its name is free again.
    await Deno.remove(first!);
    dropClaim(first!);
    await Deno.writeTextFile(file, "third");
    const third = await claimFile(root, file, "inst");
    assert.equal(third, first);
    dropClaim(second!);
    dropClaim(third!);
  });
});

Deno.test("a claim left after a failed move is not replaced by a new file of its name", async () => {
  await withRoot(async (root) => {
    const file = join(root, "a.json");
    await Deno.writeTextFile(file, "stuck");
    const stuck = await claimFile(root, file, "inst");
    // The move on failed: the claim is never dropped, so it stays held.
    await Deno.writeTextFile(file, "new");
    const next = await claimFile(root, file, "inst");
    assert.notEqual(next, stuck);
    assert.equal(await Deno.readTextFile(stuck!), "stuck");
    dropClaim(stuck!);
    dropClaim(next!);
  });
});

Deno.test("releaseClaims gives every claimed file back, under a new name when its old one is taken", async () => {
  await withRoot(async (root) => {
    await Deno.mkdir(join(root, "sub"));
    for (const name of ["a.json", join("sub", "b.json")]) {
      await Deno.writeTextFile(join(root, name), name);
      await claimFile(root, join(root, name), "inst");
    }
    // Meanwhile a new a.json arrived.
    await Deno.writeTextFile(join(root, "a.json"), "newer");
    const given = await releaseClaims(root, "inst", Date.UTC(2026, 0, 1));
    assert.equal(given, 2);
    assert.equal(await Deno.readTextFile(join(root, "a.json")), "newer");
    assert.equal(await Deno.readTextFile(join(root, `a.json_${Date.UTC(2026, 0, 1)}`)), "a.json");
    assert.equal(await Deno.readTextFile(join(root, "sub", "b.json")), join("sub", "b.json"));
    const left = await Array.fromAsync(Deno.readDir(join(root, CLAIMS_FOLDER, "inst", "sub")));
    assert.deepEqual(left, []);
  });
});

Deno.test("unclaimFile drops the slot folder from the name it gives back", async () => {
  await withRoot(async (root) => {
    const file = join(root, "a.json");
    await Deno.writeTextFile(file, "1");
    const first = await claimFile(root, file, "inst");
    await Deno.writeTextFile(file, "2");
    const second = await claimFile(root, file, "inst");
    await Deno.remove(first!);
    dropClaim(first!);
    assert.equal(await unclaimFile(root, second!, "inst", 0), file);
    assert.equal(await Deno.readTextFile(file), "2");
  });
});

Deno.test("instance names differ by data folder and stay the same for one", () => {
  assert.equal(instanceName("/srv/a"), instanceName("/srv/a"));
  assert.notEqual(instanceName("/srv/a"), instanceName("/srv/b"));
  assert.match(instanceName("/srv/a"), /^[0-9a-f]{12}$/);
});

Deno.test("hasChangedSince tells a file written on from one left alone", async () => {
  await withRoot(async (root) => {
    const file = join(root, "a.json");
    await Deno.writeTextFile(file, "half");
    const info = await Deno.lstat(file);
    const seen = { size: info.size, mtime: info.mtime!.getTime() };
    assert.equal(await hasChangedSince(file, seen), false);
    assert.equal(await hasChangedSince(file, undefined), false);
    await Deno.writeTextFile(file, " and the rest", { append: true });
    assert.equal(await hasChangedSince(file, seen), true);
    await Deno.remove(file);
    assert.equal(await hasChangedSince(file, seen), true);
  });
});
