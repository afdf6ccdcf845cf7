/**
 * The WATS toolkit: typed async services for the WATS manufacturing test-data platform, on native
 * `fetch`, with a sliding-window rate limiter, retries with full-jitter backoff and `Retry-After`,
 * a circuit breaker and one error hierarchy; and zod models of the WSJF report format with a
 * builder for converter authors.
 *
 * This root module holds what most programs need: the {@linkcode Wats} client, the errors it
 * throws, the report builder and the functions that read, write and evaluate reports. The rest
 * is on subpaths:
 *
 * | import | holds |
 * | --- | --- |
 * | `@wats/toolkit/report` | the whole WSJF report model and its zod schemas |
 * | `@wats/toolkit/http` | transport, rate limiter, retry, circuit breaker, clock, OData builder |
 * | `@wats/toolkit/models` | every domain model and schema, and the domain service classes |
 * | `@wats/toolkit/client` | the station service: drop folders, queue, uploads |
 * | `@wats/toolkit/converters` | converters from tester formats to WSJF |
 * | `@wats/toolkit/emulator` | a local WATS-compatible server |
 * | `@wats/toolkit/cli` | the `wats` command |
 *
 * @example Build a report, submit it, read it back
 * ```ts
 * import assert from "node:assert/strict";
 * import { createUutReport, Wats } from "@wats/toolkit";
 * import { serveEmulator } from "@wats/toolkit/emulator";
 *
 * await using emulator = await serveEmulator({ port: 0 });
 * const wats = new Wats({ baseUrl: emulator.url, token: emulator.token });
 * const report = createUutReport({
 *   pn: "PCB-1", sn: "SN-0001", rev: "A", processCode: 10,
 *   machineName: "station-7", location: "Line 1", purpose: "Production",
 * })
 *   .numericStep("Supply voltage", 3.31, { compOp: "GELE", low: 3.2, high: 3.4, unit: "V" })
 *   .passFailStep("Boot", true)
 *   .build();
 * const id = await wats.report.submit(report); // idempotent: the report id is the key
 * const stored = await wats.report.get(id);
 * assert.equal(stored.sn, "SN-0001"); // a strict client returns the report, never null
 * ```
 *
 * @module
 */

export { Wats, type WatsOptions } from "./api/wats.ts";
export { VERSION } from "./api/version.ts";
export type { ErrorMode, Found } from "./api/http/transport.ts";
export { headerFilter, type HeaderQuery } from "./api/services/report.ts";
export type { ReportHeader } from "./api/models/report_header.ts";

export {
  AuthenticationError,
  AuthorizationError,
  CircuitOpenError,
  type CircuitOpenErrorDetails,
  ConflictError,
  NetworkError,
  NotFoundError,
  RateLimitError,
  type RateLimitErrorDetails,
  ServerError,
  TimeoutError,
  UnexpectedResponseError,
  ValidationError,
  WatsError,
  type WatsErrorDetails,
} from "./api/http/errors.ts";

export {
  type BooleanMeasurement,
  type Comparable,
  type CompOp,
  createUurReport,
  createUutReport,
  evaluate,
  type NumericMeasurement,
  type NumericMeasurementInput,
  type NumericStepOptions,
  parseReport,
  type ParseReportOptions,
  type PassFailMeasurementInput,
  type Report,
  ReportBuilder,
  ReportFormatError,
  type ReportIssue,
  type ReportResult,
  type ReportSummary,
  reportSummary,
  safeParseReport,
  type SafeParseReportResult,
  SequenceBuilder,
  type SequenceOptions,
  serializeReport,
  type Step,
  type StepOptions,
  type StepStatus,
  type StringMeasurement,
  type StringMeasurementInput,
  type StringStepOptions,
  type UurFailureInput,
  type UurReport,
  type UurReportOptions,
  type UurSubUnitInput,
  type UurUnit,
  type UutReport,
  type UutReportOptions,
} from "./api/models/report/mod.ts";
