/**
 * The repository is whole on its own: a fresh clone has nothing beside it, so no file may point
 * outside it.
 */
import assert from "node:assert/strict";

const ROOT = new URL("../", import.meta.url);
/** The folder that sits beside the repository in the team's workspace, never in a user's clone. */
const OUTSIDE = ["..", "shared"].join("/");

/** The repository's files: the ones git tracks, or every file when there is no git checkout. */
async function repositoryFiles(): Promise<string[]> {
  try {
    const out = await new Deno.Command("git", {
      args: ["ls-files", "-z"],
      cwd: ROOT,
      stdout: "piped",
      stderr: "null",
    }).output();
    if (out.success) return new TextDecoder().decode(out.stdout).split("\0").filter(Boolean);
  } catch {
    // no git on this machine: walk the tree instead
  }
  const files: string[] = [];
  async function walk(dir: string): Promise<void> {
    for await (const entry of Deno.readDir(new URL(dir, ROOT))) {
      if (entry.name === ".git") continue;
      const path = dir + entry.name;
      if (entry.isDirectory) await walk(`${path}/`);
      else if (entry.isFile) files.push(path);
    }
  }
  await walk("");
  return files;
}

Deno.test("no file in the repository names the folder beside it", async () => {
  const files = await repositoryFiles();
  assert.ok(files.includes("deno.json"), "the file list holds deno.json");
  const offenders: string[] = [];
  for (const file of files) {
    const bytes = await Deno.readFile(new URL(file, ROOT)).catch(() => null);
    if (bytes && new TextDecoder().decode(bytes).includes(OUTSIDE)) offenders.push(file);
  }
  assert.deepEqual(offenders, []);
});

Deno.test("the report fixtures are in the repository with their source and licence", async () => {
  const source = await Deno.readTextFile(new URL("tests/fixtures/reports/SOURCE.md", ROOT));
  assert.match(source, /MIT License/);
  for (const name of ["uut-wsjf-export.json", "uur_example.json", "uut-wsxf-export.xml"]) {
    const info = await Deno.stat(new URL(`tests/fixtures/reports/${name}`, ROOT));
    assert.ok(info.isFile && info.size > 0, name);
  }
});
