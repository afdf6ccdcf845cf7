/**
 * Adding steps to a sequence: the step methods of the report builder.
 *
 * Each method appends one step and returns the builder, so calls chain. Measurement statuses are
 * computed with `evaluate()` unless given; step statuses roll up when the report is built.
 * Defaults follow the API spec: unit `"NA"`, operator `LOG`, group `M`, an action step `D`one.
 *
 * @module
 */
import { measuredStatus, numericMeasurement, stringMeasurement, uniqueNames } from "./_measure.ts";
import { type Draft, DRAFTS } from "./_rollup.ts";
import type { Chart } from "./chart.ts";
import type { BooleanMeasurement, NumericValue } from "./measurements.ts";
import type { Step } from "./steps.ts";
import type {
  ChartStepOptions,
  NumericMeasurementInput,
  NumericStepOptions,
  PassFailMeasurementInput,
  SequenceBuilderOptions,
  SequenceOptions,
  StepOptions,
  StringMeasurementInput,
  StringStepOptions,
} from "./step_options.ts";
import { formatLocalTime } from "./time.ts";

/**
 * Builds the steps of one sequence. A report builder is the root sequence; `sequence()` hands a
 * nested builder to a callback.
 *
 * @example Build nested steps
 * ```ts
 * import assert from "node:assert/strict";
 * import { createUutReport } from "@wats/toolkit";
 *
 * const report = createUutReport({ pn: "PCBA-100", sn: "SN0001", rev: "A", processCode: 10 })
 *   .sequence("Power", (power) => {
 *     power.numericStep("Supply 5V", 5.01, { compOp: "GELE", low: 4.9, high: 5.1, unit: "V" });
 *     power.passFailStep("Fuse intact", true);
 *   })
 *   .build();
 * assert.equal(report.root?.steps?.[0].status, "P");
 * assert.equal(report.root?.steps?.[0].steps?.length, 2);
 * ```
 *
 * @category Report building
 */
export class SequenceBuilder {
  #offset: number | undefined;

  /**
   * Creates an empty sequence.
   *
   * @param options How to write `Date` start times.
   */
  constructor(options: SequenceBuilderOptions = {}) {
    this.#offset = options.utcOffsetMinutes;
    DRAFTS.set(this, []);
  }

  #add(stepType: string, name: string, options: StepOptions, extra: Partial<Step>): Draft {
    const { status, start, ...rest } = options;
    const step: Step = { stepType, name: name === "" ? "StepName" : name, group: "M", status: "P" };
    for (const [key, value] of Object.entries({ ...rest, ...extra })) {
      if (value !== undefined) step[key] = value;
    }
    if (start !== undefined) {
      step.start = typeof start === "string" ? start : formatLocalTime(start, this.#offset);
    }
    const draft: Draft = { step, explicit: status !== undefined };
    if (status !== undefined) step.status = status;
    DRAFTS.get(this)!.push(draft);
    return draft;
  }

  /**
   * Adds a sequence call and fills it.
   *
   * @param name Sequence name.
   * @param fill Adds the sequence's steps (synchronously).
   * @param options Step options and the called sequence.
   * @returns This builder.
   */
  sequence(
    name: string,
    fill: (sequence: SequenceBuilder) => void,
    options: SequenceOptions = {},
  ): this {
    const { seqCall, ...stepOptions } = options;
    const child = new SequenceBuilder({ utcOffsetMinutes: this.#offset });
    fill(child);
    const info = { path: "C:/SequenceCall.seq", name, version: "1.0.0", ...seqCall };
    const draft = this.#add("SequenceCall", name, stepOptions, { seqCall: info });
    draft.children = DRAFTS.get(child)!;
    return this;
  }

  /**
   * Adds a numeric limit step with one measurement.
   *
   * @param name Step name.
   * @param value The measured value.
   * @param options Operator, limits, unit and step options; the limits are typed by the operator
   * ({@linkcode NumericLimits}), so `{ compOp: "LE", high: 0.5 }` does not compile.
   * @returns This builder.
   * @throws {TypeError} When the operator needs a limit that is missing (for untyped callers).
   */
  numericStep(name: string, value: number | NumericValue, options: NumericStepOptions = {}): this {
    const { compOp, low, high, unit, ...stepOptions } = options;
    const m = numericMeasurement(name, null, value, {
      compOp,
      low,
      high,
      unit,
      status: options.status,
    });
    this.#add("ET_NLT", name, { ...stepOptions, status: options.status ?? m.status }, {
      numericMeas: [m],
    });
    return this;
  }

  /**
   * Adds a numeric limit step with several named measurements.
   *
   * @param name Step name.
   * @param measurements The measurements.
   * @param options Step options.
   * @returns This builder.
   */
  multiNumericStep(
    name: string,
    measurements: readonly NumericMeasurementInput[],
    options: StepOptions = {},
  ): this {
    const list = uniqueNames(measurements).map((m) => numericMeasurement(name, m.name, m.value, m));
    this.#add("ET_MNLT", name, { status: measuredStatus(list), ...options }, { numericMeas: list });
    return this;
  }

  /**
   * Adds a pass/fail step.
   *
   * @param name Step name.
   * @param passed Whether it passed.
   * @param options Step options.
   * @returns This builder.
   */
  passFailStep(name: string, passed: boolean, options: StepOptions = {}): this {
    const status = options.status ?? (passed ? "P" : "F");
    this.#add("ET_PFT", name, { ...options, status }, {
      booleanMeas: [{ status, value: passed }],
    });
    return this;
  }

  /**
   * Adds a pass/fail step with several named outcomes.
   *
   * @param name Step name.
   * @param measurements The outcomes.
   * @param options Step options.
   * @returns This builder.
   */
  multiPassFailStep(
    name: string,
    measurements: readonly PassFailMeasurementInput[],
    options: StepOptions = {},
  ): this {
    const list: BooleanMeasurement[] = uniqueNames(measurements).map((m) => ({
      name: m.name,
      status: m.passed ? "P" : "F",
      value: m.passed,
    }));
    this.#add("ET_MPFT", name, { status: measuredStatus(list), ...options }, { booleanMeas: list });
    return this;
  }

  /**
   * Adds a string-value step with one measurement.
   *
   * @param name Step name.
   * @param value The measured text.
   * @param options Operator, expected text and step options.
   * @returns This builder.
   */
  stringStep(name: string, value: string, options: StringStepOptions = {}): this {
    const { compOp, limit, ...stepOptions } = options;
    const m = stringMeasurement(name, null, value, { compOp, limit, status: options.status });
    this.#add("ET_SVT", name, { ...stepOptions, status: options.status ?? m.status }, {
      stringMeas: [m],
    });
    return this;
  }

  /**
   * Adds a string-value step with several named measurements.
   *
   * @param name Step name.
   * @param measurements The measurements.
   * @param options Step options.
   * @returns This builder.
   */
  multiStringStep(
    name: string,
    measurements: readonly StringMeasurementInput[],
    options: StepOptions = {},
  ): this {
    const list = uniqueNames(measurements).map((m) => stringMeasurement(name, m.name, m.value, m));
    this.#add("ET_MSVT", name, { status: measuredStatus(list), ...options }, { stringMeas: list });
    return this;
  }

  /**
   * Adds an action step (status `D`one unless given).
   *
   * @param name Step name.
   * @param options Step options.
   * @returns This builder.
   */
  actionStep(name: string, options: StepOptions = {}): this {
    this.#add("Action", name, { status: "D", ...options }, {});
    return this;
  }

  /**
   * Adds a chart step (`WATS_XYGMNLT`) with the measurements derived from the chart.
   *
   * @param name Step name.
   * @param chart The chart.
   * @param options Measurements and step options.
   * @returns This builder.
   */
  chartStep(name: string, chart: Chart, options: ChartStepOptions = {}): this {
    const { measurements = [], ...stepOptions } = options;
    const list = uniqueNames(measurements).map((m) => numericMeasurement(name, m.name, m.value, m));
    this.#add("WATS_XYGMNLT", name, { status: measuredStatus(list), ...stepOptions }, {
      chart,
      numericMeas: list,
    });
    return this;
  }

  /**
   * Adds a step as given: call-executable, message-popup, flow and vendor steps, or anything the
   * methods above do not cover. Its status and subtree are taken as they are.
   *
   * @param step The step.
   * @returns This builder.
   */
  step(step: Step): this {
    DRAFTS.get(this)!.push({ step: structuredClone(step), explicit: true });
    return this;
  }
}
