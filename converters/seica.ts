/**
 * Seica flying-probe XML (`<R><ST/><BI><TEST/>…</BI><ET/></R>`) to WSJF: one report per board
 * (`BI`), so a panel file yields every board.
 *
 * Mapping: part number and revision from `ST@NM` split on `_` or blank (revision `"1"` when
 * absent); serial `BI@BCP` (else `BI@BC`); start `BI@SD` (`dd-MM-yyyy HH:mm:ss`, station local
 * time); operator `ST@OP`; misc "Board Name" (`ST@NMP`) and "Operator". Each `TEST` becomes a
 * numeric `GELE` step (`MR` within `ML`…`MH`, unit `MU` or `"?"`, `TR` 0 = pass, `TT` in ms), in
 * a sequence per run of equal `F`. `ET@NF` other than 0 fails a single-board file; in a panel each
 * board's result comes from its own tests. Station `"Seica"`, location `"Production"`, purpose
 * `"ICT Test"` where neither the arguments nor the station defaults say otherwise.
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
import { attr, child, childrenNamed, type XmlElement } from "./_xml.ts";
import { argInteger, argString, parseVendorDate } from "./_report_kit.ts";
import {
  checkAborted,
  finishReport,
  finite,
  headText,
  readXml,
  startReport,
} from "./_vendor_kit.ts";

/** The converter's arguments. */
interface SeicaArgs {
  processCode: number;
  sequenceName: string;
  sequenceVersion: string;
  stationName: string;
  location: string;
  purpose: string;
}

function readArgs(args: Readonly<Record<string, unknown>>): SeicaArgs {
  return {
    processCode: argInteger(args, "operationTypeCode", 10),
    sequenceName: argString(args, "sequenceName", ""),
    sequenceVersion: argString(args, "sequenceVersion", "1.0"),
    stationName: argString(args, "stationName", ""),
    location: argString(args, "location", ""),
    purpose: argString(args, "purpose", ""),
  };
}

/**
 * Scores a file: root `R` with `ST`, `BI`, `ET` 0.85 with `TEST`, else 0.7; missing `ST` 0.4,
 * `BI` 0.5, `ET` 0.6 (an `ET` beyond a full 64 KiB head counts as present).
 *
 * @param head The first bytes.
 * @param _name The file name.
 * @returns The confidence.
 */
function sniff(head: Uint8Array, _name: string): number {
  const text = headText(head);
  const root = /^\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--[\s\S]*?-->\s*)*<R[\s>]/.exec(text);
  if (root === null) return 0;
  if (!/<ST[\s/>]/.test(text)) return 0.4;
  if (!/<BI[\s/>]/.test(text)) return 0.5;
  if (!/<ET[\s/>]/.test(text) && head.length < 65536) return 0.6;
  return /<TEST[\s/>]/.test(text) ? 0.85 : 0.7;
}

function place(file: string, el: XmlElement): { file: string; line: number; element: string } {
  return { file, line: el.line, element: el.name };
}

function boardReport(
  file: string,
  st: XmlElement,
  bi: XmlElement,
  failedOverall: boolean,
  args: SeicaArgs,
  context: ConverterContext,
): Report {
  const nm = (attr(st, "NM") ?? "").trim();
  const [pn = "", rev = "1"] = nm.split(/[_\s]+/);
  const sn = (attr(bi, "BCP") ?? "").trim() || (attr(bi, "BC") ?? "").trim();
  const sd = attr(bi, "SD");
  const at = place(file, bi);
  const operator = (attr(st, "OP") ?? "").trim();
  const builder = startReport(context, {
    pn,
    sn,
    rev,
    processCode: args.processCode,
    start: sd ? parseVendorDate(sd, "dd-MM-yyyy HH:mm:ss", at) : undefined,
    operator: operator || undefined,
    result: failedOverall ? "F" : undefined,
    seqCall: { name: args.sequenceName || nm, version: args.sequenceVersion },
    station: { machineName: args.stationName, location: args.location, purpose: args.purpose },
    stationFallback: { machineName: "Seica", location: "Production", purpose: "ICT Test" },
  }, place(file, st));
  const board = (attr(st, "NMP") ?? "").trim();
  if (board) builder.miscInfo("Board Name", board);
  if (operator) builder.miscInfo("Operator", operator);
  const tests = childrenNamed(bi, "TEST");
  let i = 0;
  while (i < tests.length) {
    const group = attr(tests[i], "F") ?? "";
    const run: XmlElement[] = [];
    while (i < tests.length && (attr(tests[i], "F") ?? "") === group) run.push(tests[i++]);
    builder.sequence(group || "Tests", (seq) => {
      for (const test of run) {
        const where = place(file, test);
        const name = (attr(test, "NM") ?? "").trim() || "Test";
        const status = (attr(test, "TR") ?? "0").trim() === "0" ? "P" : "F";
        const tt = attr(test, "TT");
        const totTime = tt ? finite(tt, where) / 1000 : undefined;
        const mr = attr(test, "MR");
        if (mr === undefined || mr.trim() === "") {
          seq.passFailStep(name, status === "P", { totTime });
          continue;
        }
        const value = finite(mr, where);
        const ml = attr(test, "ML");
        const mh = attr(test, "MH");
        const unit = (attr(test, "MU") ?? "").trim() || "?";
        if (ml === undefined || mh === undefined) {
          seq.numericStep(name, value, { unit, status, totTime });
        } else {
          seq.numericStep(name, value, {
            compOp: "GELE",
            low: finite(ml, where),
            high: finite(mh, where),
            unit,
            status,
            totTime,
          });
        }
      }
    });
  }
  return finishReport(builder, at);
}

async function* convert(input: ConverterInput, context: ConverterContext): AsyncGenerator<Report> {
  const args = readArgs(context.args);
  const root = await readXml(input);
  const file = input.name;
  if (root.name !== "R") {
    throw new ConversionError(`Not a Seica file: the root element is <${root.qname}>, not <R>`, {
      ...place(file, root),
      stage: "map",
    });
  }
  const st = child(root, "ST");
  if (st === undefined) {
    throw new ConversionError("Missing <ST> (program and operator)", {
      ...place(file, root),
      stage: "map",
    });
  }
  const boards = childrenNamed(root, "BI");
  if (boards.length === 0) {
    throw new ConversionError("No board (<BI>) in the file", {
      ...place(file, root),
      stage: "map",
    });
  }
  const et = child(root, "ET");
  const nf = et === undefined ? "0" : (attr(et, "NF") ?? "0").trim();
  const failedOverall = boards.length === 1 && nf !== "0";
  for (const bi of boards) {
    checkAborted(context);
    yield boardReport(file, st, bi, failedOverall, args, context);
  }
}

/**
 * The Seica XML converter.
 *
 * Arguments: `operationTypeCode` (10), `sequenceName` (the program name `ST@NM`),
 * `sequenceVersion` ("1.0"), `stationName`, `location`, `purpose` (station defaults, then
 * "Seica", "Production", "ICT Test").
 *
 * @example Convert a Seica board
 * ```ts
 * import assert from "node:assert/strict";
 * import { BUILTIN_CONVERTERS, bytesInput } from "@wats/toolkit/converters";
 *
 * const seica = BUILTIN_CONVERTERS.find((converter) => converter.id === "seica")!;
 * const context = {
 *   station: { name: "ICT-1", location: "Line 2", purpose: "ICT" },
 *   args: {},
 *   log: { info() {}, warn() {} },
 *   now: () => Date.now(),
 *   signal: new AbortController().signal,
 * };
 * const input = bytesInput(
 *   "board.xml",
 *   '<R><ST NM="PCBA_A" OP="jdoe"/><BI BCP="SN1" SD="14-09-2025 12:00:00">' +
 *     '<TEST F="Resistors" NM="R1" MR="100" ML="90" MH="110" MU="Ohm" TR="0"/></BI><ET NF="0"/></R>',
 * );
 * const reports = [];
 * for await (const report of seica.convert(input, context)) reports.push(report);
 * assert.deepEqual(reports.map((report) => report.sn), ["SN1"]);
 * ```
 */
export const seicaConverter: Converter = {
  apiVersion: 1,
  id: "seica",
  version: "1.0.0",
  description: "Seica flying-probe XML (R/ST/BI/TEST/ET), one report per board",
  patterns: ["*.xml"],
  sniff,
  convert,
};
