/**
 * ATML step mapping: `TestGroup` → sequence, `SessionAction` → action or generic step, `Test` →
 * pass/fail, string, numeric or (NI) multi-numeric step, with limits from `LimitPair`,
 * `SingleLimit`, `Expected` and NI threshold limits (percentage, ppm, delta). Element names are
 * matched by local name, so any namespace prefix works.
 *
 * @module
 */
import type {
  NumericCompOp,
  NumericLimits,
  NumericMeasurementInput,
  NumericValue,
  SequenceBuilder,
  StepGroup,
  StepStatus,
  StringCompOp,
} from "../api/models/report/mod.ts";
import { COMP_OPS, numericLimits as checkedLimits } from "../api/models/report/mod.ts";
import { ConversionError } from "./contract.ts";
import { parseNumber } from "./_text.ts";
import { attr, child, childrenNamed, type XmlElement } from "./_xml.ts";
import { type Place, statusLetter } from "./_report_kit.ts";

/** What the mapper needs to know: the file, for messages. */
export interface AtmlContext {
  /** The file name. */
  file: string;
}

function at(ctx: AtmlContext, el: XmlElement): Place {
  return { file: ctx.file, line: el.line, element: el.name };
}

function fail(ctx: AtmlContext, el: XmlElement, problem: string): never {
  throw new ConversionError(problem, { ...at(ctx, el), stage: "map" });
}

function name(el: XmlElement, fallback: string): string {
  return ((attr(el, "name") ?? "").trim() || fallback).slice(0, 100);
}

/** TestStand's step properties from `Extension/TSStepProperties`. */
export function stepProperties(el: XmlElement): XmlElement | undefined {
  const ext = child(el, "Extension");
  return ext === undefined ? undefined : child(ext, "TSStepProperties");
}

/**
 * Maps an ATML outcome (`value`, `qualifier`) to a status letter; unknown words read as done.
 *
 * @param outcome The `Outcome` or `ActionOutcome` element.
 * @param fallback Used when there is no outcome.
 * @returns The status.
 */
export function outcomeStatus(outcome: XmlElement | undefined, fallback: StepStatus): StepStatus {
  if (outcome === undefined) return fallback;
  let value = (attr(outcome, "value") ?? "").trim();
  const qualifier = (attr(outcome, "qualifier") ?? "").trim();
  if ((value === "UserDefined" || value === "Aborted") && qualifier !== "") value = qualifier;
  if (value === "NotStarted") return "S";
  return statusLetter(value) ?? "D";
}

function common(el: XmlElement): { group?: StepGroup; totTime?: number } {
  const props = stepProperties(el);
  if (props === undefined) return {};
  const groupText = child(props, "StepGroup")?.text.trim().toLowerCase();
  const group: StepGroup | undefined = groupText === "setup"
    ? "S"
    : groupText === "cleanup"
    ? "C"
    : groupText === "main"
    ? "M"
    : undefined;
  const time = child(props, "TotalTime");
  const seconds = time === undefined ? NaN : Number(attr(time, "value"));
  return { group, totTime: Number.isFinite(seconds) ? seconds : undefined };
}

function number(ctx: AtmlContext, el: XmlElement, text: string | undefined): NumericValue {
  if (text === undefined || text.trim() === "") fail(ctx, el, "Missing value");
  return parseNumber(
    text.trim().toLowerCase().startsWith("0x") ? String(parseInt(text, 16)) : text,
    at(ctx, el),
  );
}

function datumOf(el: XmlElement | undefined): XmlElement | undefined {
  return el === undefined ? undefined : child(el, "Datum");
}

function datumText(datum: XmlElement): string {
  const value = child(datum, "Value");
  return value !== undefined ? value.text : attr(datum, "value") ?? datum.text;
}

const NUMERIC_OPS: ReadonlySet<string> = new Set(
  COMP_OPS.filter((op) => op !== "CASESENSIT" && op !== "IGNORECASE"),
);

function thresholdLimits(ctx: AtmlContext, limits: XmlElement): NumericLimits | null {
  const ext = child(limits, "Extension");
  const props = ext === undefined ? undefined : child(ext, "TSLimitProperties");
  const type = props === undefined ? undefined : child(props, "ThresholdType")?.text.trim();
  const raw = props === undefined ? undefined : child(props, "RawLimits");
  if (type === undefined || raw === undefined) return null;
  const read = (n: string) => {
    const el = child(raw, n);
    return el === undefined ? undefined : number(ctx, el, attr(el, "value"));
  };
  const nominal = read("Nominal");
  const lowT = read("Low");
  const highT = read("High");
  if (typeof nominal !== "number" || typeof lowT !== "number" || typeof highT !== "number") {
    fail(ctx, raw, "Threshold limits need finite Nominal, Low and High values");
  }
  const scale = type.toLowerCase() === "percentage"
    ? Math.abs(nominal) / 100
    : type.toLowerCase() === "ppm"
    ? Math.abs(nominal) / 1e6
    : type.toLowerCase() === "delta"
    ? 1
    : fail(ctx, raw, `Unknown threshold type "${type}"`);
  const round = (v: number) => Number(v.toPrecision(12));
  return {
    compOp: "GELE",
    low: round(nominal - lowT * scale),
    high: round(nominal + highT * scale),
  };
}

function numericLimits(ctx: AtmlContext, result: XmlElement): NumericLimits {
  const limits = child(child(result, "TestLimits") ?? result, "Limits");
  if (limits === undefined) return { compOp: "LOG" };
  const threshold = thresholdLimits(ctx, limits);
  if (threshold !== null) return threshold;
  const pair = child(limits, "LimitPair");
  if (pair !== undefined) {
    const [a, b] = childrenNamed(pair, "Limit");
    if (a === undefined || b === undefined) fail(ctx, pair, "A LimitPair needs two Limit elements");
    const op = `${attr(a, "comparator") ?? "GE"}${attr(b, "comparator") ?? "LE"}`.toUpperCase();
    if (!NUMERIC_OPS.has(op)) fail(ctx, pair, `Unsupported comparator pair ${op}`);
    const low = number(ctx, a, attr(datumOf(a) ?? a, "value"));
    const high = number(ctx, b, attr(datumOf(b) ?? b, "value"));
    return checkedLimits(op as NumericCompOp, low, high);
  }
  const single = child(limits, "SingleLimit") ?? child(limits, "Expected");
  if (single === undefined) return { compOp: "LOG" };
  const op = (attr(single, "comparator") ?? "EQ").toUpperCase();
  if (op === "LOG") return { compOp: "LOG" };
  if (!NUMERIC_OPS.has(op)) fail(ctx, single, `Unsupported comparator ${op}`);
  return checkedLimits(
    op as NumericCompOp,
    number(ctx, single, attr(datumOf(single) ?? single, "value")),
  );
}

function stringLimit(result: XmlElement): { compOp: StringCompOp; limit?: string } {
  const limits = child(child(result, "TestLimits") ?? result, "Limits");
  const expected = limits === undefined ? undefined : child(limits, "Expected");
  if (expected === undefined) return { compOp: "LOG" };
  const datum = datumOf(expected);
  const limit = datum === undefined ? "" : datumText(datum);
  const op = (attr(expected, "comparator") ?? "EQ").toUpperCase();
  if (op === "CIEQ") return { compOp: "IGNORECASE", limit };
  if (op === "NE") return { compOp: "NE", limit };
  return { compOp: "CASESENSIT", limit };
}

function testKind(test: XmlElement, results: XmlElement[]): string {
  const declared = stepProperties(test) === undefined
    ? undefined
    : child(stepProperties(test)!, "StepType")?.text.trim();
  if (declared) return declared;
  const datum = results.length === 0 ? undefined : datumOf(child(results[0], "TestData"));
  const type = datum === undefined ? "" : (attr(datum, "type") ?? "").replace(/^.*:/, "");
  if (type === "boolean") return "PassFailTest";
  if (type === "string") return "StringValueTest";
  if (results.length > 1) return "NI_MultipleNumericLimitTest";
  return datum === undefined ? "PassFailTest" : "NumericLimitTest";
}

function measurement(
  ctx: AtmlContext,
  result: XmlElement,
  fallback: string,
): NumericMeasurementInput {
  const datum = datumOf(child(result, "TestData"));
  if (datum === undefined) fail(ctx, result, "A numeric TestResult needs TestData/Datum");
  return {
    name: name(result, fallback),
    value: number(ctx, datum, attr(datum, "value")),
    unit: attr(datum, "nonStandardUnit") || attr(datum, "unit") || undefined,
    ...numericLimits(ctx, result),
  };
}

function addTest(ctx: AtmlContext, seq: SequenceBuilder, test: XmlElement): void {
  const stepName = name(test, "Test");
  const outcome = child(test, "Outcome");
  const status = outcome === undefined ? undefined : outcomeStatus(outcome, "D");
  const options = { ...(status === undefined ? {} : { status }), ...common(test) };
  const results = childrenNamed(test, "TestResult");
  const kind = testKind(test, results).toLowerCase();
  if (kind.includes("multiplenumeric") || kind === "multinumericlimittest") {
    if (results.length === 0) fail(ctx, test, "A multiple numeric limit test has no TestResult");
    const list = results.map((r, i) => measurement(ctx, r, `Measurement ${i}`));
    seq.multiNumericStep(stepName, list, options);
  } else if (kind.includes("numeric")) {
    if (results.length === 0) {
      seq.numericStep(stepName, "NaN", options);
      return;
    }
    const { name: _name, value, ...rest } = measurement(ctx, results[0], stepName);
    seq.numericStep(stepName, value, { ...rest, ...options });
  } else if (kind.includes("string")) {
    const result = results[0];
    const datum = result === undefined ? undefined : datumOf(child(result, "TestData"));
    const value = datum === undefined ? "" : datumText(datum);
    seq.stringStep(stepName, value, { ...(result ? stringLimit(result) : {}), ...options });
  } else {
    const datum = results[0] === undefined ? undefined : datumOf(child(results[0], "TestData"));
    const passed = status === undefined
      ? datum !== undefined && /^(true|1|passed)$/i.test(datumText(datum).trim())
      : status === "P";
    seq.passFailStep(stepName, passed, options);
  }
}

/**
 * Adds the steps below an ATML element (a `ResultSet` or `TestGroup`) to a sequence, in order.
 *
 * @param ctx The file.
 * @param seq The sequence.
 * @param parent The element.
 */
export function addSteps(ctx: AtmlContext, seq: SequenceBuilder, parent: XmlElement): void {
  for (const el of parent.children) {
    if (el.name === "TestGroup") {
      const seqName = (attr(el, "name") ?? "").trim() || "Sequence";
      const stepName = ((attr(el, "callerName") ?? "").trim() || seqName).slice(0, 100);
      const status = outcomeStatus(child(el, "Outcome"), "D");
      const options = status === "D" ? common(el) : { status, ...common(el) };
      seq.sequence(stepName, (inner) => addSteps(ctx, inner, el), {
        ...options,
        seqCall: { name: seqName.slice(0, 200) },
      });
    } else if (el.name === "SessionAction") {
      const status = outcomeStatus(child(el, "ActionOutcome") ?? child(el, "Outcome"), "D");
      const type = stepProperties(el) === undefined
        ? undefined
        : child(stepProperties(el)!, "StepType")?.text.trim();
      const stepName = name(el, "Action");
      const options = { status, ...common(el) };
      if (!type || type === "Action") seq.actionStep(stepName, options);
      else {
        seq.step({
          stepType: type.slice(0, 100),
          name: stepName,
          group: options.group ?? "M",
          status,
          ...(options.totTime === undefined ? {} : { totTime: options.totTime }),
        });
      }
    } else if (el.name === "Test") {
      addTest(ctx, seq, el);
    }
  }
}
