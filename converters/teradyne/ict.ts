/**
 * Teradyne (Agilent/Keysight) i3070 in-circuit test logs to WSJF, streamed line by line so a
 * long multi-unit log never sits in memory: each unit's report is yielded when the unit ends.
 *
 * Two grammars, told apart by the first record: the classic log (`….obc[` program line, `@`
 * start line with `SN`, `Ref=value(low,high)Type` measurements, an end event character) and the
 * log record format (`{@BATCH|…`, `{@BTEST|…`, `{@BLOCK|…`, `{@A-RES|…{@LIM2|…}}`). See
 * `_classic.ts` and `_batch.ts` for the mapping. Steps are grouped in sequences
 * by component kind (`R101` → "Resistors"); limits given with another SI prefix than the value
 * are rescaled to the value's prefix.
 *
 * @module
 */
import type { Report } from "../../api/models/report/mod.ts";
import type { Converter, ConverterContext, ConverterInput } from "../contract.ts";
import { argInteger, argString } from "../_report_kit.ts";
import { headText } from "../_vendor_kit.ts";
import { BatchLog, type TeradyneArgs } from "./_batch.ts";
import { ClassicLog } from "./_classic.ts";
import { readUnits } from "./_reader.ts";

const MEASURE_LINE = /^.+?[=<>#%][0-9.Ee+-]*(?:MEG|[NPUMK])?\([^,()]*,[^,()]*\)\w*/m;
const START_LINE = /^@\d{1,2}-[A-Za-z]{3}-\d{2}\s+\d{1,2}:\d{2}:\d{2}/m;

function readArgs(args: Readonly<Record<string, unknown>>): TeradyneArgs {
  return {
    processCode: argInteger(args, "operationTypeCode", 20),
    stationName: argString(args, "stationName", ""),
    sequenceVersion: argString(args, "sequenceVersion", "1.0"),
    partRevision: argString(args, "partRevision", "1"),
  };
}

/**
 * Scores a file: log records `{@BATCH|`, `{@BTEST|`, `{@BLOCK|` 0.9; a `.obc[` program line
 * and a measurement line 0.95; either a program or a start line alone 0.7.
 *
 * @param head The first bytes.
 * @param _name The file name.
 * @returns The confidence.
 */
function sniff(head: Uint8Array, _name: string): number {
  const text = headText(head);
  if (/^\s*\{@(BATCH|BTEST|BLOCK)\|/m.test(text)) return 0.9;
  const program = /\.obc\[/i.test(text);
  if (program && MEASURE_LINE.test(text)) return 0.95;
  if (program || START_LINE.test(text)) return 0.7;
  return 0;
}

async function* convert(input: ConverterInput, context: ConverterContext): AsyncGenerator<Report> {
  const args = readArgs(context.args);
  const file = input.name;
  yield* readUnits(input, context, {
    open: (first) =>
      first.startsWith("{@")
        ? new BatchLog(file, context, args)
        : new ClassicLog(file, context, args),
    noUnit: "No test unit found (no start line or board record)",
  });
}

/**
 * The Teradyne i3070 ICT converter (classic log and log record format).
 *
 * Arguments: `operationTypeCode` (20), `stationName` (the log record's controller, else the
 * station default), `sequenceVersion` ("1.0"), `partRevision` ("1", when the file gives none).
 *
 * @example Convert a classic i3070 log
 * ```ts
 * import assert from "node:assert/strict";
 * import { BUILTIN_CONVERTERS, bytesInput } from "@wats/toolkit/converters";
 *
 * const ict = BUILTIN_CONVERTERS.find((converter) => converter.id === "teradyne-ict")!;
 * const context = {
 *   station: { name: "ICT-1", location: "Line 2", purpose: "ICT" },
 *   args: {},
 *   log: { info() {}, warn() {} },
 *   now: () => Date.now(),
 *   signal: new AbortController().signal,
 * };
 * const input = bytesInput(
 *   "board.log",
 *   "C:\\ict\\PCBA_main.obc[14-SEP-25  12:01:45\n@14-SEP-25  12:01:47 SN SN1\n" +
 *     'R101=100.5(90,110)R\n"14-SEP-25  12:01:59\n',
 * );
 * const reports = [];
 * for await (const report of ict.convert(input, context)) reports.push(report);
 * assert.deepEqual(reports.map((report) => [report.sn, report.result]), [["SN1", "P"]]);
 * ```
 */
export const teradyneIctConverter: Converter = {
  apiVersion: 1,
  id: "teradyne-ict",
  version: "1.0.0",
  description: "Teradyne/Keysight i3070 ICT logs (classic and {@BATCH log records), streamed",
  patterns: ["*"],
  sniff,
  convert,
};
