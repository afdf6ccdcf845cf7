/**
 * Units of Teradyne (Agilent/Keysight) i3070 test types: the classic log's type suffix
 * (`R`, `CP`, `DC` …) and the log record's analog record (`A-RES`, `A-CAP` …).
 *
 * @module
 */

/** Base unit of each classic test type (the suffix after the limits). */
export const CLASSIC_UNITS: ReadonlyMap<string, string> = new Map([
  ["AC", "V"],
  ["AI", "A"],
  ["AR", ""],
  ["AV", "V"],
  ["AY", "V"],
  ["CS", "F"],
  ["CP", "F"],
  ["DC", "V"],
  ["DD", ""],
  ["EV", ""],
  ["HZ", "Hz"],
  ["I", "A"],
  ["IS", "A"],
  ["LP", "H"],
  ["LS", "H"],
  ["QQ", ""],
  ["R", "Ohm"],
  ["RA", ""],
  ["RP", "Ohm"],
  ["RS", "Ohm"],
  ["S", "s"],
  ["TI", "s"],
  ["V", "V"],
  ["VS", "V"],
  ["XS", "Ohm"],
  ["XP", "Ohm"],
  ["ZM", "Ohm"],
]);

/** Classic prefix letters to their factor and the symbol written in units. */
export const CLASSIC_PREFIXES: ReadonlyMap<string, { factor: number; symbol: string }> = new Map([
  ["P", { factor: 1e-12, symbol: "p" }],
  ["N", { factor: 1e-9, symbol: "n" }],
  ["U", { factor: 1e-6, symbol: "u" }],
  ["M", { factor: 1e-3, symbol: "m" }],
  ["", { factor: 1, symbol: "" }],
  ["K", { factor: 1e3, symbol: "k" }],
  ["MEG", { factor: 1e6, symbol: "M" }],
]);

/** Base unit of each analog record of the log record format. */
export const ANALOG_UNITS: ReadonlyMap<string, string> = new Map([
  ["A-CAP", "F"],
  ["A-DIO", "V"],
  ["A-FUS", "Ohm"],
  ["A-IND", "H"],
  ["A-JUM", "Ohm"],
  ["A-MEA", "V"],
  ["A-NFE", "V"],
  ["A-NPN", "V"],
  ["A-PFE", "V"],
  ["A-PNP", "V"],
  ["A-POT", "Ohm"],
  ["A-RES", "Ohm"],
  ["A-SWI", "Ohm"],
  ["A-ZEN", "V"],
]);

/** Classic general failure keys to step names. */
export const GENERAL_FAILURES: ReadonlyMap<string, string> = new Map([
  ["(S", "Shorts"],
  ["(O", "Opens"],
  ["(B", "Bus test"],
  ["(C", "Scratch probing"],
  ["(F", "Fixture contact"],
]);
