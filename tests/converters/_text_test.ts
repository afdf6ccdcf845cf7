import { deepStrictEqual, equal, match, throws } from "node:assert/strict";
import { seeded } from "../_random.ts";
import { ConversionError } from "../../converters/contract.ts";
import {
  decodeText,
  detectEncoding,
  isBlank,
  lineBatches,
  lines,
  parseFiniteNumber,
  parseNumber,
  plainDecimal,
  trimmed,
} from "../../converters/_text.ts";

function utf16(text: string, bigEndian: boolean, bom: boolean): Uint8Array {
  const out = new Uint8Array((text.length + (bom ? 1 : 0)) * 2);
  let o = 0;
  const put = (code: number) => {
    out[o++] = bigEndian ? code >> 8 : code & 0xff;
    out[o++] = bigEndian ? code & 0xff : code >> 8;
  };
  if (bom) put(0xfeff);
  for (let i = 0; i < text.length; i++) put(text.charCodeAt(i));
  return out;
}

function chunked(bytes: Uint8Array, size: number): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(offset, offset + size));
      offset += size;
    },
  });
}

async function allLines(bytes: Uint8Array, size: number): Promise<[number, string][]> {
  const out: [number, string][] = [];
  for await (const { text, line } of lines(chunked(bytes, size), { file: "t.txt" })) {
    out.push([line, text]);
  }
  return out;
}

Deno.test("decodeText reads UTF-8 with and without BOM", () => {
  const text = "Spänning 5 V – ok";
  const plain = new TextEncoder().encode(text);
  equal(decodeText(plain, "a.txt"), text);
  equal(decodeText(new Uint8Array([0xef, 0xbb, 0xbf, ...plain]), "a.txt"), text);
});

Deno.test("decodeText reads UTF-16 LE and BE, with BOM and without", () => {
  const text = "SerialNumber\tSN-1\nÄ";
  for (const bigEndian of [false, true]) {
    for (const bom of [true, false]) {
      equal(decodeText(utf16(text, bigEndian, bom), "u.txt"), text, `be=${bigEndian} bom=${bom}`);
    }
  }
  deepStrictEqual(detectEncoding(utf16("abc", true, false)), {
    encoding: "utf-16be",
    bomLength: 0,
  });
});

Deno.test("decodeText falls back to Windows-1252 for Latin-1 bytes", () => {
  // "Prüfung 25 °C" in Latin-1: ü = 0xfc, ° = 0xb0; the euro sign is 0x80 in Windows-1252.
  const bytes = new Uint8Array([
    ...new TextEncoder().encode("Pr"),
    0xfc,
    ...new TextEncoder().encode("fung 25 "),
    0xb0,
    0x43,
    0x20,
    0x80,
  ]);
  equal(decodeText(bytes, "l.txt"), "Prüfung 25 °C €");
});

Deno.test("decodeText refuses binary junk, naming the file and line", () => {
  const junk = new Uint8Array(4096);
  const next = seeded(7);
  for (let i = 0; i < junk.length; i++) junk[i] = Math.floor(next() * 256);
  throws(
    () => decodeText(junk, "junk.bin"),
    /^ConversionError: junk\.bin:\d+: Binary data, not text/,
  );
  throws(() => decodeText(new TextEncoder().encode("line 1\nline 2\nbad\0byte"), "x.txt"), (e) => {
    if (!(e instanceof ConversionError)) return false;
    equal(e.line, 3);
    equal(e.stage, "decode");
    match(e.message, /^x\.txt:3: Binary data, not text/);
    return true;
  });
});

Deno.test("decodeText refuses text full of control characters", () => {
  const bytes = new Uint8Array(200).fill(0x01);
  throws(() => decodeText(bytes, "c.bin"), /Binary data, not text \(control characters\)/);
});

Deno.test("lines splits CRLF, LF and CR with line numbers across any chunk split", async () => {
  const text = "first\r\nsecond\nthird\rfourth\r\n\r\nsixth";
  const bytes = new TextEncoder().encode(text);
  const expected: [number, string][] = [[1, "first"], [2, "second"], [3, "third"], [4, "fourth"], [
    5,
    "",
  ], [6, "sixth"]];
  for (const size of [1, 2, 3, 5, 7, 64]) {
    deepStrictEqual(await allLines(bytes, size), expected, `chunk ${size}`);
  }
});

Deno.test("lines keeps multi-byte UTF-8 characters split between chunks", async () => {
  const text = "Ω1\n€2\n😀3";
  const bytes = new TextEncoder().encode(text);
  for (const size of [1, 2, 3]) {
    deepStrictEqual(await allLines(bytes, size), [[1, "Ω1"], [2, "€2"], [3, "😀3"]]);
  }
});

Deno.test("lines switches to Windows-1252 when a later chunk is not UTF-8", async () => {
  const bytes = new Uint8Array([...new TextEncoder().encode("ok\nT="), 0xb0, 0x43, 0x0a]);
  deepStrictEqual(await allLines(bytes, 4), [[1, "ok"], [2, "T=°C"]]);
});

Deno.test("lines streams UTF-16 with a BOM", async () => {
  deepStrictEqual(await allLines(utf16("a\r\nb", false, true), 3), [[1, "a"], [2, "b"]]);
});

Deno.test("lines refuses binary data at its line and bounds the line length", async () => {
  const bytes = new TextEncoder().encode("a\nb\nc\0d\n");
  const error = await (async () => {
    try {
      await allLines(bytes, 2);
    } catch (e) {
      return e;
    }
  })();
  if (!(error instanceof ConversionError)) throw new Error("expected a ConversionError");
  equal(error.line, 3);
  const long = new TextEncoder().encode("x".repeat(5000));
  let caught: unknown;
  try {
    for await (
      const _ of lines(chunked(long, 512), { file: "l.txt", maxLineLength: 1000 })
    ) { /* read */ }
  } catch (e) {
    caught = e;
  }
  match(String(caught), /Line is longer than 1000 characters/);
});

Deno.test("parseNumber reads plain, scientific and non-finite forms", () => {
  const at = { file: "n.txt", line: 4 };
  equal(parseNumber(" 5.012 ", at), 5.012);
  equal(parseNumber("-1.5e-3", at), -0.0015);
  equal(parseNumber("+.5", at), 0.5);
  equal(parseNumber("NaN", at), "NaN");
  equal(parseNumber("inf", at), "Inf");
  equal(parseNumber("-Infinity", at), "-Inf");
  equal(parseNumber("1.#INF", at), "Inf");
});

Deno.test("parseNumber reads decimal commas only when asked", () => {
  const at = { file: "n.csv", line: 2, decimalComma: true };
  equal(parseNumber("4,95", at), 4.95);
  equal(parseNumber("1.234,5", at), 1234.5);
  equal(parseNumber("-0,001", at), -0.001);
  equal(parseNumber("2.5", at), 2.5);
  throws(() => parseNumber("4,95", { file: "n.csv", line: 2 }), /Not a number: "4,95"/);
});

Deno.test("parseNumber refuses overflow and junk with the place", () => {
  throws(() => parseNumber("1e999", { file: "m.txt", line: 9, element: "Value" }), (e) => {
    if (!(e instanceof ConversionError)) return false;
    equal(e.message, 'm.txt:9 <Value>: Number out of range: "1e999"');
    return true;
  });
  throws(() => parseNumber("0x10", { file: "m.txt" }), /Not a number: "0x10"/);
  throws(() => parseNumber("", { file: "m.txt" }), /Not a number/);
  throws(() => parseNumber("5 V", { file: "m.txt" }), /Not a number/);
  throws(() => parseFiniteNumber("NaN", { file: "m.txt" }), /Expected a finite number, got "NaN"/);
});

Deno.test("parseNumber's fast path refuses what its slow path refuses", () => {
  const at = { file: "n.txt" };
  equal(parseNumber("0", at), 0);
  equal(parseNumber("-0", at), -0);
  equal(parseNumber("007", at), 7);
  equal(parseNumber("0.5", at), 0.5);
  equal(parseNumber("\t1.5\u00a0", at), 1.5);
  for (const text of ["0x1A", "0B11", "0o17", " 0x1A", "-0x1", " ", "\u00a0", "1_000", "."]) {
    throws(() => parseNumber(text, at), /Not a number/, text);
  }
});

Deno.test("plainDecimal reads exactly what Number() reads, and nothing else", () => {
  // Edge cases, then random decimals of every length the fast path takes and a few it does not.
  const samples = [
    "0",
    "-0",
    "+0",
    ".5",
    "5.",
    "-.5",
    "+.5",
    "",
    "-",
    "+",
    ".",
    "1.2.3",
    "1e5",
    " 1",
    "1 ",
    "0x1",
    "999999999999999",
    "9999999999999999",
    "0.000000000000001",
    "123456789012345.",
    "-12345678.9012345",
    "4,95",
    "\u0661",
  ];
  const next = seeded(12345);
  for (let i = 0; i < 200_000; i++) {
    let text = next() < 0.3 ? "-" : next() < 0.05 ? "+" : "";
    const whole = Math.floor(next() * 12);
    for (let d = 0; d < whole; d++) text += String(Math.floor(next() * 10));
    if (next() < 0.8) {
      text += ".";
      const frac = Math.floor(next() * 12);
      for (let d = 0; d < frac; d++) text += String(Math.floor(next() * 10));
    }
    samples.push(text);
  }
  let read = 0;
  for (const text of samples) {
    const value = plainDecimal(text);
    if (value === undefined) continue;
    read++;
    equal(value, Number(text), JSON.stringify(text));
  }
  equal(read > 100_000, true, `${read} read by the fast path`);
  for (const text of ["", "-", ".", "1e5", " 1", "0x1", "9999999999999999", "4,95", "1.2.3"]) {
    equal(plainDecimal(text), undefined, text);
  }
});

Deno.test("lineBatches hands over the same lines as lines, a chunk at a time", async () => {
  const text = "a\r\nbb\rccc\n\nd\r\n" + "row,1,2\n".repeat(50) + "last";
  const bytes = new TextEncoder().encode(text);
  for (const chunkSize of [1, 3, 7, 64, 4096]) {
    const one: unknown[] = [];
    for await (const line of lines(chunked(bytes, chunkSize), { file: "l.txt" })) one.push(line);
    const batched: unknown[] = [];
    let batches = 0;
    for await (const batch of lineBatches(chunked(bytes, chunkSize), { file: "l.txt" })) {
      equal(batch.length > 0, true);
      batches++;
      batched.push(...batch);
    }
    deepStrictEqual(batched, one, `chunk size ${chunkSize}`);
    if (chunkSize === 4096) equal(batches, 1);
  }
});

Deno.test("isBlank and trimmed agree with trim()", () => {
  const samples = [
    "",
    " ",
    "\t",
    "\u00a0",
    "\ufeff",
    "\u3000 ",
    "a",
    " a",
    "a ",
    "\u00a0a",
    "a\u2028",
    "ab",
    "1.5",
  ];
  for (const text of samples) {
    equal(isBlank(text), text.trim() === "", JSON.stringify(text));
    equal(trimmed(text), text.trim(), JSON.stringify(text));
  }
});
