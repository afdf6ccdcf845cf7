/**
 * Small helpers converters need on top of the report builder: vendor date formats to the report's
 * local-time-with-offset form, result words to status letters, station defaults and converter
 * arguments.
 *
 * @module
 */
import { ConversionError, type ConverterContext } from "./contract.ts";
import {
  formatLocalTime,
  type Report,
  type ReportResult,
  type StepStatus,
} from "../api/models/report/mod.ts";

const VALIDATED = new WeakSet<object>();
/**
 * The report marked last and not yet asked about. A converter mostly validates a report and
 * yields it, and `runConversion` asks right away: that round trip needs no weak set.
 */
let lastMarked: object | null = null;

/**
 * Marks a report that `parseReport` (or a builder's `build()`) just returned, so that
 * `runConversion` does not validate it a second time. Only for reports made in this thread and
 * not changed after validation.
 *
 * @param report The validated report.
 * @returns The same report.
 */
export function markValidated<T extends Report>(report: T): T {
  if (lastMarked !== null) VALIDATED.add(lastMarked);
  lastMarked = report;
  return report;
}

/**
 * Whether a value is a report {@linkcode markValidated} marked. Asking answers once for the
 * report marked last (it is let go of then); the others stay marked while they live.
 *
 * @param value Anything a converter yielded.
 * @returns True when it was validated already.
 */
export function isValidated(value: unknown): value is Report {
  if (typeof value !== "object" || value === null) return false;
  if (value === lastMarked) {
    lastMarked = null;
    return true;
  }
  return VALIDATED.has(value);
}

/** Where a value came from, for messages. */
export interface Place {
  /** The file. */
  file: string;
  /** 1-based line. */
  line?: number;
  /** The XML element or field. */
  element?: string;
}

const STATUS_WORDS: ReadonlyMap<string, StepStatus> = new Map([
  ["p", "P"],
  ["pass", "P"],
  ["passed", "P"],
  ["ok", "P"],
  ["good", "P"],
  ["true", "P"],
  ["0", "P"],
  ["f", "F"],
  ["fail", "F"],
  ["failed", "F"],
  ["failure", "F"],
  ["nok", "F"],
  ["ng", "F"],
  ["bad", "F"],
  ["false", "F"],
  ["1", "F"],
  ["e", "E"],
  ["error", "E"],
  ["errored", "E"],
  ["t", "T"],
  ["terminated", "T"],
  ["aborted", "T"],
  ["abort", "T"],
  ["cancelled", "T"],
  ["canceled", "T"],
  ["stopped", "T"],
  ["d", "D"],
  ["done", "D"],
  ["s", "S"],
  ["skipped", "S"],
  ["skip", "S"],
]);

/**
 * Maps a step status word or letter (`Passed`, `FAIL`, `OK`, `NG`, `Aborted`, `Skipped`, `D`)
 * to a status letter. `0` reads as pass and `1` as fail, as exit codes do.
 *
 * @param word The word, any case, blanks around allowed.
 * @returns The letter, or `undefined` when the word is not known.
 */
export function statusLetter(word: string | null | undefined): StepStatus | undefined {
  if (word === null || word === undefined) return undefined;
  return STATUS_WORDS.get(word.trim().toLowerCase());
}

/**
 * Maps a report result word or letter to `P`, `F`, `E`, `T` or `D` (a skipped unit is `D`one).
 *
 * @param word The word, any case.
 * @returns The result, or `undefined` when the word is not known.
 */
export function resultLetter(word: string | null | undefined): ReportResult | undefined {
  const status = statusLetter(word);
  return status === "S" ? "D" : status;
}

/**
 * Maps a result word like {@linkcode resultLetter} and refuses an unknown one.
 *
 * @param word The word.
 * @param place Where it was, for the message.
 * @returns The result letter.
 * @throws {ConversionError} When the word is not a known result.
 */
export function requireResult(word: string | null | undefined, place: Place): ReportResult {
  const result = resultLetter(word);
  if (result === undefined) {
    throw new ConversionError(`Unknown result "${word ?? ""}"`, { ...place, stage: "map" });
  }
  return result;
}

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const TOKENS = /yyyy|yy|MMM|MM|M|dd|d|HH|H|hh|h|mm|m|ss|s|fff|SSS|f+|tt|zzz|\s+|./g;

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

interface CompiledFormat {
  regex: RegExp;
  fields: string[];
}

const FORMATS = new Map<string, CompiledFormat>();

function compile(format: string): CompiledFormat {
  let compiled = FORMATS.get(format);
  if (compiled !== undefined) return compiled;
  const fields: string[] = [];
  let source = "^\\s*";
  for (const token of format.match(TOKENS) ?? []) {
    const field = (pattern: string) => {
      fields.push(token);
      source += `(${pattern})`;
    };
    if (token === "yyyy") field("\\d{4}");
    else if (token === "yy") field("\\d{2}");
    else if (token === "MMM") field("[A-Za-z]{3}");
    else if (/^(MM|dd|HH|hh|mm|ss)$/.test(token)) field("\\d{1,2}");
    else if (/^(M|d|H|h|m|s)$/.test(token)) field("\\d{1,2}");
    else if (/^(fff|SSS|f+)$/.test(token)) field("\\d{1,9}");
    else if (token === "tt") field("[AaPp][Mm]");
    else if (token === "zzz") field("Z|[+-]\\d{2}:?\\d{2}");
    else if (/^\s+$/.test(token)) source += "\\s+";
    else source += escape(token);
  }
  compiled = { regex: new RegExp(`${source}\\s*$`), fields };
  FORMATS.set(format, compiled);
  return compiled;
}

/** Options of {@linkcode parseVendorDate}. */
export interface VendorDateOptions extends Place {
  /** Minutes east of UTC the station writes local time in; the host's offset by default. */
  utcOffsetMinutes?: number;
}

/**
 * Reads a vendor date-time into the report's `start` form (local time with offset).
 *
 * Format tokens: `yyyy`, `yy` (2000–2099), `MMM` (Jan…Dec), `MM`/`M`, `dd`/`d`, `HH`/`H`,
 * `hh`/`h` with `tt` (AM/PM), `mm`/`m`, `ss`/`s`, `fff`/`SSS` (fraction), `zzz` (offset); a run of
 * blanks matches any run of blanks; anything else is literal.
 *
 * @param text The date-time as written.
 * @param format E.g. `dd-MM-yyyy HH:mm:ss`, `MM/dd/yyyy HH:mm:ss`, `dd-MMM-yy HH:mm:ss`.
 * @param options Where it was, and the station's UTC offset when the text has none.
 * @returns E.g. `2026-01-30T22:01:41.000+01:00`.
 * @throws {ConversionError} When the text does not fit the format or is not a real date.
 */
export function parseVendorDate(text: string, format: string, options: VendorDateOptions): string {
  const { regex, fields } = compile(format);
  const m = regex.exec(text);
  const fail = failAt(options);
  if (m === null) throw fail(`Date "${text}" does not match the format ${format}`);
  let year = 1970, month = 1, day = 1, hour = 0, minute = 0, second = 0, ms = 0;
  let pm: boolean | null = null;
  let offset: number | null = null;
  fields.forEach((field, i) => {
    const v = m[i + 1];
    if (field === "yyyy") year = +v;
    else if (field === "yy") year = 2000 + +v;
    else if (field === "MMM") {
      month = MONTHS.indexOf(v.toLowerCase()) + 1;
      if (month === 0) throw fail(`Unknown month "${v}" in date "${text}"`);
    } else if (field[0] === "M") month = +v;
    else if (field[0] === "d") day = +v;
    else if (field[0] === "H" || field[0] === "h") hour = +v;
    else if (field[0] === "m") minute = +v;
    else if (field[0] === "s") second = +v;
    else if (field[0] === "f" || field[0] === "S") ms = Math.round(+`0.${v}` * 1000);
    else if (field === "tt") pm = v.toLowerCase() === "pm";
    else if (field === "zzz") {
      offset = v === "Z" ? 0 : (v[0] === "-" ? -1 : 1) * (+v.slice(1, 3) * 60 + +v.slice(-2));
    }
  });
  if (pm !== null) hour = (hour % 12) + (pm ? 12 : 0);
  return localStamp(
    { year, month, day, hour, minute, second, ms },
    offset ?? options.utcOffsetMinutes,
    fail,
    text,
  );
}

interface Fields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  ms: number;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1];
}

/** Two digits of 0…99. */
const TWO_DIGITS: readonly string[] = Array.from(
  { length: 100 },
  (_, i) => `${i < 10 ? "0" : ""}${i}`,
);

function isIn(value: number, min: number, max: number): boolean {
  return Number.isInteger(value) && value >= min && value <= max;
}

/**
 * The stamp of a plain date-time written straight from its fields, or `null` when the fields need
 * the general path (years before 100, a leap second, an odd offset, a day that does not exist).
 * Gives the same text as formatting through `Date`, without the `Date` objects.
 */
function plainStamp(f: Fields, offset: number): string | null {
  if (!isPlain(f, offset)) return null;
  const ms = f.ms < 10 ? `00${f.ms}` : f.ms < 100 ? `0${f.ms}` : `${f.ms}`;
  return `${f.year}-${TWO_DIGITS[f.month]}-${TWO_DIGITS[f.day]}T${TWO_DIGITS[f.hour]}:` +
    `${TWO_DIGITS[f.minute]}:${TWO_DIGITS[f.second]}.${ms}${offsetText(offset)}`;
}

/** Whether {@linkcode plainStamp} writes these fields (rather than the general path). */
function isPlain(f: Fields, offset: number): boolean {
  return isIn(f.year, 100, 9999) && isIn(f.month, 1, 12) && isIn(f.hour, 0, 23) &&
    isIn(f.minute, 0, 59) && isIn(f.second, 0, 59) && isIn(f.ms, 0, 999) &&
    isIn(offset, -5999, 5999) && isIn(f.day, 1, daysInMonth(f.year, f.month));
}

/** `+01:00` for 60 minutes; the last few are remembered. */
function offsetText(offset: number): string {
  if (offset === lastOffset) return lastOffsetText;
  const abs = Math.abs(offset);
  lastOffsetText = `${offset < 0 ? "-" : "+"}${TWO_DIGITS[Math.floor(abs / 60)]}:${
    TWO_DIGITS[abs % 60]
  }`;
  lastOffset = offset;
  return lastOffsetText;
}

let lastOffset = 60;
let lastOffsetText = "+01:00";

function localStamp(
  f: Fields,
  offsetMinutes: number | undefined,
  fail: (problem: string) => ConversionError,
  text: string,
): string {
  if (offsetMinutes !== undefined) {
    const plain = plainStamp(f, offsetMinutes);
    if (plain !== null) return plain;
  }
  const asUtc = Date.UTC(f.year, f.month - 1, f.day, f.hour, f.minute, f.second, f.ms);
  const check = new Date(asUtc);
  if (
    Number.isNaN(asUtc) || check.getUTCMonth() !== f.month - 1 || check.getUTCDate() !== f.day ||
    f.hour > 23 || f.minute > 59 || f.second > 60
  ) {
    throw fail(`Not a real date: "${text}"`);
  }
  const offset = offsetMinutes ??
    -new Date(f.year, f.month - 1, f.day, f.hour, f.minute, f.second).getTimezoneOffset();
  return formatLocalTime(new Date(asUtc - offset * 60_000), offset);
}

/** The last ISO date-time read, for files whose rows repeat a start time. */
let lastIsoText: string | null = null;
let lastIsoOffset: number | undefined;
let lastIsoStamp = "";

function remember(text: string, stationOffset: number | undefined, stamp: string): void {
  lastIsoText = text;
  lastIsoOffset = stationOffset;
  lastIsoStamp = stamp;
}

const ISO =
  /^\s*(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d)(?::(\d\d)(?:[.,](\d+))?)?\s*(Z|[+-]\d\d:?\d\d)?\s*$/;

/** Makes the error of a date at `place`. */
function failAt(place: Place): (problem: string) => ConversionError {
  return (problem) =>
    new ConversionError(problem, {
      file: place.file,
      line: place.line,
      element: place.element,
      stage: "map",
    });
}

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

/** `count` digits of `text` from `at` as a number; -1 when one of them is not a digit. */
function digitsAt(text: string, at: number, count: number): number {
  let value = 0;
  for (let i = at; i < at + count; i++) {
    const digit = text.charCodeAt(i) - 0x30;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

/**
 * The fields of the common form `yyyy-MM-ddTHH:mm:ss[.f…][Z|±HH:mm|±HHmm]`, read as
 * {@linkcode ISO} reads them but without the regular expression and its captures; `null` for
 * anything else (blanks, no seconds, …), which takes the regular expression.
 */
function strictIso(
  text: string,
  stationOffset: number | undefined,
): (Fields & { offset: number | undefined }) | null {
  const n = text.length;
  if (
    n < 19 || text.charCodeAt(4) !== 0x2d || text.charCodeAt(7) !== 0x2d ||
    (text.charCodeAt(10) !== 0x54 && text.charCodeAt(10) !== 0x20) ||
    text.charCodeAt(13) !== 0x3a || text.charCodeAt(16) !== 0x3a
  ) {
    return null;
  }
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 2);
  const day = digitsAt(text, 8, 2);
  const hour = digitsAt(text, 11, 2);
  const minute = digitsAt(text, 14, 2);
  const second = digitsAt(text, 17, 2);
  if ((year | month | day | hour | minute | second) < 0) return null;
  let i = 19;
  let ms = 0;
  const mark = text.charCodeAt(i);
  if (mark === 0x2e || mark === 0x2c) {
    let end = i + 1;
    while (end < n && text.charCodeAt(end) >= 0x30 && text.charCodeAt(end) <= 0x39) end++;
    if (end === i + 1) return null;
    // Three digits, the common case, are the milliseconds; other lengths are rounded as ISO does.
    ms = end === i + 4
      ? digitsAt(text, i + 1, 3)
      : Math.min(999, Math.round(+`0.${text.slice(i + 1, end)}` * 1000));
    i = end;
  }
  let offset = stationOffset;
  if (i < n) {
    const sign = text.charCodeAt(i);
    if (sign === 0x5a && i + 1 === n) offset = 0;
    else if (sign === 0x2b || sign === 0x2d) {
      const colon = text.charCodeAt(i + 3) === 0x3a ? 1 : 0;
      if (i + 5 + colon !== n) return null;
      const hours = digitsAt(text, i + 1, 2);
      const minutes = digitsAt(text, i + 3 + colon, 2);
      if (hours < 0 || minutes < 0) return null;
      offset = (sign === 0x2d ? -1 : 1) * (hours * 60 + minutes);
    } else return null;
  }
  return { year, month, day, hour, minute, second, ms, offset };
}

/**
 * Reads an ISO 8601 date-time, with or without offset, into the report's `start` form. An offset
 * in the text is kept; without one, the station's offset applies.
 *
 * @param text E.g. `2026-01-30 22:01:41`, `2026-01-30T22:01:41.4707353+01:00`.
 * @param options Where it was, and the station's UTC offset.
 * @returns E.g. `2026-01-30T22:01:41.470+01:00`.
 * @throws {ConversionError} When the text is not an ISO date-time.
 */
export function parseIsoDate(text: string, options: VendorDateOptions): string {
  if (text === lastIsoText && options.utcOffsetMinutes === lastIsoOffset) return lastIsoStamp;
  const strict = strictIso(text, options.utcOffsetMinutes);
  if (strict !== null) {
    const { offset } = strict;
    let stamp: string;
    if (
      offset !== undefined && text.length >= 23 && text.charCodeAt(10) === 0x54 &&
      text.charCodeAt(19) === 0x2e && isDigit(text.charCodeAt(22)) &&
      (text.length === 23 || !isDigit(text.charCodeAt(23))) && strict.year >= 1000 &&
      isPlain(strict, offset)
    ) {
      // Written as plainStamp would write it: the text up to the milliseconds, then the offset;
      // the text itself when it already is in that form.
      const zone = offsetText(offset);
      stamp = text.length === 29 && text.endsWith(zone) ? text : text.slice(0, 23) + zone;
    } else stamp = localStamp(strict, offset, failAt(options), text);
    if (offset !== undefined) remember(text, options.utcOffsetMinutes, stamp);
    return stamp;
  }
  const fail = failAt(options);
  const m = ISO.exec(text);
  if (m === null) throw fail(`Not an ISO date-time: "${text}"`);
  const [, y, mo, d, h, mi, s = "0", frac = "0", zone] = m;
  let offset: number | undefined = options.utcOffsetMinutes;
  if (zone !== undefined) {
    offset = zone === "Z"
      ? 0
      : (zone[0] === "-" ? -1 : 1) * (+zone.slice(1, 3) * 60 + +zone.slice(-2));
  }
  const fields = {
    year: +y,
    month: +mo,
    day: +d,
    hour: +h,
    minute: +mi,
    second: +s,
    ms: Math.min(999, Math.round(+`0.${frac}` * 1000)),
  };
  const stamp = localStamp(fields, offset, fail, text);
  // Without an offset the stamp depends on the host's time zone rules: not remembered.
  if (offset !== undefined) remember(text, options.utcOffsetMinutes, stamp);
  return stamp;
}

/** Station fields of a report header. */
export interface StationFields {
  /** Station name. */
  machineName: string;
  /** Station location. */
  location: string;
  /** Station purpose. */
  purpose: string;
}

function present(value: string | null | undefined): value is string {
  return value !== undefined && value !== null && value.trim() !== "";
}

/**
 * The station fields of a report: what the file says, else the station defaults of the
 * configuration, else `"Unknown"`.
 *
 * @param context The conversion context.
 * @param fromFile What the file says, where it says anything.
 * @returns Station name, location and purpose, never empty.
 */
export function stationFields(
  context: Pick<ConverterContext, "station">,
  fromFile: Partial<Record<keyof StationFields, string | null | undefined>> = {},
): StationFields {
  const pick = (own: string | null | undefined, fallback: string) =>
    present(own) ? own.trim() : present(fallback) ? fallback : "Unknown";
  return {
    machineName: pick(fromFile.machineName, context.station.name),
    location: pick(fromFile.location, context.station.location),
    purpose: pick(fromFile.purpose, context.station.purpose),
  };
}

function argError(key: string, problem: string): ConversionError {
  return new ConversionError(`Argument ${key}: ${problem}`, { file: "(arguments)", stage: "load" });
}

/**
 * A string argument of the converter.
 *
 * @param args The converter's arguments.
 * @param key The argument.
 * @param fallback Used when the argument is absent or empty.
 * @returns The value.
 * @throws {ConversionError} When the argument is not text.
 */
export function argString(
  args: Readonly<Record<string, unknown>>,
  key: string,
  fallback: string,
): string {
  const value = args[key];
  if (value === undefined || value === null || value === "") return fallback;
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  throw argError(key, "expected text");
}

/**
 * A whole-number argument (a process code, a count); numeric text is accepted.
 *
 * @param args The converter's arguments.
 * @param key The argument.
 * @param fallback Used when the argument is absent or empty.
 * @returns The value.
 * @throws {ConversionError} When the argument is not a whole number.
 */
export function argInteger(
  args: Readonly<Record<string, unknown>>,
  key: string,
  fallback: number,
): number {
  const value = args[key];
  if (value === undefined || value === null || value === "") return fallback;
  const n = typeof value === "string" && /^\s*[+-]?\d+\s*$/.test(value) ? Number(value) : value;
  if (typeof n === "number" && Number.isSafeInteger(n)) return n;
  throw argError(key, `expected a whole number, got ${JSON.stringify(value)}`);
}

/**
 * A boolean argument; `"true"`/`"false"`, `"yes"`/`"no"`, `1`/`0` are accepted.
 *
 * @param args The converter's arguments.
 * @param key The argument.
 * @param fallback Used when the argument is absent.
 * @returns The value.
 * @throws {ConversionError} When the argument is not a boolean.
 */
export function argBoolean(
  args: Readonly<Record<string, unknown>>,
  key: string,
  fallback: boolean,
): boolean {
  const value = args[key];
  if (value === undefined || value === null || value === "") return fallback;
  if (typeof value === "boolean") return value;
  const word = String(value).trim().toLowerCase();
  if (["true", "yes", "1", "on"].includes(word)) return true;
  if (["false", "no", "0", "off"].includes(word)) return false;
  throw argError(key, `expected true or false, got ${JSON.stringify(value)}`);
}
