/**
 * Klippel QC speaker test logs to WSJF.
 *
 * A Klippel result is a `Key=Value` header file plus a data folder named after the header's stem
 * holding tab-separated `*.txt` tables. A converter reads only its input, so the header alone
 * gives a report with the verdict; a zip bundle of the header and its data folder gives the
 * measurements too. Header: `Cfg_SerialNumber` (required), `Cfg_UserName` → operator,
 * `Cfg_DutStartTime` (`Year-Month-WeekNo-JDay-WDay-Day-Hour-Minute-Second-MSec-UTCOffset`, the
 * offset in minutes, or in hours when within ±14), `Ctrl_OverallVerdict` (−1 void, 0 fail,
 * 1 pass, 2 warning = pass, 3 noise, 4 invalid = error), `Cfg_LoginMode` and `Cfg_Speaker` →
 * misc info. Tables: one sequence per file-name prefix before `-`; a `name` table → numeric
 * steps (value, min, max → `GELE`; one value → logged); a `frq` table (frq, value, max, min) →
 * a multi-numeric step (avg, min, max of the values) and an `OutOfBounds` count step (`EQ` 0).
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
import { decodeText } from "./_text.ts";
import { argInteger, argString, parseVendorDate, type Place } from "./_report_kit.ts";
import { finishReport, finite, headText, startReport, type StepWriter } from "./_vendor_kit.ts";
import { headEntries, headEntryBytes, isZip, readZip } from "../util/zip.ts";

interface KlippelArgs {
  pn: string;
  rev: string;
  sequenceName: string;
  sequenceVersion: string;
  processCode: number;
}

function readArgs(args: Readonly<Record<string, unknown>>): KlippelArgs {
  return {
    pn: argString(args, "partNumber", "PartNumber1"),
    rev: argString(args, "partRevision", "1.0"),
    sequenceName: argString(args, "sequenceName", "SequenceName1"),
    sequenceVersion: argString(args, "sequenceVersion", "1.0.0"),
    processCode: argInteger(args, "operationTypeCode", 700),
  };
}

const KEYS = ["Cfg_DutStartTime", "Cfg_SerialNumber", "Ctrl_OverallVerdict"];
const TIME =
  /^(\d{4})-(\d{1,2})-(-?\d+)-(-?\d+)-(\d+)-(\d{1,2})-(\d{1,2})-(\d{1,2})-(\d{1,2})-(\d{1,3})-(-?\d+)$/;

interface Header {
  values: Map<string, { value: string; line: number }>;
}

function readHeader(text: string): Header {
  const values = new Map<string, { value: string; line: number }>();
  text.split(/\r\n|\r|\n/).forEach((raw, i) => {
    const eq = raw.indexOf("=");
    if (eq > 0) {
      values.set(raw.slice(0, eq).trim(), { value: raw.slice(eq + 1).trim(), line: i + 1 });
    }
  });
  return { values };
}

function headerScore(text: string, hasData: boolean): number {
  const { values } = readHeader(text);
  const missing = KEYS.filter((k) => !values.has(k)).length;
  if (missing === KEYS.length) return 0;
  if (missing > 0) return Math.max(0.3, Math.round((0.6 - 0.1 * missing) * 100) / 100);
  let score = 0.8 + (hasData ? 0.15 : 0);
  if (TIME.test(values.get("Cfg_DutStartTime")!.value)) score += 0.05;
  return Math.min(0.95, Math.round(score * 100) / 100);
}

/**
 * Scores a file: the header keys `Cfg_DutStartTime`, `Cfg_SerialNumber`, `Ctrl_OverallVerdict`
 * 0.8, +0.15 with the data folder (a bundle), +0.05 a valid start time (at most 0.95); some keys
 * 0.6 − 0.1 a missing key.
 *
 * @param head The first bytes.
 * @param _name The file name.
 * @returns The confidence.
 */
function sniff(head: Uint8Array, _name: string): number {
  if (!isZip(head)) return headerScore(headText(head), false);
  const entries = headEntries(head);
  for (const entry of entries) {
    if (entry.name.includes("/") || !/\.(txt|log)$/i.test(entry.name)) continue;
    const bytes = headEntryBytes(entry);
    if (bytes === null) continue;
    const stem = entry.name.replace(/\.[^.]*$/, "");
    const hasData = entries.some((e) => e.name.startsWith(`${stem}/`) && /\.txt$/i.test(e.name));
    const score = headerScore(headText(bytes), hasData);
    if (score > 0) return score;
  }
  return 0;
}

function startTime(text: string, place: Place): string {
  const m = TIME.exec(text);
  if (m === null) {
    throw new ConversionError(`Cfg_DutStartTime "${text}" is not Year-Month-…-MSec-UTCOffset`, {
      ...place,
      stage: "map",
    });
  }
  const [, year, month, , , , day, hour, minute, second, msec, offset] = m;
  const raw = Number(offset);
  const minutes = Math.abs(raw) <= 14 ? raw * 60 : raw;
  return parseVendorDate(
    `${year}-${month}-${day} ${hour}:${minute}:${second}.${msec.padStart(3, "0")}`,
    "yyyy-M-d H:m:s.fff",
    { ...place, utcOffsetMinutes: minutes },
  );
}

const VERDICTS: ReadonlyMap<string, { result: ReportResult; word: string }> = new Map([
  ["-1", { result: "E", word: "Void" }],
  ["0", { result: "F", word: "Fail" }],
  ["1", { result: "P", word: "Pass" }],
  ["2", { result: "P", word: "Warning" }],
  ["3", { result: "E", word: "Noise" }],
  ["4", { result: "E", word: "Invalid" }],
]);

/** One data table: its sequence (file-name prefix) and steps. */
interface Table {
  sequence: string;
  steps: StepWriter[];
}

function readTable(text: string, name: string, file: string): Table | null {
  const base = name.split("/").pop()!.replace(/\.txt$/i, "");
  const dash = base.indexOf("-");
  const sequence = dash > 0 ? base.slice(0, dash) : base;
  const title = dash > 0 ? base.slice(dash + 1) : base;
  const rows = text.split(/\r\n|\r|\n/).map((line, i) => ({ cells: line.split("\t"), line: i + 1 }))
    .filter((r) => r.cells.some((c) => c.trim() !== ""));
  if (rows.length === 0) return null;
  const kind = rows[0].cells[0].trim().toLowerCase();
  const place = (line: number): Place => ({ file, line, element: name });
  const steps: StepWriter[] = [];
  if (kind === "name") {
    for (const { cells, line } of rows.slice(1)) {
      const stepName = cells[0].trim() || "Value";
      const values = cells.slice(1).filter((c) => c.trim() !== "").map((c) =>
        finite(c, place(line))
      );
      if (values.length === 0) continue;
      if (values.length === 3) {
        steps.push((s) =>
          s.numericStep(stepName, values[0], { compOp: "GELE", low: values[1], high: values[2] })
        );
      } else steps.push((s) => s.numericStep(stepName, values[0]));
    }
  } else if (kind === "frq") {
    const y: number[] = [];
    let outside = 0;
    for (const { cells, line } of rows.slice(1)) {
      const values = cells.filter((c) => c.trim() !== "").map((c) => finite(c, place(line)));
      if (values.length < 2) continue;
      const [, value, max, min] = values;
      y.push(value);
      if ((max !== undefined && value > max) || (min !== undefined && value < min)) outside++;
    }
    if (y.length === 0) return null;
    const label = rows[0].cells[1]?.trim() || title;
    const avg = y.reduce((a, b) => a + b, 0) / y.length;
    const stats = [
      { name: "avg", value: Number(avg.toPrecision(12)) },
      { name: "min", value: Math.min(...y) },
      { name: "max", value: Math.max(...y) },
    ];
    steps.push((s) => s.multiNumericStep(`${title} ${label}`.slice(0, 100), stats));
    steps.push((s) =>
      s.numericStep(`${title} OutOfBounds`.slice(0, 100), outside, { compOp: "EQ", low: 0 })
    );
  } else {
    return null;
  }
  return { sequence, steps };
}

async function readBundle(
  bytes: Uint8Array,
  input: ConverterInput,
  context: ConverterContext,
): Promise<{ header: string; headerName: string; tables: Table[] }> {
  const archive = readZip(bytes, input.name, { maxTotalBytes: 256 * 1024 * 1024 });
  const headerEntry = archive.entries.find((e) =>
    !e.name.includes("/") && /\.(txt|log)$/i.test(e.name)
  );
  if (headerEntry === undefined) {
    throw new ConversionError("No header file (*.txt) at the top of the bundle", {
      file: input.name,
      stage: "map",
    });
  }
  const header = decodeText(await archive.read(headerEntry), input.name);
  const stem = headerEntry.name.replace(/\.[^.]*$/, "");
  const tables: Table[] = [];
  const data = archive.entries
    .filter((e) => e.name.startsWith(`${stem}/`) && /\.txt$/i.test(e.name))
    .sort((a, b) => a.name.localeCompare(b.name));
  for (const entry of data) {
    const table = readTable(
      decodeText(await archive.read(entry), input.name),
      entry.name,
      input.name,
    );
    if (table === null) {
      context.log.warn("Data file is not a name or frq table; skipped", {
        file: input.name,
        entry: entry.name,
      });
    } else tables.push(table);
  }
  return { header, headerName: headerEntry.name, tables };
}

async function* convert(input: ConverterInput, context: ConverterContext): AsyncGenerator<Report> {
  const args = readArgs(context.args);
  const file = input.name;
  let header: string, tables: Table[] = [];
  const bytes = await input.bytes();
  if (isZip(bytes)) ({ header, tables } = await readBundle(bytes, input, context));
  else {
    header = bytes.length === 0 ? "" : decodeText(bytes, file);
    if (header.trim() === "") throw new ConversionError("Empty file", { file, stage: "read" });
    context.log.info("Header file only: the data folder is not part of the input", { file });
  }
  const { values } = readHeader(header);
  const get = (key: string) => values.get(key);
  const place = (key: string): Place => ({ file, line: get(key)?.line, element: key });
  const sn = get("Cfg_SerialNumber");
  if (sn === undefined || sn.value === "") {
    throw new ConversionError("No Cfg_SerialNumber in the header", { file, stage: "map" });
  }
  const verdictText = get("Ctrl_OverallVerdict")?.value;
  const verdict = verdictText === undefined ? undefined : VERDICTS.get(verdictText);
  if (verdictText !== undefined && verdict === undefined) {
    throw new ConversionError(`Unknown Ctrl_OverallVerdict "${verdictText}"`, {
      ...place("Ctrl_OverallVerdict"),
      stage: "map",
    });
  }
  const time = get("Cfg_DutStartTime");
  const builder = startReport(context, {
    pn: args.pn,
    sn: sn.value,
    rev: args.rev,
    processCode: args.processCode,
    start: time ? startTime(time.value, place("Cfg_DutStartTime")) : undefined,
    operator: get("Cfg_UserName")?.value || undefined,
    result: verdict?.result,
    seqCall: { name: args.sequenceName, version: args.sequenceVersion },
    stationFallback: { machineName: "Klippel", location: "Production", purpose: "Acoustic Test" },
  }, place("Cfg_SerialNumber"));
  builder.miscInfo("FileName", file.slice(0, 100));
  for (const key of ["Cfg_LoginMode", "Cfg_Speaker"]) {
    const value = get(key)?.value;
    if (value) builder.miscInfo(key, value.slice(0, 100));
  }
  if (verdict !== undefined) builder.miscInfo("Verdict", verdict.word);
  if (tables.length === 0 && verdict !== undefined) {
    builder.passFailStep("Overall verdict", verdict.result === "P", {
      status: verdict.result === "P" ? "P" : verdict.result === "F" ? "F" : "E",
    });
  }
  let i = 0;
  while (i < tables.length) {
    const name = tables[i].sequence;
    const writers: StepWriter[] = [];
    while (i < tables.length && tables[i].sequence === name) writers.push(...tables[i++].steps);
    builder.sequence(name, (s) => writers.forEach((w) => w(s)));
  }
  yield finishReport(builder, place("Cfg_SerialNumber"));
}

/**
 * The Klippel QC converter (header file, or a zip bundle of the header and its data folder).
 *
 * Arguments: `partNumber` ("PartNumber1"), `partRevision` ("1.0"), `sequenceName`
 * ("SequenceName1"), `sequenceVersion` ("1.0.0"), `operationTypeCode` (700).
 *
 * @example Convert a Klippel header
 * ```ts
 * import assert from "node:assert/strict";
 * import { BUILTIN_CONVERTERS, bytesInput } from "@wats/toolkit/converters";
 *
 * const klippel = BUILTIN_CONVERTERS.find((converter) => converter.id === "klippel")!;
 * const context = {
 *   station: { name: "EOL-1", location: "Line 2", purpose: "Acoustics" },
 *   args: {},
 *   log: { info() {}, warn() {} },
 *   now: () => Date.now(),
 *   signal: new AbortController().signal,
 * };
 * const input = bytesInput(
 *   "speaker.txt",
 *   "Cfg_SerialNumber=SPK1\nCfg_DutStartTime=2025-9-37-257-0-14-12-1-47-250-120\n" +
 *     "Ctrl_OverallVerdict=1\n",
 * );
 * const reports = [];
 * for await (const report of klippel.convert(input, context)) reports.push(report);
 * assert.deepEqual(reports.map((report) => report.start), ["2025-09-14T12:01:47.250+02:00"]);
 * ```
 */
export const klippelConverter: Converter = {
  apiVersion: 1,
  id: "klippel",
  version: "1.0.0",
  description: "Klippel QC logs: Key=Value header, or a zip bundle with its data folder",
  patterns: ["*.txt", "*.log", "*.zip"],
  sniff,
  convert,
};
