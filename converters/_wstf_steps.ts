/**
 * The step section of WSTF: tab-separated step lines into a tree, then into the report builder.
 *
 * Columns: `StepType, StepName, MeasureName, Value, LowLimit (StringLimit), HighLimit,
 * CompOperator, Unit, Status, StepExecutionTime, StepReportText, StepErrorCode,
 * StepErrorMessage, CausedSequenceFailure`. `SequenceCall`/`EndSequenceCall` nest. A test line
 * with a `MeasureName` adds a named measurement to the step before it when that step is of the
 * same kind and the line's `StepName` is empty or the same (`MultipleNumericLimitTest` …
 * `EndMultipleNumericLimitTest` say so explicitly). `Chart` (`ChartType, Label, YUnit, YLabel,
 * XUnit, XLabel`) and `Series` (`Name, DataType, YData, XData`) add a chart to the step before.
 *
 * @module
 */
import { ConversionError } from "./contract.ts";
import { parseFiniteNumber, parseNumber } from "./_text.ts";
import { statusLetter } from "./_report_kit.ts";
import type {
  Chart,
  NumericCompOp,
  NumericValue,
  SequenceBuilder,
  StepOptions,
  StepStatus,
  StringCompOp,
} from "../api/models/report/mod.ts";
import { numericLimits as checkedLimits } from "../api/models/report/mod.ts";

type Kind = "sequence" | "numeric" | "passFail" | "string" | "action";

interface Measurement {
  name: string;
  value: NumericValue | string | boolean;
  compOp?: string;
  low?: NumericValue | string;
  high?: NumericValue;
  unit?: string;
  status?: StepStatus;
}

/** One step of the tree. */
export interface WstfNode {
  kind: Kind;
  name: string;
  line: number;
  options: StepOptions;
  multi: boolean;
  measurements: Measurement[];
  children: WstfNode[];
  chart?: Chart;
}

const KINDS: Record<string, Kind> = {
  SequenceCall: "sequence",
  NumericLimitTest: "numeric",
  MultipleNumericLimitTest: "numeric",
  PassFailTest: "passFail",
  MultiplePassFailTest: "passFail",
  StringValueTest: "string",
  MultipleStringValueTest: "string",
  ActionStep: "action",
};

/** Builds the step tree of one UUT, line by line. */
export class WstfSteps {
  readonly root: WstfNode[] = [];
  #stack: WstfNode[] = [];
  #current: WstfNode | null = null;
  #file: string;
  #decimalComma: boolean;

  constructor(file: string, decimalComma: boolean) {
    this.#file = file;
    this.#decimalComma = decimalComma;
  }

  #error(problem: string, line: number): ConversionError {
    return new ConversionError(problem, { file: this.#file, line, stage: "parse" });
  }

  #num(text: string, line: number, column: string): NumericValue {
    return parseNumber(text, {
      file: this.#file,
      line,
      element: column,
      decimalComma: this.#decimalComma,
    });
  }

  #list(): WstfNode[] {
    const top = this.#stack[this.#stack.length - 1];
    return top === undefined ? this.root : top.children;
  }

  /** Steps still open at the end of the step section. */
  get openSequences(): readonly WstfNode[] {
    return this.#stack;
  }

  add(cols: string[], line: number): void {
    const [type, stepName = "", measureName = ""] = cols;
    if (type === "StepType") return; // a column header row
    if (type === "EndSequenceCall") {
      if (this.#stack.pop() === undefined) {
        throw this.#error("EndSequenceCall without a SequenceCall", line);
      }
      this.#current = null;
      return;
    }
    if (/^EndMultiple\w+Test$/.test(type)) {
      this.#current = null;
      return;
    }
    if (type === "Chart" || type === "Series") return this.#chart(type, cols, line);
    const kind = KINDS[type];
    if (kind === undefined) throw this.#error(`Unknown step type "${type}"`, line);
    const explicitMulti = type.startsWith("Multiple");
    const cur = this.#current;
    const joins = cur !== null && cur.kind === kind && cur.multi && !explicitMulti &&
      measureName !== "" && (stepName === "" || stepName === cur.name);
    let node: WstfNode;
    if (joins) node = cur!;
    else {
      node = {
        kind,
        name: stepName,
        line,
        options: this.#options(cols, line),
        multi: explicitMulti || measureName !== "",
        measurements: [],
        children: [],
      };
      this.#list().push(node);
      this.#current = kind === "sequence" ? null : node;
      if (kind === "sequence") this.#stack.push(node);
    }
    if (kind === "sequence" || kind === "action") return;
    if (explicitMulti && (cols[3] ?? "") === "") return;
    node.measurements.push(this.#measurement(kind, cols, line));
  }

  #options(cols: string[], line: number): StepOptions {
    const options: StepOptions = {};
    const status = cols[8] ?? "";
    if (status !== "") {
      const letter = statusLetter(status);
      if (letter === undefined) throw this.#error(`Unknown status "${status}"`, line);
      options.status = letter;
    }
    const time = cols[9] ?? "";
    const where = { file: this.#file, line, decimalComma: this.#decimalComma };
    if (time !== "") {
      options.totTime = parseFiniteNumber(time, { ...where, element: "StepExecutionTime" });
    }
    if ((cols[10] ?? "") !== "") options.reportText = cols[10];
    if ((cols[11] ?? "") !== "") {
      const code = parseFiniteNumber(cols[11], { ...where, element: "StepErrorCode" });
      if (!Number.isInteger(code)) throw this.#error(`StepErrorCode must be a whole number`, line);
      options.errorCode = code;
    }
    if ((cols[12] ?? "") !== "") options.errorMessage = cols[12];
    return options;
  }

  #measurement(kind: Kind, cols: string[], line: number): Measurement {
    const [, , name = "", value = "", low = "", high = "", compOp = "", unit = "", status = ""] =
      cols;
    const m: Measurement = { name, value };
    if (status !== "") m.status = statusLetter(status);
    if (kind === "numeric") {
      if (value === "") throw this.#error("A numeric test needs a Value", line);
      m.value = this.#num(value, line, "Value");
      if (low !== "") m.low = this.#num(low, line, "LowLimit");
      if (high !== "") m.high = this.#num(high, line, "HighLimit");
      m.compOp = compOp !== ""
        ? compOp.toUpperCase()
        : low !== "" && high !== ""
        ? "GELE"
        : low !== ""
        ? "GE"
        : "LOG";
      if (unit !== "") m.unit = unit;
    } else if (kind === "passFail") {
      const letter = statusLetter(value);
      if (value !== "" && letter !== "P" && letter !== "F") {
        throw this.#error(`A pass/fail Value is True or False, not "${value}"`, line);
      }
      m.value = m.status !== undefined ? m.status === "P" : letter === "P";
    } else {
      if (low !== "") m.low = low;
      if (compOp !== "") m.compOp = compOp.toUpperCase();
    }
    return m;
  }

  #chart(type: string, cols: string[], line: number): void {
    const step = this.#current;
    if (step === null || step.kind !== "numeric") {
      throw this.#error(`${type} must follow a numeric test step`, line);
    }
    if (type === "Chart") {
      if (step.chart !== undefined) throw this.#error("A step has one chart", line);
      const [, chartType = "Line", label = "", yUnit, yLabel, xUnit, xLabel] = cols;
      const chart: Chart = {
        chartType: (chartType || "Line") as Chart["chartType"],
        label: label || "Chart",
        series: [],
      };
      for (const [key, value] of Object.entries({ xLabel, xUnit, yLabel, yUnit })) {
        if (value) chart[key] = value;
      }
      step.chart = chart;
      return;
    }
    if (step.chart === undefined) throw this.#error("Series without a Chart line before it", line);
    const [, name = "", dataType = "XYG", ydata = "", xdata = ""] = cols;
    if (ydata === "") throw this.#error("A Series needs YData", line);
    for (const [text, column] of [[ydata, "YData"], [xdata, "XData"]]) {
      for (const item of text === "" ? [] : text.split(";")) this.#num(item, line, column);
    }
    step.chart.series!.push({
      name,
      dataType: dataType || "XYG",
      ydata,
      ...(xdata ? { xdata } : {}),
    });
  }
}

/**
 * Adds the tree's steps to a report or sequence builder.
 *
 * @param nodes The steps.
 * @param into The builder.
 */
export function emitSteps(nodes: readonly WstfNode[], into: SequenceBuilder): void {
  for (const node of nodes) {
    const { options, measurements: ms } = node;
    if (node.kind === "sequence") {
      into.sequence(node.name, (s) => emitSteps(node.children, s), options);
    } else if (node.kind === "action") into.actionStep(node.name, options);
    else if (node.kind === "numeric") {
      const list = ms.map((m) => ({
        name: m.name || node.name,
        value: m.value as NumericValue,
        ...checkedLimits(m.compOp as NumericCompOp, m.low as NumericValue | undefined, m.high),
        unit: m.unit,
        status: m.status,
      }));
      if (node.chart !== undefined) {
        into.chartStep(node.name, node.chart, { ...options, measurements: list });
      } else if (!node.multi && list.length === 1) {
        const { name: _, value, ...rest } = list[0];
        into.numericStep(node.name, value, {
          ...rest,
          ...options,
          status: options.status ?? rest.status,
        });
      } else into.multiNumericStep(node.name, list, options);
    } else if (node.kind === "passFail") {
      if (!node.multi && ms.length === 1) {
        into.passFailStep(node.name, ms[0].value === true, options);
      } else {into.multiPassFailStep(
          node.name,
          ms.map((m) => ({ name: m.name, passed: m.value === true })),
          options,
        );}
    } else {
      const list = ms.map((m) => ({
        name: m.name,
        value: String(m.value),
        compOp: m.compOp as StringCompOp | undefined,
        limit: m.low as string | undefined,
        status: m.status,
      }));
      if (!node.multi && list.length === 1) {
        const { name: _, value, ...rest } = list[0];
        into.stringStep(node.name, value, {
          ...rest,
          ...options,
          status: options.status ?? rest.status,
        });
      } else into.multiStringStep(node.name, list, options);
    }
  }
}
