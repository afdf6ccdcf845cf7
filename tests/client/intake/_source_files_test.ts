import assert from "node:assert/strict";
import { join } from "node:path";
import { moveInto, moveToError, roomyName } from "../../../client/intake/_source_files.ts";

const bytes = (text: string) => new TextEncoder().encode(text).length;

Deno.test("long names are shortened to leave room for a suffix and .reason.txt; short ones kept", () => {
  assert.equal(roomyName("run-1.json"), "run-1.json");
  const long = `${"ü".repeat(150)}.json`; // 305 bytes
  const roomy = roomyName(long);
  assert.ok(bytes(roomy) <= 215, `${bytes(roomy)} bytes`);
  assert.ok(roomy.endsWith(".json"));
  assert.notEqual(roomyName(`${"ü".repeat(150)}x.json`), roomy);
});

Deno.test("moves never overwrite: a taken name gets a time suffix", async () => {
  const root = await Deno.makeTempDir({ prefix: "wats-src-" });
  const done = join(root, "Done");
  for (let n = 0; n < 2; n++) {
    await Deno.writeTextFile(join(root, "run.json"), `v${n}`);
    await moveInto(join(root, "run.json"), done, Date.UTC(2026, 0, 1));
  }
  const names = [...Deno.readDirSync(done)].map((entry) => entry.name).sort();
  assert.deepEqual(names, ["run.json", "run_20260101T000000000Z.json"]);
});

Deno.test("a failed file goes to the error folder with its reason beside it", async () => {
  const root = await Deno.makeTempDir({ prefix: "wats-src-" });
  const name = `${"測".repeat(80)}.json`;
  await Deno.writeTextFile(join(root, name), "{");
  const moved = await moveToError(join(root, name), join(root, "Error"), {
    reason: "Not valid JSON:\nunexpected end",
    stage: "parse",
    converter: "wsjf",
  }, Date.UTC(2026, 0, 1));
  assert.equal(await Deno.readTextFile(moved), "{");
  const reason = await Deno.readTextFile(`${moved}.reason.txt`);
  assert.match(reason, /^reason: Not valid JSON: unexpected end$/m);
  assert.match(reason, /^stage: parse$/m);
  assert.match(reason, /^converter: wsjf$/m);
  await assert.rejects(Deno.lstat(join(root, name)), Deno.errors.NotFound);
});
