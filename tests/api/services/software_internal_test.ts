import assert from "node:assert/strict";
import { ConflictError, NotFoundError, ValidationError } from "../../../mod.ts";
import { startEmulator } from "../../emulator/_helpers.ts";
import { makeZip } from "./_zip.ts";

const text = (s: string) => new TextEncoder().encode(s);

async function sha1(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-1", bytes.slice()));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

Deno.test("folders are created, read back, renamed with their files, and deleted with them", async () => {
  await using h = await startEmulator();
  const sw = h.wats.software;
  const id = (await sw.create({ name: "Seq" })).packageId!;
  const seq = await sw.internal.createFolder(id, { name: "seq" });
  const lib = await sw.internal.createFolder(id, {
    name: "lib",
    parentFolderId: seq.packageFolderId,
  });
  assert.deepEqual([seq.path, lib.path, lib.parentFolderId], [
    "seq",
    "seq/lib",
    seq.packageFolderId,
  ]);
  await assert.rejects(() => sw.internal.createFolder(id, { name: "seq" }), ConflictError);
  await assert.rejects(() => sw.internal.createFolder(id, { name: "a/b" }), ValidationError);
  await assert.rejects(
    () => sw.internal.createFolder(id, { name: "x", parentFolderId: crypto.randomUUID() }),
    NotFoundError,
  );
  const a = text("library");
  await sw.uploadZip(
    id,
    await makeZip([{ name: "seq/lib/a.txt", data: a }, { name: "readme.txt", data: text("r") }]),
  );

  const check = await sw.internal.checkFile(id, "lib/a.txt", {
    parentFolderId: seq.packageFolderId,
    checksum: (await sha1(a)).toUpperCase(),
    fileDate: new Date("2000-01-01T00:00:00Z"),
  });
  assert.deepEqual([check.exists, check.checksumMatches, check.isNewer], [true, true, false]);
  const stale = await sw.internal.checkFile(id, "seq/lib/a.txt", { checksum: "00" });
  assert.deepEqual([stale.exists, stale.checksumMatches, stale.isNewer], [true, false, null]);
  assert.deepEqual((await sw.internal.checkFile(id, "lib/b.txt")).exists, false);

  const renamed = await sw.internal.updateFolder({
    packageFolderId: seq.packageFolderId,
    name: "sequences",
  });
  assert.deepEqual(renamed.path, "sequences");
  await assert.rejects(
    () =>
      sw.internal.updateFolder({
        packageFolderId: seq.packageFolderId,
        parentFolderId: lib.packageFolderId,
      }),
    ValidationError,
  );
  const details = await sw.internal.details(id);
  assert.deepEqual(details.folders?.map((f) => f.path).sort(), ["sequences", "sequences/lib"]);
  assert.deepEqual(details.files?.find((f) => f.filename === "a.txt")?.path, "sequences/lib");
  assert.deepEqual(details.downloadCount, 0);

  const readme = details.files!.find((f) => f.filename === "readme.txt")!;
  assert.ok(await sw.internal.deleteFiles([readme.fileId]));
  await assert.rejects(() => sw.internal.deleteFiles([readme.fileId]), NotFoundError);
  assert.ok(await sw.internal.deleteFolder(lib.packageFolderId));
  const after = await sw.internal.details(id);
  assert.deepEqual(after.folders?.map((f) => f.name), ["sequences"]);
  assert.deepEqual(after.files, []);
  await assert.rejects(() => sw.downloadFile(check.fileId!), NotFoundError);
  await assert.rejects(() => sw.internal.deleteFolder(lib.packageFolderId), NotFoundError);
  await assert.rejects(() => sw.internal.deleteFolder("not-a-guid"), ValidationError);
  await sw.submitForReview(id);
  await assert.rejects(() => sw.internal.createFolder(id, { name: "late" }), ConflictError);
  await assert.rejects(() => sw.internal.deleteFolder(seq.packageFolderId), ConflictError);
});

Deno.test("stations learn which packages are available, replaced or revoked, and log downloads", async () => {
  await using h = await startEmulator();
  const sw = h.wats.software;
  const release = async (name: string, tag: string) => {
    const pkg = await sw.create({ name, tags: [{ key: "line", value: tag }] });
    await sw.submitForReview(pkg.packageId!);
    await sw.release(pkg.packageId!);
    return pkg.packageId!;
  };
  const seq1 = await release("Seq", "1");
  const drivers = await release("Drivers", "2");
  const seq2 = await release("Seq", "1");
  const draft = (await sw.create({ name: "Draft" })).packageId!;
  assert.deepEqual(
    (await sw.internal.available([seq1])).map((p) => p.packageId).sort(),
    [
      drivers,
      seq2,
    ].sort(),
  );
  assert.deepEqual(await sw.internal.available([seq2, drivers]), []);
  assert.deepEqual((await sw.internal.revoked([seq1, drivers])).map((p) => p.packageId), [seq1]);
  assert.deepEqual(await sw.internal.revoked([seq1, drivers], true), []);
  await sw.revoke(drivers);
  assert.deepEqual((await sw.internal.revoked([seq2, drivers], true)).map((p) => p.packageId), [
    drivers,
  ]);
  await assert.rejects(() => sw.internal.revoked([crypto.randomUUID()]), NotFoundError);
  await assert.rejects(() => sw.internal.available(["nope"]), ValidationError);

  const history = await sw.internal.history({ tags: ["line=1"], allVersions: true });
  assert.deepEqual(history.map((p) => p.version), [2, 1]);
  assert.deepEqual((await sw.internal.history({ tags: ["line"] })).map((p) => p.packageId), [
    drivers,
    seq2,
  ]);
  assert.deepEqual((await sw.internal.history({ status: "Draft" })).map((p) => p.packageId), [
    draft,
  ]);

  assert.ok(await sw.internal.logDownload(seq2, 1234));
  assert.ok(await sw.internal.logDownload(drivers));
  const log = await sw.internal.downloadHistory(atob(h.emulator.token).split(":")[0]);
  assert.deepEqual(
    log.map((d) => [d.packageId, d.downloadSize]).sort(),
    [
      [drivers, 0],
      [seq2, 1234],
    ].sort(),
  );
  assert.deepEqual(await sw.internal.downloadHistory("someone-else"), []);
  assert.deepEqual((await sw.internal.details(seq2)).downloadCount, 1);
  await assert.rejects(() => sw.internal.logDownload(crypto.randomUUID()), NotFoundError);
});

Deno.test("the internal software routes refuse a call without the Referer header", async () => {
  await using h = await startEmulator();
  const { packageId } = await h.wats.software.create({ name: "Seq" });
  await assert.rejects(
    () =>
      h.wats.request({
        method: "GET",
        path: "/api/internal/Software/GetSoftwareEntityDetails",
        query: { packageId: packageId! },
        operation: "test.noReferer",
      }),
    ValidationError,
  );
  await assert.rejects(() => h.wats.software.internal.deleteFiles([]), TypeError);
  assert.deepEqual((await h.wats.software.internal.details(packageId!)).name, "Seq");
});
