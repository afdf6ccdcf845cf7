/**
 * WSXF, the WATS Standard XML Format: every `Report` of a file becomes a WSJF report.
 *
 * The file is streamed: each `Report` element is parsed, mapped and yielded as soon as it closes,
 * so a file of a thousand units never sits in memory whole. Element and attribute names follow
 * `wats-api.md` §6.1; status, result and group words (`Passed`, `Main`) become letters. Values
 * WSXF carries only for its own bookkeeping (`StepIndex`, `MeasIndex`, `MeasOrderNumber`, misc-info
 * `idx`/`order_no`/`Typedef`, `SequenceCall@Filename`) are derived again by {@linkcode toWsxf}.
 * Repair (UUR) reports have no documented WSXF form and are refused.
 *
 * @module
 */
import {
  ConversionError,
  type Converter,
  CONVERTER_API_VERSION,
  type ConverterContext,
  type ConverterInput,
} from "../contract.ts";
import { attr, streamXml, type XmlElement } from "../_xml.ts";
import { parseNumber } from "../_text.ts";
import { argInteger, markValidated, stationFields } from "../_report_kit.ts";
import { decodeHead } from "../_text.ts";
import { groupFromWord, resultFromWord, statusFromWord } from "./_names.ts";
import {
  formatLocalTime,
  type Report,
  ReportFormatError,
  type Step,
  type StepStatus,
} from "../../api/models/report/mod.ts";
import { adoptReport } from "../../api/models/report/parse.ts";

type Json = Record<string, unknown>;

/** Reads the attributes of one element with messages that name it. */
class Attrs {
  #el: XmlElement;
  #file: string;

  constructor(el: XmlElement, file: string) {
    this.#el = el;
    this.#file = file;
  }

  error(problem: string): ConversionError {
    return new ConversionError(problem, {
      file: this.#file,
      line: this.#el.line,
      element: this.#el.name,
      stage: "map",
    });
  }

  str(name: string): string | undefined {
    return attr(this.#el, name);
  }

  /** Text, with `""` read as `null`. */
  opt(name: string): string | null | undefined {
    const value = attr(this.#el, name);
    return value === "" ? null : value;
  }

  num(name: string): number | string | undefined {
    const value = attr(this.#el, name);
    if (value === undefined || value.trim() === "") return undefined;
    return parseNumber(value, { file: this.#file, line: this.#el.line, element: this.#el.name });
  }

  int(name: string): number | undefined {
    const value = this.num(name);
    if (value === undefined) return undefined;
    if (typeof value !== "number" || !Number.isInteger(value)) {
      throw this.error(`Attribute ${name} must be a whole number, not "${this.str(name)}"`);
    }
    return value;
  }

  bool(name: string): boolean | undefined {
    const value = attr(this.#el, name)?.trim().toLowerCase();
    if (value === undefined || value === "") return undefined;
    if (value === "true" || value === "1") return true;
    if (value === "false" || value === "0") return false;
    throw this.error(`Attribute ${name} must be true or false, not "${value}"`);
  }

  status(name = "Status"): StepStatus | undefined {
    const word = attr(this.#el, name);
    if (word === undefined || word === "") return undefined;
    const letter = statusFromWord(word);
    if (letter === undefined) throw this.error(`Unknown status "${word}"`);
    return letter;
  }
}

/** Sets `key` when `value` is not `undefined`. */
function put(target: Json, key: string, value: unknown): void {
  if (value !== undefined) target[key] = value;
}

interface ReadContext {
  file: string;
  warn: (message: string, fields: Record<string, unknown>) => void;
  warned: Set<string>;
}

function readMeasurement(el: XmlElement, a: Attrs): Json {
  const m: Json = {};
  put(m, "name", a.opt("Name"));
  m.status = a.status() ?? "P";
  if (el.name === "NumericLimit") {
    put(m, "value", a.num("NumericValue"));
    put(m, "unit", a.opt("Units"));
    put(m, "compOp", a.str("CompOperator")?.toUpperCase());
    put(m, "lowLimit", a.num("LowLimit"));
    put(m, "highLimit", a.num("HighLimit"));
  } else if (el.name === "StringValue") {
    put(m, "value", a.str("StringValue"));
    put(m, "limit", a.str("StringLimit"));
    put(m, "compOp", a.str("CompOperator")?.toUpperCase());
  }
  return m;
}

const MEASUREMENT_KEYS: Record<string, string> = {
  NumericLimit: "numericMeas",
  PassFail: "booleanMeas",
  StringValue: "stringMeas",
};

function readChart(el: XmlElement, a: Attrs, file: string): Json {
  const chart: Json = {};
  put(chart, "chartType", a.str("ChartType"));
  put(chart, "label", a.opt("Label"));
  put(chart, "xLabel", a.opt("XLabel"));
  put(chart, "xUnit", a.opt("XUnit"));
  put(chart, "yLabel", a.opt("YLabel"));
  put(chart, "yUnit", a.opt("YUnit"));
  chart.series = el.children.filter((c) => c.name === "Series").map((s) => {
    const sa = new Attrs(s, file);
    const series: Json = {};
    put(series, "dataType", sa.opt("DataType"));
    put(series, "name", sa.opt("Name"));
    for (const d of s.children) {
      if (d.name === "xdata" || d.name === "ydata") series[d.name] = d.text.trim();
    }
    return series;
  });
  return chart;
}

function readStep(el: XmlElement, ctx: ReadContext): Step {
  const a = new Attrs(el, ctx.file);
  const id = a.str("Id");
  const step: Step = {
    stepType: a.str("StepType") || "GenericTest",
    name: a.str("Name") || "StepName",
    status: a.status() ?? "D",
  };
  if (id !== undefined && id !== "") step.id = /^\d+$/.test(id) ? Number(id) : id;
  const group = a.str("Group");
  if (group !== undefined && group !== "") {
    const letter = groupFromWord(group);
    if (letter === undefined) throw a.error(`Unknown group "${group}"`);
    step.group = letter;
  }
  put(step, "start", a.opt("Start") ?? undefined);
  put(step, "totTime", a.num("total_time"));
  put(step, "causedUUTFailure", a.bool("StepCausedUUTFailure"));
  put(step, "causedSeqFailure", a.bool("StepCausedSequenceFailure"));
  put(step, "errorCode", a.int("StepErrorCode"));
  put(step, "errorMessage", a.opt("StepErrorMessage") ?? undefined);
  const steps: Step[] = [];
  for (const c of el.children) {
    const ca = new Attrs(c, ctx.file);
    const key = MEASUREMENT_KEYS[c.name];
    if (key !== undefined) {
      ((step[key] ??= []) as Json[]).push(readMeasurement(c, ca));
    } else if (c.name === "Step") {
      steps.push(readStep(c, ctx));
    } else if (c.name === "SequenceCall") {
      step.seqCall = {
        path: ca.opt("Filepath") ?? ca.opt("Filename") ?? null,
        name: ca.opt("Name") ?? null,
        version: ca.opt("Version") ?? null,
      };
    } else if (c.name === "Loop") {
      const loop: Json = {};
      put(loop, "idx", ca.int("index"));
      put(loop, "num", ca.int("num"));
      put(loop, "passed", ca.int("passed"));
      put(loop, "failed", ca.int("failed"));
      put(loop, "endingIndex", ca.int("ending_index"));
      step.loop = loop;
    } else if (c.name === "ReportText") {
      step.reportText = c.text;
    } else if (c.name === "Chart") {
      step.chart = readChart(c, ca, ctx.file);
    } else if (c.name === "MessagePopup") {
      const popup: Json = {};
      put(popup, "button", ca.int("Button"));
      put(popup, "response", ca.opt("Response"));
      step.messagePopup = popup;
    } else if (c.name === "Callexe") {
      const exe: Json = {};
      put(exe, "exitCode", ca.num("ExitCode"));
      step.callExe = exe;
    } else if (!ctx.warned.has(c.name)) {
      ctx.warned.add(c.name);
      ctx.warn(`Skipped the unknown WSXF step element <${c.name}>`, { line: c.line });
    }
  }
  if (steps.length > 0 || step.seqCall !== undefined) step.steps = steps;
  return step;
}

function readHeader(a: Attrs, context: ConverterContext): Json {
  const type = a.str("type") ?? "UUT";
  if (type.toUpperCase() !== "UUT") {
    throw a.error(`Report type "${type}" is not supported; WSXF is read for UUT reports only`);
  }
  const resultWord = a.str("Result");
  const result = resultWord === undefined || resultWord === ""
    ? undefined
    : resultFromWord(resultWord);
  if (resultWord !== undefined && resultWord !== "" && result === undefined) {
    throw a.error(`Unknown result "${resultWord}"`);
  }
  const station = stationFields(context, {
    machineName: a.str("MachineName"),
    location: a.str("Location"),
    purpose: a.str("Purpose"),
  });
  const report: Json = {
    id: (a.str("ID") ?? crypto.randomUUID()).toLowerCase(),
    type: "T",
    pn: a.str("PN"),
    sn: a.str("SN"),
    rev: a.str("Rev"),
    processCode: argInteger(context.args, "defaultProcessCode", 10),
    ...station,
    start: a.str("Start") || formatLocalTime(new Date(context.now())),
  };
  put(report, "result", result);
  put(report, "startUTC", a.opt("Start_utc") ?? undefined);
  put(report, "origin", a.opt("origin"));
  put(report, "productName", a.opt("ProductName"));
  return report;
}

function readUut(el: XmlElement, file: string): Json {
  const a = new Attrs(el, file);
  const uut: Json = {};
  put(uut, "user", a.opt("UserLoginName"));
  put(uut, "batchSN", a.opt("BatchSN"));
  put(uut, "testSocketIndex", a.int("TestSocketIndex"));
  put(uut, "execTime", a.num("ExecutionTime"));
  put(uut, "fixtureId", a.opt("FixtureId"));
  put(uut, "errorCode", a.int("ErrorCode"));
  put(uut, "errorMessage", a.opt("ErrorMessage"));
  put(uut, "batchFailCount", a.int("BatchFailCount"));
  put(uut, "batchLoopIndex", a.int("BatchLoopIndex"));
  put(uut, "stepIdCausedUUTFailure", a.int("StepIdCausedUUTFailure"));
  for (const c of el.children) if (c.name === "Comment") uut.comment = c.text;
  return uut;
}

/**
 * Maps one WSXF `Report` element to a validated WSJF report.
 *
 * @param el The `Report` element.
 * @param file The file, for messages.
 * @param context The conversion context (station defaults, `defaultProcessCode`, clock, log).
 * @returns The report.
 * @throws {ConversionError} When a value cannot be read or the report is not valid WSJF.
 */
export function readWsxfReport(el: XmlElement, file: string, context: ConverterContext): Report {
  const a = new Attrs(el, file);
  const report = readHeader(a, context);
  const ctx: ReadContext = { file, warn: context.log.warn.bind(context.log), warned: new Set() };
  const roots: Step[] = [];
  for (const c of el.children) {
    const ca = new Attrs(c, file);
    if (c.name === "UUT") report.uut = readUut(c, file);
    else if (c.name === "Process") {
      put(report, "processCode", ca.int("Code"));
      put(report, "processName", ca.opt("Name"));
    } else if (c.name === "MiscInfo") {
      const misc: Json = { description: ca.str("Description") ?? "", text: c.text || null };
      put(misc, "numeric", ca.num("Numeric"));
      ((report.miscInfos ??= []) as Json[]).push(misc);
    } else if (c.name === "ReportUnitHierarchy") {
      const unit: Json = { pn: ca.str("PN"), sn: ca.str("SN") };
      put(unit, "rev", ca.opt("Rev"));
      put(unit, "partType", ca.opt("PartType"));
      put(unit, "position", ca.int("Position"));
      put(unit, "idx", ca.int("Idx"));
      put(unit, "parentIdx", ca.int("ParentIdx"));
      ((report.subUnits ??= []) as Json[]).push(unit);
    } else if (c.name === "Step") roots.push(readStep(c, ctx));
    else if (!ctx.warned.has(c.name)) {
      ctx.warned.add(c.name);
      ctx.warn(`Skipped the unknown WSXF report element <${c.name}>`, { line: c.line });
    }
  }
  if (roots.length > 1) throw a.error(`A report has one root Step, found ${roots.length}`);
  report.root = roots[0] ??
    { stepType: "SequenceCall", name: "MainSequence Callback", status: "D", steps: [] };
  try {
    return markValidated(adoptReport(report, { source: file, site: "wsxf" }));
  } catch (error) {
    if (!(error instanceof ReportFormatError)) throw error;
    const problem = error.message.slice(file.length + 2);
    throw new ConversionError(problem, {
      file,
      line: el.line,
      element: "Report",
      stage: "validate",
      cause: error,
    });
  }
}

/**
 * How sure the WSXF converter is about a file, from its head.
 *
 * @param head The first bytes.
 * @returns 0.98 for a `Reports` root in the WSXF (or WRML) namespace with a `Report`, 0.85
 * without namespace, 0.6 for a bare `Reports` root, 0 otherwise.
 */
export function sniffWsxf(head: Uint8Array): number {
  const text = decodeHead(head);
  const hasReports = /<(\w+:)?Reports[\s/>]/.test(text);
  const hasReport = /<(\w+:)?Report[\s/>]/.test(text);
  if (!hasReports && !hasReport) return 0;
  if (/wats\.virinco\.com\/schemas\/WATS\/Report\/(wsxf|wrml)/.test(text) && hasReport) return 0.98;
  if (hasReports && hasReport) return 0.85;
  return hasReports ? 0.6 : 0.3;
}

/**
 * The WSXF converter: every `Report` of a WSXF file, streamed.
 *
 * Arguments: `defaultProcessCode` (10), used when a report has no `Process` element.
 */
export const wsxfConverter: Converter = {
  apiVersion: CONVERTER_API_VERSION,
  id: "wsxf",
  version: "1.0.0",
  description: "WATS Standard XML Format (WSXF), every Report in a file",
  patterns: ["*.xml", "*.wsxf"],
  sniff: sniffWsxf,
  async *convert(input: ConverterInput, context: ConverterContext): AsyncGenerator<Report> {
    const file = input.path;
    let count = 0;
    const select = (name: string, depth: number): boolean => {
      if (depth === 0 && name !== "Reports" && name !== "Report") {
        throw new ConversionError(`Not a WSXF file: the root element is <${name}>`, {
          file,
          element: name,
          stage: "parse",
        });
      }
      return name === "Report" && depth <= 1;
    };
    for await (const el of streamXml(input.stream(), { file, select, signal: context.signal })) {
      yield readWsxfReport(el, file, context);
      count++;
    }
    if (count === 0) {
      throw new ConversionError("No Report element in the file", { file, stage: "map" });
    }
  },
};
