/**
 * Converter throughput on generated 10 MiB inputs: WSXF (copies of the real export), CSV (one
 * unit a row, 20 measurements) and Teradyne i3070 log records (one unit a `BTEST`, 40 tests).
 * Each iteration converts the whole input through `runConversion` (streaming, every report
 * validated once, reports handed to a callback and dropped), and separately the CSV parsing
 * layer alone (records and numbers, no reports). CSV runs twice: as generated, where every row
 * repeats one start time, and with a start time of its own on every row.
 *
 * Each format converts in a worker of its own (`_converter_worker.ts`), so that its figure is
 * that of an engine that has seen only that format; the timing covers the conversion and one
 * message each way.
 *
 * Reading the output: every iteration reads 10 MiB, so MiB/s = 10 / (avg time in seconds), e.g.
 * `avg 400 ms` is 25 MiB/s, and MB/s = 10.49 / (avg time in seconds). Targets: WSXF ≥ 20 MB/s,
 * CSV ≥ 50 MB/s on one core.
 *
 * Run: `deno bench --allow-read --allow-write --allow-env tests/bench/converters_bench.ts`
 *
 * @module
 */
import { bytesInput } from "../../converters/input.ts";
import { csvRawBatches, CsvRow } from "../../converters/csv/_parse.ts";
import { parseNumber } from "../../converters/_text.ts";
import { csvInput } from "./_converter_inputs.ts";
import type { BenchFormat, WorkerAnswer } from "./_converter_worker.ts";

/** A worker converting one format, ready once its input is generated. */
async function converterWorker(format: BenchFormat): Promise<() => Promise<void>> {
  const worker = new Worker(new URL("./_converter_worker.ts", import.meta.url), { type: "module" });
  const ask = (message: BenchFormat | "convert") =>
    new Promise<void>((resolve, reject) => {
      worker.onmessage = (event: MessageEvent<WorkerAnswer>) =>
        event.data.ok ? resolve() : reject(new Error(event.data.message));
      worker.postMessage(message);
    });
  await ask(format);
  return () => ask("convert");
}

const [wsxf, csv, csvOwnStarts, teradyne] = await Promise.all(
  (["wsxf", "csv", "csv-own-starts", "teradyne"] as const).map(converterWorker),
);

Deno.bench("WSXF, 10 MiB (179 reports)", { group: "converters", n: 5, warmup: 1 }, async () => {
  await wsxf();
});

Deno.bench("CSV, 10 MiB (52 168 reports)", { group: "converters", n: 5, warmup: 1 }, async () => {
  await csv();
});

Deno.bench(
  "CSV, 10 MiB (52 168 reports), a start time of its own on every row",
  { group: "converters", n: 5, warmup: 1 },
  async () => {
    await csvOwnStarts();
  },
);

Deno.bench(
  "Teradyne ICT, 10 MiB (3 462 reports)",
  { group: "converters", n: 5, warmup: 1 },
  async () => {
    await teradyne();
  },
);

const csvBytes = new TextEncoder().encode(csvInput(10 * 1024 * 1024));

Deno.bench("CSV parsing layer alone, 10 MiB (records and numbers)", {
  group: "csv layers",
  n: 5,
  warmup: 1,
}, async () => {
  // As the converter reads a file: plain lines unsplit, numbers read in place.
  const stream = bytesInput("bench.csv", csvBytes).stream();
  const row = new CsvRow();
  const options = { file: "bench.csv", line: 0 };
  for await (const batch of csvRawBatches(stream, { file: "bench.csv", separator: "," })) {
    for (const record of batch) {
      row.reset(record, ",");
      if (row.line === 1) continue;
      for (let i = 6; i < row.count; i++) {
        if (row.plainNumber(i) === undefined) parseNumber(row.field(i)!, options);
      }
    }
  }
});
