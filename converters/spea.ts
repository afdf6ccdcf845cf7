/**
 * SPEA in-circuit test logs (semicolon records) to WSJF, streamed: one report per
 * `START` … `END` block, so a multi-board log yields every board.
 *
 * Records: `START;folder;testplan;number;product;user;MM/dd/yyyy;HH:mm:ss` (dd/MM/yyyy when the
 * first field cannot be a month), `LOT;batch`, `SN;serial`, `ANL|FUNC;site;task;tasknr;testtask;
 * diagnostic;comppn;result;measure;min;max;unit`, `BOARDRESULT;PASS|FAIL|ERROR…`,
 * `END;result;date;time`. Station = `stationNamePrefix` + tester number; sequence =
 * `folder/testplan`; steps grouped by the component reference's kind (`R101` → "Resistors");
 * limits `Automatic` or all-zero values → a pass/fail step; an infinite limit → `GE`/`LE`; misc
 * "Source File" and "Batch Serial".
 *
 * @module
 */
import type { Report, ReportResult } from "../api/models/report/mod.ts";
import {
  ConversionError,
  type Converter,
  type ConverterContext,
  type ConverterInput,
} from "./contract.ts";
import { lines, parseNumber } from "./_text.ts";
import {
  argInteger,
  argString,
  parseVendorDate,
  requireResult,
  statusLetter,
} from "./_report_kit.ts";
import { componentKind } from "./_vendor_parts.ts";
import {
  finishReport,
  finite,
  headText,
  limitsOf,
  startReport,
  StepGroups,
} from "./_vendor_kit.ts";

interface SpeaArgs {
  processCode: number;
  stationPrefix: string;
  location: string;
  purpose: string;
}

function readArgs(args: Readonly<Record<string, unknown>>): SpeaArgs {
  return {
    processCode: argInteger(args, "operationTypeCode", 31),
    stationPrefix: argString(args, "stationNamePrefix", "U62P-ICT-0"),
    location: argString(args, "location", ""),
    purpose: argString(args, "purpose", ""),
  };
}

/**
 * Scores a file: `START;` 0.5, +0.1 `LOT;`, +0.1 `SN;`, +0.2 `ANL;`/`FUNC;`, +0.1
 * `BOARDRESULT;` (at most 0.95).
 *
 * @param head The first bytes.
 * @param _name The file name.
 * @returns The confidence.
 */
function sniff(head: Uint8Array, _name: string): number {
  const text = headText(head);
  if (!/^START;/m.test(text)) return 0;
  let score = 0.5;
  if (/^LOT;/m.test(text)) score += 0.1;
  if (/^SN;/m.test(text)) score += 0.1;
  if (/^(ANL|FUNC);/m.test(text)) score += 0.2;
  if (/^BOARDRESULT;/m.test(text)) score += 0.1;
  return Math.min(0.95, Math.round(score * 100) / 100);
}

interface Board {
  fields: string[];
  line: number;
  start: string;
  lot: string;
  sn: string;
  boardResult?: ReportResult;
  steps: StepGroups;
}

function speaDate(date: string, time: string, place: { file: string; line: number }): string {
  const text = `${date.trim()} ${time.trim()}`;
  try {
    return parseVendorDate(text, "MM/dd/yyyy HH:mm:ss", place);
  } catch {
    return parseVendorDate(text, "dd/MM/yyyy HH:mm:ss", place);
  }
}

class SpeaLog {
  #file: string;
  #context: ConverterContext;
  #args: SpeaArgs;
  board: Board | null = null;
  count = 0;

  constructor(file: string, context: ConverterContext, args: SpeaArgs) {
    this.#file = file;
    this.#context = context;
    this.#args = args;
  }

  line(text: string, line: number): Report | null {
    const f = text.split(";");
    const kind = f[0].trim().toUpperCase();
    const place = { file: this.#file, line };
    if (kind === "START") {
      if (this.board !== null) {
        throw new ConversionError(
          `START before the END of the board started on line ${this.board.line}`,
          { ...place, stage: "parse" },
        );
      }
      if (f.length < 8) {
        throw new ConversionError(`START needs 8 fields, found ${f.length}`, {
          ...place,
          stage: "parse",
        });
      }
      this.board = {
        fields: f,
        line,
        start: speaDate(f[6], f[7], place),
        lot: "",
        sn: "",
        steps: new StepGroups(),
      };
      return null;
    }
    const board = this.board;
    if (board === null) {
      throw new ConversionError(`${kind || "A line"} outside a START … END block`, {
        ...place,
        stage: "parse",
      });
    }
    if (kind === "LOT") board.lot = (f[1] ?? "").trim();
    else if (kind === "SN") board.sn = (f[1] ?? "").trim();
    else if (kind === "ANL" || kind === "FUNC") this.#test(f, board, place);
    else if (kind === "BOARDRESULT") board.boardResult = requireResult(f[1], place);
    else if (kind === "END") return this.#finish(board, f, place);
    return null;
  }

  #test(f: string[], board: Board, place: { file: string; line: number }): void {
    if (f.length < 12) {
      throw new ConversionError(`${f[0]} needs 12 fields, found ${f.length}`, {
        ...place,
        stage: "parse",
      });
    }
    const [, , task, , testtask, diagnostic, , result, measure, min, max, unit] = f.map((x) =>
      x.trim()
    );
    const name = (testtask && testtask !== task ? `${task} ${testtask}` : task) || "Test";
    const status = statusLetter(result);
    if (status === undefined) {
      throw new ConversionError(`Unknown result "${result}"`, { ...place, stage: "map" });
    }
    const reportText = diagnostic || undefined;
    const group = componentKind(task);
    const automatic = /^auto/i.test(min) || /^auto/i.test(max);
    const value = finite(measure, place);
    if (automatic || (value === 0 && Number(min) === 0 && Number(max) === 0)) {
      board.steps.add(group, (s) => s.passFailStep(name, status === "P", { status, reportText }));
      return;
    }
    const limits = limitsOf(
      min === "" ? undefined : parseNumber(min, place),
      max === "" ? undefined : parseNumber(max, place),
    );
    board.steps.add(
      group,
      (s) => s.numericStep(name, value, { ...limits, unit: unit || undefined, status, reportText }),
    );
  }

  #finish(board: Board, f: string[], place: { file: string; line: number }): Report {
    this.board = null;
    const at = { file: this.#file, line: board.line, element: "START" };
    const [, folder, testplan, number, product, user] = board.fields.map((x) => x.trim());
    const endResult = f[1] !== undefined && f[1].trim() !== ""
      ? requireResult(f[1], place)
      : undefined;
    let execTime: number | undefined;
    if (f[2] && f[3]) {
      execTime = (Date.parse(speaDate(f[2], f[3], place)) - Date.parse(board.start)) / 1000;
    }
    if (board.sn === "") {
      throw new ConversionError("No serial number (SN; record) in the board", {
        ...at,
        stage: "map",
      });
    }
    const failed = (r: ReportResult | undefined) => r !== undefined && r !== "P";
    const result = failed(board.boardResult)
      ? board.boardResult
      : failed(endResult)
      ? endResult
      : undefined;
    const sequence = [folder, testplan].filter((x) => x).join("/") || "SPEA";
    const builder = startReport(this.#context, {
      pn: product,
      sn: board.sn,
      rev: "1",
      processCode: this.#args.processCode,
      start: board.start,
      execTime: execTime !== undefined && execTime >= 0 ? execTime : undefined,
      operator: user || undefined,
      batchSN: board.lot || undefined,
      result,
      seqCall: { name: sequence.slice(0, 200), version: "1.0" },
      station: {
        machineName: `${this.#args.stationPrefix}${number}`,
        location: this.#args.location,
        purpose: this.#args.purpose,
      },
      stationFallback: { location: "Production", purpose: "ICT Test" },
    }, at);
    builder.miscInfo("Source File", this.#file.slice(0, 100));
    if (board.lot) builder.miscInfo("Batch Serial", board.lot.slice(0, 100));
    board.steps.writeTo(builder);
    this.count++;
    return finishReport(builder, at);
  }
}

async function* convert(input: ConverterInput, context: ConverterContext): AsyncGenerator<Report> {
  const args = readArgs(context.args);
  const file = input.name;
  const log = new SpeaLog(file, context, args);
  let seen = false;
  for await (const { text, line } of lines(input.stream(), { file, signal: context.signal })) {
    if (text.trim() === "") continue;
    seen = true;
    const report = log.line(text, line);
    if (report !== null) yield report;
  }
  if (!seen) throw new ConversionError("Empty file", { file, stage: "read" });
  if (log.board !== null) {
    throw new ConversionError(
      `Truncated log: the board started on line ${log.board.line} has no END`,
      { file, line: log.board.line, stage: "parse" },
    );
  }
  if (log.count === 0) throw new ConversionError("No START … END block", { file, stage: "parse" });
}

/**
 * The SPEA ICT converter.
 *
 * Arguments: `operationTypeCode` (31), `stationNamePrefix` ("U62P-ICT-0"), `location` and
 * `purpose` (the station defaults, then "Production" and "ICT Test").
 *
 * @example Convert a SPEA log
 * ```ts
 * import assert from "node:assert/strict";
 * import { BUILTIN_CONVERTERS, bytesInput } from "@wats/toolkit/converters";
 *
 * const spea = BUILTIN_CONVERTERS.find((converter) => converter.id === "spea")!;
 * const context = {
 *   station: { name: "ICT-1", location: "Line 2", purpose: "ICT" },
 *   args: {},
 *   log: { info() {}, warn() {} },
 *   now: () => Date.now(),
 *   signal: new AbortController().signal,
 * };
 * const input = bytesInput(
 *   "board.txt",
 *   "START;PCBA;ICT;2;PCBA-1;jdoe;09/14/2025;12:01:47\nSN;SN1\n" +
 *     "ANL;1;R1;10;RES;;R-100;PASS;100.5;90;110;Ohm\nBOARDRESULT;PASS\nEND;PASS;09/14/2025;12:02:05\n",
 * );
 * const reports = [];
 * for await (const report of spea.convert(input, context)) reports.push(report);
 * assert.deepEqual(reports.map((report) => [report.sn, report.result]), [["SN1", "P"]]);
 * ```
 */
export const speaConverter: Converter = {
  apiVersion: 1,
  id: "spea",
  version: "1.0.0",
  description: "SPEA ICT logs (START/SN/ANL/FUNC/BOARDRESULT/END records), one report per board",
  patterns: ["*.txt", "*.log", "*.csv"],
  sniff,
  convert,
};
