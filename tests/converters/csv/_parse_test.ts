import { deepStrictEqual, equal, match } from "node:assert/strict";
import { seeded } from "../../_random.ts";
import { csvRecords, detectSeparator } from "../../../converters/csv/_parse.ts";
import { bytesInput } from "../../../converters/input.ts";
import { rejection } from "../_helpers.ts";

async function records(
  text: string,
  separator = "auto",
  chunkSize = 5,
): Promise<[number, string[]][]> {
  const out: [number, string[]][] = [];
  const stream = bytesInput("t.csv", text, { chunkSize }).stream();
  for await (const r of csvRecords(stream, { file: "t.csv", separator })) {
    out.push([r.line, r.fields]);
  }
  return out;
}

Deno.test("detectSeparator picks the most frequent separator outside quotes", () => {
  equal(detectSeparator("a;b;c"), ";");
  equal(detectSeparator("a\tb\tc,d"), "\t");
  equal(detectSeparator('"x;y;z",b,c'), ",");
  equal(detectSeparator("single"), ",");
});

Deno.test("quoted fields keep separators, doubled quotes and line breaks", async () => {
  const text = 'id;note;v\r\n1;"a;b ""q""";2\r\n2;"multi\nline";3\r\n\r\n3;;\n';
  deepStrictEqual(await records(text), [
    [1, ["id", "note", "v"]],
    [2, ["1", 'a;b "q"', "2"]],
    [3, ["2", "multi\nline", "3"]],
    [6, ["3", "", ""]],
  ]);
});

Deno.test("a BOM is dropped and tabs work as separator", async () => {
  deepStrictEqual(await records("\ufeffa\tb\n1\t2\n", "auto", 2), [[1, ["a", "b"]], [2, [
    "1",
    "2",
  ]]]);
});

Deno.test("an unclosed quote is a truncated file, naming its line", async () => {
  const error = await rejection(records('a,b\n1,"never closed\n2,3\n'));
  match(error.message, /^t\.csv:2: Truncated file: a quoted field is never closed$/);
});

Deno.test("unquoted records split as String.split does, empty fields included", async () => {
  const next = seeded(99);
  const alphabet = ["a", "1", ".", " ", ",", ";", "\t", "é", "-"];
  for (const sep of [",", ";", "\t"]) {
    const rows: string[] = [];
    for (let i = 0; i < 300; i++) {
      let row = "x";
      const length = Math.floor(next() * 30);
      for (let c = 0; c < length; c++) row += alphabet[Math.floor(next() * alphabet.length)];
      rows.push(row);
    }
    const got = await records(rows.join("\n"), sep, 17);
    deepStrictEqual(got, rows.map((row, i) => [i + 1, row.split(sep)]), `separator ${sep}`);
  }
});
