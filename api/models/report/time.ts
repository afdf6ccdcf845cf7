/**
 * Report time stamps: local time with its UTC offset, as WATS stations write them
 * (`2026-01-30T22:01:41.470+01:00`), and the UTC form derived from one.
 *
 * @module
 */

function pad(value: number, width = 2): string {
  return String(value).padStart(width, "0");
}

const TWO_DIGITS: readonly string[] = Array.from({ length: 100 }, (_, i) => pad(i));

/** `pad(value)` through a table for 0…99 (converters write a stamp per report). */
function pad2(value: number): string {
  return TWO_DIGITS[value] ?? pad(value);
}

/**
 * Writes a moment as local time with offset, the form of a report's `start`.
 *
 * @param date The moment.
 * @param offsetMinutes Minutes east of UTC; the host's offset at that moment by default.
 * @returns E.g. `2026-01-30T22:01:41.470+01:00`.
 *
 * @example Write a start time
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatLocalTime } from "@wats/toolkit/report";
 *
 * assert.equal(
 *   formatLocalTime(new Date("2026-01-30T21:01:41.470Z"), 60),
 *   "2026-01-30T22:01:41.470+01:00",
 * );
 * ```
 *
 * @category Report model
 */
export function formatLocalTime(
  date: Date,
  offsetMinutes: number = -date.getTimezoneOffset(),
): string {
  const local = new Date(date.getTime() + offsetMinutes * 60_000);
  const sign = offsetMinutes < 0 ? "-" : "+";
  const abs = Math.abs(offsetMinutes);
  return `${local.getUTCFullYear()}-${pad2(local.getUTCMonth() + 1)}-${pad2(local.getUTCDate())}T` +
    `${pad2(local.getUTCHours())}:${pad2(local.getUTCMinutes())}:${pad2(local.getUTCSeconds())}.` +
    `${pad(local.getUTCMilliseconds(), 3)}${sign}${pad2(Math.floor(abs / 60))}:${pad2(abs % 60)}`;
}

const STAMP = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d)(?::(\d\d)(\.\d+)?)?(Z|[+-]\d\d:\d\d)?$/;

/**
 * Derives the UTC form (`…Z`) of a time stamp, keeping every fractional digit it has (the server
 * writes seven). A stamp without offset is read as local time of this host.
 *
 * @param stamp A date-time, e.g. `2026-01-30T22:01:41.4707353+01:00`.
 * @returns E.g. `2026-01-30T21:01:41.4707353Z`, or `null` when `stamp` is not a date-time.
 *
 * @category Report model
 */
export function toUtcTimestamp(stamp: string): string | null {
  const m = STAMP.exec(stamp);
  if (m === null) return null;
  const [, y, mo, d, h, mi, s = "00", fraction = "", zone] = m;
  let ms: number;
  if (zone === undefined) {
    ms = new Date(+y, +mo - 1, +d, +h, +mi, +s).getTime();
  } else {
    ms = Date.UTC(+y, +mo - 1, +d, +h, +mi, +s);
    if (zone !== "Z") {
      const offset = (+zone.slice(1, 3) * 60 + +zone.slice(4, 6)) * (zone[0] === "-" ? -1 : 1);
      ms -= offset * 60_000;
    }
  }
  if (Number.isNaN(ms)) return null;
  const utc = new Date(ms);
  if (Number.isNaN(utc.getTime())) return null;
  return `${utc.getUTCFullYear()}-${pad(utc.getUTCMonth() + 1)}-${pad(utc.getUTCDate())}T` +
    `${pad(utc.getUTCHours())}:${pad(utc.getUTCMinutes())}:${pad(utc.getUTCSeconds())}` +
    `${fraction}Z`;
}
