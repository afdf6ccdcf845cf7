import { deepStrictEqual, equal, match, ok } from "node:assert/strict";
import { runConversion } from "../../converters/run.ts";
import { bytesInput, fileInput } from "../../converters/input.ts";
import {
  ConversionError,
  type Converter,
  CONVERTER_API_VERSION,
} from "../../converters/contract.ts";
import { wsjfConverter } from "../../converters/wsjf.ts";
import type { ConversionLogLine } from "../../converters/log.ts";
import { FIXED_NOW, samplePath } from "./_helpers.ts";
import { writePlugins } from "./_plugins.ts";

const CONTEXT = {
  station: { name: "ST-1", location: "Lab", purpose: "Test" },
  now: () => FIXED_NOW,
};

function fake(convert: Converter["convert"]): Converter {
  return {
    apiVersion: CONVERTER_API_VERSION,
    id: "fake",
    version: "1",
    patterns: ["*"],
    sniff: () => 1,
    convert,
  };
}

Deno.test("a built-in conversion returns validated reports and writes a conversion log", async () => {
  const logDir = await Deno.makeTempDir();
  try {
    const input = await fileInput(samplePath("wsjf/uut_pass.json"));
    const result = await runConversion(wsjfConverter, input, CONTEXT, { logDir });
    if (!result.ok) throw new Error(result.message);
    equal(result.count, 1);
    equal(result.reports[0].sn, "PCBA100-000231");
    const lines: ConversionLogLine[] = (await Deno.readTextFile(result.logPath!)).trim().split("\n")
      .map((l) => JSON.parse(l));
    deepStrictEqual(lines.map((l) => [l.level, l.step]), [["INFO", "START"], [
      "INFO",
      "COMPLETED",
    ]]);
    match(result.logPath!, /uut_pass_20260302_090000\.log$/);
    deepStrictEqual(lines[1].metadata?.report_ids, [result.reports[0].id]);
  } finally {
    await Deno.remove(logDir, { recursive: true });
  }
});

Deno.test("a converter's exception becomes an error result with stage and message", async () => {
  const result = await runConversion(
    fake(async function* () {
      yield* [];
      throw new ConversionError("Missing SerialNumber", { file: "run.txt", line: 4, stage: "map" });
    }),
    bytesInput("run.txt", "x"),
    CONTEXT,
  );
  deepStrictEqual(result, {
    ok: false,
    stage: "map",
    message: "run.txt:4: Missing SerialNumber",
    warnings: [],
  });
  const other = await runConversion(
    fake(async function* () {
      yield* [];
      throw new TypeError("x is undefined");
    }),
    bytesInput("run.txt", "x"),
    CONTEXT,
  );
  deepStrictEqual(other.ok ? null : [other.stage, other.message], [
    "convert",
    "TypeError: x is undefined",
  ]);
});

Deno.test("an invalid report fails validation, naming the report", async () => {
  const result = await runConversion(
    fake(async function* () {
      yield { type: "T", pn: "P" } as never;
    }),
    bytesInput("r.json", "x"),
    CONTEXT,
  );
  ok(!result.ok);
  equal(result.stage, "validate");
  match(result.message, /^r\.json: Report 1: Report is not valid WSJF: id: /);
});

Deno.test("a built-in that overruns the timeout is stopped and its signal aborted", async () => {
  let aborted = false;
  const started = performance.now();
  const result = await runConversion(
    fake(async function* (_input, context) {
      context.signal.addEventListener("abort", () => aborted = true);
      await new Promise(() => {}); // hangs forever
      yield* [];
    }),
    bytesInput("slow.txt", "x"),
    CONTEXT,
    { timeoutMs: 50 },
  );
  ok(performance.now() - started < 2000);
  ok(aborted);
  deepStrictEqual(result.ok ? null : [result.stage, result.message], [
    "timeout",
    "slow.txt: Conversion took longer than 50 ms and was stopped",
  ]);
});

Deno.test("no report, an oversized input and an outer abort are error results", async () => {
  const empty = await runConversion(fake(async function* () {}), bytesInput("e.txt", "x"), CONTEXT);
  match(empty.ok ? "" : empty.message, /The converter made no report/);
  const big = await runConversion(wsjfConverter, bytesInput("b.json", "x".repeat(2000)), CONTEXT, {
    maxInputBytes: 1000,
  });
  match(big.ok ? "" : big.message, /b\.json: File is 2\.0 KiB, over the 1000 bytes limit/);
  const controller = new AbortController();
  controller.abort(new Error("Service stopping"));
  const cancelled = await runConversion(
    fake(async function* (_i, context) {
      context.signal.throwIfAborted();
      yield* [];
    }),
    bytesInput("c.txt", "x"),
    { ...CONTEXT, signal: controller.signal },
  );
  ok(!cancelled.ok);
});

Deno.test("onReport takes reports one at a time instead of collecting them", async () => {
  const seen: string[] = [];
  const input = bytesInput(
    "two.json",
    JSON.stringify([{ type: "T", pn: "P", sn: "A", rev: "1" }, {
      type: "T",
      pn: "P",
      sn: "B",
      rev: "1",
    }]),
  );
  const result = await runConversion(wsjfConverter, input, CONTEXT, {
    onReport: (r) => void seen.push(r.sn),
  });
  deepStrictEqual(seen, ["A", "B"]);
  ok(result.ok && result.reports.length === 0 && result.count === 2);
});

Deno.test({
  name: "plug-ins run in a sandboxed worker: works, throws, loops, overreaches",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async (t) => {
    const dir = await writePlugins();
    const inputDir = await Deno.makeTempDir();
    const inputPath = `${inputDir}/units.plug`;
    await Deno.writeTextFile(inputPath, "U1\nU2\n");
    const input = await fileInput(inputPath);
    const run = (name: string, timeoutMs = 10_000) =>
      runConversion(`${dir}/${name}.js`, input, CONTEXT, { timeoutMs });
    try {
      await t.step("a working plug-in yields validated reports and its warnings", async () => {
        const result = await run("works");
        if (!result.ok) throw new Error(result.message);
        deepStrictEqual(result.reports.map((r) => [r.sn, r.machineName]), [["S-U1", "ST-1"], [
          "S-U2",
          "ST-1",
        ]]);
        deepStrictEqual(result.warnings, ["Looked at units.plug"]);
      });
      await t.step("an in-memory input is copied for the plug-in", async () => {
        const result = await runConversion(
          `${dir}/works.js`,
          bytesInput("mem.plug", "M1\n"),
          CONTEXT,
        );
        ok(result.ok && result.reports[0].sn === "S-M1", JSON.stringify(result));
      });
      await t.step("a default or a named converter export is accepted", async () => {
        ok((await run("named_export")).ok);
      });
      await t.step("a throwing plug-in gives an error result with stage and message", async () => {
        const result = await run("throws");
        deepStrictEqual(result.ok ? null : [result.stage, result.message], [
          "convert",
          `${inputPath}: RangeError: Gauge 7 is out of range`,
        ]);
      });
      await t.step(
        "a plug-in in an endless loop is terminated when the run is cancelled",
        async () => {
          const started = performance.now();
          const stop = new AbortController();
          setTimeout(() => stop.abort(new Error("service stopping")), 300);
          const result = await runConversion(`${dir}/loops.js`, input, {
            ...CONTEXT,
            signal: stop.signal,
          }, { timeoutMs: 60_000 });
          ok(performance.now() - started < 5000, "ended long before its 60 s timeout");
          deepStrictEqual(result.ok ? null : [result.stage, result.message], [
            "convert",
            `${inputPath}: Conversion was cancelled`,
          ]);
        },
      );
      await t.step("a plug-in in an endless loop is terminated at the timeout", async () => {
        const started = performance.now();
        const result = await run("loops", 1000);
        ok(performance.now() - started < 5000);
        equal(result.ok ? null : result.stage, "timeout");
      });
      for (
        const [name, pattern] of [
          ["reads_passwd", /NotCapable: Requires read access to "\/etc\/passwd"/],
          ["reads_env", /NotCapable: Requires env access/],
          ["fetches", /NotCapable: Requires net access/],
          ["writes_outside", /NotCapable: Requires write access/],
          ["runs", /NotCapable: Requires run access/],
        ] as const
      ) {
        await t.step(`a plug-in that ${name.replace("_", " ")} is refused`, async () => {
          const result = await run(name);
          ok(!result.ok, `${name} should fail`);
          match(result.message, pattern);
        });
      }
      await t.step("a plug-in's invalid report fails validation", async () => {
        const result = await run("bad_report");
        equal(result.ok ? null : result.stage, "validate");
      });
      await t.step(
        "apiVersion 2, a missing convert and a syntax error are refused at load",
        async () => {
          const v2 = await run("version_2");
          deepStrictEqual(v2.ok ? null : [v2.stage, v2.message], [
            "load",
            `${dir}/version_2.js: Unsupported converter API version: the plug-in declares apiVersion 2, this toolkit speaks version 1`,
          ]);
          const half = await run("no_convert");
          match(half.ok ? "" : half.message, /Converter half has no convert function/);
          const broken = await run("syntax_error");
          equal(broken.ok ? null : broken.stage, "load");
        },
      );
    } finally {
      await Deno.remove(dir, { recursive: true });
      await Deno.remove(inputDir, { recursive: true });
    }
  },
});
