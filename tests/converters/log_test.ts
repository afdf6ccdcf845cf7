import { deepStrictEqual, equal, match } from "node:assert/strict";
import {
  type ConversionLogLine,
  openConversionLog,
  pruneConversionLogs,
} from "../../converters/log.ts";

async function read(path: string): Promise<ConversionLogLine[]> {
  return (await Deno.readTextFile(path)).trim().split("\n").map((line) => JSON.parse(line));
}

Deno.test("a conversion log holds start, warnings and the result as JSON lines", async () => {
  const dir = await Deno.makeTempDir();
  try {
    let now = Date.UTC(2026, 0, 30, 21, 1, 41, 470);
    const log = await openConversionLog(`${dir}/logs`, "drop/run 7.csv", { converter: "csv" }, {
      now: () => now,
    });
    now += 1000;
    log.warn("Empty value cell skipped", { line: 12 });
    log.info("Separator ;");
    await log.finish({ ok: false, stage: "parse", message: "run 7.csv:3: Not a number" });
    match(log.path, /\/logs\/run_7_20260130_210141\.log$/);
    equal(log.warnings, 1);
    deepStrictEqual(await read(log.path), [
      {
        timestamp: "2026-01-30T21:01:41.470Z",
        level: "INFO",
        step: "START",
        message: "Starting conversion of drop/run 7.csv",
        metadata: { converter: "csv" },
      },
      {
        timestamp: "2026-01-30T21:01:42.470Z",
        level: "WARNING",
        step: "Validation",
        message: "Empty value cell skipped",
        metadata: { line: 12 },
      },
      {
        timestamp: "2026-01-30T21:01:42.470Z",
        level: "INFO",
        step: "Conversion",
        message: "Separator ;",
      },
      {
        timestamp: "2026-01-30T21:01:42.470Z",
        level: "ERROR",
        step: "FAILED",
        message: "Conversion failed: run 7.csv:3: Not a number",
        metadata: { success: false, stage: "parse", error: "run 7.csv:3: Not a number" },
      },
    ]);
    const second = await openConversionLog(`${dir}/logs`, "drop/run 7.csv", {}, {
      now: () => Date.UTC(2026, 0, 30, 21, 1, 41),
    });
    await second.finish({ ok: true, reportIds: [] });
    match(second.path, /run_7_20260130_210141_2\.log$/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("pruneConversionLogs removes logs older than the age limit, then over the size", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const day = 24 * 3600_000;
    const now = Date.UTC(2026, 2, 1);
    for (const [name, age] of [["old", 40], ["mid", 10], ["new", 1]] as const) {
      await Deno.writeTextFile(`${dir}/${name}.log`, "x".repeat(100));
      const when = new Date(now - age * day);
      await Deno.utime(`${dir}/${name}.log`, when, when);
    }
    await Deno.writeTextFile(`${dir}/keep.txt`, "not a log");
    equal(await pruneConversionLogs(dir, 30 * day, { now: () => now }), 1);
    equal(await pruneConversionLogs(dir, 30 * day, { now: () => now, maxTotalBytes: 150 }), 1);
    const left = [];
    for await (const entry of Deno.readDir(dir)) left.push(entry.name);
    deepStrictEqual(left.sort(), ["keep.txt", "new.log"]);
    equal(await pruneConversionLogs(`${dir}/missing`, day), 0);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
