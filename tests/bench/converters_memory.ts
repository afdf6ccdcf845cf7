/**
 * Peak memory of a CSV conversion: a generated CSV (one unit a row, 20 measurements; 100 MB by
 * default) is converted by `runConversion` in a child process, streaming, and the child's peak
 * RSS (`VmHWM`) is printed beside its RSS before the conversion, the largest single report
 * (JSON bytes), the live heap after full collections, and the throughput. A 10 MB run is printed
 * too. What streaming promises is a live heap that does not grow with the file; peak RSS also
 * shows how lazily V8 collects under a high allocation rate. A last run converts the large file
 * again with V8's heap capped at {@linkcode CAPPED_HEAP_MIB} MiB (the runtime and the modules
 * take about half of it): a converter that held the file, or its reports, would die of "heap
 * limit" there; the peak RSS of that run is what the conversion needs when V8 collects eagerly.
 * The child runs with `--allow-all` only because Deno guards `/proc/self/status` (where `VmHWM`
 * is) behind it.
 *
 * Run: `deno run --allow-read --allow-write --allow-run=deno tests/bench/converters_memory.ts
 * [--mb 100]` (a script, not a `Deno.bench` file). Linux only (`/proc/self/status`).
 *
 * @module
 */
import { parseArgs } from "node:util";
import { CSV_HEADER, csvRows } from "./_converter_inputs.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: { mb: { type: "string", default: "100" } },
});
const encoder = new TextEncoder();

function print(text: string): void {
  Deno.stdout.writeSync(encoder.encode(`${text}\n`));
}

async function writeCsv(path: string, bytes: number): Promise<void> {
  const file = await Deno.open(path, { write: true, create: true, truncate: true });
  let written = await file.write(encoder.encode(CSV_HEADER));
  for (let row = 0; written < bytes; row += 5000) {
    const chunk = encoder.encode(csvRows(row, 5000));
    let offset = 0;
    while (offset < chunk.length) offset += await file.write(chunk.subarray(offset));
    written += chunk.length;
  }
  file.close();
}

const mib = (n: number) => `${(n / 1048576).toFixed(1)} MiB`;

/** The V8 heap limit of the capped run. */
const CAPPED_HEAP_MIB = 16;
const dir = await Deno.makeTempDir({ prefix: "wats-csv-memory-" });
try {
  const runs = [
    { mb: 10, capped: false, service: false },
    { mb: Number(values.mb), capped: false, service: false },
    { mb: Number(values.mb), capped: false, service: true },
    { mb: Number(values.mb), capped: true, service: false },
  ];
  for (const { mb, capped, service } of runs) {
    const path = `${dir}/units_${mb}mb.csv`;
    if (!capped && !service) await writeCsv(path, mb * 1_000_000);
    const heapFlags = capped
      ? `,--max-old-space-size=${CAPPED_HEAP_MIB},--max-semi-space-size=1`
      : service
      ? ",--optimize-for-size"
      : "";
    const child = new Deno.Command("deno", {
      args: [
        "run",
        "--allow-all",
        `--v8-flags=--expose-gc${heapFlags}`,
        new URL("./_converters_memory_child.ts", import.meta.url).pathname,
        path,
      ],
      stdout: "piped",
      stderr: "inherit",
    });
    const output = await child.output();
    if (!output.success) {
      throw new Error(`Child failed for ${mb} MB${capped ? " (capped heap)" : ""}`);
    }
    const r = JSON.parse(new TextDecoder().decode(output.stdout));
    print(
      `CSV ${mib(r.bytes)}${capped ? `, V8 heap capped at ${CAPPED_HEAP_MIB} MiB` : ""}${
        service ? ", V8 flags of the station service (--optimize-for-size)" : ""
      }: ` +
        `${r.reports} reports in ${r.seconds.toFixed(1)} s (${
          (r.bytes / 1048576 / r.seconds).toFixed(1)
        } MiB/s); ` +
        `largest report ${(r.largestReportBytes / 1024).toFixed(1)} KiB; RSS before ${
          mib(r.baselineRss)
        }, ` +
        `peak ${mib(r.peakRss)} (+${mib(r.peakRss - r.baselineRss)}); live heap after GC ` +
        `${mib(r.heapBefore)} before, at most ${mib(r.heapMax)} during (+${
          ((r.heapMax - r.heapBefore) / 1024).toFixed(0)
        } KiB)`,
    );
    if (capped || mb !== Number(values.mb)) await Deno.remove(path);
  }
} finally {
  await Deno.remove(dir, { recursive: true });
}
