/**
 * XJTAG boundary-scan result logs to WSJF: a zip (`*.zip`, `*.xjlog`) holding `Info.xml`
 * (`LogFileInfo/TestRunCount`) and one `Run N.xml` per test run; every run becomes a report.
 *
 * A run maps as: `testrun@datetime` → start; `testruninfo` `user` → operator, `serial` → serial
 * number (required), `result` → unit result, `time-taken` (ms) → execution time, `xjlink-name`,
 * `xjlink-serial`, `xjtag-version`, `project-description` → misc info; each `testgroup@name` → a
 * sequence, each `testfunction@name` → a pass/fail step (`result@value`, `text-output` as report
 * text, `time-taken` ms). Part number, revision, sequence and station purpose come from the
 * arguments. The archive is read with the bounded reader of `util/zip.ts`.
 *
 * @module
 */
import type { Report } from "../api/models/report/mod.ts";
import {
  ConversionError,
  type Converter,
  type ConverterContext,
  type ConverterInput,
} from "./contract.ts";
import { decodeText } from "./_text.ts";
import {
  assertNoDtd,
  attr,
  child,
  childrenNamed,
  childText,
  parseXml,
  type XmlElement,
} from "./_xml.ts";
import {
  argInteger,
  argString,
  parseIsoDate,
  parseVendorDate,
  type Place,
  resultLetter,
  statusLetter,
} from "./_report_kit.ts";
import { finishReport, finite, headText, startReport } from "./_vendor_kit.ts";
import {
  headEntries,
  headEntryBytes,
  isZip,
  readZip,
  type ZipArchive,
  type ZipEntry,
} from "../util/zip.ts";

interface XjtagArgs {
  pn: string;
  rev: string;
  processCode: number;
  sequenceName: string;
  sequenceVersion: string;
  location: string;
  purpose: string;
}

function readArgs(args: Readonly<Record<string, unknown>>): XjtagArgs {
  return {
    pn: argString(args, "partNumber", "PN"),
    rev: argString(args, "partRevision", "1.0"),
    processCode: argInteger(args, "operationTypeCode", 210),
    sequenceName: argString(args, "sequenceName", "JTAGSeq1"),
    sequenceVersion: argString(args, "sequenceVersion", "1.0.0"),
    location: argString(args, "location", ""),
    purpose: argString(args, "purpose", ""),
  };
}

const RUN = /(?:^|\/)Run (\d+)\.xml$/i;

function isInfo(name: string): boolean {
  return /(?:^|\/)Info\.xml$/i.test(name);
}

function runCount(text: string): number | null {
  const m = /<(?:\w+:)?TestRunCount>\s*(\d+)\s*</.exec(text);
  return m === null ? null : Number(m[1]);
}

/**
 * Scores a file: a zip with `Info.xml` (`LogFileInfo/TestRunCount`) and all its `Run N.xml` 0.9,
 * some of them 0.7; `Info.xml` alone 0.5; runs without `Info.xml` 0.4.
 *
 * @param head The first bytes.
 * @param _name The file name.
 * @returns The confidence.
 */
function sniff(head: Uint8Array, _name: string): number {
  const entries = headEntries(head);
  const info = entries.find((e) => isInfo(e.name));
  const runs = entries.filter((e) => RUN.test(e.name)).length;
  if (info === undefined) return runs > 0 ? 0.4 : 0;
  let expected: number | null = null;
  const bytes = headEntryBytes(info);
  if (bytes !== null) {
    const text = headText(bytes);
    if (/<(?:\w+:)?LogFileInfo[\s>]/.test(text)) expected = runCount(text);
  }
  if (runs === 0) return 0.5;
  if (expected !== null && runs >= expected) return 0.9;
  return 0.7;
}

async function readEntry(archive: ZipArchive, entry: ZipEntry, file: string): Promise<XmlElement> {
  const bytes = await archive.read(entry);
  try {
    const text = decodeText(bytes, file);
    assertNoDtd(text, file);
    return parseXml(text, { file });
  } catch (error) {
    if (!(error instanceof ConversionError)) throw error;
    throw new ConversionError(`${entry.name}: ${error.problem}`, {
      file,
      line: error.line ?? undefined,
      element: error.element ?? undefined,
      stage: error.stage,
      cause: error,
    });
  }
}

function startOf(text: string, place: Place): string {
  try {
    return parseIsoDate(text, place);
  } catch {
    return parseVendorDate(text, "dd/MM/yyyy HH:mm:ss", place);
  }
}

function runReport(
  run: XmlElement,
  entry: ZipEntry,
  file: string,
  args: XjtagArgs,
  context: ConverterContext,
): Report {
  const where = (el: XmlElement): Place => ({ file, line: el.line, element: el.name });
  if (run.name !== "testrun") {
    throw new ConversionError(`${entry.name}: the root element is <${run.qname}>, not <testrun>`, {
      ...where(run),
      stage: "map",
    });
  }
  const info = child(run, "testruninfo");
  if (info === undefined) {
    throw new ConversionError(`${entry.name}: missing <testruninfo>`, {
      ...where(run),
      stage: "map",
    });
  }
  const text = (name: string) => childText(info, name) ?? "";
  const datetime = attr(run, "datetime");
  const taken = text("time-taken");
  const result = resultLetter(text("result"));
  const builder = startReport(context, {
    pn: args.pn,
    sn: text("serial"),
    rev: args.rev,
    processCode: args.processCode,
    start: datetime ? startOf(datetime, where(run)) : undefined,
    execTime: taken ? finite(taken, where(info)) / 1000 : undefined,
    operator: text("user") || undefined,
    result: result === "F" || result === "E" || result === "T" ? result : undefined,
    seqCall: { name: args.sequenceName, version: args.sequenceVersion },
    station: { location: args.location, purpose: args.purpose },
    stationFallback: {
      machineName: "XJTAG",
      location: "Production",
      purpose: "JTAG Boundary Scan",
    },
  }, { ...where(info), element: `${entry.name} testruninfo` });
  for (const key of ["xjlink-name", "xjlink-serial", "xjtag-version", "project-description"]) {
    const value = text(key);
    if (value !== "") builder.miscInfo(key, value.slice(0, 100));
  }
  for (const group of childrenNamed(run, "testgroup")) {
    builder.sequence(attr(group, "name") || "Test group", (seq) => {
      for (const fn of childrenNamed(group, "testfunction")) {
        const resultEl = child(fn, "result");
        const word = resultEl === undefined ? undefined : attr(resultEl, "value") ?? resultEl.text;
        const status = statusLetter(word);
        if (status === undefined) {
          throw new ConversionError(`${entry.name}: unknown result "${word ?? ""}"`, {
            ...where(resultEl ?? fn),
            stage: "map",
          });
        }
        const output = childText(fn, "text-output");
        const time = childText(fn, "time-taken");
        seq.passFailStep(attr(fn, "name") || "Test function", status === "P", {
          status,
          reportText: output ? output : undefined,
          totTime: time ? finite(time, where(fn)) / 1000 : undefined,
        });
      }
    });
  }
  return finishReport(builder, where(run));
}

async function* convert(input: ConverterInput, context: ConverterContext): AsyncGenerator<Report> {
  const args = readArgs(context.args);
  const file = input.name;
  const bytes = await input.bytes();
  if (bytes.length === 0) throw new ConversionError("Empty file", { file, stage: "read" });
  if (!isZip(bytes)) {
    throw new ConversionError("Not a zip archive (an XJTAG log is a zip of Info.xml and runs)", {
      file,
      stage: "read",
    });
  }
  const archive = readZip(bytes, file, { maxEntries: 10_000, maxTotalBytes: 256 * 1024 * 1024 });
  const infoEntry = archive.entries.find((e) => isInfo(e.name));
  const runs = archive.entries
    .map((entry) => ({ entry, n: Number(RUN.exec(entry.name)?.[1] ?? NaN) }))
    .filter((r) => !Number.isNaN(r.n))
    .sort((a, b) => a.n - b.n);
  if (runs.length === 0) {
    throw new ConversionError('No "Run N.xml" in the archive', { file, stage: "map" });
  }
  if (infoEntry === undefined) {
    context.log.warn("No Info.xml in the archive; converting the runs found", { file });
  } else {
    const info = await readEntry(archive, infoEntry, file);
    const count = childText(info, "TestRunCount");
    const expected = count === undefined ? null : Number(count);
    if (expected !== null && expected !== runs.length) {
      context.log.warn("Info.xml counts another number of runs than the archive holds", {
        file,
        expected,
        found: runs.length,
      });
    }
  }
  for (const { entry } of runs) {
    context.signal.throwIfAborted();
    yield runReport(await readEntry(archive, entry, file), entry, file, args, context);
  }
}

/**
 * The XJTAG converter.
 *
 * Arguments: `partNumber` ("PN"), `partRevision` ("1.0"), `operationTypeCode` (210),
 * `sequenceName` ("JTAGSeq1"), `sequenceVersion` ("1.0.0"), `location` and `purpose` (the station
 * defaults, then "Production" and "JTAG Boundary Scan").
 *
 * @example Convert the sample log (from the repository root)
 * ```ts
 * import assert from "node:assert/strict";
 * import { BUILTIN_CONVERTERS, bytesInput } from "@wats/toolkit/converters";
 *
 * const xjtag = BUILTIN_CONVERTERS.find((converter) => converter.id === "xjtag")!;
 * const context = {
 *   station: { name: "JTAG-1", location: "Line 2", purpose: "Boundary scan" },
 *   args: { partNumber: "PCBA4711" },
 *   log: { info() {}, warn() {} },
 *   now: () => Date.now(),
 *   signal: new AbortController().signal,
 * };
 * const bytes = await Deno.readFile("samples/xjtag/two_runs.zip");
 * const serials = [];
 * for await (const report of xjtag.convert(bytesInput("two_runs.zip", bytes), context)) {
 *   serials.push(report.sn);
 * }
 * assert.deepEqual(serials, ["PCB4711-0503", "PCB4711-0504"]);
 * ```
 */
export const xjtagConverter: Converter = {
  apiVersion: 1,
  id: "xjtag",
  version: "1.0.0",
  description: "XJTAG boundary-scan logs (zip of Info.xml and Run N.xml), one report per run",
  patterns: ["*.zip", "*.xjlog"],
  sniff,
  convert,
};
