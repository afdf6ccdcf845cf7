/**
 * The README's API examples run as a user would run them: the quick start and each block under
 * "Every domain" is written to a file and run as its own program, with only network access to a
 * fresh emulator and the `WATS_*` variables, and must exit 0 (their `assert`s pass). Blocks of
 * other languages (shell, JSON) are not programs and are left out by their fence.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { serveEmulator } from "../emulator/mod.ts";
import { REPO_ROOT } from "./_processes.ts";
import { tempDir } from "./_temp.ts";

const CONFIG = join(REPO_ROOT, "deno.json");
const SECTIONS = ["Quick start: the API", "Every domain"];
const PROGRAMS = new Set(["ts", "js"]);

/** A fenced code block of the README. */
interface Block {
  section: string;
  language: string;
  line: number;
  code: string;
}

function codeBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  let section = "";
  let open: Block | null = null;
  for (const [i, line] of markdown.split(/\r?\n/).entries()) {
    if (open !== null) {
      if (line.startsWith("```")) {
        blocks.push(open);
        open = null;
      } else open.code += `${line}\n`;
    } else if (line.startsWith("```")) {
      open = { section, language: line.slice(3).trim().split(/\s+/)[0], line: i + 1, code: "" };
    } else if (line.startsWith("## ")) section = line.slice(3).trim();
  }
  return blocks;
}

const blocks = codeBlocks(await Deno.readTextFile(join(REPO_ROOT, "README.md")))
  .filter((b) => SECTIONS.includes(b.section) && PROGRAMS.has(b.language));

Deno.test("the README has a quick start and domain examples to run", () => {
  for (const section of SECTIONS) {
    assert.ok(blocks.some((b) => b.section === section), `no ts block under "${section}"`);
  }
});

for (const block of blocks) {
  Deno.test(`README block at line ${block.line} (${block.section}) runs against the emulator`, async () => {
    await using temp = await tempDir("wats-readme-");
    await using emulator = await serveEmulator({ port: 0 });
    const file = join(temp.path, `block_${block.line}.${block.language}`);
    await Deno.writeTextFile(file, block.code);
    const run = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--config",
        CONFIG,
        "--no-prompt",
        "--allow-net=127.0.0.1",
        "--allow-env=WATS_BASE_URL,WATS_TOKEN,WATS_TIMEOUT",
        file,
      ],
      env: { WATS_BASE_URL: emulator.url, WATS_TOKEN: emulator.token },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder();
    assert.equal(
      run.code,
      0,
      `README line ${block.line} exited ${run.code}:\n${text.decode(run.stderr)}${
        text.decode(run.stdout)
      }`,
    );
  });
}
