/**
 * The column mapping of the CSV converter: its type, its validation, and resolving column names
 * against the header row.
 *
 * @module
 */
import { z } from "zod";
import { ConversionError } from "../contract.ts";

/** A column: its header name, or its 1-based position. */
export type CsvColumn = string | number;

/** A measurement column of a row-per-unit CSV. */
export interface CsvMeasurementMapping {
  /** The column holding the value. */
  column: CsvColumn;
  /** Step name; the column's header name by default. */
  name?: string;
  /** Unit; `unitColumn` or `"NA"` when absent. */
  unit?: string;
  /** Comparison operator; `GELE` with both limits, `GE`/`LE` with one, `LOG` with none. */
  compOp?: string;
  /** Fixed low limit. */
  low?: number;
  /** Fixed high limit. */
  high?: number;
  /** Column with the low limit (per row). */
  lowColumn?: CsvColumn;
  /** Column with the high limit (per row). */
  highColumn?: CsvColumn;
  /** Column with the unit (per row). */
  unitColumn?: CsvColumn;
}

/** The step columns of a file-per-unit CSV (one row a step). */
export interface CsvStepColumns {
  /** Step name. */
  name: CsvColumn;
  /** Measured value. */
  value: CsvColumn;
  /** Low limit. */
  low?: CsvColumn;
  /** High limit. */
  high?: CsvColumn;
  /** Unit. */
  unit?: CsvColumn;
  /** Comparison operator. */
  compOp?: CsvColumn;
  /** Status word (`Passed`, `F` …); evaluated from the limits when absent. */
  status?: CsvColumn;
}

/** The CSV converter's arguments. */
export interface CsvMapping {
  /** One report per row (`row`, default) or per file (`file`, one row a step). */
  mode?: "row" | "file";
  /** `,`, `;`, TAB, or `auto` (default): the most frequent in the first line. */
  separator?: "," | ";" | "\t" | "auto";
  /** Numbers use a decimal comma; by default true when the separator is `;`. */
  decimalComma?: boolean;
  /** Whether the first line names the columns; true by default (else columns are numbers). */
  headerRow?: boolean;
  /** Header columns. In row mode `serial` is required; in file mode values come from row 1. */
  columns?: {
    serial?: CsvColumn;
    part?: CsvColumn;
    revision?: CsvColumn;
    start?: CsvColumn;
    result?: CsvColumn;
    operator?: CsvColumn;
    station?: CsvColumn;
    processCode?: CsvColumn;
  };
  /** Part number when there is no part column. */
  partNumber?: string;
  /** Revision when there is no revision column; `"1"` by default. */
  revision?: string;
  /** Test operation code when there is no column; 10 by default. */
  processCode?: number;
  /** Date format of the start column (`dd.MM.yyyy HH:mm:ss` …); ISO 8601 by default. */
  startFormat?: string;
  /** Minutes east of UTC of local start times; the host's offset by default. */
  utcOffsetMinutes?: number;
  /** Put the steps in a sequence of this name; at the root by default. */
  sequence?: string;
  /** Row mode: the measurement columns. */
  measurements?: CsvMeasurementMapping[];
  /** File mode: the step columns. */
  steps?: CsvStepColumns;
}

const column = z.union([z.string().min(1), z.int().min(1)]);

const mappingSchema = z.strictObject({
  mode: z.enum(["row", "file"]).optional(),
  separator: z.enum([",", ";", "\t", "auto"]).optional(),
  decimalComma: z.boolean().optional(),
  headerRow: z.boolean().optional(),
  columns: z.strictObject({
    serial: column.optional(),
    part: column.optional(),
    revision: column.optional(),
    start: column.optional(),
    result: column.optional(),
    operator: column.optional(),
    station: column.optional(),
    processCode: column.optional(),
  }).optional(),
  partNumber: z.string().min(1).optional(),
  revision: z.string().min(1).optional(),
  processCode: z.int().optional(),
  startFormat: z.string().min(1).optional(),
  utcOffsetMinutes: z.int().min(-840).max(840).optional(),
  sequence: z.string().min(1).optional(),
  measurements: z.array(z.strictObject({
    column,
    name: z.string().min(1).optional(),
    unit: z.string().optional(),
    compOp: z.string().optional(),
    low: z.number().optional(),
    high: z.number().optional(),
    lowColumn: column.optional(),
    highColumn: column.optional(),
    unitColumn: column.optional(),
  })).optional(),
  steps: z.strictObject({
    name: column,
    value: column,
    low: column.optional(),
    high: column.optional(),
    unit: column.optional(),
    compOp: column.optional(),
    status: column.optional(),
  }).optional(),
}).check((ctx) => {
  const m = ctx.value;
  const mode = m.mode ?? "row";
  if (mode === "row" && m.columns?.serial === undefined) {
    ctx.issues.push({
      code: "custom",
      message: "Row mode needs columns.serial",
      path: ["columns", "serial"],
      input: m,
    });
  }
  if (mode === "row" && (m.measurements ?? []).length === 0 && m.columns?.result === undefined) {
    ctx.issues.push({
      code: "custom",
      message: "Row mode needs measurements or columns.result",
      path: ["measurements"],
      input: m,
    });
  }
  if (mode === "file" && m.steps === undefined) {
    ctx.issues.push({
      code: "custom",
      message: "File mode needs steps",
      path: ["steps"],
      input: m,
    });
  }
});

/**
 * Validates the CSV converter's arguments.
 *
 * @param args The arguments from the configuration.
 * @returns The mapping.
 * @throws {ConversionError} Listing each problem with its path.
 */
export function parseCsvMapping(args: Readonly<Record<string, unknown>>): CsvMapping {
  const result = mappingSchema.safeParse(args);
  if (result.success) return result.data as CsvMapping;
  const problems = result.error.issues.map((i) =>
    `${i.path.join(".") || "(arguments)"}: ${i.message}`
  );
  throw new ConversionError(`Invalid CSV mapping: ${problems.join("; ")}`, {
    file: "(arguments)",
    stage: "load",
  });
}

/** Finds mapped columns in the header row. */
export class ColumnIndex {
  #names: Map<string, number>;
  #file: string;

  constructor(header: string[] | null, file: string) {
    this.#file = file;
    this.#names = new Map();
    if (header !== null) {
      header.forEach((name, i) => {
        const key = name.trim();
        if (!this.#names.has(key)) this.#names.set(key, i);
        const lower = `\u0000${key.toLowerCase()}`;
        if (!this.#names.has(lower)) this.#names.set(lower, i);
      });
    }
  }

  /** The 0-based index of a column; throws when a named column is not in the header. */
  index(col: CsvColumn, what: string): number {
    if (typeof col === "number") return col - 1;
    const i = this.#names.get(col) ?? this.#names.get(`\u0000${col.toLowerCase()}`);
    if (i === undefined) {
      throw new ConversionError(`Column "${col}" (${what}) is not in the header row`, {
        file: this.#file,
        line: 1,
        stage: "map",
      });
    }
    return i;
  }

  /** Like {@linkcode index}, `undefined` for an unmapped column. */
  optional(col: CsvColumn | undefined, what: string): number | undefined {
    return col === undefined ? undefined : this.index(col, what);
  }

  /** The header name of a column index. */
  name(i: number): string | undefined {
    for (const [key, value] of this.#names) if (value === i && key[0] !== "\u0000") return key;
    return undefined;
  }
}
