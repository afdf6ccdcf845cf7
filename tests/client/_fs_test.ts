import assert from "node:assert/strict";
import { join } from "node:path";
import { isTempName, moveDurable, sha256Hex, writeFileDurable } from "../../client/_fs.ts";

const encoder = new TextEncoder();

async function names(folder: string): Promise<string[]> {
  const found: string[] = [];
  for await (const entry of Deno.readDir(folder)) found.push(entry.name);
  return found.sort();
}

Deno.test("writeFileDurable replaces the target and leaves no temp file", async () => {
  const folder = await Deno.makeTempDir();
  const target = join(folder, "a.json");
  await writeFileDurable(target, encoder.encode("old"));
  await writeFileDurable(target, encoder.encode("new"), { mtime: Date.UTC(2026, 0, 2) });
  assert.equal(await Deno.readTextFile(target), "new");
  assert.equal((await Deno.stat(target)).mtime?.getTime(), Date.UTC(2026, 0, 2));
  assert.deepEqual(await names(folder), ["a.json"]);
});

Deno.test("a failed durable write removes its temp file and keeps the old target", async () => {
  const folder = await Deno.makeTempDir();
  const target = join(folder, "taken");
  await Deno.mkdir(join(target, "child"), { recursive: true });
  await assert.rejects(writeFileDurable(target, encoder.encode("x")));
  assert.deepEqual(await names(folder), ["taken"]);
  assert.ok((await Deno.stat(target)).isDirectory);
});

Deno.test("moveDurable moves between folders, replacing the target", async () => {
  const folder = await Deno.makeTempDir();
  await Deno.mkdir(join(folder, "from"));
  await Deno.mkdir(join(folder, "to"));
  await Deno.writeTextFile(join(folder, "from", "x"), "moved");
  await Deno.writeTextFile(join(folder, "to", "x"), "replaced");
  await moveDurable(join(folder, "from", "x"), join(folder, "to", "x"));
  assert.deepEqual(await names(join(folder, "from")), []);
  assert.equal(await Deno.readTextFile(join(folder, "to", "x")), "moved");
});

Deno.test("sha256Hex gives the same digest for bytes and for a stream", async () => {
  const abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
  assert.equal(await sha256Hex(encoder.encode("abc")), abc);
  const stream = ReadableStream.from([encoder.encode("a"), encoder.encode("bc")]);
  assert.equal(await sha256Hex(stream), abc);
});

Deno.test("temp names are recognised, other names are not", () => {
  assert.ok(isTempName(".report.json.0a1b2c3d.tmp"));
  assert.ok(!isTempName("report.json"));
  assert.ok(!isTempName("report.tmp"));
});
