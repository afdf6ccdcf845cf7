/**
 * ATML test results (IEEE 1636.1: the 2006, 2011 and 2013 schemas of ATML 2.02, 5.00 and 6.01,
 * with NI TestStand's extensions) to WSJF: one report per `TestResults` (a
 * `TestResultsCollection` may hold several).
 *
 * Elements are matched by local name and namespaces by URI, so any prefix works (the ⚠ of the
 * Python port, which rewrote prefixes, does not apply). Header: serial `UUT/SerialNumber` (else
 * "NA"); part number `UUT/Definition/Identification/IdentificationNumbers/IdentificationNumber
 * @number` (else the `partNumber` argument); operator `Personnel/SystemOperator@name|@ID` (else
 * `operator`); sequence `ResultSet@name`; start and end `ResultSet@startDateTime/@endDateTime`;
 * station `TestStation/SerialNumber`; result `ResultSet/Outcome@value` (+ `qualifier`); NI
 * `BatchSerialNumber`, `TestSocketIndex`. Steps: see `_atml_steps.ts`. A measured `NaN` (what
 * TestStand writes for a value never measured) is kept as WSJF's `"NaN"`; a number out of range
 * (`1e999`) is refused.
 *
 * @module
 */
import type { Report, ReportResult } from "../api/models/report/mod.ts";
import {
  ConversionError,
  type Converter,
  type ConverterContext,
  type ConverterInput,
} from "./contract.ts";
import { attr, child, childrenNamed, childText, type XmlElement } from "./_xml.ts";
import { argInteger, argString, parseIsoDate, type Place } from "./_report_kit.ts";
import { finishReport, headText, readXml, startReport } from "./_vendor_kit.ts";
import { addSteps, outcomeStatus } from "./_atml_steps.ts";

const NAMESPACE = /^urn:IEEE-1636\.1:(2006|2011|2013):TestResults(Collection)?$/;

interface AtmlArgs {
  processCode: number;
  pn: string;
  rev: string;
  sequenceVersion: string;
  operator: string;
}

function readArgs(args: Readonly<Record<string, unknown>>): AtmlArgs {
  return {
    processCode: argInteger(args, "operationTypeCode", 10),
    pn: argString(args, "partNumber", ""),
    rev: argString(args, "partRevision", "1.0"),
    sequenceVersion: argString(args, "sequenceVersion", "1.0"),
    operator: argString(args, "operator", ""),
  };
}

/**
 * Scores a file: an IEEE 1636.1 namespace with a `TestResults` element 0.9; the namespace (or a
 * `TestResults` root) without one 0.3.
 *
 * @param head The first bytes.
 * @param _name The file name.
 * @returns The confidence.
 */
function sniff(head: Uint8Array, _name: string): number {
  const text = headText(head);
  const namespace = /urn:IEEE-1636\.1:(2006|2011|2013):TestResults/.test(text);
  const results = /<([\w.-]+:)?TestResults[\s>]/.test(text);
  if (namespace && results) return 0.9;
  if (namespace || /^\s*(<\?xml[^>]*\?>\s*)?<([\w.-]+:)?TestResults(Collection)?[\s>]/.test(text)) {
    return 0.3;
  }
  return 0;
}

/** The namespace URI of an element, from the declarations on it and its ancestors. */
function namespaceOf(el: XmlElement, ancestors: readonly XmlElement[]): string | undefined {
  const colon = el.qname.indexOf(":");
  const key = colon === -1 ? "xmlns" : `xmlns:${el.qname.slice(0, colon)}`;
  for (const scope of [el, ...[...ancestors].reverse()]) {
    const uri = scope.attrs[key];
    if (uri !== undefined) return uri;
  }
  return undefined;
}

function at(file: string, el: XmlElement): Place {
  return { file, line: el.line, element: el.name };
}

function unitReport(
  results: XmlElement,
  file: string,
  args: AtmlArgs,
  context: ConverterContext,
): Report {
  const place = at(file, results);
  const resultSet = child(results, "ResultSet");
  if (resultSet === undefined) {
    throw new ConversionError("No ResultSet in TestResults", { ...place, stage: "map" });
  }
  const uut = child(results, "UUT");
  const ids = uut === undefined ? undefined : child(uut, "Definition");
  const idNumbers = ids && child(child(ids, "Identification") ?? ids, "IdentificationNumbers");
  const idNumber = idNumbers && child(idNumbers, "IdentificationNumber");
  const pn = (idNumber && attr(idNumber, "number")?.trim()) || args.pn;
  if (pn === "") {
    throw new ConversionError(
      "No part number: UUT/Definition/…/IdentificationNumber@number is missing and the partNumber argument is empty",
      { ...(uut ? at(file, uut) : place), stage: "map" },
    );
  }
  const sn = (uut && childText(uut, "SerialNumber")) || "NA";
  const personnel = child(results, "Personnel");
  const op = personnel && child(personnel, "SystemOperator");
  const operator = (op && ((attr(op, "name") ?? "").trim() || (attr(op, "ID") ?? "").trim())) ||
    args.operator;
  const station = child(results, "TestStation");
  const setPlace = at(file, resultSet);
  const startText = attr(resultSet, "startDateTime");
  const endText = attr(resultSet, "endDateTime");
  const start = startText ? parseIsoDate(startText, setPlace) : undefined;
  const execTime = start && endText
    ? (Date.parse(parseIsoDate(endText, setPlace)) - Date.parse(start)) / 1000
    : undefined;
  const outcome = child(resultSet, "Outcome");
  const status = outcome === undefined ? undefined : outcomeStatus(outcome, "D");
  const result: ReportResult | undefined = status === "S" ? "D" : status;
  const ext = child(resultSet, "Extension");
  const props = ext && child(ext, "TSResultSetProperties");
  const batch = props && childText(props, "BatchSerialNumber");
  const socketEl = props && child(props, "TestSocketIndex");
  const socket = socketEl ? Number(attr(socketEl, "value") ?? socketEl.text) : NaN;
  const builder = startReport(context, {
    pn,
    sn,
    rev: args.rev,
    processCode: args.processCode,
    start,
    execTime: execTime !== undefined && execTime >= 0 ? execTime : undefined,
    operator: operator || undefined,
    batchSN: batch || undefined,
    testSocketIndex: Number.isSafeInteger(socket) ? socket : undefined,
    result: result === "P" || result === "D" ? undefined : result,
    seqCall: {
      name: ((attr(resultSet, "name") ?? "").trim() || "MainSequence").slice(0, 200),
      version: args.sequenceVersion,
    },
    station: { machineName: station && childText(station, "SerialNumber") },
    stationFallback: { location: "Production", purpose: "Functional Test" },
  }, uut ? at(file, uut) : place);
  addSteps({ file }, builder, resultSet);
  return finishReport(builder, setPlace);
}

async function* convert(input: ConverterInput, context: ConverterContext): AsyncGenerator<Report> {
  const args = readArgs(context.args);
  const file = input.name;
  const root = await readXml(input);
  let units: XmlElement[];
  if (root.name === "TestResultsCollection") units = childrenNamed(root, "TestResults");
  else if (root.name === "TestResults") units = [root];
  else {
    throw new ConversionError(
      `Not ATML test results: the root element is <${root.qname}>`,
      { ...at(file, root), stage: "map" },
    );
  }
  const ns = namespaceOf(root, []);
  if (ns === undefined || !NAMESPACE.test(ns)) {
    context.log.warn("Root element is not in an IEEE 1636.1 namespace; read as ATML anyway", {
      file,
      namespace: ns ?? null,
    });
  }
  if (units.length === 0) {
    throw new ConversionError("No TestResults in the collection", {
      ...at(file, root),
      stage: "map",
    });
  }
  for (const unit of units) {
    context.signal.throwIfAborted();
    yield unitReport(unit, file, args, context);
  }
}

/**
 * The ATML (IEEE 1636.1) converter.
 *
 * Arguments: `operationTypeCode` ("10"), `partNumber` (""), `partRevision` ("1.0"),
 * `sequenceVersion` ("1.0"), `operator` ("") — the last four used where the file says nothing.
 *
 * @example Convert an ATML file
 * ```ts
 * import assert from "node:assert/strict";
 * import { BUILTIN_CONVERTERS, bytesInput } from "@wats/toolkit/converters";
 *
 * const atml = BUILTIN_CONVERTERS.find((converter) => converter.id === "atml")!;
 * const context = {
 *   station: { name: "ICT-1", location: "Line 2", purpose: "ICT" },
 *   args: { partNumber: "PCBA" },
 *   log: { info() {}, warn() {} },
 *   now: () => Date.now(),
 *   signal: new AbortController().signal,
 * };
 * // Arguments fill what the file leaves out (here the part number).
 * const input = bytesInput(
 *   "uut.xml",
 *   '<TestResults xmlns="urn:IEEE-1636.1:2011:TestResults" xmlns:c="urn:IEEE-1671:2009:Common">' +
 *     "<UUT><c:SerialNumber>SN1</c:SerialNumber></UUT><ResultSet name=\"Main\">" +
 *     '<Test name="Self test"><Outcome value="Passed"/></Test></ResultSet></TestResults>',
 * );
 * const reports = [];
 * for await (const report of atml.convert(input, context)) reports.push(report);
 * assert.deepEqual(reports.map((report) => [report.sn, report.pn]), [["SN1", "PCBA"]]);
 * ```
 */
export const atmlConverter: Converter = {
  apiVersion: 1,
  id: "atml",
  version: "1.0.0",
  description: "ATML test results (IEEE 1636.1 2006/2011/2013, NI TestStand extensions)",
  patterns: ["*.xml", "*.atml"],
  sniff,
  convert,
};
