import { deepStrictEqual, equal, throws } from "node:assert/strict";
import {
  argBoolean,
  argInteger,
  argString,
  parseIsoDate,
  parseVendorDate,
  requireResult,
  resultLetter,
  stationFields,
  statusLetter,
} from "../../converters/_report_kit.ts";

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
