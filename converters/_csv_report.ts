/**
 * Assembling CSV reports: steps straight into the WSJF shape (no builder, for speed), then one
 * validation by the report schema.
 *
 * @module
 */
import { ConversionError, type ConverterContext } from "./contract.ts";
import {
  markValidated,
  parseIsoDate,
  parseVendorDate,
  requireResult,
  stationFields,
} from "./_report_kit.ts";
import {
  COMP_OPS,
  type CompOp,
  evaluate,
  formatLocalTime,
  limitCount,
  type NumericCompOp,
  type NumericMeasurement,
  type NumericValue,
  parseReport,
  type Report,
  ReportFormatError,
  type Step,
  type StepStatus,
} from "../api/models/report/mod.ts";

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
  if (limitCount(op) === 1 && low === undefined) [low, high] = [high, undefined];
  const verdict = status ?? (evaluate(op, value, low, high) === false ? "F" : "P");
  const m: NumericMeasurement = {
    status: verdict,
    value,
    unit: unit || "NA",
    compOp: op as NumericCompOp,
  };
  if (low !== undefined) m.lowLimit = low;
  if (high !== undefined && limitCount(op) === 2) m.highLimit = high;
  return {
    stepType: "ET_NLT",
    name: name.slice(0, 100) || "StepName",
    status: verdict,
    numericMeas: [m],
  };
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
  const place = (element: string) => ({ file, line, element });
  const sn = cells.serial ?? "";
  if (sn === "") {
    throw new ConversionError("Missing serial number", { ...place("serial"), stage: "map" });
  }
  const pn = cells.part || settings.partNumber;
  if (!pn) throw new ConversionError("Missing part number", { ...place("part"), stage: "map" });
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
        ...place("processCode"),
        stage: "map",
      });
    }
  }
  const failed = steps.some((s) => s.status === "F");
  const result = cells.result ? requireResult(cells.result, place("result")) : failed ? "F" : "P";
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
  const station = stationFields(context, { machineName: cells.station });
  const report = {
    id: crypto.randomUUID(),
    type: "T",
    pn,
    sn,
    rev: cells.revision || settings.revision,
    processCode,
    result,
    machineName: station.machineName,
    location: station.location,
    purpose: station.purpose,
    start,
    uut: cells.operator ? { fixtureId: "Fixture", user: cells.operator } : { fixtureId: "Fixture" },
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
    return markValidated(parseReport(report));
  } catch (error) {
    if (!(error instanceof ReportFormatError)) throw error;
    throw new ConversionError(error.message, { file, line, stage: "validate", cause: error });
  }
}
