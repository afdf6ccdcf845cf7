/**
 * Converter throughput on generated 10 MiB inputs: WSXF (copies of the real export), CSV (one
 * unit a row, 20 measurements) and Teradyne i3070 log records (one unit a `BTEST`, 40 tests).
 * Each iteration converts the whole input through `runConversion` (streaming, every report
 * validated once, reports handed to a callback and dropped), and separately the CSV parsing
 * layer alone (records and numbers, no reports). CSV runs twice: as generated, where every row
 * repeats one start time, and with a start time of its own on every row.
 *
 * Reading the output: every iteration reads 10 MiB, so MiB/s = 10 / (avg time in seconds), e.g.
 * `avg 400 ms` is 25 MiB/s. Targets: WSXF ≥ 20 MB/s, CSV ≥ 50 MB/s on one core.
 *
 * Run: `deno bench --allow-read tests/bench/converters_bench.ts`
 *
 * @module
 */
import { runConversion } from "../../converters/run.ts";
import { bytesInput } from "../../converters/input.ts";
import { wsxfConverter } from "../../converters/wsxf.ts";
import { csvConverter } from "../../converters/csv.ts";
import { teradyneIctConverter } from "../../converters/teradyne_ict.ts";
import { csvRecords } from "../../converters/_csv_parse.ts";
import { parseNumber } from "../../converters/_text.ts";
import type { Converter } from "../../converters/contract.ts";
import { CSV_MAPPING, csvInput, teradyneInput, wsxfInput } from "./_converter_inputs.ts";

const SIZE = 10 * 1024 * 1024;
const encoder = new TextEncoder();
const inputs = {
  wsxf: encoder.encode(wsxfInput(SIZE)),
  csv: encoder.encode(csvInput(SIZE)),
  teradyne: encoder.encode(teradyneInput(SIZE)),
};
const station = { name: "Bench", location: "Loopback", purpose: "Benchmark" };

/** The CSV input with its own start time on every row (the plain input repeats one). */
function distinctStarts(text: string): string {
  let row = 0;
  const first = Date.UTC(2026, 2, 2, 10, 40, 2);
  return text.replace(
    /,2026-03-02T11:40:02\+01:00,/g,
    () => `,${new Date(first + 1000 * row++).toISOString()},`,
  );
}
const csvDistinctStarts = encoder.encode(distinctStarts(csvInput(SIZE)));

async function convert(
  converter: Converter,
  bytes: Uint8Array,
  args: Record<string, unknown>,
): Promise<void> {
  const result = await runConversion(converter, bytesInput("bench", bytes), { station, args }, {
    onReport: () => {},
  });
  if (!result.ok) throw new Error(result.message);
}

Deno.bench("WSXF, 10 MiB (179 reports)", { group: "converters", n: 5, warmup: 1 }, async () => {
  await convert(wsxfConverter, inputs.wsxf, {});
});

Deno.bench("CSV, 10 MiB (52 168 reports)", { group: "converters", n: 5, warmup: 1 }, async () => {
  await convert(csvConverter, inputs.csv, { ...CSV_MAPPING });
});

Deno.bench(
  "CSV, 10 MiB (52 168 reports), a start time of its own on every row",
  { group: "converters", n: 5, warmup: 1 },
  async () => {
    await convert(csvConverter, csvDistinctStarts, { ...CSV_MAPPING });
  },
);

Deno.bench(
  "Teradyne ICT, 10 MiB (3 462 reports)",
  { group: "converters", n: 5, warmup: 1 },
  async () => {
    await convert(teradyneIctConverter, inputs.teradyne, {});
  },
);

Deno.bench("CSV parsing layer alone, 10 MiB (records and numbers)", {
  group: "csv layers",
  n: 5,
  warmup: 1,
}, async () => {
  const stream = bytesInput("bench.csv", inputs.csv).stream();
  for await (const { fields, line } of csvRecords(stream, { file: "bench.csv", separator: "," })) {
    if (line === 1) continue;
    for (let i = 6; i < fields.length; i++) parseNumber(fields[i], { file: "bench.csv", line });
  }
});
