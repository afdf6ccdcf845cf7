/**
 * Child of `converters_memory.ts`: converts one CSV file with `runConversion`, streaming (each
 * report handed to a callback and dropped), and prints its own memory figures as JSON: RSS
 * before, peak RSS (`VmHWM`), and the live heap after a full collection (before, and the most seen
 * every 50 000 reports) when run with `--v8-flags=--expose-gc`.
 *
 * @module
 */
import { runConversion } from "../../converters/run.ts";
import { fileInput } from "../../converters/input.ts";
import { csvConverter } from "../../converters/csv.ts";
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
const baseline = status("VmRSS");
const heapBefore = liveHeap();
let heapMax = heapBefore;
let largest = 0;
let reports = 0;
const started = performance.now();
const input = await fileInput(path, { maxBytes: 1024 * 1024 * 1024 });
const result = await runConversion(csvConverter, input, {
  station: { name: "Bench", location: "Loopback", purpose: "Benchmark" },
  args: { ...CSV_MAPPING },
}, {
  onReport: (report) => {
    reports++;
    if (reports % 1000 === 1) largest = Math.max(largest, JSON.stringify(report).length);
    // Live heap after a full collection, every 50 000 reports (costs ~20 ms each).
    if (reports % 50_000 === 0) heapMax = Math.max(heapMax, liveHeap());
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
