/**
 * Child of `converters_memory.ts`: converts one CSV file with `runConversion`, streaming (each
 * report handed to a callback and dropped), and prints its own memory figures as JSON: RSS
 * before, peak RSS (`VmHWM`), and the live heap after a full collection (before, and the most seen
 * every 25 000 reports) when run with `--v8-flags=--expose-gc`. The figures before are taken
 * after converting the file's first 64 KiB once, so that they include the compiled code and the
 * caches a conversion sets up, and the growth is what the conversion holds while it runs.
 *
 * @module
 */
import { runConversion } from "../../converters/run.ts";
import { bytesInput, fileInput } from "../../converters/input.ts";
import { csvConverter } from "../../converters/csv/csv.ts";
import { CSV_MAPPING } from "./_converter_inputs.ts";

function status(key: string): number {
  const text = Deno.readTextFileSync("/proc/self/status");
  const m = new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(text);
  return m ? Number(m[1]) * 1024 : 0;
}

const gc = (globalThis as { gc?: () => void }).gc;
function liveHeap(): number {
  gc?.();
  return Deno.memoryUsage().heapUsed;
}

const path = Deno.args[0];
const station = { name: "Bench", location: "Loopback", purpose: "Benchmark" };
// Warm-up: the first 64 KiB, cut after their last line.
{
  const file = await Deno.open(path);
  const head = new Uint8Array(64 * 1024);
  const n = (await file.read(head)) ?? 0;
  file.close();
  const lines = head.subarray(0, head.subarray(0, n).lastIndexOf(0x0a) + 1);
  const warm = await runConversion(csvConverter, bytesInput("warm-up.csv", lines), {
    station,
    args: { ...CSV_MAPPING },
  }, { onReport: () => {} });
  if (!warm.ok) throw new Error(warm.message);
}
const baseline = status("VmRSS");
const heapBefore = liveHeap();
let heapMax = heapBefore;
let largest = 0;
let reports = 0;
const started = performance.now();
const input = await fileInput(path, { maxBytes: 1024 * 1024 * 1024 });
const result = await runConversion(csvConverter, input, {
  station,
  args: { ...CSV_MAPPING },
}, {
  onReport: (report) => {
    reports++;
    if (reports % 1000 === 1) largest = Math.max(largest, JSON.stringify(report).length);
    // Live heap after a full collection, every 25 000 reports (costs ~20 ms each).
    if (reports % 25_000 === 0) heapMax = Math.max(heapMax, liveHeap());
  },
});
const seconds = (performance.now() - started) / 1000;
if (!result.ok) throw new Error(result.message);
Deno.stdout.writeSync(new TextEncoder().encode(
  JSON.stringify({
    bytes: input.size,
    reports,
    seconds,
    largestReportBytes: largest,
    baselineRss: baseline,
    peakRss: status("VmHWM"),
    heapBefore,
    heapMax,
  }) + "\n",
));
