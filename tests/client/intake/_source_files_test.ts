import assert from "node:assert/strict";
import { join } from "node:path";
import { moveInto, moveToError, roomyName } from "../../../client/intake/_source_files.ts";
import { tempDir } from "../../_temp.ts";
import { platformFor } from "../../../util/platform.ts";

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
  await using temp = await tempDir("wats-src-");
  const root = temp.path;
  const done = join(root, "Done");
  for (let n = 0; n < 2; n++) {
    await Deno.writeTextFile(join(root, "run.json"), `v${n}`);
    await moveInto(join(root, "run.json"), done, Date.UTC(2026, 0, 1));
  }
  const names = [...Deno.readDirSync(done)].map((entry) => entry.name).sort();
  assert.deepEqual(names, ["run.json", "run_20260101T000000000Z.json"]);
});

Deno.test("a failed file goes to the error folder with its reason beside it", async () => {
  await using temp = await tempDir("wats-src-");
  const root = temp.path;
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

Deno.test("reason files have CRLF line endings on Windows and LF on POSIX", async () => {
  await using temp = await tempDir("wats-reason-");
  const facts = { reason: "Not a WSJF report", stage: "parse", converter: "wsjf" };
  for (const [os, ending] of [["windows", "\r\n"], ["linux", "\n"]] as const) {
    const source = join(temp.path, `${os}.json`);
    await Deno.writeTextFile(source, "{}");
    const moved = await moveToError(source, join(temp.path, "Error"), facts, Date.UTC(2026, 0, 1), {
      platform: platformFor(os),
    });
    const text = await Deno.readTextFile(`${moved}.reason.txt`);
    const lines = text.split(ending);
    assert.equal(lines[0], "reason: Not a WSJF report");
    assert.equal(lines.at(-1), "", "ends with a line ending");
    assert.ok(lines.every((line) => !line.includes("\n")), JSON.stringify(text));
  }
});
