import { ConversionError } from "../../converters/contract.ts";
import { headEntries, headEntryBytes, isZip, readZip } from "../../util/zip.ts";
import { assert, assertEquals, assertRejects } from "../_assert.ts";
import { sampleBytes } from "../converters/_vendor_helpers.ts";
import { makeZip } from "../converters/_zip_writer.ts";

function refused(fn: () => unknown): ConversionError {
  try {
    fn();
  } catch (error) {
    assert(error instanceof ConversionError, String(error));
    return error;
  }
  throw new Error("not refused");
}

Deno.test("zip reads stored and deflated entries", async () => {
  const zip = makeZip([
    { name: "a.txt", data: "hello", method: 0 },
    { name: "dir/b.txt", data: "world ".repeat(100) },
  ]);
  assert(isZip(zip));
  const archive = readZip(zip, "t.zip");
  assertEquals(archive.entries.map((e) => [e.name, e.method, e.size]), [
    ["a.txt", 0, 5],
    ["dir/b.txt", 8, 600],
  ]);
  assertEquals(new TextDecoder().decode(await archive.read(archive.find("A.TXT")!)), "hello");
  assertEquals(
    new TextDecoder().decode(await archive.read(archive.entries[1])),
    "world ".repeat(100),
  );
});

Deno.test("zip reads archives written by zip(1)", async () => {
  const archive = readZip(sampleBytes("xjtag", "two_runs.zip"), "two_runs.zip");
  assertEquals(archive.entries.map((e) => e.name), ["Info.xml", "Run 1.xml", "Run 2.xml"]);
  const info = new TextDecoder().decode(await archive.read(archive.entries[0]));
  assert(info.includes("<TestRunCount>2</TestRunCount>"));
});

Deno.test("zip refuses zip-slip names", () => {
  for (
    const name of ["../evil.txt", "a/../../evil.txt", "/etc/passwd", "C:\\x.txt", "a\\..\\..\\x"]
  ) {
    const error = refused(() => readZip(makeZip([{ name, data: "x" }]), "slip.zip"));
    assert(/unsafe path/.test(error.message), error.message);
    assertEquals(error.file, "slip.zip");
  }
});

Deno.test("zip refuses bombs: declared size, ratio, lying headers, entry count", async () => {
  const zeros = new Uint8Array(2 * 1024 * 1024);
  const bomb = makeZip([{ name: "z", data: zeros }]);
  const big = refused(() => readZip(bomb, "bomb.zip", { maxTotalBytes: 1024 * 1024 }));
  assert(/more than the limit/.test(big.message), big.message);
  const ratio = readZip(bomb, "bomb.zip");
  const started = performance.now();
  const ratioError = await assertRejects(() => ratio.read(ratio.entries[0]), ConversionError);
  assert(/ratio/.test(ratioError.message), ratioError.message);
  const liar = readZip(makeZip([{ name: "z", data: zeros, declaredSize: 1000 }]), "liar.zip");
  const lie = await assertRejects(() => liar.read(liar.entries[0]), ConversionError);
  assert(/beyond its declared size/.test(lie.message), lie.message);
  assert(performance.now() - started < 2000);
  const many = makeZip(Array.from({ length: 20 }, (_, i) => ({ name: `f${i}`, data: "x" })));
  const count = refused(() => readZip(many, "many.zip", { maxEntries: 10 }));
  assert(/20 entries/.test(count.message));
});

Deno.test("zip refuses truncated, corrupt and non-zip bytes", async () => {
  const zip = makeZip([{ name: "a.txt", data: "hello world ".repeat(50) }]);
  refused(() => readZip(zip.subarray(0, zip.length - 30), "cut.zip"));
  refused(() => readZip(new TextEncoder().encode("not a zip at all, just text"), "x.zip"));
  const bad = readZip(makeZip([{ name: "a.txt", data: "hello", method: 0, crc: 1 }]), "crc.zip");
  const crc = await assertRejects(() => bad.read(bad.entries[0]), ConversionError);
  assert(/CRC/.test(crc.message));
});

Deno.test("zip lists the entries of a head and inflates small ones", () => {
  const zip = sampleBytes("xjtag", "board_pass.zip");
  const whole = headEntries(zip);
  assertEquals(whole.map((e) => e.name), ["Info.xml", "Run 1.xml"]);
  assert(new TextDecoder().decode(headEntryBytes(whole[0])!).includes("LogFileInfo"));
  const partial = headEntries(zip.subarray(0, 150));
  assertEquals(partial.map((e) => e.name), ["Info.xml"]);
  assertEquals(headEntries(new Uint8Array([1, 2, 3])), []);
});
