import assert from "node:assert/strict";
import { ConflictError, NotFoundError, ValidationError } from "../../../mod.ts";
import { canTransition } from "../../../api/models/software.ts";
import { recordingClient, startEmulator } from "../../emulator/_helpers.ts";
import { makeZip } from "./_zip.ts";

const text = (s: string) => new TextEncoder().encode(s);

async function sha1(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-1", bytes.slice()));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

Deno.test("software.create makes drafts numbered per name; get, list, byName and byTag find them", async () => {
  await using h = await startEmulator();
  const sw = h.wats.software;
  const first = await sw.create({ name: "Seq", tags: [{ key: "line", value: "1" }] });
  const second = await sw.create({ name: "Seq", description: "v2" });
  const other = await sw.create({ name: "Drivers", tags: [{ key: "line", value: "2" }] });
  assert.deepEqual([first.status, first.version, second.version, other.version], [
    "Draft",
    1,
    2,
    1,
  ]);
  assert.equal((await sw.get(first.packageId!))?.name, "Seq");
  assert.equal((await sw.packages()).length, 3);
  assert.equal((await sw.byName("Seq"))?.version, 2);
  assert.deepEqual((await sw.byName("seq", { version: 1 }))?.packageId, first.packageId);
  assert.deepEqual((await sw.byTag("line", "1")).map((p) => p.packageId), [first.packageId]);
  assert.equal((await sw.byTag("line")).length, 2);
});

Deno.test("the package lifecycle moves Draft → Pending → Released → Revoked and refuses shortcuts", async () => {
  await using h = await startEmulator();
  const sw = h.wats.software;
  const { packageId } = await sw.create({ name: "Seq" });
  const id = packageId!;
  await assert.rejects(() => sw.release(id), ConflictError);
  assert.ok(await sw.submitForReview(id));
  assert.ok(await sw.returnToDraft(id));
  assert.equal((await sw.get(id))?.status, "Draft");
  await sw.submitForReview(id);
  assert.equal(await sw.released("Seq"), null, "a pending package is not released");
  assert.ok(await sw.release(id));
  assert.deepEqual((await sw.released("Seq"))?.packageId, id);
  const released = (await sw.get(id))!;
  await assert.rejects(() => sw.update({ ...released, description: "late edit" }), ConflictError);
  await assert.rejects(() => sw.delete(id), ConflictError);
  await assert.rejects(() => sw.returnToDraft(id), ConflictError);
  assert.ok(await sw.revoke(id));
  await assert.rejects(() => sw.revoke(id), ConflictError);
  assert.ok(await sw.delete(id));
  await assert.rejects(() => sw.get(id), NotFoundError);
  assert.equal(await h.client({ mode: "lenient" }).software.get(id), null);
  assert.deepEqual([canTransition("Draft", "Released"), canTransition("Pending", "Draft")], [
    false,
    true,
  ]);
});

Deno.test("uploadZip stores stored and deflated files; they list, download and take attributes", async () => {
  await using h = await startEmulator();
  const sw = h.wats.software;
  const { packageId } = await sw.create({ name: "Seq" });
  const id = packageId!;
  const main = text("main sequence ".repeat(200));
  const readme = text("read me");
  assert.ok(
    await sw.uploadZip(
      id,
      await makeZip([
        { name: "seq/main.seq", data: main, deflate: true },
        { name: "readme.txt", data: readme },
      ]),
    ),
  );
  const files = await sw.files(id);
  const byName = Object.fromEntries(files.map((f) => [f.filename, f]));
  assert.equal(byName["main.seq"].path, "seq");
  assert.deepEqual(byName["main.seq"].size, main.length);
  assert.deepEqual(byName["main.seq"].checksum, await sha1(main));
  assert.equal(byName["readme.txt"].path, "");
  assert.deepEqual(await sw.downloadFile(byName["main.seq"].fileId), main);
  assert.ok(await sw.setFileAttributes(byName["readme.txt"].fileId, "ReadOnly"));
  assert.equal(
    (await sw.files(id)).find((f) => f.filename === "readme.txt")?.attributes,
    "ReadOnly",
  );
  // a second upload replaces the file of the same path and keeps the others
  await sw.uploadZip(id, await makeZip([{ name: "readme.txt", data: text("new") }]));
  const after = await sw.files(id);
  assert.deepEqual(after.map((f) => f.filename).sort(), ["main.seq", "readme.txt"]);
  assert.equal(after.find((f) => f.filename === "readme.txt")?.size, 3);
  // a clean install removes everything first
  await sw.uploadZip(id, await makeZip([{ name: "only.txt", data: text("x") }]), {
    cleanInstall: true,
  });
  assert.deepEqual((await sw.files(id)).map((f) => f.filename), ["only.txt"]);
  await assert.rejects(() => sw.downloadFile(byName["main.seq"].fileId), NotFoundError);
});

Deno.test("uploading into a pending package is refused", async () => {
  await using h = await startEmulator();
  const sw = h.wats.software;
  const { packageId } = await sw.create({ name: "Seq" });
  await sw.submitForReview(packageId!);
  const zip = await makeZip([{ name: "late.txt", data: text("x") }]);
  await assert.rejects(() => sw.uploadZip(packageId!, zip), ConflictError);
  await assert.rejects(() => sw.uploadZip(packageId!, text("not a zip")), ConflictError);
});

Deno.test("a damaged zip is refused with a validation error", async () => {
  await using h = await startEmulator();
  const { packageId } = await h.wats.software.create({ name: "Seq" });
  await assert.rejects(
    () => h.wats.software.uploadZip(packageId!, text("not a zip")),
    ValidationError,
  );
});

Deno.test("invalid input is refused before anything is sent", async () => {
  await using h = await startEmulator();
  const sw = h.wats.software;
  await assert.rejects(() => sw.create({ name: "  " }), TypeError);
  await assert.rejects(() => sw.update({ name: "Seq" }), TypeError);
  await assert.rejects(() => sw.get(""), TypeError);
  assert.equal((await h.stats()).totalRequests, 0);
});

Deno.test("deleteByName needs a version when several exist", async () => {
  await using h = await startEmulator();
  const sw = h.wats.software;
  await sw.create({ name: "Seq" });
  await sw.create({ name: "Seq" });
  await assert.rejects(() => sw.deleteByName("Seq"), ValidationError);
  assert.ok(await sw.deleteByName("Seq", 1));
  assert.deepEqual((await sw.packages()).map((p) => p.version), [2]);
});

Deno.test("virtual folders and the internal routes, which need the Referer header", async () => {
  await using h = await startEmulator();
  const folders = await h.wats.software.virtualFolders();
  assert.equal(folders[0].name, "Root");
  assert.equal(await h.wats.software.isConnected(), true);
  // the same route without the Referer the service sends is refused
  await assert.rejects(
    () =>
      h.wats.request({
        method: "GET",
        path: "/api/internal/Software/isConnected",
        operation: "test.noReferer",
      }),
    ValidationError,
  );
});

Deno.test("a package is created with its documented defaults sent explicitly", async () => {
  await using h = await startEmulator();
  const { wats, sent } = recordingClient(h);
  const created = await wats.software.create({ name: "Firmware" });
  assert.deepEqual(created.status, "Draft");
  assert.deepEqual(sent.map((r) => [r.method, r.path, r.body]), [
    ["POST", "/api/Software/Package", { name: "Firmware", status: "Draft", installOnRoot: false }],
  ]);
});
