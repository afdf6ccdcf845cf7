import { deepStrictEqual, equal, throws } from "node:assert/strict";
import { seeded } from "../_random.ts";
import {
  argBoolean,
  argInteger,
  argString,
  isValidated,
  markValidated,
  parseIsoDate,
  parseVendorDate,
  requireResult,
  resultLetter,
  stationFields,
  statusLetter,
} from "../../converters/_report_kit.ts";
import type { Report } from "../../api/models/report/mod.ts";

const at = { file: "d.txt", line: 3 };

Deno.test("parseVendorDate reads vendor formats into local time with offset", () => {
  equal(
    parseVendorDate("30-01-2026 22:01:41", "dd-MM-yyyy HH:mm:ss", { ...at, utcOffsetMinutes: 60 }),
    "2026-01-30T22:01:41.000+01:00",
  );
  equal(
    parseVendorDate("01/30/2026 10:01:41 PM", "MM/dd/yyyy hh:mm:ss tt", {
      ...at,
      utcOffsetMinutes: -300,
    }),
    "2026-01-30T22:01:41.000-05:00",
  );
  equal(
    parseVendorDate("14-SEP-25  12:04:10", "dd-MMM-yy HH:mm:ss", { ...at, utcOffsetMinutes: 120 }),
    "2025-09-14T12:04:10.000+02:00",
  );
  equal(
    parseVendorDate("2026.01.30 22:01:41.5", "yyyy.MM.dd HH:mm:ss.fff", {
      ...at,
      utcOffsetMinutes: 0,
    }),
    "2026-01-30T22:01:41.500+00:00",
  );
  equal(
    parseVendorDate("2026-01-30 22:01:41 +05:30", "yyyy-MM-dd HH:mm:ss zzz", at),
    "2026-01-30T22:01:41.000+05:30",
  );
});

Deno.test("parseVendorDate refuses text that is no date, naming the place", () => {
  throws(
    () => parseVendorDate("30/01/2026", "dd-MM-yyyy", at),
    /^ConversionError: d\.txt:3: Date "30\/01\/2026" does not match the format dd-MM-yyyy$/,
  );
  throws(() => parseVendorDate("31-02-2026", "dd-MM-yyyy", at), /Not a real date/);
  throws(() => parseVendorDate("01-Foo-26", "dd-MMM-yy", at), /Unknown month "Foo"/);
});

Deno.test("parseIsoDate keeps an offset and applies the station's otherwise", () => {
  equal(parseIsoDate("2026-01-30T22:01:41.4707353+01:00", at), "2026-01-30T22:01:41.471+01:00");
  equal(
    parseIsoDate("2026-01-30 22:01:41", { ...at, utcOffsetMinutes: 60 }),
    "2026-01-30T22:01:41.000+01:00",
  );
  equal(parseIsoDate("2026-01-30T21:01:41Z", at), "2026-01-30T21:01:41.000+00:00");
  throws(() => parseIsoDate("yesterday", at), /Not an ISO date-time: "yesterday"/);
});

Deno.test("parseIsoDate checks the calendar and the clock on both of its paths", () => {
  const utc = { ...at, utcOffsetMinutes: 0 };
  equal(parseIsoDate("2024-02-29 23:59:59.9996", utc), "2024-02-29T23:59:59.999+00:00");
  equal(parseIsoDate("2026-03-01T08:05:07.04-05:30", at), "2026-03-01T08:05:07.040-05:30");
  // a leap second rolls into the next minute; years below 100 read as 19xx, as Date.UTC does
  equal(parseIsoDate("2026-01-30T10:15:60+01:00", at), "2026-01-30T10:16:00.000+01:00");
  equal(parseIsoDate("0099-12-31T23:59:59Z", at), "1999-12-31T23:59:59.000+00:00");
  for (
    const text of ["2026-02-29 10:00", "2026-04-31 10:00", "2026-13-01 10:00", "2026-01-30 24:00"]
  ) {
    throws(() => parseIsoDate(text, utc), /Not a real date/, text);
  }
  throws(() => parseIsoDate("2026-01-30 23:59:60", utc), /Not a real date/);
});

Deno.test("parseIsoDate reads a repeated time the same way, whatever came before", () => {
  const text = "2026-01-30 22:01:41";
  equal(parseIsoDate(text, { ...at, utcOffsetMinutes: 60 }), "2026-01-30T22:01:41.000+01:00");
  equal(parseIsoDate(text, { ...at, utcOffsetMinutes: 60 }), "2026-01-30T22:01:41.000+01:00");
  equal(parseIsoDate(text, { ...at, utcOffsetMinutes: -120 }), "2026-01-30T22:01:41.000-02:00");
  const local = -new Date(2026, 0, 30, 22, 1, 41).getTimezoneOffset();
  const sign = local < 0 ? "-" : "+";
  const hhmm = `${String(Math.floor(Math.abs(local) / 60)).padStart(2, "0")}:${
    String(Math.abs(local) % 60).padStart(2, "0")
  }`;
  equal(parseIsoDate(text, at), `2026-01-30T22:01:41.000${sign}${hhmm}`);
  throws(
    () => parseIsoDate("2026-02-30 22:01:41", { ...at, line: 7 }),
    /^ConversionError: d\.txt:7: /,
  );
});

Deno.test("result and status words map to letters", () => {
  deepStrictEqual(
    ["Passed", "FAIL", "ok", "NG", "Error", "Aborted", "Done", "Skipped"].map(statusLetter),
    ["P", "F", "P", "F", "E", "T", "D", "S"],
  );
  equal(resultLetter("Skipped"), "D");
  equal(resultLetter("maybe"), undefined);
  throws(() => requireResult("maybe", at), /Unknown result "maybe"/);
});

Deno.test("stationFields prefers the file, then the station defaults, then Unknown", () => {
  const context = { station: { name: "Default", location: "", purpose: "Production" } };
  deepStrictEqual(stationFields(context, { machineName: " ICT-1 ", location: "" }), {
    machineName: "ICT-1",
    location: "Unknown",
    purpose: "Production",
  });
});

Deno.test("arguments are read with defaults and refused when of the wrong type", () => {
  const args = { code: "20", n: 7, flag: "yes", name: 5, bad: "x", half: 1.5 };
  equal(argInteger(args, "code", 10), 20);
  equal(argInteger(args, "missing", 10), 10);
  equal(argBoolean(args, "flag", false), true);
  equal(argString(args, "name", ""), "5");
  throws(() => argInteger(args, "bad", 1), /Argument bad: expected a whole number, got "x"/);
  throws(() => argInteger(args, "half", 1), /expected a whole number/);
  throws(() => argBoolean(args, "bad", false), /expected true or false/);
});

Deno.test("markValidated: every marked report stays marked, however marks and asks interleave", () => {
  const reports = Array.from({ length: 6 }, (_, i) => ({ sn: `SN${i}` }) as unknown as Report);
  // Validate-then-yield, two conversions interleaved, and a converter that collects first.
  markValidated(reports[0]);
  equal(isValidated(reports[0]), true);
  markValidated(reports[1]);
  markValidated(reports[2]);
  equal(isValidated(reports[2]), true);
  equal(isValidated(reports[1]), true);
  markValidated(reports[3]);
  markValidated(reports[4]);
  equal(isValidated(reports[3]), true);
  equal(isValidated(reports[4]), true);
  // Never marked, or not an object: not validated.
  equal(isValidated(reports[5]), false);
  equal(isValidated(null), false);
  equal(isValidated("report"), false);
});

Deno.test("parseIsoDate's quick path reads what its pattern path reads", () => {
  // A leading blank sends the same text down the pattern path; both must agree on every answer.
  const random = seeded(5);
  const next = (k: number) => Math.floor(random() * k);
  const pick = <T>(items: T[]) => items[next(items.length)];
  const two = (k: number) => String(next(k)).padStart(2, "0");
  let quick = 0;
  for (let i = 0; i < 20_000; i++) {
    const text = `${1990 + next(60)}-${two(14)}-${two(33)}${pick(["T", " ", "t"])}${two(26)}:${
      two(62)
    }${pick([":", ""])}${two(62)}${
      pick(["", ".", ",5", ".1", ".12", ".123", ".1234567", ".9995"])
    }${pick(["", "Z", "z", "+01:00", "-05:30", "+0100", "+01", " ", "-00:00", "+14:00Z"])}`;
    const options = { file: "d.csv", line: 2, utcOffsetMinutes: pick([undefined, 60, -300]) };
    const read = (t: string) => {
      try {
        return parseIsoDate(t, options);
      } catch (error) {
        return String(error).replace(`" ${text}"`, `"${text}"`);
      }
    };
    const answer = read(text);
    if (!answer.startsWith("ConversionError")) quick++;
    equal(answer, read(` ${text}`), text);
  }
  equal(quick > 2000, true, `${quick} read`);
});
