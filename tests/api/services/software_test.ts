import { assert, assertEquals, assertRejects } from "../../_assert.ts";
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
  assertEquals([first.status, first.version, second.version, other.version], ["Draft", 1, 2, 1]);
  assertEquals((await sw.get(first.packageId!))?.name, "Seq");
  assertEquals((await sw.packages()).length, 3);
  assertEquals((await sw.byName("Seq"))?.version, 2);
  assertEquals((await sw.byName("seq", { version: 1 }))?.packageId, first.packageId);
  assertEquals((await sw.byTag("line", "1")).map((p) => p.packageId), [first.packageId]);
  assertEquals((await sw.byTag("line")).length, 2);
});

Deno.test("the package lifecycle moves Draft → Pending → Released → Revoked and refuses shortcuts", async () => {
  await using h = await startEmulator();
  const sw = h.wats.software;
  const { packageId } = await sw.create({ name: "Seq" });
  const id = packageId!;
  await assertRejects(() => sw.release(id), ConflictError);
  assert(await sw.submitForReview(id));
  assert(await sw.returnToDraft(id));
  assertEquals((await sw.get(id))?.status, "Draft");
  await sw.submitForReview(id);
  assertEquals(await sw.released("Seq"), null, "a pending package is not released");
  assert(await sw.release(id));
  assertEquals((await sw.released("Seq"))?.packageId, id);
  const released = (await sw.get(id))!;
  await assertRejects(() => sw.update({ ...released, description: "late edit" }), ConflictError);
  await assertRejects(() => sw.delete(id), ConflictError);
  await assertRejects(() => sw.returnToDraft(id), ConflictError);
  assert(await sw.revoke(id));
  await assertRejects(() => sw.revoke(id), ConflictError);
  assert(await sw.delete(id));
  await assertRejects(() => sw.get(id), NotFoundError);
  assertEquals(await h.client({ mode: "lenient" }).software.get(id), null);
  assertEquals([canTransition("Draft", "Released"), canTransition("Pending", "Draft")], [
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
  assert(
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
  assertEquals(byName["main.seq"].path, "seq");
  assertEquals(byName["main.seq"].size, main.length);
  assertEquals(byName["main.seq"].checksum, await sha1(main));
  assertEquals(byName["readme.txt"].path, "");
  assertEquals(await sw.downloadFile(byName["main.seq"].fileId), main);
  assert(await sw.setFileAttributes(byName["readme.txt"].fileId, "ReadOnly"));
  assertEquals(
    (await sw.files(id)).find((f) => f.filename === "readme.txt")?.attributes,
    "ReadOnly",
  );
  // a second upload replaces the file of the same path and keeps the others
  await sw.uploadZip(id, await makeZip([{ name: "readme.txt", data: text("new") }]));
  const after = await sw.files(id);
  assertEquals(after.map((f) => f.filename).sort(), ["main.seq", "readme.txt"]);
  assertEquals(after.find((f) => f.filename === "readme.txt")?.size, 3);
  // a clean install removes everything first
  await sw.uploadZip(id, await makeZip([{ name: "only.txt", data: text("x") }]), {
    cleanInstall: true,
  });
  assertEquals((await sw.files(id)).map((f) => f.filename), ["only.txt"]);
  await assertRejects(() => sw.downloadFile(byName["main.seq"].fileId), NotFoundError);
});

Deno.test("uploading into a pending package is refused", async () => {
  await using h = await startEmulator();
  const sw = h.wats.software;
  const { packageId } = await sw.create({ name: "Seq" });
  await sw.submitForReview(packageId!);
  const zip = await makeZip([{ name: "late.txt", data: text("x") }]);
  await assertRejects(() => sw.uploadZip(packageId!, zip), ConflictError);
  await assertRejects(() => sw.uploadZip(packageId!, text("not a zip")), ConflictError);
});

Deno.test("a damaged zip is refused with a validation error", async () => {
  await using h = await startEmulator();
  const { packageId } = await h.wats.software.create({ name: "Seq" });
  await assertRejects(
    () => h.wats.software.uploadZip(packageId!, text("not a zip")),
    ValidationError,
  );
});

Deno.test("invalid input is refused before anything is sent", async () => {
  await using h = await startEmulator();
  const sw = h.wats.software;
  await assertRejects(() => sw.create({ name: "  " }), TypeError);
  await assertRejects(() => sw.update({ name: "Seq" }), TypeError);
  await assertRejects(() => sw.get(""), TypeError);
  assertEquals((await h.stats()).totalRequests, 0);
});

Deno.test("deleteByName needs a version when several exist", async () => {
  await using h = await startEmulator();
  const sw = h.wats.software;
  await sw.create({ name: "Seq" });
  await sw.create({ name: "Seq" });
  await assertRejects(() => sw.deleteByName("Seq"), ValidationError);
  assert(await sw.deleteByName("Seq", 1));
  assertEquals((await sw.packages()).map((p) => p.version), [2]);
});

Deno.test("virtual folders and the internal routes, which need the Referer header", async () => {
  await using h = await startEmulator();
  const folders = await h.wats.software.virtualFolders();
  assertEquals(folders[0].name, "Root");
  assertEquals(await h.wats.software.isConnected(), true);
  // the same route without the Referer the service sends is refused
  await assertRejects(
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
  assertEquals(created.status, "Draft");
  assertEquals(sent.map((r) => [r.method, r.path, r.body]), [
    ["POST", "/api/Software/Package", { name: "Firmware", status: "Draft", installOnRoot: false }],
  ]);
});
