import { ConversionError } from "../../converters/contract.ts";
import { headEntries, headEntryBytes, isZip, readZip } from "../../util/zip.ts";
import assert from "node:assert/strict";
import { sampleBytes } from "../converters/_vendor_helpers.ts";
import { makeZip } from "../converters/_zip_writer.ts";

function refused(fn: () => unknown): ConversionError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof ConversionError, String(error));
    return error;
  }
  throw new Error("not refused");
}

Deno.test("zip reads stored and deflated entries", async () => {
  const zip = makeZip([
    { name: "a.txt", data: "hello", method: 0 },
    { name: "dir/b.txt", data: "world ".repeat(100) },
  ]);
  assert.ok(isZip(zip));
  const archive = readZip(zip, "t.zip");
  assert.deepEqual(archive.entries.map((e) => [e.name, e.method, e.size]), [
    ["a.txt", 0, 5],
    ["dir/b.txt", 8, 600],
  ]);
  assert.equal(new TextDecoder().decode(await archive.read(archive.find("A.TXT")!)), "hello");
  assert.deepEqual(
    new TextDecoder().decode(await archive.read(archive.entries[1])),
    "world ".repeat(100),
  );
});

Deno.test("zip reads archives written by zip(1)", async () => {
  const archive = readZip(sampleBytes("xjtag", "two_runs.zip"), "two_runs.zip");
  assert.deepEqual(archive.entries.map((e) => e.name), ["Info.xml", "Run 1.xml", "Run 2.xml"]);
  const info = new TextDecoder().decode(await archive.read(archive.entries[0]));
  assert.ok(info.includes("<TestRunCount>2</TestRunCount>"));
});

Deno.test("zip refuses zip-slip names", () => {
  for (
    const name of ["../evil.txt", "a/../../evil.txt", "/etc/passwd", "C:\\x.txt", "a\\..\\..\\x"]
  ) {
    const error = refused(() => readZip(makeZip([{ name, data: "x" }]), "slip.zip"));
    assert.ok(/unsafe path/.test(error.message), error.message);
    assert.equal(error.file, "slip.zip");
  }
});

Deno.test("zip refuses bombs: declared size, ratio, lying headers, entry count", async () => {
  const zeros = new Uint8Array(2 * 1024 * 1024);
  const bomb = makeZip([{ name: "z", data: zeros }]);
  const big = refused(() => readZip(bomb, "bomb.zip", { maxTotalBytes: 1024 * 1024 }));
  assert.ok(/more than the limit/.test(big.message), big.message);
  const ratio = readZip(bomb, "bomb.zip");
  const started = performance.now();
  await assert.rejects(() => ratio.read(ratio.entries[0]), (error) => {
    assert.ok(error instanceof ConversionError);
    assert.match(error.message, /ratio/);
    return true;
  });
  const liar = readZip(makeZip([{ name: "z", data: zeros, declaredSize: 1000 }]), "liar.zip");
  await assert.rejects(() => liar.read(liar.entries[0]), (error) => {
    assert.ok(error instanceof ConversionError);
    assert.match(error.message, /beyond its declared size/);
    return true;
  });
  assert.ok(performance.now() - started < 2000);
  const many = makeZip(Array.from({ length: 20 }, (_, i) => ({ name: `f${i}`, data: "x" })));
  const count = refused(() => readZip(many, "many.zip", { maxEntries: 10 }));
  assert.ok(/20 entries/.test(count.message));
});

Deno.test("zip refuses truncated, corrupt and non-zip bytes", async () => {
  const zip = makeZip([{ name: "a.txt", data: "hello world ".repeat(50) }]);
  refused(() => readZip(zip.subarray(0, zip.length - 30), "cut.zip"));
  refused(() => readZip(new TextEncoder().encode("not a zip at all, just text"), "x.zip"));
  const bad = readZip(makeZip([{ name: "a.txt", data: "hello", method: 0, crc: 1 }]), "crc.zip");
  await assert.rejects(() => bad.read(bad.entries[0]), (error) => {
    assert.ok(error instanceof ConversionError);
    assert.match(error.message, /CRC/);
    return true;
  });
});

Deno.test("zip lists the entries of a head and inflates small ones", () => {
  const zip = sampleBytes("xjtag", "board_pass.zip");
  const whole = headEntries(zip);
  assert.deepEqual(whole.map((e) => e.name), ["Info.xml", "Run 1.xml"]);
  assert.ok(new TextDecoder().decode(headEntryBytes(whole[0])!).includes("LogFileInfo"));
  const partial = headEntries(zip.subarray(0, 150));
  assert.deepEqual(partial.map((e) => e.name), ["Info.xml"]);
  assert.deepEqual(headEntries(new Uint8Array([1, 2, 3])), []);
});

Deno.test("zip names without the UTF-8 flag are code page 437, with it UTF-8", () => {
  const zip = makeZip([{ name: "Pr?fung.xml", data: "<a/>", method: 0 }]);
  const named = new TextEncoder().encode("Pr?fung.xml");
  // What Windows' built-in zip writes: the name in CP437 (0x81 is ü) and flag bit 11 clear.
  for (let at = 0; at + 4 <= zip.length; at++) {
    const signature = zip[at] === 0x50 && zip[at + 1] === 0x4b ? zip[at + 2] : 0;
    if (signature === 3 && zip[at + 3] === 4) zip[at + 7] &= ~0x08;
    if (signature === 1 && zip[at + 3] === 2) zip[at + 9] &= ~0x08;
    if (named.every((byte, index) => zip[at + index] === byte)) zip[at + 2] = 0x81;
  }
  assert.deepEqual(readZip(zip, "cp437.zip").entries.map((entry) => entry.name), ["Prüfung.xml"]);
  assert.deepEqual(headEntries(zip).map((entry) => entry.name), ["Prüfung.xml"]);
  const utf8 = makeZip([{ name: "Prüfung.xml", data: "<a/>", method: 0 }]);
  assert.deepEqual(readZip(utf8, "utf8.zip").entries.map((entry) => entry.name), ["Prüfung.xml"]);
});
