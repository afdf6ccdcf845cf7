/**
 * WSJF, the WATS Standard JSON Format: UUT (test) and UUR (repair) reports as zod v4 schemas,
 * with the functions to read, write, evaluate and build them.
 *
 * - {@linkcode parseReport} validates and normalises a report, explaining failures with paths
 *   (`root.steps[2].numericMeas[0].compOp: …`); {@linkcode safeParseReport} does not throw.
 * - {@linkcode serializeReport} writes the wire form.
 * - {@linkcode evaluate} applies a comparison operator as the server does.
 * - {@linkcode createUutReport} and {@linkcode createUurReport} build reports for converters.
 * - {@linkcode reportSummary} gives the header facts, with the start time in UTC.
 *
 * Reading is lossless: unknown keys and step types are kept, `null`s survive, and a parsed report
 * serialises and parses again to an equal value. Readers accept what real exports and pyWATS send
 * (`i`/`n` loop keys, a bare measurement object, `MultiNumericLimitTest`, `IgnoreCase`); writers
 * send the normal form.
 *
 * @example Read, check and write a report
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseReport, reportSummary, serializeReport } from "@wats/toolkit/report";
 *
 * const input = {
 *   id: "4f8d1c9e-2b7a-4c3e-9f10-6a5b4c3d2e1f",
 *   type: "T",
 *   pn: "PCBA-100",
 *   sn: "SN0001",
 *   rev: "A",
 *   processCode: 10,
 *   machineName: "Station 7",
 *   location: "Line 2",
 *   purpose: "Production",
 *   start: "2026-01-30T22:01:41.470+01:00",
 *   root: { stepType: "SequenceCall", name: "MainSequence Callback", status: "P", steps: [] },
 * };
 * const report = parseReport(input);
 * assert.equal(reportSummary(report).startUtc, "2026-01-30T21:01:41.470Z");
 * const body = JSON.stringify(serializeReport(report));
 * assert.deepEqual(parseReport(JSON.parse(body)), report);
 * ```
 *
 * @module
 */

export type {
  Schema,
  SchemaError,
  SchemaIssue,
  SchemaResult,
  StandardProps,
  StandardResult,
} from "./schema.ts";
export {
  REPORT_RESULTS,
  type ReportResult,
  ReportResultSchema,
  STEP_GROUPS,
  STEP_STATUSES,
  type StepGroup,
  type StepStatus,
  StepStatusSchema,
} from "./status.ts";
export {
  COMP_OPS,
  type CompOp,
  CompOpSchema,
  limitCount,
  type NoLimitCompOp,
  type NumericCompOp,
  type OneLimitCompOp,
  type StringCompOp,
  type TwoLimitCompOp,
} from "./comp_op.ts";
export { type Comparable, evaluate } from "./evaluate.ts";
export {
  type BooleanMeasurement,
  BooleanMeasurementSchema,
  type NumericMeasurement,
  NumericMeasurementSchema,
  type NumericValue,
  type StringMeasurement,
  StringMeasurementSchema,
} from "./measurements.ts";
export { type Chart, CHART_TYPES, ChartSchema, type ChartSeries, type ChartType } from "./chart.ts";
export type {
  CallExecutableInfo,
  LoopInfo,
  MessagePopupInfo,
  SequenceCallInfo,
  StepAttachment,
} from "./step_parts.ts";
export {
  type AdditionalData,
  AdditionalDataSchema,
  type BinaryData,
  BinaryDataSchema,
  type MiscInfo,
  MiscInfoSchema,
  type Prop,
  type PropArray,
  type PropArrayIndex,
  type ReportAsset,
  ReportAssetSchema,
  type ReportAssetStats,
} from "./misc.ts";
export { STEP_TYPES, type StepKind, stepKind } from "./step_kinds.ts";
export { type Step, StepSchema } from "./steps.ts";
export type { ReportBase } from "./header.ts";
export {
  type UurReference,
  type UutInfo,
  type UutReport,
  UutReportSchema,
  type UutSubUnit,
} from "./uut.ts";
export {
  type UurFailure,
  type UurInfo,
  type UurReport,
  UurReportSchema,
  type UurSubUnit,
} from "./uur.ts";
export { type Report, ReportSchema } from "./report.ts";
export { ReportFormatError, type ReportFormatErrorOptions, type ReportIssue } from "./errors.ts";
export {
  parseReport,
  type ParseReportOptions,
  safeParseReport,
  type SafeParseReportResult,
} from "./parse.ts";
export { serializeReport } from "./serialize.ts";
export { type ReportSummary, reportSummary } from "./summary.ts";
export { formatLocalTime } from "./time.ts";
export {
  type ChartStepOptions,
  type NumericMeasurementInput,
  type NumericStepOptions,
  type PassFailMeasurementInput,
  type SequenceBuilderOptions,
  type SequenceOptions,
  type StepOptions,
  type StringMeasurementInput,
  type StringStepOptions,
} from "./step_options.ts";
export {
  type NoLimits,
  type NumericLimits,
  numericLimits,
  type OneLimit,
  type TwoLimits,
} from "./limits.ts";
export { SequenceBuilder } from "./sequence_builder.ts";
export { createUutReport, ReportBuilder, type UutReportOptions } from "./builder.ts";
export {
  createUurReport,
  type UurFailureInput,
  type UurReportOptions,
  type UurSubUnitInput,
  type UurUnit,
} from "./uur_factory.ts";
