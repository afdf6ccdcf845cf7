/**
 * Helpers the vendor converters share on top of `_text.ts`, `_xml.ts` and `_report_kit.ts`:
 * sniffing text heads, starting and finishing reports with errors that name the place, limits
 * to comparison operators, SI prefixes.
 *
 * @module
 */
import {
  createUutReport,
  type NumericLimits,
  type NumericValue,
  type ReportBuilder,
  ReportFormatError,
  type SequenceBuilder,
  type UutReport,
  type UutReportOptions,
} from "../api/models/report/mod.ts";
import { ConversionError, type ConverterContext, type ConverterInput } from "./contract.ts";
import { decodeText, detectEncoding, parseNumber } from "./_text.ts";
import { assertNoDtd, parseXml, type XmlElement } from "./_xml.ts";
import { type Place, stationFields } from "./_report_kit.ts";

/**
 * Decodes the head of a file for sniffing: BOM or UTF-16 aware, never throws.
 *
 * @param head The first bytes.
 * @returns The text (invalid bytes replaced).
 */
export function headText(head: Uint8Array): string {
  const { encoding, bomLength } = detectEncoding(head);
  const body = head.subarray(bomLength);
  if (encoding !== "utf-8") return new TextDecoder(encoding, { ignoreBOM: true }).decode(body);
  return new TextDecoder("utf-8", { ignoreBOM: true }).decode(body);
}

/**
 * Tells whether a file name ends with one of the extensions (case-insensitive).
 *
 * @param name The file name.
 * @param extensions E.g. `[".xml", ".atml"]`.
 * @returns Whether it does.
 */
export function hasExtension(name: string, extensions: readonly string[]): boolean {
  const lower = name.toLowerCase();
  return extensions.some((ext) => lower.endsWith(ext));
}

/**
 * Reads a whole input as text, refusing an empty file and binary data.
 *
 * @param input The input.
 * @returns The text.
 * @throws {ConversionError} On an empty file or binary data.
 */
export async function readWholeText(input: ConverterInput): Promise<string> {
  const bytes = await input.bytes();
  if (bytes.length === 0) {
    throw new ConversionError("Empty file", { file: input.name, stage: "read" });
  }
  const text = decodeText(bytes, input.name);
  if (text.trim() === "") {
    throw new ConversionError("Empty file", { file: input.name, stage: "read" });
  }
  return text;
}

/**
 * Reads a whole input as an XML tree: empty files, binary data and DTDs refused.
 *
 * @param input The input.
 * @returns The root element.
 * @throws {ConversionError} On an empty file, binary data, a DTD or malformed XML.
 */
export async function readXml(input: ConverterInput): Promise<XmlElement> {
  const text = await readWholeText(input);
  assertNoDtd(text, input.name);
  return parseXml(text, { file: input.name });
}

/** What {@linkcode startReport} needs besides the builder's own options. */
export interface StartOptions
  extends Omit<UutReportOptions, "machineName" | "location" | "purpose"> {
  /** Station name, location and purpose the file says (fall back to the station defaults). */
  station?: StationHint;
  /** Used where neither the file nor the station defaults say anything. */
  stationFallback?: StationHint;
}

/** Station fields, each optional. */
export interface StationHint {
  /** Station name. */
  machineName?: string;
  /** Station location. */
  location?: string;
  /** Station purpose. */
  purpose?: string;
}

/**
 * Starts a report with the station fields filled and the context's clock; a serial or part
 * number WATS would reject becomes a {@linkcode ConversionError} at `place`.
 *
 * @param context The conversion context.
 * @param options The header.
 * @param place Where the unit starts in the file.
 * @returns The builder.
 * @throws {ConversionError} When a header value is refused.
 */
export function startReport(
  context: ConverterContext,
  options: StartOptions,
  place: Place,
): ReportBuilder {
  const { station, stationFallback = {}, ...rest } = options;
  const fields = stationFields(context, station ?? {});
  for (const key of ["machineName", "location", "purpose"] as const) {
    const fallback = stationFallback[key];
    if (fields[key] === "Unknown" && fallback) fields[key] = fallback;
  }
  for (const [key, value] of [["pn", rest.pn], ["sn", rest.sn], ["rev", rest.rev]] as const) {
    if (value.trim() === "") {
      throw new ConversionError(
        `Missing ${key === "pn" ? "part number" : key === "sn" ? "serial number" : "revision"}`,
        {
          ...place,
          stage: "map",
        },
      );
    }
  }
  try {
    return createUutReport({ now: () => new Date(context.now()), ...fields, ...rest });
  } catch (error) {
    throw asConversionError(error, place);
  }
}

/**
 * Finishes a report, turning a model error into a {@linkcode ConversionError} at `place`.
 *
 * @param builder The builder.
 * @param place Where the unit is in the file.
 * @returns The report.
 * @throws {ConversionError} When the report breaks a WSJF rule.
 */
export function finishReport(builder: ReportBuilder, place: Place): UutReport {
  try {
    return builder.build();
  } catch (error) {
    throw asConversionError(error, place);
  }
}

/**
 * Wraps what the report model throws (a name too long, a rejected serial) with the place.
 *
 * @param error What was thrown.
 * @param place Where.
 * @returns The error to throw.
 */
export function asConversionError(error: unknown, place: Place): ConversionError {
  if (error instanceof ConversionError) return error;
  const problem = error instanceof ReportFormatError || error instanceof TypeError
    ? error.message
    : String(error);
  return new ConversionError(`The report does not fit WSJF: ${problem}`, {
    ...place,
    stage: "validate",
    cause: error,
  });
}

/** A comparison operator with the limits it compares against. */
export type Limits = NumericLimits;

/**
 * Chooses the operator for the limits a file gives: both → `GELE`, low → `GE`, high → `LE`
 * (the single limit goes in `low`, as WATS stores it), none → `LOG`. An infinite limit is no
 * limit (`-Inf` low, `Inf` high).
 *
 * @param low The low limit, if any.
 * @param high The high limit, if any.
 * @returns The operator and limits.
 */
export function limitsOf(low?: NumericValue, high?: NumericValue): Limits {
  const hasLow = low !== undefined && low !== "-Inf" && low !== "NaN";
  const hasHigh = high !== undefined && high !== "Inf" && high !== "NaN";
  if (hasLow && hasHigh) return { compOp: "GELE", low, high };
  if (hasLow) return { compOp: "GE", low };
  if (hasHigh) return { compOp: "LE", low: high };
  return { compOp: "LOG" };
}

const PLAIN_NUMBER = /^\s*[+-]?[\d.]+(?:[eE][+-]?\d+)?\s*$/;

/**
 * Reads a measured value or limit that must be finite (`1e999`, `NaN`, `Inf` refused).
 *
 * @param text The number as written.
 * @param place Where.
 * @returns The number.
 * @throws {ConversionError} When the text is not a finite number.
 */
export function finite(text: string, place: Place): number {
  if (PLAIN_NUMBER.test(text)) {
    const plain = Number(text);
    if (Number.isFinite(plain)) return plain;
  }
  const value = parseNumber(text, place);
  if (typeof value === "number") return value;
  throw new ConversionError(`Not a finite number: "${text.trim()}"`, { ...place, stage: "parse" });
}

/** SI prefixes as testers write them, upper or lower case, to their factor. */
export const SI_PREFIXES: ReadonlyMap<string, number> = new Map([
  ["p", 1e-12],
  ["n", 1e-9],
  ["u", 1e-6],
  ["µ", 1e-6],
  ["m", 1e-3],
  ["", 1],
  ["k", 1e3],
  ["K", 1e3],
  ["M", 1e6],
  ["MEG", 1e6],
  ["G", 1e9],
]);

/**
 * Rescales a value between SI prefixes, rounding away binary noise (9000 n → 9 u, not 8.999…).
 *
 * @param value The value in `from` units.
 * @param from Factor of its prefix.
 * @param to Factor of the target prefix.
 * @returns The value in `to` units.
 */
export function rescale(value: number, from: number, to: number): number {
  if (from === to) return value;
  return Number((value * from / to).toPrecision(12));
}

/**
 * Checks the abort signal between units of a multi-unit file.
 *
 * @param context The conversion context.
 */
export function checkAborted(context: ConverterContext): void {
  context.signal.throwIfAborted();
}

/** Adds one step to a sequence, later, once the unit is complete. */
export type StepWriter = (sequence: SequenceBuilder) => void;

/**
 * Collects the steps of a unit while its lines stream by, in sequences per run of equal group
 * (a group `""` puts its steps at the root), and writes them into a builder at the end.
 */
export class StepGroups {
  #groups: { name: string; steps: StepWriter[] }[] = [];

  /** How many steps were added. */
  count = 0;

  /**
   * Adds a step to the group; a group different from the last one starts a new sequence.
   *
   * @param group The sequence name, or `""` for the root.
   * @param step Writes the step.
   */
  add(group: string, step: StepWriter): void {
    const last = this.#groups[this.#groups.length - 1];
    if (last !== undefined && last.name === group) last.steps.push(step);
    else this.#groups.push({ name: group, steps: [step] });
    this.count++;
  }

  /**
   * Writes every step into a builder.
   *
   * @param builder The report (root sequence).
   */
  writeTo(builder: SequenceBuilder): void {
    for (const group of this.#groups) {
      if (group.name === "") { for (const step of group.steps) step(builder); }
      else builder.sequence(group.name, (seq) => group.steps.forEach((step) => step(seq)));
    }
  }
}
