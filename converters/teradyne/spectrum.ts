/**
 * Teradyne Spectrum ICT result files (`PB*.txt`) to WSJF.
 *
 * Records, one or more a line: `(PROGRAM_NAME: "…")` starts a unit (a file may hold several),
 * `(USER: key: value)` header facts, `(SECTION_NAME: "…")` → a sequence, `(TYPE: …) (TIME:
 * MM/dd/yyyy HH:mm:ss)` starts a test, `(SNAME: "…")` names it, `(DESC: "…")` describes it, each
 * `(PAGE_NAME: "…") (STAT: Pass|Fail)` is a measurement of it with `(MEASVAL: (VAL:)(SCALE:)
 * (UNIT:))`, `(LOLIM: …)`, `(HILIM: …)`. A test with one measurement is one step; with several,
 * a sequence named by `SNAME`. Limits are rescaled to the value's SI prefix.
 *
 * Header: part number from the program name by `programNameToPartNumberRegEx` (Python `(?P<…>)`
 * groups accepted), serial `USER Serialnumber` (required), operator `USER Operator`, station and
 * sequence version from the USER keys the arguments name, misc info for the listed USER keys,
 * `USER STATUS` containing FAIL fails the unit. Start = the first test's time.
 *
 * @module
 */
import type { Report, SequenceBuilder, StepStatus } from "../../api/models/report/mod.ts";
import {
  ConversionError,
  type Converter,
  type ConverterContext,
  type ConverterInput,
} from "../contract.ts";
import { argInteger, argString, parseVendorDate, statusLetter } from "../_report_kit.ts";
import {
  finishReport,
  finite,
  headText,
  limitsOf,
  rescale,
  SI_PREFIXES,
  startReport,
  type StepWriter,
} from "../_vendor_kit.ts";
import { readUnits, UnitReader } from "./_reader.ts";

interface SpectrumArgs {
  processCode: number;
  partNumber: RegExp;
  miscKeys: string[];
  stationKey: string;
  versionKey: string;
}

function readArgs(args: Readonly<Record<string, unknown>>): SpectrumArgs {
  const source = argString(args, "programNameToPartNumberRegEx", "(?P<PartNumber>\\w+)");
  let partNumber: RegExp;
  try {
    partNumber = new RegExp(source.replaceAll("(?P<", "(?<"));
  } catch (error) {
    throw new ConversionError(
      `Argument programNameToPartNumberRegEx: not a regular expression: ${
        (error as Error).message
      }`,
      { file: "(arguments)", stage: "load" },
    );
  }
  return {
    processCode: argInteger(args, "operationTypeCode", 30),
    partNumber,
    miscKeys: argString(args, "userInfoAddMiscInfo", "OrderNumber;CustomerSerialnumber;TestSpecRef")
      .split(";").map((k) => k.trim().toLowerCase()).filter((k) => k !== ""),
    stationKey: argString(args, "userInfoStationName", "Machine").toLowerCase(),
    versionKey: argString(args, "userInfoSequenceVersion", "SequenceRev").toLowerCase(),
  };
}

/**
 * Scores a file: `(PROGRAM_NAME:` with `(MEASVAL:` 0.95, program alone 0.85, a step record
 * (`(PAGE_NAME: …) (STAT: …)`) 0.7.
 *
 * @param head The first bytes.
 * @param _name The file name.
 * @returns The confidence.
 */
function sniff(head: Uint8Array, _name: string): number {
  const text = headText(head);
  const program = /\(PROGRAM_NAME:\s*"[^"]*"\s*\)/.test(text);
  if (program && text.includes("(MEASVAL:")) return 0.95;
  if (program) return 0.85;
  return /\(PAGE_NAME:\s*"[^"]*"\s*\)[^\n]*\(STAT:\s*\w+\s*\)/.test(text) ? 0.7 : 0;
}

interface Value {
  value: number;
  scale: string;
  unit: string;
}

interface Measure {
  name: string;
  status: StepStatus;
  comment: string;
  meas?: Value;
  low?: Value;
  high?: Value;
  line: number;
}

interface Test {
  name: string;
  desc: string;
  measures: Measure[];
}

interface Unit {
  program: string;
  line: number;
  user: Map<string, { key: string; value: string }>;
  start?: string;
  sections: { name: string; steps: StepWriter[] }[];
  test: Test | null;
}

const PROGRAM = /\(PROGRAM_NAME:\s*"([^"]*)"\s*\)/;
const USER = /\(USER:\s*([^:)]+):\s*([^)]*)\)/g;
const SECTION = /\(SECTION_NAME:\s*"([^"]*)"\s*\)/;
const TIME = /\(TYPE:\s*([^)]*)\)\s*\(TIME:\s*([^)]*)\)/;
const SNAME = /\(SNAME:\s*"([^"]*)"\s*\)/;
const DESC = /\(DESC:\s*"([^"]*)"\s*\)/;
const PAGE =
  /\(PAGE_NAME:\s*"([^"]*)"\s*\)\s*(?:\(COMMENT:\s*"([^"]*)"\s*\)\s*)?\(STAT:\s*(\w+)\s*\)/;
const VALUE = (key: string) =>
  new RegExp(
    `\\(${key}:\\s*\\(VAL:\\s*([^)]*)\\)\\s*(?:\\(SCALE:\\s*([^)]*)\\)\\s*)?(?:\\(UNIT:\\s*([^)]*)\\)\\s*)?\\)`,
  );
const MEASVAL = VALUE("MEASVAL");
const LOLIM = VALUE("(?:LOLIM|LOW)");
const HILIM = VALUE("(?:HILIM|HIGH)");

function factor(scale: string, place: { file: string; line: number }): number {
  const f = SI_PREFIXES.get(scale) ?? SI_PREFIXES.get(scale.toLowerCase());
  if (f === undefined) {
    throw new ConversionError(`Unknown scale "${scale}"`, { ...place, stage: "parse" });
  }
  return f;
}

function measureWriter(m: Measure, file: string, reportText?: string): StepWriter {
  const place = { file, line: m.line };
  if (m.meas === undefined) {
    return (s) => s.passFailStep(m.name, m.status === "P", { status: m.status, reportText });
  }
  const to = factor(m.meas.scale, place);
  const scaled = (v: Value | undefined) =>
    v === undefined ? undefined : rescale(v.value, factor(v.scale, place), to);
  const limits = limitsOf(scaled(m.low), scaled(m.high));
  const unit = `${m.meas.scale}${m.meas.unit}` || "?";
  const value = m.meas.value;
  return (s) => s.numericStep(m.name, value, { ...limits, unit, status: m.status, reportText });
}

/** Reads Spectrum lines; `line` returns a report when a new program starts a new unit. */
class SpectrumFile extends UnitReader<SpectrumArgs> {
  #unit: Unit | null = null;

  line(t: string, line: number): Report | null {
    const place = { file: this.file, line };
    let done: Report | null = null;
    const program = PROGRAM.exec(t);
    if (program !== null) {
      if (this.#unit !== null) done = this.#finish();
      this.#unit = { program: program[1], line, user: new Map(), sections: [], test: null };
    }
    const unit = this.#unit;
    if (unit === null) return done;
    for (const m of t.matchAll(USER)) {
      unit.user.set(m[1].trim().toLowerCase(), { key: m[1].trim(), value: m[2].trim() });
    }
    const section = SECTION.exec(t);
    if (section !== null) {
      this.#flush();
      unit.sections.push({ name: section[1].trim() || "Section", steps: [] });
    }
    const time = TIME.exec(t);
    if (time !== null) {
      this.#flush();
      const stamp = parseVendorDate(time[2].trim(), "MM/dd/yyyy HH:mm:ss", place);
      unit.start ??= stamp;
      unit.test = { name: time[1].trim() || "Test", desc: "", measures: [] };
    }
    const sname = SNAME.exec(t);
    if (sname !== null && unit.test !== null) unit.test.name = sname[1].trim() || unit.test.name;
    const desc = DESC.exec(t);
    if (desc !== null && unit.test !== null) unit.test.desc = desc[1].trim();
    const page = PAGE.exec(t);
    if (page !== null) {
      unit.test ??= { name: page[1], desc: "", measures: [] };
      unit.test.measures.push({
        name: page[1].trim() || "Measurement",
        status: statusLetter(page[3]) ?? "F",
        comment: (page[2] ?? "").trim(),
        line,
      });
    }
    const last = unit.test?.measures[unit.test.measures.length - 1];
    if (last !== undefined) {
      const read = (m: RegExpExecArray | null): Value | undefined =>
        m === null ? undefined : {
          value: finite(m[1], place),
          scale: (m[2] ?? "").trim(),
          unit: (m[3] ?? "").trim(),
        };
      last.meas = read(MEASVAL.exec(t)) ?? last.meas;
      last.low = read(LOLIM.exec(t)) ?? last.low;
      last.high = read(HILIM.exec(t)) ?? last.high;
    }
    return done;
  }

  #flush(): void {
    const unit = this.#unit!;
    const test = unit.test;
    unit.test = null;
    if (test === null || test.measures.length === 0) return;
    if (unit.sections.length === 0) unit.sections.push({ name: "", steps: [] });
    const target = unit.sections[unit.sections.length - 1].steps;
    if (test.measures.length === 1) {
      const m = test.measures[0];
      target.push(measureWriter(m, this.file, m.comment || test.desc || undefined));
    } else {
      const writers = test.measures.map((m) => measureWriter(m, this.file, m.comment || undefined));
      const reportText = test.desc || undefined;
      target.push((s) =>
        s.sequence(test.name, (inner) => writers.forEach((w) => w(inner)), { reportText })
      );
    }
  }

  /** The last unit ends with the file. */
  end(): Report | null {
    return this.#unit === null ? null : this.#finish();
  }

  #finish(): Report {
    this.#flush();
    const unit = this.#unit!;
    this.#unit = null;
    const place = { file: this.file, line: unit.line, element: "PROGRAM_NAME" };
    const user = (key: string) => unit.user.get(key.toLowerCase())?.value ?? "";
    const sn = user("serialnumber");
    if (sn === "") {
      throw new ConversionError("No serial number: (USER: Serialnumber: …) is missing", {
        ...place,
        stage: "map",
      });
    }
    const match = this.args.partNumber.exec(unit.program);
    const pn = match?.groups?.PartNumber ?? match?.[0] ?? unit.program;
    const operator = user("operator");
    const builder = startReport(this.context, {
      pn: pn || unit.program,
      sn,
      rev: "1",
      processCode: this.args.processCode,
      start: unit.start,
      operator: operator || undefined,
      result: /fail/i.test(user("status")) ? "F" : undefined,
      seqCall: { name: unit.program.slice(0, 200), version: user(this.args.versionKey) || "1.0" },
      station: { machineName: user(this.args.stationKey) },
      stationFallback: {
        machineName: "Teradyne Spectrum",
        location: "Production",
        purpose: "ICT Test",
      },
    }, place);
    builder.miscInfo("File", this.file.slice(0, 100));
    for (const [key, { key: original, value }] of unit.user) {
      if (this.args.miscKeys.includes(key)) builder.miscInfo(original, value.slice(0, 100));
    }
    for (const section of unit.sections) {
      if (section.name === "") section.steps.forEach((w) => w(builder));
      else {
        builder.sequence(section.name, (s: SequenceBuilder) => section.steps.forEach((w) => w(s)));
      }
    }
    return finishReport(builder, place);
  }
}

async function* convert(input: ConverterInput, context: ConverterContext): AsyncGenerator<Report> {
  const args = readArgs(context.args);
  const file = input.name;
  yield* readUnits(input, context, {
    open: (first, line) => {
      if (!first.startsWith("(")) {
        throw new ConversionError('Not a Spectrum record: lines start with "(KEY:"', {
          file,
          line,
          stage: "parse",
        });
      }
      return new SpectrumFile(file, context, args);
    },
    noUnit: "No (PROGRAM_NAME: …) record",
  });
}

/**
 * The Teradyne Spectrum ICT converter.
 *
 * Arguments: `operationTypeCode` ("30"), `programNameToPartNumberRegEx` (`(?P<PartNumber>\w+)`),
 * `userInfoAddMiscInfo` ("OrderNumber;CustomerSerialnumber;TestSpecRef"), `userInfoStationName`
 * ("Machine"), `userInfoSequenceVersion` ("SequenceRev").
 *
 * @example Convert a Spectrum file
 * ```ts
 * import assert from "node:assert/strict";
 * import { BUILTIN_CONVERTERS, bytesInput } from "@wats/toolkit/converters";
 *
 * const spectrum = BUILTIN_CONVERTERS.find((converter) => converter.id === "teradyne-spectrum")!;
 * const context = {
 *   station: { name: "ICT-1", location: "Line 2", purpose: "ICT" },
 *   args: {},
 *   log: { info() {}, warn() {} },
 *   now: () => Date.now(),
 *   signal: new AbortController().signal,
 * };
 * const input = bytesInput(
 *   "PB1.txt",
 *   '(PROGRAM_NAME: "PB1")\n(USER: Serialnumber: SN1)\n(TYPE: ANALOG) (TIME: 09/14/2025 12:01:47)\n' +
 *     '(PAGE_NAME: "R1") (STAT: Pass)\n(MEASVAL: (VAL: 100) (SCALE: ) (UNIT: Ohm))\n',
 * );
 * const reports = [];
 * for await (const report of spectrum.convert(input, context)) reports.push(report);
 * assert.deepEqual(reports.map((report) => report.sn), ["SN1"]);
 * ```
 */
export const teradyneSpectrumConverter: Converter = {
  apiVersion: 1,
  id: "teradyne-spectrum",
  version: "1.0.0",
  description: "Teradyne Spectrum ICT result files ((PROGRAM_NAME: …) records)",
  patterns: ["*.txt", "PB*.txt"],
  sniff,
  convert,
};
