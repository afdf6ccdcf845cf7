/**
 * Generated converter inputs for the converter benches: WSXF (copies of the real export), CSV
 * (one unit a row, 20 measurements) and Teradyne i3070 log-record files (one unit a `BTEST`).
 *
 * @module
 */
import { fixtureUrl } from "../fixtures/mod.ts";
import type { CsvMapping } from "../../converters/csv/csv.ts";

const EXPORT = fixtureUrl("uut-wsxf-export.xml");

/** A WSXF document of about `bytes` bytes: copies of the real export, each with its own id and serial. */
export function wsxfInput(bytes: number): string {
  const text = Deno.readTextFileSync(EXPORT);
  const start = text.indexOf("<Report ");
  const end = text.lastIndexOf("</Reports>");
  const one = text.slice(start, end);
  const parts = [text.slice(0, start)];
  let size = parts[0].length;
  for (let i = 0; size < bytes; i++) {
    const copy = one
      .replace(/ID="[^"]+"/, `ID="33A2D408-3FC8-480B-B554-${i.toString(16).padStart(12, "0")}"`)
      .replace(/SN="[^"]+"/, `SN="BENCH-${i}"`);
    parts.push(copy);
    size += copy.length;
  }
  parts.push("</Reports>");
  return parts.join("");
}

const MEASUREMENTS = 20;

/** The CSV mapping of {@linkcode csvRows}. */
export const CSV_MAPPING: CsvMapping = {
  columns: {
    serial: "Serial",
    part: "Part",
    revision: "Rev",
    start: "Start",
    operator: "Operator",
    result: "Result",
  },
  measurements: Array.from({ length: MEASUREMENTS }, (_, i) => ({
    column: `M${i + 1}`,
    name: `Measurement ${i + 1}`,
    unit: "V",
    low: 4.5,
    high: 5.5,
  })),
};

/** The CSV header line. */
export const CSV_HEADER: string = [
  "Serial",
  "Part",
  "Rev",
  "Start",
  "Operator",
  "Result",
  ...Array.from({ length: MEASUREMENTS }, (_, i) => `M${i + 1}`),
].join(",") + "\n";

/** CSV rows `from` … `from + count - 1`, one unit each. */
export function csvRows(from: number, count: number): string {
  const rows: string[] = [];
  for (let i = from; i < from + count; i++) {
    const values = Array.from(
      { length: MEASUREMENTS },
      (_, k) => (5 + ((i * 7 + k * 13) % 97 - 48) / 200).toFixed(4),
    );
    const failed = values.some((v) => +v < 4.5 || +v > 5.5);
    rows.push(
      `SN${String(i).padStart(9, "0")},PCBA-100,B,2026-03-02T11:40:02+01:00,kari,${
        failed ? "Failed" : "Passed"
      },${values.join(",")}`,
    );
  }
  return rows.join("\n") + "\n";
}

/** A CSV file of about `bytes` bytes. */
export function csvInput(bytes: number): string {
  const rowBytes = csvRows(0, 1).length;
  return CSV_HEADER + csvRows(0, Math.ceil(bytes / rowBytes));
}

/** A Teradyne i3070 log-record file of about `bytes` bytes, 40 tests a unit. */
export function teradyneInput(bytes: number): string {
  const parts = [
    "{@BATCH|PCBA4711|B|FX-12|1|3070|in-circuit|LOT-2025-37|jdoe|ict-line2|pcba4711|2.1|PANEL4711|A|\n",
  ];
  let size = parts[0].length;
  for (let u = 0; size < bytes; u++) {
    const lines = [
      `{@BTEST|PCB4711-${
        String(u).padStart(6, "0")
      }|00|250914120145|000012|0|all||n|n|250914120157|00|1|PANEL-0001`,
    ];
    for (let k = 0; k < 40; k++) {
      const value = (100 + ((u + k) % 17) - 8).toFixed(2);
      lines.push(
        `{@BLOCK|r${100 + k}|00`,
        `{@A-RES|00|+${
          Number(value).toExponential(4).replace("e+", "E+0")
        }{@LIM2|+1.1000E+02|+9.0000E+01}}`,
        "}",
      );
    }
    lines.push("{@TS|0|0|0|0|shorts}", "}");
    const unit = lines.join("\n") + "\n";
    parts.push(unit);
    size += unit.length;
  }
  parts.push("}\n");
  return parts.join("");
}
