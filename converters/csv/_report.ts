/**
 * Assembling CSV reports: steps straight into the WSJF shape (no builder, for speed), then one
 * validation by the report schema.
 *
 * @module
 */
import { ConversionError, type ConverterContext } from "../contract.ts";
import {
  markValidated,
  parseIsoDate,
  parseVendorDate,
  requireResult,
  resultLetter,
  type StationFields,
  stationFields,
} from "../_report_kit.ts";
import {
  COMP_OPS,
  type CompOp,
  evaluate,
  formatLocalTime,
  limitCount,
  type NumericCompOp,
  type NumericMeasurement,
  type NumericValue,
  type Report,
  ReportFormatError,
  type ReportResult,
  type Step,
  type StepStatus,
} from "../../api/models/report/mod.ts";
import { adoptReport } from "../../api/models/report/parse.ts";
import { evaluateNumbers } from "../../api/models/report/evaluate.ts";

/** The header values of one report, as cells. */
export interface HeaderCells {
  serial?: string;
  part?: string;
  revision?: string;
  start?: string;
  result?: string;
  operator?: string;
  station?: string;
  processCode?: string;
}

/** Fixed settings from the mapping. */
export interface ReportSettings {
  file: string;
  partNumber?: string;
  revision: string;
  processCode: number;
  startFormat?: string;
  utcOffsetMinutes?: number;
  sequence?: string;
  /** The station fields when the file names no station, worked out once a conversion. */
  station?: StationFields;
}

const OPS: ReadonlySet<string> = new Set(COMP_OPS);

/**
 * Checks an operator name from a mapping or a cell.
 *
 * @param op The operator, any case.
 * @param place Where it came from.
 * @returns The operator, upper case.
 */
export function checkCompOp(
  op: string,
  place: { file: string; line?: number; element?: string },
): CompOp {
  const upper = op.trim().toUpperCase();
  if (!OPS.has(upper)) {
    throw new ConversionError(`Unknown comparison operator "${op}"`, { ...place, stage: "map" });
  }
  return upper as CompOp;
}

/**
 * The operator to use for a numeric step given which limits it has.
 *
 * @param op The operator given, if any.
 * @param hasLow Whether there is a low limit.
 * @param hasHigh Whether there is a high limit.
 * @returns The operator.
 */
export function defaultCompOp(op: CompOp | undefined, hasLow: boolean, hasHigh: boolean): CompOp {
  if (op !== undefined) return op;
  if (hasLow && hasHigh) return "GELE";
  if (hasLow) return "GE";
  if (hasHigh) return "LE";
  return "LOG";
}

/**
 * A numeric limit step with its status evaluated.
 *
 * @param name Step name.
 * @param value The value.
 * @param op The operator.
 * @param low Low limit.
 * @param high High limit.
 * @param unit Unit.
 * @param status A status the file gives; evaluated when absent.
 * @returns The step.
 */
export function numericStep(
  name: string,
  value: NumericValue,
  op: CompOp,
  low: NumericValue | undefined,
  high: NumericValue | undefined,
  unit: string | undefined,
  status?: StepStatus,
): Step {
  // Single-limit operators keep their limit in lowLimit.
  const limits = limitCount(op);
  if (limits === 1 && low === undefined) {
    low = high;
    high = undefined;
  }
  const verdict = status ??
    ((evaluateNumbers(op, value, low, high) ?? evaluate(op, value, low, high)) === false
      ? "F"
      : "P");
  const compOp = op as NumericCompOp;
  const u = unit || "NA";
  // Each shape written out whole: one allocation instead of a literal grown key by key.
  let m: NumericMeasurement;
  if (low === undefined) m = { status: verdict, value, unit: u, compOp };
  else if (high === undefined || limits !== 2) {
    m = { status: verdict, value, unit: u, compOp, lowLimit: low };
  } else m = { status: verdict, value, unit: u, compOp, lowLimit: low, highLimit: high };
  return {
    stepType: "ET_NLT",
    name: name.length > 100 ? name.slice(0, 100) : name || "StepName",
    status: verdict,
    numericMeas: [m],
  };
}

function placeOf(file: string, line: number, element: string) {
  return { file, line, element };
}

/**
 * Builds and validates one report from its header cells and steps.
 *
 * @param cells The header cells.
 * @param steps The steps.
 * @param settings Fixed values from the mapping.
 * @param context The conversion context.
 * @param line The line the report starts on, for messages.
 * @returns The validated report.
 */
export function assembleReport(
  cells: HeaderCells,
  steps: Step[],
  settings: ReportSettings,
  context: ConverterContext,
  line: number,
): Report {
  const { file } = settings;
  const sn = cells.serial ?? "";
  if (sn === "") {
    throw new ConversionError("Missing serial number", {
      ...placeOf(file, line, "serial"),
      stage: "map",
    });
  }
  const pn = cells.part || settings.partNumber;
  if (!pn) {
    throw new ConversionError("Missing part number", {
      ...placeOf(file, line, "part"),
      stage: "map",
    });
  }
  let start: string;
  if (cells.start) {
    const options = { file, line, element: "start", utcOffsetMinutes: settings.utcOffsetMinutes };
    start = settings.startFormat
      ? parseVendorDate(cells.start, settings.startFormat, options)
      : parseIsoDate(cells.start, options);
  } else start = formatLocalTime(new Date(context.now()), settings.utcOffsetMinutes);
  let processCode = settings.processCode;
  if (cells.processCode) {
    processCode = Number(cells.processCode);
    if (!Number.isSafeInteger(processCode)) {
      throw new ConversionError(`Process code "${cells.processCode}" is not a whole number`, {
        ...placeOf(file, line, "processCode"),
        stage: "map",
      });
    }
  }
  let failed = false;
  for (let i = 0; i < steps.length && !failed; i++) failed = steps[i].status === "F";
  let result: ReportResult = failed ? "F" : "P";
  if (cells.result) {
    result = resultLetter(cells.result) ??
      requireResult(cells.result, placeOf(file, line, "result"));
  }
  const status: StepStatus = failed ? "F" : "P";
  let children = steps;
  if (settings.sequence !== undefined) {
    children = [{
      stepType: "SequenceCall",
      name: settings.sequence,
      group: "M",
      status,
      seqCall: { path: "C:/SequenceCall.seq", name: settings.sequence, version: "1.0.0" },
      steps,
    }];
  }
  const station = cells.station === undefined
    ? (settings.station ??= stationFields(context))
    : stationFields(context, { machineName: cells.station });
  // Keys in the schema's order, so that validation can keep the object instead of copying it.
  const report = {
    id: crypto.randomUUID(),
    pn,
    sn,
    rev: cells.revision || settings.revision,
    processCode,
    result,
    machineName: station.machineName,
    location: station.location,
    purpose: station.purpose,
    start,
    type: "T",
    uut: cells.operator ? { user: cells.operator, fixtureId: "Fixture" } : { fixtureId: "Fixture" },
    root: {
      stepType: "SequenceCall",
      name: "MainSequence Callback",
      group: "M",
      status,
      seqCall: { path: "C:/SequenceCall.seq", name: "MainSequence Callback", version: "1.0.0" },
      steps: children,
    },
  };
  try {
    return markValidated(adoptReport(report, { site: "csv" }));
  } catch (error) {
    if (!(error instanceof ReportFormatError)) throw error;
    throw new ConversionError(error.message, { file, line, stage: "validate", cause: error });
  }
}
