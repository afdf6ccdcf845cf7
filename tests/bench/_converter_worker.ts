/**
 * One format's conversions for `converters_bench.ts`, in a worker of their own: generates its
 * 10 MiB input when it starts, then converts it through `runConversion` (streaming, every report
 * validated, reports dropped) each time it is asked, and answers when done.
 *
 * Each format gets a fresh engine, as on a station converting that format: what the engine learns
 * from one format's reports (object shapes, heap sizes) does not carry over into another's figure.
 *
 * @module
 */
import { runConversion } from "../../converters/run.ts";
import { bytesInput } from "../../converters/input.ts";
import { wsxfConverter } from "../../converters/wsxf/wsxf.ts";
import { csvConverter } from "../../converters/csv/csv.ts";
import { teradyneIctConverter } from "../../converters/teradyne/ict.ts";
import type { Converter } from "../../converters/contract.ts";
import { CSV_MAPPING, csvInput, teradyneInput, wsxfInput } from "./_converter_inputs.ts";

/** The formats a worker converts. */
export type BenchFormat = "wsxf" | "csv" | "csv-own-starts" | "teradyne";

/** What the worker answers: ready after generating its input, then one answer a conversion. */
export type WorkerAnswer = { ok: true; reports: number } | { ok: false; message: string };

const SIZE = 10 * 1024 * 1024;
const station = { name: "Bench", location: "Loopback", purpose: "Benchmark" };

/** The CSV input with its own start time on every row (the plain input repeats one). */
function ownStarts(text: string): string {
  let row = 0;
  const first = Date.UTC(2026, 2, 2, 10, 40, 2);
  return text.replace(
    /,2026-03-02T11:40:02\+01:00,/g,
    () => `,${new Date(first + 1000 * row++).toISOString()},`,
  );
}

function prepare(format: BenchFormat): { converter: Converter; bytes: Uint8Array; args: object } {
  const encoder = new TextEncoder();
  switch (format) {
    case "wsxf":
      return { converter: wsxfConverter, bytes: encoder.encode(wsxfInput(SIZE)), args: {} };
    case "csv":
      return { converter: csvConverter, bytes: encoder.encode(csvInput(SIZE)), args: CSV_MAPPING };
    case "csv-own-starts":
      return {
        converter: csvConverter,
        bytes: encoder.encode(ownStarts(csvInput(SIZE))),
        args: CSV_MAPPING,
      };
    case "teradyne":
      return {
        converter: teradyneIctConverter,
        bytes: encoder.encode(teradyneInput(SIZE)),
        args: {},
      };
  }
}

const scope = self as unknown as {
  onmessage: ((event: MessageEvent<BenchFormat | "convert">) => void) | null;
  postMessage(answer: WorkerAnswer): void;
};
let job: ReturnType<typeof prepare> | undefined;

scope.onmessage = async (event) => {
  try {
    if (event.data !== "convert") {
      job = prepare(event.data);
      scope.postMessage({ ok: true, reports: 0 });
      return;
    }
    const { converter, bytes, args } = job!;
    const result = await runConversion(converter, bytesInput("bench", bytes), {
      station,
      args: { ...args },
    }, { onReport: () => {} });
    scope.postMessage(
      result.ok ? { ok: true, reports: result.count } : { ok: false, message: result.message },
    );
  } catch (error) {
    scope.postMessage({ ok: false, message: String(error) });
  }
};
