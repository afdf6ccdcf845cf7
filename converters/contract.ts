/**
 * The converter contract, version 1: what a converter is, what it gets and what it gives back.
 *
 * A converter turns one input file into one or many WSJF reports. It is pure: no network, no file
 * moves, no reads outside its input. It is found by `id` or chosen by `sniff` confidence, gets
 * the input as a stream (read whole only when small), and yields reports one at a time so a large
 * multi-unit file never has to sit in memory whole. The service validates every yielded report with
 * the report schema.
 *
 * @module
 */

import type { Report } from "../api/models/report/mod.ts";

/** The contract version this toolkit speaks. */
export const CONVERTER_API_VERSION = 1 as const;

/** The input file, as a converter sees it. */
export interface ConverterInput {
  /** The file's path (for messages; a plug-in may not be allowed to open it itself). */
  readonly path: string;
  /** The file's base name. */
  readonly name: string;
  /** Size in bytes. */
  readonly size: number;
  /** The bytes as a stream; may be called more than once. */
  stream(): ReadableStream<Uint8Array>;
  /**
   * The whole file as bytes.
   *
   * @throws {ConversionError} When the file is larger than the whole-read limit; stream it.
   */
  bytes(): Promise<Uint8Array>;
  /**
   * The whole file as text, decoded by its BOM (UTF-8, UTF-16 LE/BE) or as UTF-8, falling back to
   * Windows-1252 when it is not valid UTF-8.
   *
   * @throws {ConversionError} When the file is larger than the whole-read limit; stream it.
   */
  text(): Promise<string>;
}

/** Where a report was made, for reports whose file does not say. */
export interface StationDefaults {
  /** Station (machine) name. */
  readonly name: string;
  /** Station location. */
  readonly location: string;
  /** Station purpose. */
  readonly purpose: string;
}

/** Log lines of one conversion; they go to the conversion log. */
export interface ConversionLogger {
  /**
   * Something the user may want to know.
   *
   * @param message What happened.
   * @param fields Structured details.
   */
  info(message: string, fields?: Record<string, unknown>): void;
  /**
   * Something the user should look at; the report is still made.
   *
   * @param message What is off.
   * @param fields Structured details.
   */
  warn(message: string, fields?: Record<string, unknown>): void;
}

/** What a converter gets besides the input. */
export interface ConverterContext {
  /** Station defaults. */
  readonly station: StationDefaults;
  /** The converter's arguments from the configuration (validate them in the converter). */
  readonly args: Readonly<Record<string, unknown>>;
  /** The conversion log. */
  readonly log: ConversionLogger;
  /** The clock: epoch milliseconds. Use it for any "now", never `Date.now()`. */
  now(): number;
  /** Aborted when the conversion times out or the service stops. */
  readonly signal: AbortSignal;
}

/** A converter. */
export interface Converter {
  /** The contract version the converter was written for; must be {@linkcode CONVERTER_API_VERSION}. */
  readonly apiVersion: 1;
  /** Unique id, e.g. `wsxf`, `teradyne-ict`. */
  readonly id: string;
  /** The converter's own version. */
  readonly version: string;
  /** One line on what it reads. */
  readonly description?: string;
  /** File-name globs it is meant for, e.g. `["*.xml"]`. */
  readonly patterns: readonly string[];
  /**
   * How sure the converter is that it can read a file, from its first bytes.
   *
   * @param head Up to the first 64 KiB of the file.
   * @param name The file's base name.
   * @returns Confidence 0..1: 1 verified, 0.7–0.9 structure seen, 0.3–0.6 pattern only, 0 no.
   */
  sniff(head: Uint8Array, name: string): number;
  /**
   * Converts the input.
   *
   * @param input The file.
   * @param context Station defaults, arguments, log, clock, abort signal.
   * @returns The reports, one at a time.
   * @throws {ConversionError} When the input cannot be read; the message names file and place.
   */
  convert(input: ConverterInput, context: ConverterContext): AsyncIterable<Report>;
}

/** Where in the input a problem is. */
export interface ConversionErrorOptions {
  /** The file's path or name. */
  file: string;
  /** 1-based line, when known. */
  line?: number;
  /** The XML element or record, when known. */
  element?: string;
  /** The stage: `read`, `decode`, `parse`, `map`, `validate`, `timeout`, `load`. */
  stage?: string;
  /** The underlying error. */
  cause?: unknown;
}

/**
 * A file that cannot be converted. The message names the file, the place and the problem.
 *
 * @example Say where a file is wrong
 * ```ts
 * import assert from "node:assert/strict";
 * import { ConversionError } from "@wats/toolkit/converters";
 *
 * const e = new ConversionError("Missing SerialNumber", { file: "run.txt", line: 4 });
 * assert.equal(e.message, "run.txt:4: Missing SerialNumber");
 * ```
 */
export class ConversionError extends Error {
  /** The file's path or name. */
  readonly file: string;
  /** 1-based line, when known. */
  readonly line: number | null;
  /** The XML element or record, when known. */
  readonly element: string | null;
  /** The stage the conversion failed in. */
  readonly stage: string;
  /** The problem alone, without the place. */
  readonly problem: string;

  /**
   * Creates the error.
   *
   * @param problem What is wrong, in sentence case.
   * @param options Where.
   */
  constructor(problem: string, options: ConversionErrorOptions) {
    const where = options.file + (options.line ? `:${options.line}` : "") +
      (options.element ? ` <${options.element}>` : "");
    super(
      `${where}: ${problem}`,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.name = "ConversionError";
    this.file = options.file;
    this.line = options.line ?? null;
    this.element = options.element ?? null;
    this.stage = options.stage ?? "parse";
    this.problem = problem;
  }
}
