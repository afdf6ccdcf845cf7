import assert from "node:assert/strict";
import { basename, join, relative } from "node:path";
import { REPO_ROOT, spawnCli } from "../../_processes.ts";
import { parseReport } from "../../../api/models/report/mod.ts";

const SAMPLES = join(REPO_ROOT, "samples");

/** The CSV mappings of `samples/csv/README.md`, by sample. */
const CSV_MAPPINGS: Record<string, object> = {
  "units.csv": {
    mode: "row",
    columns: {
      serial: "Serial",
      part: "Part",
      revision: "Rev",
      start: "Start",
      operator: "Operator",
      result: "Result",
    },
    startFormat: "dd.MM.yyyy HH:mm:ss",
    utcOffsetMinutes: 60,
    processCode: 10,
    sequence: "Functional test",
    measurements: [
      { column: "V_5V", name: "Supply 5V", unit: "V", low: 4.9, high: 5.1 },
      { column: "V_3V3", name: "Supply 3V3", unit: "V", low: 3.2, high: 3.4 },
      { column: "I_idle", name: "Idle current", unit: "A", high: 0.15 },
      { column: "Temp", name: "Board temperature", unit: "°C" },
    ],
  },
  "SN-PCBA100-000303.csv": {
    mode: "file",
    partNumber: "PCBA-100",
    revision: "B",
    steps: {
      name: "Step",
      value: "Value",
      low: "Low",
      high: "High",
      unit: "Unit",
      status: "Status",
    },
  },
};

async function samplesOf(folder: string): Promise<string[]> {
  const paths: string[] = [];
  for await (const entry of Deno.readDir(folder)) {
    const path = join(folder, entry.name);
    if (entry.isDirectory) paths.push(...await samplesOf(path));
    else if (!entry.name.endsWith(".md")) paths.push(path);
  }
  return paths.sort();
}

async function convert(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const process = await spawnCli(["convert", ...args]);
  const { code } = await process.status;
  return { code, stdout: process.stdout, stderr: process.stderr };
}

Deno.test("wats convert reads every sample, picks its converter and writes WSJF or WSXF", async () => {
  const out = await Deno.makeTempDir({ prefix: "wats-convert-" });
  try {
    const samples = await samplesOf(SAMPLES);
    const plain = samples.filter((path) => !path.endsWith(".csv"));
    const csv = samples.filter((path) => path.endsWith(".csv"));
    assert.ok(plain.length >= 25 && csv.length === 2, `${plain.length} + ${csv.length} samples`);

    const wsjf = await convert(["--out", out, ...plain]);
    assert.equal(wsjf.code, 0, wsjf.stderr);
    for (const path of plain) {
      const name = relative(SAMPLES, path);
      const line = wsjf.stderr.match(new RegExp(`${path}: converter (\\S+) \\(confidence (\\S+);`));
      assert.ok(line, `${name}: ${wsjf.stderr}`);
      assert.ok(Number(line[2]) >= 0.5, `${name}: confidence ${line[2]}`);
      const written = JSON.parse(await Deno.readTextFile(join(out, `${basename(path)}.wsjf.json`)));
      assert.ok(Array.isArray(written) && written.length >= 1, name);
      for (const report of written) parseReport(report);
    }
    assert.match(
      wsjf.stderr,
      /two_boards\.txt: converter spea .*\n.*two_boards\.txt: 2 report\(s\)/,
    );

    for (const path of csv) {
      const args = JSON.stringify(CSV_MAPPINGS[basename(path)]);
      const result = await convert(["--converter", "csv", "--args", args, "--to", "wsxf", path]);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /^<\?xml .*<Reports /s);
      assert.ok(result.stdout.includes('SN="SN-PCBA100-000303"') || basename(path) === "units.csv");
    }
    const units = await convert([
      "--converter",
      "csv",
      "--args",
      JSON.stringify(CSV_MAPPINGS["units.csv"]),
      join(SAMPLES, "csv", "units.csv"),
    ]);
    const reports = JSON.parse(units.stdout);
    assert.deepEqual(reports.map((r: { sn: string }) => r.sn), [
      "PCBA100-000301",
      "PCBA100-000302",
    ]);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("wats convert names the file, line and element of a broken file and exits 1", async () => {
  const folder = await Deno.makeTempDir({ prefix: "wats-convert-" });
  try {
    const broken = join(folder, "units.csv");
    const text = await Deno.readTextFile(join(SAMPLES, "csv", "units.csv"));
    await Deno.writeTextFile(broken, text.replace("5,214", "5,2x4"));
    const good = join(SAMPLES, "wsjf", "uut_pass.json");
    const args = JSON.stringify(CSV_MAPPINGS["units.csv"]);
    const csv = await convert(["--converter", "csv", "--args", args, broken]);
    assert.equal(csv.code, 1, csv.stderr);
    assert.match(csv.stderr, new RegExp(`${broken}:3 <Supply 5V>: Not a number: "5,2x4"`));
    assert.equal(csv.stdout, "");

    // One bad file among good ones: the good ones are shown, the exit code tells.
    const unknown = join(folder, "notes.bin");
    await Deno.writeFile(unknown, new Uint8Array([0, 1, 2, 3, 255]));
    const mixed = await convert([good, unknown]);
    assert.equal(mixed.code, 1, mixed.stderr);
    assert.match(mixed.stderr, new RegExp(`${unknown}: no converter is sure enough`));
    assert.equal(JSON.parse(mixed.stdout).length, 1);

    const usage = await convert(["--converter", "nope", good]);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /Unknown converter "nope"; known: auto, /);
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});

Deno.test("a WSXF written by wats convert reads back as the same report", async () => {
  const folder = await Deno.makeTempDir({ prefix: "wats-convert-" });
  try {
    const target = join(folder, "out.xml");
    const result = await convert([
      "--to",
      "wsxf",
      "--out",
      target,
      join(SAMPLES, "wsjf", "uut_fail.json"),
    ]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, new RegExp(`written to ${target}`));
    const again = await convert(["--converter", "wsxf", target]);
    assert.equal(again.code, 0, again.stderr);
    const [report] = JSON.parse(again.stdout);
    assert.deepEqual([report.sn, report.pn, report.result], ["PCBA100-000232", "PCBA-100", "F"]);
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});
