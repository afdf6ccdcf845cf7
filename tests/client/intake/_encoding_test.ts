import assert from "node:assert/strict";
import { join } from "node:path";
import {
  encodingProblem,
  fileEncodingProblem,
  LATIN1_WARNING,
} from "../../../client/intake/_encoding.ts";
import { type ConvertRequest, registryConversion } from "../../../client/intake/_convert.ts";
import { wsjfReport } from "../_service_kit.ts";

const STATION = { name: "STATION-7", location: "Line 2", purpose: "Production" };

/** A WSJF report written in Latin-1: "Prüfstand 7" with ü as the single byte 0xFC. */
function latin1Report(): { id: string; bytes: Uint8Array; at: number } {
  const report = wsjfReport(1);
  const text = report.text.replace("Station 7", "Prüfstand 7");
  return {
    id: report.id,
    bytes: Uint8Array.from(text, (char) => char.charCodeAt(0)),
    at: text.indexOf("ü"),
  };
}

Deno.test("encodingProblem names the first byte of a JSON or XML file that is not UTF-8", () => {
  const { bytes, at } = latin1Report();
  assert.equal(
    encodingProblem("run.json", bytes),
    `${LATIN1_WARNING} (byte 0xFC at offset ${at})`,
  );
  // Told by content as well as by name; a cut-off character at the end too.
  assert.match(encodingProblem("run.dat", bytes) ?? "", /offset/);
  const cut = new Uint8Array([...new TextEncoder().encode('<a x="'), 0xc3]);
  assert.equal(encodingProblem("a.xml", cut), `${LATIN1_WARNING} (a character cut off at the end)`);
});

Deno.test("encodingProblem leaves UTF-8, UTF-16, declared Latin-1 XML and other files alone", () => {
  const encoder = new TextEncoder();
  assert.equal(encodingProblem("run.json", encoder.encode('{"a":"Prüfstand ✓"}')), null);
  assert.equal(encodingProblem("run.json", new Uint8Array([0xff, 0xfe, 0x7b, 0, 0x7d, 0])), null);
  const declared = '<?xml version="1.0" encoding="ISO-8859-1"?><a>M\xfcll</a>';
  assert.equal(encodingProblem("run.xml", Uint8Array.from(declared, (c) => c.charCodeAt(0))), null);
  const csv = Uint8Array.from("Name;Wert\nM\xfcll;1\n", (c) => c.charCodeAt(0));
  assert.equal(encodingProblem("run.csv", csv), null);
  const xml = '<?xml version="1.0" encoding="UTF-8"?><a>M\xfcll</a>';
  assert.match(
    encodingProblem("run.xml", Uint8Array.from(xml, (c) => c.charCodeAt(0))) ?? "",
    /0xFC/,
  );
});

Deno.test("fileEncodingProblem finds the byte in a file read in chunks", async () => {
  const dir = await Deno.makeTempDir({ prefix: "wats-encoding-" });
  try {
    const head = new TextEncoder().encode(`{"pad":"${"é".repeat(1_000_000)}`);
    const bytes = new Uint8Array([...head, 0xe9, ...new TextEncoder().encode('"}')]);
    const path = join(dir, "big.json");
    await Deno.writeFile(path, bytes);
    assert.equal(
      await fileEncodingProblem(path, "big.json"),
      `${LATIN1_WARNING} (byte 0xE9 at offset ${head.length})`,
    );
    await Deno.writeFile(path, head.subarray(0, head.length - 1));
    assert.match((await fileEncodingProblem(path, "big.json")) ?? "", /cut off at the end/);
    await Deno.writeFile(path, new TextEncoder().encode(`{"pad":"${"é".repeat(1_000_000)}"}`));
    assert.equal(await fileEncodingProblem(path, "big.json"), null);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a Latin-1 JSON file converts with a warning in its log, or is refused when strict", async () => {
  const dir = await Deno.makeTempDir({ prefix: "wats-encoding-" });
  try {
    const { id, bytes } = latin1Report();
    const path = join(dir, "latin1.json");
    await Deno.writeFile(path, bytes);
    const logDir = join(dir, "logs");
    await Deno.mkdir(logDir);
    const conversion = registryConversion(undefined, { logDir });
    const request: ConvertRequest = {
      path,
      bytes,
      size: bytes.length,
      converter: "auto",
      args: {},
      station: STATION,
      signal: new AbortController().signal,
      now: () => Date.UTC(2026, 0, 1),
    };
    const result = await conversion.convert(request);
    assert.ok(result.ok, JSON.stringify(result));
    assert.equal(result.reports[0].id, id);
    const warning = `latin1.json: ${LATIN1_WARNING} (byte 0xFC at offset ${latin1Report().at})`;
    assert.equal(result.encodingWarning, warning);
    assert.ok(result.warnings.includes(warning), `${result.warnings}`);
    const logs = [];
    for await (const entry of Deno.readDir(logDir)) logs.push(entry.name);
    assert.equal(logs.length, 1, `${logs}`);
    assert.ok((await Deno.readTextFile(join(logDir, logs[0]))).includes(LATIN1_WARNING));

    // Read from the file (too large to be handed over in memory) the same way.
    const streamed = await conversion.convert({ ...request, bytes: undefined });
    assert.ok(streamed.ok && streamed.encodingWarning === warning);

    const strict = await conversion.convert({ ...request, strictEncoding: true });
    assert.ok(!strict.ok);
    assert.match(strict.reason, /Not valid UTF-8, refused under strictEncoding/);
    assert.match(strict.reason, /0xFC/);

    // Valid UTF-8 gives no warning.
    const utf8 = new TextEncoder().encode(wsjfReport(2).text);
    const clean = await conversion.convert({ ...request, bytes: utf8, size: utf8.length });
    assert.ok(clean.ok && clean.encodingWarning === undefined && clean.warnings.length === 0);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
