/**
 * Streaming CSV records: RFC 4180 quoting (`""` inside quotes, separators and line breaks in
 * quoted fields), any of `,` `;` TAB as separator (detected from the first line when asked), and
 * decoding as `decodeText` does (BOM, UTF-8, UTF-16, Windows-1252).
 *
 * @module
 */
import { ConversionError } from "./contract.ts";
import { lineBatches } from "./_text.ts";

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

/**
 * `text.split(sep)`, in JavaScript: `split` goes through the
 * runtime for every line, which costs more than finding the separators here.
 */
function splitPlain(text: string, sep: string): string[] {
  const fields: string[] = [];
  let start = 0;
  while (true) {
    const end = text.indexOf(sep, start);
    if (end === -1) {
      fields.push(text.slice(start));
      return fields;
    }
    fields.push(text.slice(start, end));
    start = end + sep.length;
  }
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
  for await (const batch of csvRecordBatches(stream, options)) yield* batch;
}

/**
 * {@linkcode csvRecords}, handed over a chunk's worth at a time (see {@linkcode lineBatches}).
 *
 * @param stream The bytes.
 * @param options The file, the separator, an abort signal.
 * @returns Arrays of records, in order, none empty.
 * @throws {ConversionError} On a quoted field that is never closed, or binary data.
 */
export async function* csvRecordBatches(
  stream: ReadableStream<Uint8Array>,
  options: CsvOptions,
): AsyncGenerator<CsvRecord[]> {
  const { file } = options;
  const maxLines = options.maxRecordLines ?? 10_000;
  let sep = options.separator === "auto" ? "" : options.separator;
  if (sep !== "") options.onSeparator?.(sep);
  let pending: string | null = null;
  let pendingLine = 0;
  let spanned = 0;
  for await (const lines of lineBatches(stream, { file, signal: options.signal })) {
    const batch: CsvRecord[] = [];
    for (const { text, line } of lines) {
      if (pending === null && text === "") continue;
      if (sep === "") {
        sep = detectSeparator(text);
        options.onSeparator?.(sep);
      }
      const record: string = pending === null ? text : `${pending}\n${text}`;
      if (pending === null && record.indexOf('"') === -1) {
        batch.push({ fields: splitPlain(record, sep), line });
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
      batch.push({ fields, line: pending === null ? line : pendingLine });
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
