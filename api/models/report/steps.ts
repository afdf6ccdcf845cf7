/**
 * The step tree (§4.3): one step shape for every `stepType`, with the rules of each kind checked
 * after a table lookup on `stepType` (see {@linkcode stepKind}).
 *
 * All steps share the common keys; the payload keys (`seqCall`/`steps`, `numericMeas`,
 * `booleanMeas`, `stringMeas`, `chart`, `callExe`, `messagePopup`) are validated wherever they
 * appear, and the kind decides which measurements a step may hold: a single step at most one, a
 * multi step uniquely named ones, a sequence call or action none. Unknown step types and unknown
 * keys are kept verbatim. Measurements given as a bare object are read as a one-element array.
 *
 * Why one shape and a lookup rather than a union of step schemas: a union tries each member in
 * turn, and the lookup costs one map access. The child list is unrolled a few levels deep and then
 * re-enters the schema through a hop, so that zod can compile the whole report schema ahead of
 * time (it refuses reference cycles); see `parse.ts`.
 *
 * @module
 */
import { z } from "zod";
import {
  asArray,
  compileSchema,
  dateTime,
  deferred,
  int,
  normalised,
  num,
  text,
} from "./_primitives.ts";
import { type Chart, chart } from "./chart.ts";
import { markFieldCheck } from "./_fixed_point.ts";
import {
  type BooleanMeasurement,
  booleanMeasurement,
  type NumericMeasurement,
  numericMeasurement,
  type StringMeasurement,
  stringMeasurement,
} from "./measurements.ts";
import { type AdditionalData, additionalData } from "./misc.ts";
import type { Schema } from "./schema.ts";
import { type StepGroup, stepGroup, type StepStatus, stepStatus } from "./status.ts";
import {
  attachment,
  type CallExecutableInfo,
  callExecutableInfo,
  type LoopInfo,
  loopInfo,
  type MessagePopupInfo,
  messagePopupInfo,
  type SequenceCallInfo,
  sequenceCallInfo,
  type StepAttachment,
} from "./step_parts.ts";
import { type StepKind, stepKind } from "./step_kinds.ts";

/**
 * A step of the tree: the common keys plus the payload of its kind.
 *
 * @category Reports
 */
export interface Step {
  /** The step type; decides the kind (see {@linkcode stepKind}). */
  stepType: string;
  /** Step name, 1–100 characters. */
  name: string;
  /** Setup, Main or Cleanup (`M` by default). */
  group?: StepGroup | null;
  /** Step status. */
  status: StepStatus;
  /** Step id; the server numbers steps depth-first from 1. */
  id?: number | string | null;
  /** Error code. */
  errorCode?: number | null;
  /** Display format of the error code. */
  errorCodeFormat?: string | null;
  /** Error message. */
  errorMessage?: string | null;
  /** Free text the test reported. */
  reportText?: string | null;
  /** When the step started, with offset. */
  start?: string | null;
  /** Duration in seconds. */
  totTime?: number | null;
  /** Display format of the duration. */
  totTimeFormat?: string | null;
  /** TestStand step GUID. */
  tsGuid?: string | null;
  /** Whether this step failed its sequence (server-computed). */
  causedSeqFailure?: boolean | null;
  /** Whether this step failed the unit (server-computed). */
  causedUUTFailure?: boolean | null;
  /** Loop info of a looping step. */
  loop?: LoopInfo | null;
  /** Property trees the step recorded. */
  additionalResults?: AdditionalData[] | null;
  /** A chart. */
  chart?: Chart | null;
  /** An attached file. */
  attachment?: StepAttachment | null;
  /** The sequence a sequence call called. */
  seqCall?: SequenceCallInfo | null;
  /** Child steps of a sequence call. */
  steps?: Step[] | null;
  /** Numeric measurements (numeric limit and chart steps). */
  numericMeas?: NumericMeasurement[] | null;
  /** Pass/fail measurements. */
  booleanMeas?: BooleanMeasurement[] | null;
  /** String measurements. */
  stringMeas?: StringMeasurement[] | null;
  /** Call-executable result. */
  callExe?: CallExecutableInfo | null;
  /** Message-popup answer. */
  messagePopup?: MessagePopupInfo | null;
  /** Keys this model does not know, kept as they came. */
  [key: string]: unknown;
}

type MeasurementKey = "numericMeas" | "booleanMeas" | "stringMeas";

/** What a kind allows: its measurement key, how many, and whether it may have children. */
interface KindRule {
  measurements: MeasurementKey | null;
  count: "single" | "multi" | "chart" | null;
  children: boolean;
}

const RULES: Readonly<Record<StepKind, KindRule | null>> = {
  sequenceCall: { measurements: null, count: null, children: true },
  numericLimit: { measurements: "numericMeas", count: "single", children: false },
  multiNumericLimit: { measurements: "numericMeas", count: "multi", children: false },
  passFail: { measurements: "booleanMeas", count: "single", children: false },
  multiPassFail: { measurements: "booleanMeas", count: "multi", children: false },
  stringValue: { measurements: "stringMeas", count: "single", children: false },
  multiStringValue: { measurements: "stringMeas", count: "multi", children: false },
  action: { measurements: null, count: null, children: false },
  chart: { measurements: "numericMeas", count: "chart", children: false },
  callExecutable: { measurements: null, count: null, children: false },
  messagePopup: { measurements: null, count: null, children: false },
  generic: null,
  unknown: null,
};

interface CheckContext {
  value: Step;
  issues: z.core.$ZodRawIssue[];
}

function issue(ctx: CheckContext, path: PropertyKey[], message: string): void {
  ctx.issues.push({ code: "custom", message, path, input: ctx.value });
}

function checkNames(ctx: CheckContext, key: MeasurementKey, required: boolean): void {
  const seen = new Set<string>();
  const list = ctx.value[key] as { name?: string | null }[];
  for (let i = 0; i < list.length; i++) {
    const name = list[i].name;
    if (name === undefined || name === null) {
      if (required) issue(ctx, [key, i, "name"], "Each measurement of a multi step needs a name");
    } else if (seen.has(name)) {
      issue(ctx, [key, i, "name"], `Duplicate measurement name ${JSON.stringify(name)}`);
    } else {
      seen.add(name);
    }
  }
}

function checkMeasurements(
  ctx: CheckContext,
  rule: KindRule,
  key: MeasurementKey,
  list: readonly unknown[] | null | undefined,
): void {
  if (!list || list.length === 0) return;
  const stepType = ctx.value.stepType;
  if (key !== rule.measurements) {
    issue(ctx, [key], `${stepType} steps hold no ${key}`);
  } else if (rule.count === "single" && list.length > 1) {
    issue(ctx, [key], `${stepType} steps hold one measurement, not ${list.length}`);
  } else if (rule.count === "multi" || rule.count === "chart") {
    checkNames(ctx, key, rule.count === "multi");
  }
}

const RULE_BY_TYPE = new Map<string, KindRule | null>();
let lastType = "";
let lastRule: KindRule | null = null;

/**
 * The rule of a step type, remembered for the step types seen (at most a few hundred); the last
 * one is checked first, since neighbouring steps mostly share their type.
 */
function ruleOf(stepType: string): KindRule | null {
  if (stepType === lastType) return lastRule;
  let rule = RULE_BY_TYPE.get(stepType);
  if (rule === undefined) {
    rule = RULES[stepKind(stepType)];
    if (RULE_BY_TYPE.size < 512) RULE_BY_TYPE.set(stepType, rule);
  }
  lastType = stepType;
  lastRule = rule;
  return rule;
}

/** Whether a measurement list fits the rule: what {@linkcode checkMeasurements} checks. */
function measurementsFit(rule: KindRule, key: MeasurementKey, list: unknown): boolean {
  if (!list || (list as unknown[]).length === 0) return true;
  if (key !== rule.measurements) return false;
  const items = list as { name?: string | null }[];
  if (rule.count === "single") return items.length <= 1;
  if (rule.count !== "multi" && rule.count !== "chart") return true;
  const required = rule.count === "multi";
  const seen = new Set<string>();
  for (let i = 0; i < items.length; i++) {
    const name = items[i].name;
    if (name === undefined || name === null) {
      if (required) return false;
    } else if (seen.has(name)) return false;
    else seen.add(name);
  }
  return true;
}

/** Whether a step's parts fit the rules of its kind: what {@linkcode checkKind} checks. */
function kindFits(
  stepType: string,
  numericMeas: unknown,
  booleanMeas: unknown,
  stringMeas: unknown,
  steps: unknown,
): boolean {
  const rule = ruleOf(stepType);
  if (rule === null) return true;
  if (!rule.children && steps && (steps as unknown[]).length > 0) return false;
  return measurementsFit(rule, "numericMeas", numericMeas) &&
    measurementsFit(rule, "booleanMeas", booleanMeas) &&
    measurementsFit(rule, "stringMeas", stringMeas);
}

/** The rules of the step's kind, checked after its keys parsed. */
function checkKind(ctx: CheckContext): void {
  const step = ctx.value;
  if (kindFits(step.stepType, step.numericMeas, step.booleanMeas, step.stringMeas, step.steps)) {
    return;
  }
  const rule = ruleOf(step.stepType);
  if (rule === null) return;
  checkMeasurements(ctx, rule, "numericMeas", step.numericMeas);
  checkMeasurements(ctx, rule, "booleanMeas", step.booleanMeas);
  checkMeasurements(ctx, rule, "stringMeas", step.stringMeas);
  if (!rule.children && step.steps && step.steps.length > 0) {
    issue(ctx, ["steps"], `${step.stepType} steps have no child steps`);
  }
}
// Generated checks read the step's keys themselves and ask kindFits.
markFieldCheck(
  checkKind,
  ["stepType", "numericMeas", "booleanMeas", "stringMeas", "steps"],
  kindFits,
);

function measurementList<T>(item: z.ZodType<T>): z.ZodType<T[] | null | undefined> {
  return normalised(asArray, z.array(item).nullish());
}

const numericList = measurementList(numericMeasurement);
const booleanList = measurementList(booleanMeasurement);
const stringList = measurementList(stringMeasurement);

/** A step schema whose children are validated by `child`. */
function stepLevel(child: z.ZodType<Step>): z.ZodType<Step> {
  return z.looseObject({
    stepType: text(100, 1),
    name: text(100, 1),
    group: stepGroup.nullish(),
    status: stepStatus,
    id: z.union([int, z.string()], { error: "Expected an integer or a string" }).nullish(),
    errorCode: int.nullish(),
    errorCodeFormat: z.string().nullish(),
    errorMessage: z.string().nullish(),
    reportText: z.string().nullish(),
    start: dateTime.nullish(),
    totTime: num.nullish(),
    totTimeFormat: z.string().nullish(),
    tsGuid: z.string().nullish(),
    causedSeqFailure: z.boolean().nullish(),
    causedUUTFailure: z.boolean().nullish(),
    loop: loopInfo.nullish(),
    additionalResults: z.array(additionalData).nullish(),
    chart: chart.nullish(),
    attachment: attachment.nullish(),
    seqCall: sequenceCallInfo.nullish(),
    steps: z.array(child).nullish(),
    numericMeas: numericList,
    booleanMeas: booleanList,
    stringMeas: stringList,
    callExe: callExecutableInfo.nullish(),
    messagePopup: messagePopupInfo.nullish(),
  }).check(checkKind);
}

/**
 * Levels of nesting validated inline; deeper steps re-enter through a hop into the compiled step
 * schema. Four keeps the generated code small while most trees never need the hop (measured with
 * `tests/bench/report_parse_bench.ts`: deeper unrolling gains nothing).
 */
const UNROLLED_LEVELS = 4;

let compiledStep: z.ZodType<Step> | undefined;

function childStep(): z.ZodType<Step> {
  compiledStep ??= compileSchema(step);
  return compiledStep;
}

function buildStepSchema(): z.ZodType<Step> {
  let schema = stepLevel(deferred(childStep));
  for (let level = 1; level < UNROLLED_LEVELS; level++) schema = stepLevel(schema);
  return schema;
}

/**
 * @internal The zod form of {@linkcode StepSchema}.
 *
 * @category Report model
 */
export const step: z.ZodType<Step> = buildStepSchema();

/**
 * Schema of a step and its subtree, with the rules of each step kind.
 *
 * @example Validate a numeric limit step
 * ```ts
 * import assert from "node:assert/strict";
 * import { StepSchema } from "@wats/toolkit/report";
 *
 * const step = StepSchema.parse({
 *   stepType: "ET_NLT",
 *   name: "Supply 5V",
 *   status: "P",
 *   numericMeas: {
 *     status: "P",
 *     value: 5.01,
 *     unit: "V",
 *     compOp: "GELE",
 *     lowLimit: 4.9,
 *     highLimit: 5.1,
 *   },
 * });
 * assert.equal(step.numericMeas?.length, 1); // a bare measurement object is read as an array
 * ```
 *
 * @category Report model
 */
export const StepSchema: Schema<Step> = step;
