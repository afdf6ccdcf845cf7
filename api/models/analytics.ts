/**
 * The analytics filter (`WATSFilter`, §5.1 of the API spec) and the measurement-path format.
 * The `dimensions` value is built with `dimensions()` from `dimensions.ts`.
 *
 * Rules the serialisation enforces, so a filter never reaches the server in a shape it would
 * misread:
 *
 * - Dates become UTC ISO instants. A `Date` is converted with `toISOString()`; a string with a zone
 *   (`Z`, `+01:00`) is converted to UTC; a naive string (`2026-05-01T08:00`) is read as local time
 *   of this process and converted, never sent with a false `Z`.
 * - Text criteria accept WATS wildcards (`%` any run, `_` one character, `;` between
 *   alternatives). A list of values is joined with `;`; a value that itself holds `;` is refused,
 *   because the server would split it.
 * - `status: "all"` means no status condition and is left out.
 * - `dateGrouping` may be a name (`"week"`) or the server's number (3).
 * - Measurement paths accept `/` between steps and `::` before a measurement name and are sent in
 *   the server's `¶` format; several paths are joined with `;`.
 * - Keys the model does not list (a newer server's) are sent as given; the type refuses them so a
 *   misspelt key is caught, so cast the filter to pass one.
 *
 * @module
 */

import { z } from "zod";
import type { Schema } from "./report/schema.ts";

/**
 * A text criterion: one pattern (wildcards allowed) or alternatives joined with `;`.
 *
 * @category Analytics
 */
export type TextCriterion = string | readonly string[];

/**
 * The report statuses a filter can select; `all` selects every status.
 *
 * @category Analytics
 */
export type FilterStatus =
  | "Passed"
  | "Failed"
  | "Error"
  | "Terminated"
  | "Done"
  | "Skipped"
  | "all";

/**
 * Names of the periods results are grouped by.
 *
 * @category Analytics
 */
export type DateGroupingName = "none" | "year" | "quarter" | "month" | "week" | "day" | "hour";

/**
 * The server's numbers for {@linkcode DateGroupingName}: -1 none, 0 year … 5 hour.
 *
 * @category Analytics
 */
export const DATE_GROUPINGS: Readonly<Record<DateGroupingName, number>> = Object.freeze({
  none: -1,
  year: 0,
  quarter: 1,
  month: 2,
  week: 3,
  day: 4,
  hour: 5,
});

/**
 * Which runs of a unit a filter selects.
 *
 * @category Analytics
 */
export const Run: {
  readonly First: 1;
  readonly Second: 2;
  readonly Third: 3;
  readonly Last: -1;
  readonly All: -2;
} = Object.freeze({ First: 1, Second: 2, Third: 3, Last: -1, All: -2 });

/**
 * The `WATSFilter` of analytics requests; every field is optional.
 *
 * @category Analytics
 */
export interface WatsFilter {
  /** Serial number(s). */
  serialNumber?: TextCriterion;
  /** Part number(s). */
  partNumber?: TextCriterion;
  /** Revision(s). */
  revision?: TextCriterion;
  /** Batch number(s). */
  batchNumber?: TextCriterion;
  /** Station name(s). */
  stationName?: TextCriterion;
  /** Test operation(s), by name or code. */
  testOperation?: TextCriterion;
  /** Report status; `all` (or absent) for every status. */
  status?: FilterStatus;
  /** Yield threshold in percent, 0–100. */
  yield?: number;
  /** Misc-info description. */
  miscDescription?: TextCriterion;
  /** Misc-info value. */
  miscValue?: TextCriterion;
  /** Misc-info description (the newer key). */
  miscInfoDescription?: TextCriterion;
  /** Misc-info text (the newer key). */
  miscInfoString?: TextCriterion;
  /** Serial number(s) of an asset used in the test. */
  assetSerialNumber?: TextCriterion;
  /** Name(s) of an asset used in the test. */
  assetName?: TextCriterion;
  /** Product group(s). */
  productGroup?: TextCriterion;
  /** Production level(s). */
  level?: TextCriterion;
  /** Test software file name(s). */
  swFilename?: TextCriterion;
  /** Test software version(s). */
  swVersion?: TextCriterion;
  /** Test socket index. */
  socket?: number | string;
  /** The earliest start; converted to UTC. */
  dateFrom?: Date | string;
  /** The latest start; converted to UTC. */
  dateTo?: Date | string;
  /** Period of the `period` dimension: a name or the server's number (-1 … 5). */
  dateGrouping?: DateGroupingName | number;
  /** How many periods back from now, when no `dateFrom` is given. */
  periodCount?: number;
  /** Whether the current (unfinished) period counts as one of `periodCount`. */
  includeCurrentPeriod?: boolean;
  /** The most rows to answer. */
  maxCount?: number;
  /** The fewest units a row needs. */
  minCount?: number;
  /** The most rows to answer (top lists). */
  topCount?: number;
  /** Dimensions to group by, `;`-separated, e.g. `unitCount desc;partNumber;period`. */
  dimensions?: string;
  /** Runs to use: 1, 2, 3 …, -1 last, -2 all (see {@linkcode Run}). */
  run?: number;
  /** Measurement paths (`/`, `::` or `¶` format). */
  measurementPaths?: string | readonly string[];
}

const text = z.union([z.string(), z.array(z.string()).readonly()]);
const count = z.number().int().nonnegative();

const watsFilter: z.ZodType<WatsFilter> = z.looseObject({
  serialNumber: text.optional(),
  partNumber: text.optional(),
  revision: text.optional(),
  batchNumber: text.optional(),
  stationName: text.optional(),
  testOperation: text.optional(),
  status: z.enum(["Passed", "Failed", "Error", "Terminated", "Done", "Skipped", "all"]).optional(),
  yield: z.number().int().min(0).max(100).optional(),
  miscDescription: text.optional(),
  miscValue: text.optional(),
  miscInfoDescription: text.optional(),
  miscInfoString: text.optional(),
  assetSerialNumber: text.optional(),
  assetName: text.optional(),
  productGroup: text.optional(),
  level: text.optional(),
  swFilename: text.optional(),
  swVersion: text.optional(),
  socket: z.union([z.number().int(), z.string()]).optional(),
  dateFrom: z.union([z.date(), z.string()]).optional(),
  dateTo: z.union([z.date(), z.string()]).optional(),
  dateGrouping: z.union([
    z.enum(["none", "year", "quarter", "month", "week", "day", "hour"]),
    z.number().int().min(-1).max(5),
  ]).optional(),
  periodCount: z.number().int().positive().optional(),
  includeCurrentPeriod: z.boolean().optional(),
  maxCount: count.optional(),
  minCount: count.optional(),
  topCount: count.optional(),
  dimensions: z.string().optional(),
  run: z.number().int().refine((n) => n >= 1 || n === -1 || n === -2, "run must be ≥ 1, -1 or -2")
    .optional(),
  measurementPaths: text.optional(),
});

/**
 * Validates a {@linkcode WatsFilter} as a caller wrote it.
 *
 * @category Analytics
 */
export const WatsFilterSchema: Schema<WatsFilter> = watsFilter;

const TEXT_KEYS: readonly string[] = [
  "serialNumber",
  "partNumber",
  "revision",
  "batchNumber",
  "stationName",
  "testOperation",
  "miscDescription",
  "miscValue",
  "miscInfoDescription",
  "miscInfoString",
  "assetSerialNumber",
  "assetName",
  "productGroup",
  "level",
  "swFilename",
  "swVersion",
];

/**
 * Converts a date to a UTC ISO instant; a string without a zone is read as local time.
 *
 * @param value A `Date` or a date-time string.
 * @param field The filter key, for the message.
 * @returns The instant, e.g. `2026-05-01T06:00:00.000Z`.
 * @throws {RangeError} When the value is not a valid date.
 *
 * @example A naive local time
 * ```ts
 * import assert from "node:assert/strict";
 * import { toUtcIso } from "@wats/toolkit/models";
 *
 * assert.equal(toUtcIso("2026-05-01T08:00:00+02:00"), "2026-05-01T06:00:00.000Z");
 * ```
 *
 * @category Analytics
 */
export function toUtcIso(value: Date | string, field = "date"): string {
  let ms: number;
  if (value instanceof Date) ms = value.getTime();
  else {
    const trimmed = value.trim();
    const naive = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?$/
      .exec(trimmed);
    if (naive) {
      const [, y, mo, d, h = "0", mi = "0", s = "0", frac = "0"] = naive;
      ms = new Date(
        Number(y),
        Number(mo) - 1,
        Number(d),
        Number(h),
        Number(mi),
        Number(s),
        Number(frac.slice(0, 3).padEnd(3, "0")),
      ).getTime();
    } else ms = Date.parse(trimmed);
  }
  if (!Number.isFinite(ms)) {
    throw new RangeError(`Invalid ${field}: ${JSON.stringify(String(value))} is not a date`);
  }
  return new Date(ms).toISOString();
}

function joinAlternatives(key: string, value: string | readonly string[]): string {
  if (typeof value === "string") return value;
  for (const item of value) {
    if (item.includes(";")) {
      throw new TypeError(
        `Invalid ${key}: "${item}" holds ";", which the server reads as a list separator`,
      );
    }
  }
  return value.join(";");
}

/**
 * Converts one measurement path to the server's format: `/` between steps becomes `¶`, and `::`
 * before a measurement name becomes `¶¶`. A path already holding `¶` is kept as it is.
 *
 * @param path The path, e.g. `Main/Power/Rails::5V`.
 * @returns The path in `¶` format, e.g. `Main¶Power¶Rails¶¶5V`.
 * @throws {TypeError} When the path is empty.
 *
 * @example A step path and a measurement of a multi-numeric step
 * ```ts
 * import assert from "node:assert/strict";
 * import { measurementPath } from "@wats/toolkit/models";
 *
 * assert.equal(measurementPath("Main/Voltage"), "Main¶Voltage");
 * assert.equal(measurementPath("Main/Rails::5V"), "Main¶Rails¶¶5V");
 * ```
 *
 * @category Analytics
 */
export function measurementPath(path: string): string {
  const trimmed = path.trim();
  if (trimmed === "") throw new TypeError("A measurement path must not be empty");
  if (trimmed.includes("¶")) return trimmed;
  const cut = trimmed.lastIndexOf("::");
  if (cut >= 0) {
    return `${trimmed.slice(0, cut).replaceAll("/", "¶")}¶¶${trimmed.slice(cut + 2)}`;
  }
  return trimmed.replaceAll("/", "¶");
}

/**
 * Converts measurement paths to the server's format and joins them with `;`.
 *
 * @param paths One path, several joined with `;`, or a list.
 * @returns The `measurementPaths` value.
 *
 * @example Two paths in one filter value
 * ```ts
 * import assert from "node:assert/strict";
 * import { measurementPaths } from "@wats/toolkit/models";
 *
 * assert.equal(measurementPaths(["Main/A", "Main/B::x"]), "Main¶A;Main¶B¶¶x");
 * ```
 *
 * @category Analytics
 */
export function measurementPaths(paths: string | readonly string[]): string {
  const list = typeof paths === "string" ? paths.split(";") : paths;
  return list.filter((p) => p.trim() !== "").map(measurementPath).join(";");
}

/**
 * Validates a filter and converts it to the JSON body the server reads (see the module notes).
 *
 * @param filter The filter.
 * @returns The body: keys with values only, dates in UTC, lists joined.
 * @throws {TypeError} When a field has the wrong type or a list value holds `;`.
 * @throws {RangeError} When a date is invalid or `dateFrom` lies after `dateTo`.
 *
 * @example A filter in the server's spelling
 * ```ts
 * import assert from "node:assert/strict";
 * import { serializeFilter } from "@wats/toolkit/models";
 *
 * assert.deepEqual(
 *   serializeFilter({ partNumber: ["PCB-1", "PCB-2"], status: "all", dateGrouping: "week" }),
 *   { partNumber: "PCB-1;PCB-2", dateGrouping: 3 },
 * );
 * ```
 *
 * @category Analytics
 */
export function serializeFilter(filter: WatsFilter): Record<string, unknown> {
  const checked = watsFilter.safeParse(filter);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    throw new TypeError(
      `Invalid analytics filter at ${issue.path.join(".") || "(root)"}: ${issue.message}`,
    );
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(filter)) {
    if (value === undefined || value === null) continue;
    if (TEXT_KEYS.includes(key)) out[key] = joinAlternatives(key, value as TextCriterion);
    else if (key === "dateFrom" || key === "dateTo") {
      out[key] = toUtcIso(value as Date | string, key);
    } else if (key === "status") {
      if (value !== "all") out[key] = value;
    } else if (key === "dateGrouping") {
      out[key] = typeof value === "number" ? value : DATE_GROUPINGS[value as DateGroupingName];
    } else if (key === "measurementPaths") {
      out[key] = measurementPaths(value as string | readonly string[]);
    } else out[key] = value;
  }
  if (typeof out.dateFrom === "string" && typeof out.dateTo === "string") {
    if (out.dateFrom > out.dateTo) {
      throw new RangeError(`Invalid analytics filter: dateFrom ${out.dateFrom} is after dateTo`);
    }
  }
  return out;
}
