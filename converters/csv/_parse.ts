/**
 * Streaming CSV records: RFC 4180 quoting (`""` inside quotes, separators and line breaks in
 * quoted fields), any of `,` `;` TAB as separator (detected from the first line when asked), and
 * decoding as `decodeText` does (BOM, UTF-8, UTF-16, Windows-1252).
 *
 * @module
 */
import { ConversionError } from "../contract.ts";
import { lineBatches, plainDecimal } from "../_text.ts";

/** One CSV record. */
export interface CsvRecord {
  /** The fields, unquoted, not trimmed. */
  fields: string[];
  /** 1-based line the record starts on. */
  line: number;
}

/** Options of {@linkcode csvRecords}. */
export interface CsvOptions {
  /** The file, for messages. */
  file: string;
  /** `,`, `;`, TAB, or `auto` (the most frequent of the three in the first line). */
  separator: string;
  /** Called once with the separator used. */
  onSeparator?: (separator: string) => void;
  /** Stops reading when aborted. */
  signal?: AbortSignal;
  /** Most lines one quoted field may span; 10 000 by default. */
  maxRecordLines?: number;
}

/**
 * Picks the separator of a CSV line: the most frequent of `,` `;` TAB outside quotes; `,` when
 * none occurs.
 *
 * @param line The first line.
 * @returns The separator.
 */
export function detectSeparator(line: string): string {
  const counts: Record<string, number> = { ",": 0, ";": 0, "\t": 0 };
  let quoted = false;
  for (const c of line) {
    if (c === '"') quoted = !quoted;
    else if (!quoted && c in counts) counts[c]++;
  }
  let best = ",";
  for (const c of [";", "\t"]) if (counts[c] > counts[best]) best = c;
  return best;
}

/** Splits one record with quotes; `null` when a quoted field is still open at the end. */
function splitQuoted(text: string, sep: string): string[] | null {
  const fields: string[] = [];
  let i = 0;
  const n = text.length;
  while (true) {
    if (text[i] === '"') {
      let value = "";
      let j = i + 1;
      while (true) {
        const q = text.indexOf('"', j);
        if (q === -1) return null;
        value += text.slice(j, q);
        if (text[q + 1] === '"') {
          value += '"';
          j = q + 2;
          continue;
        }
        j = q + 1;
        break;
      }
      // Text between the closing quote and the separator is kept, as spreadsheets do.
      const end = text.indexOf(sep, j);
      fields.push(end === -1 ? value + text.slice(j) : value + text.slice(j, end));
      if (end === -1) return fields;
      i = end + 1;
    } else {
      const end = text.indexOf(sep, i);
      if (end === -1) {
        fields.push(text.slice(i));
        return fields;
      }
      fields.push(text.slice(i, end));
      i = end + 1;
    }
    if (i > n) return fields;
  }
}

/**
 * Reads CSV records from a byte stream. Empty lines are skipped.
 *
 * @param stream The bytes.
 * @param options The file, the separator, an abort signal.
 * @returns The records, in order.
 * @throws {ConversionError} On a quoted field that is never closed, or binary data.
 */
export async function* csvRecords(
  stream: ReadableStream<Uint8Array>,
  options: CsvOptions,
): AsyncGenerator<CsvRecord> {
  let sep = "";
  const onSeparator = (chosen: string) => {
    sep = chosen;
    options.onSeparator?.(chosen);
  };
  const row = new CsvRow();
  for await (const batch of csvRawBatches(stream, { ...options, onSeparator })) {
    for (const record of batch) {
      row.reset(record, sep);
      yield { fields: row.fields(), line: row.line };
    }
  }
}

/**
 * A record as {@linkcode csvRawBatches} hands it over: a line without quotes as its text, to be
 * split by the reader (see {@linkcode CsvRow}), a quoted one as its fields.
 */
export type CsvRawRecord =
  | { text: string; fields: null; line: number }
  | { text: null; fields: string[]; line: number };

/**
 * {@linkcode csvRecords}, handed over a chunk's worth at a time (see `lineBatches`) and without
 * splitting lines that have no quotes: a reader that needs few of a line's fields as text
 * (numbers are read in place by {@linkcode CsvRow}) saves making a string of every field.
 *
 * @param stream The bytes.
 * @param options The file, the separator, an abort signal.
 * @returns Arrays of records, in order, none empty.
 * @throws {ConversionError} On a quoted field that is never closed, or binary data.
 */
export async function* csvRawBatches(
  stream: ReadableStream<Uint8Array>,
  options: CsvOptions,
): AsyncGenerator<CsvRawRecord[]> {
  const { file } = options;
  const maxLines = options.maxRecordLines ?? 10_000;
  let sep = options.separator === "auto" ? "" : options.separator;
  if (sep !== "") options.onSeparator?.(sep);
  let pending: string | null = null;
  let pendingLine = 0;
  let spanned = 0;
  for await (const lines of lineBatches(stream, { file, signal: options.signal })) {
    const batch: CsvRawRecord[] = [];
    for (const { text, line } of lines) {
      if (pending === null && text === "") continue;
      if (sep === "") {
        sep = detectSeparator(text);
        options.onSeparator?.(sep);
      }
      const record: string = pending === null ? text : `${pending}\n${text}`;
      if (pending === null && record.indexOf('"') === -1) {
        batch.push({ text: record, fields: null, line });
        continue;
      }
      const fields = splitQuoted(record, sep);
      if (fields === null) {
        if (pending === null) pendingLine = line;
        pending = record;
        if (++spanned > maxLines) {
          throw new ConversionError(`A quoted field is not closed within ${maxLines} lines`, {
            file,
            line: pendingLine,
            stage: "parse",
          });
        }
        continue;
      }
      batch.push({ text: null, fields, line: pending === null ? line : pendingLine });
      pending = null;
      spanned = 0;
    }
    if (batch.length > 0) yield batch;
  }
  if (pending !== null) {
    throw new ConversionError("Truncated file: a quoted field is never closed", {
      file,
      line: pendingLine,
      stage: "parse",
    });
  }
}

/**
 * One record of {@linkcode csvRawBatches}, read field by field: a quoted record from its fields,
 * a plain line in place, where a field becomes a string only when asked for as text. One view
 * serves a whole file ({@linkcode CsvRow.reset} points it at the next record).
 */
export class CsvRow {
  /** 1-based line the record starts on. */
  line = 0;
  /** How many fields the record has. */
  count = 0;
  #text = "";
  #fields: string[] | null = null;
  #starts: number[] = [];
  #ends: number[] = [];

  /**
   * Points the view at a record.
   *
   * @param record The record.
   * @param sep The separator (`fields.length` of a quoted record, the line split by it otherwise).
   */
  reset(record: CsvRawRecord, sep: string): void {
    this.line = record.line;
    if (record.fields !== null) {
      this.#fields = record.fields;
      this.count = record.fields.length;
      return;
    }
    this.#fields = null;
    const text = record.text;
    this.#text = text;
    const starts = this.#starts;
    const ends = this.#ends;
    let count = 0;
    let start = 0;
    while (true) {
      const end = text.indexOf(sep, start);
      starts[count] = start;
      ends[count] = end === -1 ? text.length : end;
      count++;
      if (end === -1) break;
      start = end + sep.length;
    }
    this.count = count;
  }

  /**
   * A field as text, as `text.split(sep)[i]` gives it.
   *
   * @param i The field's index.
   * @returns The text, `undefined` past the last field.
   */
  field(i: number): string | undefined {
    if (i >= this.count) return undefined;
    return this.#fields !== null
      ? this.#fields[i]
      : this.#text.slice(this.#starts[i], this.#ends[i]);
  }

  /** Every field as text. */
  fields(): string[] {
    return Array.from({ length: this.count }, (_, i) => this.field(i)!);
  }

  /**
   * A plain decimal field read in place (see `plainDecimal`), without making a string of it.
   *
   * @param i The field's index.
   * @returns The number, or `undefined` when the field is missing or not a plain decimal (read
   * it with {@linkcode CsvRow.field} and `parseNumber`).
   */
  plainNumber(i: number): number | undefined {
    if (i >= this.count) return undefined;
    if (this.#fields !== null) return plainDecimal(this.#fields[i]);
    return plainDecimal(this.#text, this.#starts[i], this.#ends[i]);
  }
}
