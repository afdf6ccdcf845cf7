/**
 * Keysight TestExec SL XML results to WSJF.
 *
 * Names are read tolerantly (any letter case, as an attribute or a child element): root
 * `TestResults`, `TestExecResults`, `Results` or `TestExecSL`; header (`Header` or the root)
 * `ProgramName, ProgramVersion, StationID, Operator, Location, StartTime, EndTime`; `UUT` with
 * `SerialNumber, PartNumber, Revision, Batch`; `TestSequence`/`TestGroup` → sequences; `Test@name
 * @status` with `Measurement{Name, Value, Units, LowLimit, HighLimit}` → a numeric step (one
 * measurement) or multi-numeric step (several); text values → string steps; no limits → a
 * pass/fail step (`treatMissingLimitsAsPassFail`); no measurement → pass/fail by status.
 * `Summary` children → misc info. Several `UUT` elements, each holding its tests, give one
 * report each.
 *
 * @module
 */
import type {
  NumericMeasurementInput,
  Report,
  SequenceBuilder,
  StepStatus,
} from "../api/models/report/mod.ts";
import {
  ConversionError,
  type Converter,
  type ConverterContext,
  type ConverterInput,
} from "./contract.ts";
import type { XmlElement } from "./_xml.ts";
import {
  argBoolean,
  argInteger,
  argString,
  parseIsoDate,
  parseVendorDate,
  type Place,
  resultLetter,
  statusLetter,
} from "./_report_kit.ts";
import { finishReport, finite, headText, limitsOf, readXml, startReport } from "./_vendor_kit.ts";

const ROOTS = ["testresults", "testexecresults", "results", "testexecsl"];
const GROUPS = ["testsequence", "testgroup", "sequence", "group"];

interface KeysightArgs {
  processCode: number;
  defaultStation: string;
  includePassed: boolean;
  missingLimitsAsPassFail: boolean;
}

function readArgs(args: Readonly<Record<string, unknown>>): KeysightArgs {
  return {
    processCode: argInteger(args, "operationTypeCode", 20),
    defaultStation: argString(args, "defaultStation", ""),
    includePassed: argBoolean(args, "includePassedMeasurements", true),
    missingLimitsAsPassFail: argBoolean(args, "treatMissingLimitsAsPassFail", true),
  };
}

/**
 * Scores a file: a known root 0.3, +0.2 a header, +0.2 a UUT, +0.2 tests, +0.1 measurements
 * (at most 0.95); a root in an ATML (IEEE 1636.1) namespace is not TestExec SL.
 *
 * @param head The first bytes.
 * @param _name The file name.
 * @returns The confidence.
 */
function sniff(head: Uint8Array, _name: string): number {
  const text = headText(head);
  const root = /^\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--[\s\S]*?-->\s*)*<([\w:.-]+)/.exec(text);
  if (root === null) return 0;
  const local = root[1].replace(/^.*:/, "").toLowerCase();
  if (!ROOTS.includes(local) || /urn:IEEE-1636\.1:/.test(text)) return 0;
  let score = 0.3;
  if (/<(\w+:)?(Header|ProgramName)[\s/>]/i.test(text)) score += 0.2;
  if (/<(\w+:)?UUT[\s/>]/i.test(text)) score += 0.2;
  if (/<(\w+:)?Test[\s>/]/i.test(text)) score += 0.2;
  if (/<(\w+:)?Measurement[\s/>]/i.test(text)) score += 0.1;
  return Math.min(0.95, Math.round(score * 100) / 100);
}

function childNamed(el: XmlElement, names: readonly string[]): XmlElement | undefined {
  return el.children.find((c) => names.includes(c.name.toLowerCase()));
}

/** A value given as an attribute or a child element's text, any letter case. */
function field(el: XmlElement | undefined, ...names: string[]): string | undefined {
  if (el === undefined) return undefined;
  const lower = names.map((n) => n.toLowerCase());
  for (const key in el.attrs) {
    if (lower.includes(key.replace(/^.*:/, "").toLowerCase())) return el.attrs[key].trim();
  }
  const c = childNamed(el, lower);
  return c === undefined ? undefined : c.text.trim();
}

function at(file: string, el: XmlElement): Place {
  return { file, line: el.line, element: el.name };
}

function parseTime(text: string, place: Place): string {
  try {
    return parseIsoDate(text, place);
  } catch {
    try {
      return parseVendorDate(text, "MM/dd/yyyy HH:mm:ss", place);
    } catch {
      return parseVendorDate(text, "dd.MM.yyyy HH:mm:ss", place);
    }
  }
}

const NUMERIC = /^\s*[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?|nan|inf(?:inity)?)\s*$/i;

interface Mapper {
  file: string;
  args: KeysightArgs;
}

function addTest(seq: SequenceBuilder, test: XmlElement, m: Mapper): void {
  const name = field(test, "name") || "Test";
  const statusWord = field(test, "status", "result", "outcome");
  const status: StepStatus | undefined = statusLetter(statusWord);
  if (statusWord !== undefined && statusWord !== "" && status === undefined) {
    throw new ConversionError(`Unknown test status "${statusWord}"`, {
      ...at(m.file, test),
      stage: "map",
    });
  }
  const measurements = test.children.filter((c) => c.name.toLowerCase() === "measurement");
  if (measurements.length === 0 || (!m.args.includePassed && status === "P")) {
    seq.passFailStep(name, status !== "F" && status !== "E", status ? { status } : {});
    return;
  }
  const numeric: NumericMeasurementInput[] = [];
  const texts: { name: string; value: string }[] = [];
  for (const meas of measurements) {
    const place = at(m.file, meas);
    const measName = field(meas, "name") || name;
    const valueText = field(meas, "value") ?? "";
    if (!NUMERIC.test(valueText)) {
      texts.push({ name: measName, value: valueText });
      continue;
    }
    const low = field(meas, "lowlimit", "low", "min");
    const high = field(meas, "highlimit", "high", "max");
    numeric.push({
      name: measName,
      value: finite(valueText, place),
      ...limitsOf(low ? finite(low, place) : undefined, high ? finite(high, place) : undefined),
      unit: field(meas, "units", "unit") || undefined,
    });
  }
  const options = status ? { status } : {};
  if (texts.length === 0 && numeric.length === 1) {
    const { name: _n, value, ...rest } = numeric[0];
    if (rest.compOp === "LOG" && m.args.missingLimitsAsPassFail) {
      seq.passFailStep(name, status !== "F" && status !== "E", options);
    } else seq.numericStep(name, value, { ...rest, ...options });
  } else if (texts.length === 0) {
    seq.multiNumericStep(name, numeric, options);
  } else if (numeric.length === 0 && texts.length === 1) {
    seq.stringStep(name, texts[0].value, options);
  } else {
    seq.sequence(name, (inner) => {
      for (const n of numeric) inner.numericStep(n.name, n.value, n);
      for (const t of texts) inner.stringStep(t.name, t.value);
    }, options);
  }
}

function addChildren(seq: SequenceBuilder, parent: XmlElement, m: Mapper): void {
  for (const c of parent.children) {
    const kind = c.name.toLowerCase();
    if (kind === "test") addTest(seq, c, m);
    else if (GROUPS.includes(kind)) {
      seq.sequence(field(c, "name") || c.name, (inner) => addChildren(inner, c, m));
    }
  }
}

function hasTests(el: XmlElement): boolean {
  return el.children.some((c) =>
    c.name.toLowerCase() === "test" || GROUPS.includes(c.name.toLowerCase())
  );
}

function unitReport(
  root: XmlElement,
  uut: XmlElement,
  tests: XmlElement,
  m: Mapper,
  context: ConverterContext,
): Report {
  const header = childNamed(root, ["header", "testheader", "runinfo"]) ?? root;
  const place = at(m.file, uut);
  const start = field(header, "starttime", "start") || field(uut, "starttime", "start");
  const end = field(header, "endtime", "end") || field(uut, "endtime", "end");
  const startStamp = start ? parseTime(start, at(m.file, header)) : undefined;
  const execTime = startStamp && end
    ? (Date.parse(parseTime(end, at(m.file, header))) - Date.parse(startStamp)) / 1000
    : undefined;
  const summary = childNamed(root, ["summary"]);
  const overall = resultLetter(field(uut, "result", "status")) ??
    resultLetter(field(summary, "result", "status", "overallresult"));
  const builder = startReport(context, {
    pn: field(uut, "partnumber", "pn", "part") ?? "",
    sn: field(uut, "serialnumber", "sn", "serial") ?? "",
    rev: field(uut, "revision", "rev") || "1",
    processCode: m.args.processCode,
    start: startStamp,
    execTime: execTime !== undefined && execTime >= 0 ? execTime : undefined,
    operator: field(header, "operator") || undefined,
    batchSN: field(uut, "batch", "batchnumber", "lot") || undefined,
    result: overall === "F" || overall === "E" || overall === "T" ? overall : undefined,
    seqCall: {
      name: (field(header, "programname", "program") || "TestExec SL").slice(0, 200),
      version: (field(header, "programversion", "version") || "1.0").slice(0, 30),
    },
    station: {
      machineName: field(header, "stationid", "station", "stationname") || m.args.defaultStation,
      location: field(header, "location"),
    },
    stationFallback: {
      machineName: "TestExec SL",
      location: "Production",
      purpose: "Functional Test",
    },
  }, place);
  if (summary !== undefined) {
    for (const c of summary.children) {
      const text = c.text.trim();
      if (text !== "") builder.miscInfo(c.name.slice(0, 100), text.slice(0, 100));
    }
  }
  addChildren(builder, tests, m);
  return finishReport(builder, place);
}

async function* convert(input: ConverterInput, context: ConverterContext): AsyncGenerator<Report> {
  const args = readArgs(context.args);
  const root = await readXml(input);
  const m: Mapper = { file: input.name, args };
  if (!ROOTS.includes(root.name.toLowerCase())) {
    throw new ConversionError(
      `Not a TestExec SL file: the root element is <${root.qname}>`,
      { ...at(m.file, root), stage: "map" },
    );
  }
  const uuts = root.children.filter((c) => c.name.toLowerCase() === "uut");
  if (uuts.length === 0) {
    throw new ConversionError("No <UUT> element (serial and part number)", {
      ...at(m.file, root),
      stage: "map",
    });
  }
  for (const uut of uuts) {
    context.signal.throwIfAborted();
    const tests = uuts.length === 1 && !hasTests(uut) ? root : uut;
    yield unitReport(root, uut, tests, m, context);
  }
}

/**
 * The Keysight TestExec SL converter.
 *
 * Arguments: `operationTypeCode` (20), `defaultStation` ("TestExec SL" where neither the file nor
 * the station defaults name one), `includePassedMeasurements` (true), `treatMissingLimitsAsPassFail`
 * (true).
 *
 * @example Convert a TestExec SL file
 * ```ts
 * import assert from "node:assert/strict";
 * import { BUILTIN_CONVERTERS, bytesInput } from "@wats/toolkit/converters";
 *
 * const testExec = BUILTIN_CONVERTERS.find((converter) => converter.id === "keysight-testexec")!;
 * const context = {
 *   station: { name: "ICT-1", location: "Line 2", purpose: "ICT" },
 *   args: {},
 *   log: { info() {}, warn() {} },
 *   now: () => Date.now(),
 *   signal: new AbortController().signal,
 * };
 * const input = bytesInput(
 *   "uut.xml",
 *   "<TestExecResults><UUT><SerialNumber>SN1</SerialNumber><PartNumber>PCBA</PartNumber></UUT>" +
 *     '<TestGroup name="Power"><Test name="Self test" status="Passed"/></TestGroup></TestExecResults>',
 * );
 * const reports = [];
 * for await (const report of testExec.convert(input, context)) reports.push(report);
 * assert.deepEqual(reports.map((report) => [report.sn, report.result]), [["SN1", "P"]]);
 * ```
 */
export const keysightTestExecConverter: Converter = {
  apiVersion: 1,
  id: "keysight-testexec",
  version: "1.0.0",
  description: "Keysight TestExec SL XML results (header, UUT, test groups, measurements)",
  patterns: ["*.xml", "*.txsl"],
  sniff,
  convert,
};
