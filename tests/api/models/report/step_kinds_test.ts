import assert from "node:assert/strict";
import { STEP_TYPES, stepKind } from "../../../../api/models/report/mod.ts";

Deno.test("step kinds: every step type of §4.3 maps to its kind", () => {
  const table: [string, string][] = [
    ["SequenceCall", "sequenceCall"],
    ["WATS_SeqCall", "sequenceCall"],
    ["ET_NLT", "numericLimit"],
    ["NumericLimitTest", "numericLimit"],
    ["ET_MNLT", "multiNumericLimit"],
    ["MultiNumericLimitTest", "multiNumericLimit"],
    ["ET_PFT", "passFail"],
    ["PassFailTest", "passFail"],
    ["ET_MPFT", "multiPassFail"],
    ["ET_SVT", "stringValue"],
    ["StringValueTest", "stringValue"],
    ["ET_MSVT", "multiStringValue"],
    ["Action", "action"],
    ["ET_A", "action"],
    ["WATS_XYGMNLT", "chart"],
    ["Chart", "chart"],
    ["CallExecutable", "callExecutable"],
    ["MessagePopup", "messagePopup"],
    ["GT", "generic"],
    ["GenericTest", "generic"],
    ["Goto", "generic"],
    ["Label", "generic"],
    ["Statement", "generic"],
    ["NONE", "generic"],
    ["DoWhile", "generic"],
    ["NI_Wait", "generic"],
    ["NI_Flow_SweepLoop", "generic"],
    ["NI_IviDmm", "generic"],
    ["NI_IVIDmm", "generic"],
    ["NI_IVIPowerSupply", "generic"],
    ["NI_NewCsvFileInputRecordStream", "generic"],
    ["et_nlt", "numericLimit"],
    ["AcmeBoundaryScan", "unknown"],
    ["", "unknown"],
  ];
  for (const [type, kind] of table) assert.equal(stepKind(type), kind, type);
});

Deno.test("step kinds: the written step type of each kind is one readers map back to it", () => {
  for (const [kind, type] of Object.entries(STEP_TYPES)) assert.equal(stepKind(type), kind);
});
