import { equal, match, ok } from "node:assert/strict";
import { ConversionError } from "../../converters/contract.ts";
import { bytesInput, fileInput } from "../../converters/input.ts";
import { rejection } from "./_helpers.ts";

async function readAll(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

Deno.test("fileInput streams, reads whole and decodes a real file", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/run 1.txt`;
    const content = "Ä".repeat(200_000);
    await Deno.writeTextFile(path, content);
    const input = await fileInput(path);
    equal(input.name, "run 1.txt");
    equal(input.size, 400_000);
    equal((await readAll(input.stream())).length, 400_000);
    equal((await readAll(input.stream())).length, 400_000, "stream() can be called again");
    equal(await input.text(), content);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("fileInput refuses a 200 MB file over the size limit at once, naming it", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/huge.csv`;
    const file = await Deno.open(path, { write: true, create: true });
    await file.truncate(200 * 1024 * 1024); // sparse: no 200 MB written
    file.close();
    const started = performance.now();
    const error = await rejection(fileInput(path));
    ok(performance.now() - started < 1000);
    ok(error instanceof ConversionError);
    equal(error.stage, "read");
    match(error.message, /huge\.csv: File is 200\.0 MiB, over the 100\.0 MiB limit/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("reading whole is refused above maxWholeBytes, streaming still works", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/big.log`;
    await Deno.writeFile(path, new Uint8Array(3000).fill(0x41));
    const input = await fileInput(path, { maxWholeBytes: 1000 });
    match(
      (await rejection(input.text())).message,
      /File is 2\.9 KiB, over the 1000 bytes limit for reading whole; the converter must stream it/,
    );
    equal((await readAll(input.stream())).length, 3000);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("fileInput names a missing file", async () => {
  const error = await rejection(fileInput("/nonexistent/run.xml"));
  match(error.message, /^\/nonexistent\/run\.xml: Cannot open the file/);
});

Deno.test("bytesInput streams in the chunk size asked and decodes text", async () => {
  const input = bytesInput("a.txt", "abcdefg", { chunkSize: 3 });
  const reader = input.stream().getReader();
  const sizes: number[] = [];
  for (let r = await reader.read(); !r.done; r = await reader.read()) sizes.push(r.value.length);
  equal(sizes.join(","), "3,3,1");
  equal(await input.text(), "abcdefg");
  match(
    (await rejection(bytesInput("b", "x".repeat(10), { maxWholeBytes: 5 }).bytes())).message,
    /must stream it/,
  );
});
