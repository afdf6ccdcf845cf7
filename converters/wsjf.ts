/**
 * WSJF, the WATS Standard JSON Format: a report file (or an array of reports) read by the report
 * schema, with the aliases older writers use folded in.
 *
 * Folded before validation (`client-service.md` §4.1): `type` words (`Test`, `UUT` → `T`;
 * `Repair`, `UUR`, `U` → `R`), `partNumber`/`serialNumber`/`partRevision`, result words
 * (`Passed` → `P`), `uutParts` → `subUnits`; a missing `processCode` comes from the
 * `defaultProcessCode` argument, missing station fields from the station defaults, a missing
 * `start` from the clock, a missing `id` is a new v4 GUID, a UUT without `root` gets an empty root
 * sequence. Everything else, unknown keys included, is kept as the schema keeps it.
 *
 * @module
 */
import {
  ConversionError,
  type Converter,
  CONVERTER_API_VERSION,
  type ConverterContext,
  type ConverterInput,
} from "./contract.ts";
import { argInteger, markValidated, resultLetter, stationFields } from "./_report_kit.ts";
import { decodeHead } from "./_text.ts";
import { formatLocalTime, type Report, ReportFormatError } from "../api/models/report/mod.ts";
import { adoptReport } from "../api/models/report/parse.ts";

type Json = Record<string, unknown>;

const TYPES: ReadonlyMap<string, "T" | "R"> = new Map([
  ["t", "T"],
  ["test", "T"],
  ["uut", "T"],
  ["r", "R"],
  ["u", "R"],
  ["uur", "R"],
  ["repair", "R"],
]);

const ALIASES: readonly [string, string][] = [
  ["partNumber", "pn"],
  ["serialNumber", "sn"],
  ["partRevision", "rev"],
  ["uutParts", "subUnits"],
];

function lineOf(text: string, index: number): number {
  let line = 1;
  for (let i = text.indexOf("\n"); i !== -1 && i < index; i = text.indexOf("\n", i + 1)) line++;
  return line;
}

/** Whether `index` is inside a JSON string (counting unescaped quotes before it). */
function insideString(text: string, index: number): boolean {
  let inside = false;
  for (let i = text.indexOf('"'); i !== -1 && i < index; i = text.indexOf('"', i + 1)) {
    let backslashes = 0;
    while (text[i - 1 - backslashes] === "\\") backslashes++;
    if (backslashes % 2 === 0) inside = !inside;
  }
  return inside;
}

/** Refuses a number literal too large for a double, which `JSON.parse` turns into infinity. */
function checkNumberRange(text: string, file: string): void {
  if (!/[eE]\+?\d{3}/.test(text)) return;
  const big = /(?<=[:[,]\s*)-?\d+(?:\.\d+)?[eE]\+?\d{3,}/g;
  for (let m = big.exec(text); m !== null; m = big.exec(text)) {
    if (!Number.isFinite(Number(m[0])) && !insideString(text, m.index)) {
      throw new ConversionError(`Number out of range: ${m[0]}`, {
        file,
        line: lineOf(text, m.index),
        stage: "parse",
      });
    }
  }
}

function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const position = /position (\d+)/.exec(message);
    const lineCol = /line (\d+) column (\d+)/.exec(message);
    const line = lineCol ? Number(lineCol[1]) : position ? lineOf(text, Number(position[1])) : 0;
    const problem = text.trim() === ""
      ? "Empty file, not JSON"
      : `Not valid JSON: ${message.replace(/^JSON\.parse: /, "")}`;
    throw new ConversionError(problem, { file, line: line || undefined, stage: "parse" });
  }
}

/**
 * Folds aliases and fills defaults of one report object (see the module doc).
 *
 * @param value A parsed JSON object.
 * @param context Station defaults, `defaultProcessCode`, the clock.
 * @returns The object, ready for the report schema.
 */
export function normaliseWsjf(value: Json, context: ConverterContext): Json {
  const report: Json = { ...value };
  for (const [alias, key] of ALIASES) {
    if (report[key] === undefined && report[alias] !== undefined) report[key] = report[alias];
    if (alias in report) delete report[alias];
  }
  if (typeof report.type === "string") {
    report.type = TYPES.get(report.type.toLowerCase()) ?? report.type;
  } else if (report.type === undefined) report.type = report.uur !== undefined ? "R" : "T";
  if (typeof report.result === "string") {
    report.result = resultLetter(report.result) ?? report.result;
  }
  if (report.processCode === undefined || report.processCode === null) {
    report.processCode = argInteger(context.args, "defaultProcessCode", 10);
  } else if (typeof report.processCode === "string" && /^\s*\d+\s*$/.test(report.processCode)) {
    report.processCode = Number(report.processCode);
  }
  Object.assign(
    report,
    stationFields(context, {
      machineName: report.machineName as string | undefined,
      location: report.location as string | undefined,
      purpose: report.purpose as string | undefined,
    }),
  );
  if (report.id === undefined || report.id === null || report.id === "") {
    report.id = crypto.randomUUID();
  }
  if (report.start === undefined || report.start === null || report.start === "") {
    report.start = formatLocalTime(new Date(context.now()));
  }
  if (report.type === "T" && (report.root === undefined || report.root === null)) {
    report.root = {
      stepType: "SequenceCall",
      name: "MainSequence Callback",
      status: "D",
      steps: [],
    };
  }
  return report;
}

function validate(
  value: unknown,
  file: string,
  index: number | null,
  context: ConverterContext,
): Report {
  const where = index === null ? "" : `Report ${index + 1}: `;
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ConversionError(
      `${where}Expected a JSON object, not ${Array.isArray(value) ? "an array" : typeof value}`,
      {
        file,
        stage: "map",
      },
    );
  }
  try {
    return markValidated(adoptReport(normaliseWsjf(value as Json, context), { site: "wsjf" }));
  } catch (error) {
    if (!(error instanceof ReportFormatError)) throw error;
    throw new ConversionError(`${where}${error.message}`, {
      file,
      stage: "validate",
      cause: error,
    });
  }
}

/**
 * How sure the WSJF converter is about a file, from its head.
 *
 * @param head The first bytes.
 * @returns 0.98 for a JSON object with a report `type` and `root`, 0.7 with `pn`/`sn` only, 0.4
 * for other JSON, 0 for anything else.
 */
export function sniffWsjf(head: Uint8Array): number {
  const text = decodeHead(head).trimStart();
  if (!text.startsWith("{") && !text.startsWith("[")) return 0;
  const typed = /"type"\s*:\s*"(T|R|U|UUT|UUR|Test|Repair)"/i.test(text);
  if (typed && /"(root|uur)"\s*:/.test(text)) return 0.98;
  if (/"(pn|sn|partNumber|serialNumber)"\s*:/.test(text)) return 0.7;
  return 0.4;
}

/**
 * The WSJF converter: a report object or an array of them.
 *
 * Arguments: `defaultProcessCode` (10), used when a report has no `processCode`.
 */
export const wsjfConverter: Converter = {
  apiVersion: CONVERTER_API_VERSION,
  id: "wsjf",
  version: "1.0.0",
  description: "WATS Standard JSON Format (WSJF): a report or an array of reports",
  patterns: ["*.json", "*.wsjf"],
  sniff: sniffWsjf,
  async *convert(input: ConverterInput, context: ConverterContext): AsyncGenerator<Report> {
    const file = input.path;
    const text = await input.text();
    checkNumberRange(text, file);
    const value = parseJson(text, file);
    if (Array.isArray(value)) {
      if (value.length === 0) {
        throw new ConversionError("Empty array, no report", { file, stage: "map" });
      }
      for (let i = 0; i < value.length; i++) {
        context.signal.throwIfAborted();
        yield validate(value[i], file, i, context);
      }
    } else {
      yield validate(value, file, null, context);
    }
  },
};
