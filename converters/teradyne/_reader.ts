/**
 * What the Teradyne readers share: a reader takes a log line by line and hands back each unit's
 * report when the unit ends, so a long multi-unit log never sits in memory; {@linkcode readUnits}
 * feeds it the lines of a file and checks that the file held a unit at all.
 *
 * @module
 */
import type { Report } from "../../api/models/report/mod.ts";
import { ConversionError, type ConverterContext, type ConverterInput } from "../contract.ts";
import { lines } from "../_text.ts";

/** Reads one log grammar line by line; `A` is the converter's arguments. */
export abstract class UnitReader<A> {
  /** The file name, for messages. */
  readonly file: string;
  /** The conversion context. */
  readonly context: ConverterContext;
  /** The converter's arguments. */
  readonly args: A;
  /** Lines that fit no part of the grammar. */
  skipped = 0;

  /**
   * Creates the reader.
   *
   * @param file The file name.
   * @param context The conversion context.
   * @param args The converter's arguments.
   */
  constructor(file: string, context: ConverterContext, args: A) {
    this.file = file;
    this.context = context;
    this.args = args;
  }

  /**
   * Reads one line.
   *
   * @param text The line, trimmed and not blank.
   * @param line Its number.
   * @returns A finished report when the line ended a unit (or started one while another was
   *   still open), else `null`.
   */
  abstract line(text: string, line: number): Report | null;

  /**
   * Ends the file.
   *
   * @returns The report of the unit the end of the file finishes, else `null`.
   * @throws {ConversionError} When a unit is still open that needs an end record (a truncated
   *   log).
   */
  abstract end(): Report | null;
}

/** How {@linkcode readUnits} reads a file. */
export interface ReadUnitsOptions<A> {
  /**
   * Creates the reader for the file from its first line that is not blank.
   *
   * @throws {ConversionError} When that line shows the file is not of the format.
   */
  open(text: string, line: number): UnitReader<A>;
  /** The message when the file holds no unit. */
  noUnit: string;
}

/**
 * Yields the reports of a file as its reader finishes them.
 *
 * @param input The file.
 * @param context The conversion context.
 * @param options The reader and the message for a file without units.
 * @returns The reports, in file order.
 * @throws {ConversionError} On an empty file, a file without units, and whatever the reader
 *   refuses.
 */
export async function* readUnits<A>(
  input: ConverterInput,
  context: ConverterContext,
  options: ReadUnitsOptions<A>,
): AsyncGenerator<Report> {
  const file = input.name;
  let reader: UnitReader<A> | null = null;
  let count = 0;
  for await (const { text, line } of lines(input.stream(), { file, signal: context.signal })) {
    const t = text.trim();
    if (t === "") continue;
    reader ??= options.open(t, line);
    const report = reader.line(t, line);
    if (report !== null) {
      count++;
      yield report;
    }
  }
  if (reader === null) throw new ConversionError("Empty file", { file, stage: "read" });
  const last = reader.end();
  if (last !== null) {
    count++;
    yield last;
  }
  if (count === 0) throw new ConversionError(options.noUnit, { file, stage: "parse" });
  if (reader.skipped > 0) {
    context.log.info("Lines not mapped to steps", { file, lines: reader.skipped });
  }
}
