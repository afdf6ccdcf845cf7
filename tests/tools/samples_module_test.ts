/**
 * `client/commands/_samples.ts` holds exactly the files of `samples/`: the demo of an installed
 * package or a binary drops these, so a sample changed without `deno task samples` fails here.
 */

import assert from "node:assert/strict";
import { SAMPLE_FILES, sampleBytes } from "../../client/commands/_samples.ts";
import { renderSamplesModule, SAMPLES_MODULE } from "../../tools/samples_module.ts";

const SAMPLES = new URL("../../samples/", import.meta.url);
const STALE = "client/commands/_samples.ts is stale: run `deno task samples`";

/** Every regular file under the samples folder, relative with `/`. */
async function filesOnDisk(prefix = ""): Promise<string[]> {
  const paths: string[] = [];
  for await (const entry of Deno.readDir(new URL(prefix, SAMPLES))) {
    const path = `${prefix}${entry.name}`;
    if (entry.isDirectory) paths.push(...await filesOnDisk(`${path}/`));
    else if (entry.isFile) paths.push(path);
  }
  return paths;
}

Deno.test("the samples module holds every file of samples/ byte for byte", async () => {
  const onDisk = (await filesOnDisk()).sort();
  assert.ok(onDisk.length >= 20, `samples/ holds ${onDisk.length} files`);
  assert.deepEqual(SAMPLE_FILES.map((file) => file.path), onDisk, STALE);
  for (const file of SAMPLE_FILES) {
    const bytes = await Deno.readFile(new URL(file.path, SAMPLES));
    assert.deepEqual(sampleBytes(file), bytes, `${file.path}: ${STALE}`);
  }
  // The zip samples must survive as bytes, not as text.
  assert.ok(SAMPLE_FILES.some((file) => file.encoding === "base64"));
});

Deno.test("the samples module is what tools/samples_module.ts writes", async () => {
  assert.equal(await Deno.readTextFile(SAMPLES_MODULE), await renderSamplesModule(), STALE);
});
