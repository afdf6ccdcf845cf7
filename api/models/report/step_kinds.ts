/**
 * The kinds of steps behind the `stepType` values of §4.3, looked up in a table.
 *
 * Each kind has a preferred `stepType` (written first) and the aliases readers accept. TestStand
 * built-ins (`NI_*`) and the flow and generic types are "generic": no payload of their own, though
 * exports show some of them (`NI_Wait`) carrying `seqCall` and `steps`. Any other value is an
 * unknown step, kept verbatim.
 *
 * @module
 */

/**
 * What a step is, derived from its `stepType`.
 *
 * @category Report model
 */
export type StepKind =
  | "sequenceCall"
  | "numericLimit"
  | "multiNumericLimit"
  | "passFail"
  | "multiPassFail"
  | "stringValue"
  | "multiStringValue"
  | "action"
  | "chart"
  | "callExecutable"
  | "messagePopup"
  | "generic"
  | "unknown";

/**
 * The `stepType` a writer uses for each kind with a payload of its own.
 *
 * @example Write a step of a kind
 * ```ts
 * import assert from "node:assert/strict";
 * import { STEP_TYPES, StepSchema } from "@wats/toolkit/report";
 *
 * const step = StepSchema.parse({ stepType: STEP_TYPES.multiNumericLimit, name: "Rails", status: "P" });
 * assert.equal(step.stepType, "ET_MNLT");
 * ```
 *
 * @category Report model
 */
export const STEP_TYPES: Readonly<
  Record<Exclude<StepKind, "generic" | "unknown">, string>
> = {
  sequenceCall: "SequenceCall",
  numericLimit: "ET_NLT",
  multiNumericLimit: "ET_MNLT",
  passFail: "ET_PFT",
  multiPassFail: "ET_MPFT",
  stringValue: "ET_SVT",
  multiStringValue: "ET_MSVT",
  action: "Action",
  chart: "WATS_XYGMNLT",
  callExecutable: "CallExecutable",
  messagePopup: "MessagePopup",
};

const ALIASES: Readonly<Record<string, StepKind>> = {
  SequenceCall: "sequenceCall",
  WATS_SeqCall: "sequenceCall",
  ET_NLT: "numericLimit",
  NumericLimitTest: "numericLimit",
  ET_MNLT: "multiNumericLimit",
  MultiNumericLimitTest: "multiNumericLimit",
  ET_PFT: "passFail",
  PassFailTest: "passFail",
  ET_MPFT: "multiPassFail",
  ET_SVT: "stringValue",
  StringValueTest: "stringValue",
  ET_MSVT: "multiStringValue",
  Action: "action",
  ET_A: "action",
  WATS_XYGMNLT: "chart",
  Chart: "chart",
  CallExecutable: "callExecutable",
  MessagePopup: "messagePopup",
};

const GENERIC = [
  "GT",
  "GenericTest",
  "Goto",
  "Label",
  "Statement",
  "NONE",
  "DoWhile",
];

const EXACT: ReadonlyMap<string, StepKind> = new Map([
  ...Object.entries(ALIASES),
  ...GENERIC.map((type) => [type, "generic"] as const),
]);

const FOLDED: ReadonlyMap<string, StepKind> = new Map(
  [...EXACT].map(([type, kind]) => [type.toLowerCase(), kind] as const),
);

/**
 * Tells what kind of step a `stepType` names.
 *
 * Lookup ignores letter case. TestStand built-ins (`NI_Wait`, `NI_Flow_If`, `NI_IVIScope` …) are
 * generic whatever their casing.
 *
 * @param stepType The step's `stepType`.
 * @returns The step kind; `"unknown"` for a type this model does not know.
 *
 * @example Classify steps
 * ```ts
 * import assert from "node:assert/strict";
 * import { stepKind } from "@wats/toolkit/report";
 *
 * assert.equal(stepKind("ET_NLT"), "numericLimit");
 * assert.equal(stepKind("MultiNumericLimitTest"), "multiNumericLimit");
 * assert.equal(stepKind("NI_Flow_If"), "generic");
 * assert.equal(stepKind("MyVendorStep"), "unknown");
 * ```
 *
 * @category Report model
 */
export function stepKind(stepType: string): StepKind {
  const exact = EXACT.get(stepType);
  if (exact !== undefined) return exact;
  const key = stepType.toLowerCase();
  return FOLDED.get(key) ?? (key.startsWith("ni_") ? "generic" : "unknown");
}
