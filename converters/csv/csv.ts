/**
 * CSV: test results in comma-, semicolon- or tab-separated files, read by a column mapping
 * given as the converter's arguments ({@linkcode CsvMapping}).
 *
 * Two shapes:
 * - `mode: "row"` (default): one unit a row. `columns` names the serial, part, revision, start,
 *   result, operator, station and process-code columns; `measurements` the value columns with
 *   fixed or per-row limits and units. Each row is yielded as soon as it is read, so a file of
 *   any size streams in the memory of one row.
 * - `mode: "file"`: one unit a file, one step a row (`steps` names the name, value, limit, unit,
 *   operator and status columns); header values come from the first data row or the mapping, the
 *   serial from the file name when there is no serial column.
 *
 * Quoting follows RFC 4180; a BOM, UTF-16 and Windows-1252 are handled; decimal commas are read
 * when `decimalComma` is set (the default with `;`). Empty value cells are left out (not
 * measured). `NaN`/`Inf` values are kept as the model's tokens; `1e999` is refused.
 *
 * @example A row-per-unit mapping
 * ```ts
 * import assert from "node:assert/strict";
 * import { bytesInput, csvConverter, type CsvMapping, runConversion } from "@wats/toolkit/converters";
 *
 * const mapping: CsvMapping = {
 *   columns: { serial: "Serial", part: "Part", start: "Start", result: "Result" },
 *   measurements: [{ column: "V5", name: "Supply 5V", unit: "V", low: 4.9, high: 5.1 }],
 * };
 * const input = bytesInput(
 *   "line2.csv",
 *   "Serial,Part,Start,Result,V5\nSN1,PCB-1,2026-01-30T22:01:41+01:00,Passed,5.02\n",
 * );
 * const result = await runConversion(csvConverter, input, {
 *   station: { name: "Station 7", location: "Line 2", purpose: "Production" },
 *   args: { ...mapping },
 * });
 * assert.ok(result.ok);
 * assert.deepEqual(result.reports.map((report) => [report.sn, report.pn]), [["SN1", "PCB-1"]]);
 * ```
 *
 * @module
 */
import {
  ConversionError,
  type Converter,
  CONVERTER_API_VERSION,
  type ConverterContext,
  type ConverterInput,
} from "../contract.ts";
import { csvRawBatches, CsvRow, detectSeparator } from "./_parse.ts";
import { ColumnIndex, type CsvMapping, parseCsvMapping } from "./_mapping.ts";
import {
  assembleReport,
  checkCompOp,
  defaultCompOp,
  type HeaderCells,
  numericStep,
  type ReportSettings,
} from "./_report.ts";
import { decodeHead, isBlank, type NumberOptions, parseNumber, trimmed } from "../_text.ts";
import { statusLetter } from "../_report_kit.ts";
import type { CompOp, NumericValue, Report, Step } from "../../api/models/report/mod.ts";

export type { CsvColumn, CsvMapping, CsvMeasurementMapping, CsvStepColumns } from "./_mapping.ts";

const HEADER_KEYS = [
  "serial",
  "part",
  "revision",
  "start",
  "result",
  "operator",
  "station",
  "processCode",
] as const;

interface MeasurementPlan {
  index: number;
  name: string;
  op: CompOp | undefined;
  low?: number;
  high?: number;
  unit?: string;
  lowIndex?: number;
  highIndex?: number;
  unitIndex?: number;
}

function headerPlan(
  mapping: CsvMapping,
  ix: ColumnIndex,
): Partial<Record<keyof HeaderCells, number>> {
  const plan: Partial<Record<keyof HeaderCells, number>> = {};
  for (const key of HEADER_KEYS) {
    const index = ix.optional(mapping.columns?.[key], key);
    if (index !== undefined) plan[key] = index;
  }
  return plan;
}

function headerCells(
  plan: Partial<Record<keyof HeaderCells, number>>,
  fields: string[],
): HeaderCells {
  const cells: HeaderCells = {};
  for (const key of HEADER_KEYS) {
    const i = plan[key];
    if (i !== undefined) cells[key] = trimmed(fields[i] ?? "");
  }
  return cells;
}

/**
 * The header cells of a row in row mode: the same values as {@linkcode headerCells}, with every
 * key present (`undefined` where the mapping names no column), which is quicker to build per row.
 */
function rowCells(
  plan: Partial<Record<keyof HeaderCells, number>>,
  row: CsvRow,
): HeaderCells {
  return {
    serial: cellAt(row, plan.serial),
    part: cellAt(row, plan.part),
    revision: cellAt(row, plan.revision),
    start: cellAt(row, plan.start),
    result: cellAt(row, plan.result),
    operator: cellAt(row, plan.operator),
    station: cellAt(row, plan.station),
    processCode: cellAt(row, plan.processCode),
  };
}

function cellAt(row: CsvRow, i: number | undefined): string | undefined {
  return i === undefined ? undefined : trimmed(row.field(i) ?? "");
}

class Reader {
  readonly file: string;
  decimalComma = false;
  /** Reused for every number: `parseNumber` does not keep its options. */
  #options: NumberOptions;

  constructor(file: string) {
    this.file = file;
    this.#options = { file, line: 0, element: "", decimalComma: false };
  }

  num(text: string, line: number, element: string): NumericValue {
    const options = this.#options;
    options.line = line;
    options.element = element;
    options.decimalComma = this.decimalComma;
    return parseNumber(text, options);
  }

  /** A field's number, `undefined` for an empty field; a plain decimal is read in place. */
  number(
    row: CsvRow,
    i: number | undefined,
    line: number,
    element: string,
  ): NumericValue | undefined {
    if (i === undefined) return undefined;
    const plain = row.plainNumber(i);
    if (plain !== undefined) return plain;
    const text = row.field(i);
    return text === undefined || isBlank(text) ? undefined : this.num(text, line, element);
  }
}

function rowSteps(plans: MeasurementPlan[], row: CsvRow, r: Reader): Step[] {
  const steps: Step[] = [];
  const line = row.line;
  for (const p of plans) {
    const value = r.number(row, p.index, line, p.name);
    if (value === undefined) continue;
    const low = p.low ?? r.number(row, p.lowIndex, line, `${p.name} low limit`);
    const high = p.high ?? r.number(row, p.highIndex, line, `${p.name} high limit`);
    const unit = p.unit ?? (p.unitIndex === undefined ? undefined : row.field(p.unitIndex)?.trim());
    steps.push(
      numericStep(
        p.name,
        value,
        defaultCompOp(p.op, low !== undefined, high !== undefined),
        low,
        high,
        unit,
      ),
    );
  }
  return steps;
}

function fileStep(steps: NonNullable<CsvMapping["steps"]>, ix: ColumnIndex, r: Reader) {
  const at = (col: string | number | undefined, what: string) => ix.optional(col, what);
  const cols = {
    name: ix.index(steps.name, "step name"),
    value: ix.index(steps.value, "step value"),
    low: at(steps.low, "low limit"),
    high: at(steps.high, "high limit"),
    unit: at(steps.unit, "unit"),
    compOp: at(steps.compOp, "comparison operator"),
    status: at(steps.status, "status"),
  };
  return (row: CsvRow): Step => {
    const line = row.line;
    const get = (i: number | undefined) => (i === undefined ? "" : (row.field(i) ?? "").trim());
    const name = get(cols.name) || `Row ${line}`;
    const statusText = get(cols.status);
    const status = statusText === "" ? undefined : statusLetter(statusText);
    if (statusText !== "" && status === undefined) {
      throw new ConversionError(`Unknown status "${statusText}"`, {
        file: r.file,
        line,
        element: "status",
        stage: "map",
      });
    }
    const valueText = get(cols.value);
    const opText = get(cols.compOp);
    const op = opText === ""
      ? undefined
      : checkCompOp(opText, { file: r.file, line, element: "compOp" });
    if (valueText === "") {
      const verdict = status ?? "P";
      return {
        stepType: "ET_PFT",
        name,
        group: "M",
        status: verdict,
        booleanMeas: [{ status: verdict }],
      };
    }
    const low = r.number(row, cols.low, line, "low limit");
    const high = r.number(row, cols.high, line, "high limit");
    const value = r.num(valueText, line, name);
    return numericStep(
      name,
      value,
      defaultCompOp(op, low !== undefined, high !== undefined),
      low,
      high,
      get(cols.unit),
      status,
    );
  };
}

function measurementPlans(mapping: CsvMapping, ix: ColumnIndex, file: string): MeasurementPlan[] {
  return (mapping.measurements ?? []).map((m) => {
    const index = ix.index(m.column, "measurement");
    const name = m.name ?? ix.name(index) ?? `Column ${index + 1}`;
    const plan: MeasurementPlan = {
      index,
      name,
      op: m.compOp === undefined ? undefined : checkCompOp(m.compOp, { file, element: name }),
      low: m.low,
      high: m.high,
      unit: m.unit,
      lowIndex: ix.optional(m.lowColumn, `${name} low limit`),
      highIndex: ix.optional(m.highColumn, `${name} high limit`),
      unitIndex: ix.optional(m.unitColumn, `${name} unit`),
    };
    return plan;
  });
}

function baseStem(name: string): string {
  const dot = name.lastIndexOf(".");
  return dot > 0 ? name.slice(0, dot) : name;
}

/**
 * How sure the CSV converter is about a file: never more than pattern-level, since any table is
 * CSV; choose it by id with a mapping.
 *
 * @param head The first bytes.
 * @param name The file name.
 * @returns 0.4 for a `.csv`/`.tsv` file whose first line has separators, 0.2 for other text
 * with separators, 0 otherwise.
 */
export function sniffCsv(head: Uint8Array, name: string): number {
  const text = decodeHead(head);
  if (text.includes("\0")) return 0;
  const first = text.split(/\r\n|\r|\n/, 1)[0];
  const sep = detectSeparator(first);
  if (!first.includes(sep)) return 0;
  return /\.(csv|tsv)$/i.test(name) ? 0.4 : 0.2;
}

/** The CSV converter, driven by a {@linkcode CsvMapping} in its arguments. */
export const csvConverter: Converter = {
  apiVersion: CONVERTER_API_VERSION,
  id: "csv",
  version: "1.0.0",
  description: "CSV test results by a column mapping: one report a row or a file",
  patterns: ["*.csv", "*.tsv"],
  sniff: sniffCsv,
  async *convert(input: ConverterInput, context: ConverterContext): AsyncGenerator<Report> {
    const mapping = parseCsvMapping(context.args);
    const file = input.path;
    const r = new Reader(file);
    const settings: ReportSettings = {
      file,
      partNumber: mapping.partNumber,
      revision: mapping.revision ?? "1",
      processCode: mapping.processCode ?? 10,
      startFormat: mapping.startFormat,
      utcOffsetMinutes: mapping.utcOffsetMinutes,
      sequence: mapping.sequence,
    };
    let sep = ",";
    const batches = csvRawBatches(input.stream(), {
      file,
      separator: mapping.separator ?? "auto",
      signal: context.signal,
      onSeparator: (chosen) => {
        sep = chosen;
        r.decimalComma = mapping.decimalComma ?? chosen === ";";
      },
    });
    const row = new CsvRow();
    const hasHeader = mapping.headerRow ?? true;
    let ix: ColumnIndex | null = hasHeader ? null : new ColumnIndex(null, file);
    let plan: ReturnType<typeof headerPlan> = {};
    let plans: MeasurementPlan[] = [];
    let width = 0;
    let stepOf: ((row: CsvRow) => Step) | null = null;
    let fileCells: HeaderCells | null = null;
    const fileSteps: Step[] = [];
    let count = 0;
    const setup = (index: ColumnIndex) => {
      plan = headerPlan(mapping, index);
      if (mapping.mode === "file") stepOf = fileStep(mapping.steps!, index, r);
      else plans = measurementPlans(mapping, index, file);
      width = Math.max(0, ...Object.values(plan), ...plans.map((p) => p.index)) + 1;
    };
    if (ix !== null) setup(ix);
    for await (const records of batches) {
      for (const record of records) {
        row.reset(record, sep);
        const line = row.line;
        if (ix === null) {
          ix = new ColumnIndex(row.fields(), file);
          setup(ix);
          continue;
        }
        if (row.count === 1 && row.field(0)!.trim() === "") continue;
        if (row.count < width) {
          throw new ConversionError(
            `Row has ${row.count} fields, the mapping needs ${width} (truncated row?)`,
            {
              file,
              line,
              stage: "parse",
            },
          );
        }
        if (mapping.mode === "file") {
          fileCells ??= { serial: baseStem(input.name), ...headerCells(plan, row.fields()) };
          fileSteps.push(stepOf!(row));
          continue;
        }
        yield assembleReport(
          rowCells(plan, row),
          rowSteps(plans, row, r),
          settings,
          context,
          line,
        );
        count++;
      }
    }
    if (mapping.mode === "file" && fileCells !== null) {
      yield assembleReport(fileCells, fileSteps, settings, context, hasHeader ? 2 : 1);
      count++;
    }
    if (count === 0) {
      throw new ConversionError(ix === null ? "Empty file" : "No data rows after the header", {
        file,
        stage: "parse",
      });
    }
  },
};
