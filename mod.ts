/**
 * The WATS toolkit: typed async services for the WATS manufacturing test-data platform, on native
 * `fetch`, with a sliding-window rate limiter, retries with full-jitter backoff and `Retry-After`,
 * a circuit breaker and one error hierarchy; and zod models of the WSJF report format with a
 * builder for converter authors.
 *
 * @example Build a report, submit it, read it back
 * ```ts ignore
 * import { createUutReport, Wats } from "@wats/toolkit";
 *
 * const wats = Wats.fromEnv(); // WATS_BASE_URL, WATS_TOKEN, WATS_TIMEOUT
 * const report = createUutReport({
 *   pn: "PCB-1", sn: "SN-0001", rev: "A", processCode: 10,
 *   machineName: "station-7", location: "Line 1", purpose: "Production",
 * })
 *   .numericStep("Supply voltage", 3.31, { compOp: "GELE", low: 3.2, high: 3.4, unit: "V" })
 *   .passFailStep("Boot", true)
 *   .build();
 * const id = await wats.report.submit(report); // idempotent: the report id is the key
 * console.log(await wats.report.get(id));
 * ```
 *
 * @module
 */

export { Wats, type WatsOptions } from "./api/wats.ts";
export { VERSION } from "./api/version.ts";

export {
  buildPath,
  type ErrorMode,
  type HttpMethod,
  normalizeBaseUrl,
  type QueryValue,
  type RequestSpec,
  Transport,
  type TransportOptions,
  type WatsResponse,
} from "./api/http/transport.ts";
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
export { type Clock, ManualClock, systemClock } from "./util/clock.ts";
export {
  type Limiter,
  RateLimiter,
  type RateLimiterOptions,
  type RateLimiterStats,
} from "./api/http/limiter.ts";
export {
  parseRetryAfter,
  retry,
  type RetryLoopOptions,
  type RetryOptions,
  RetryPolicy,
} from "./api/http/retry.ts";
export {
  type BreakerDecision,
  type BreakerState,
  CircuitBreaker,
  type CircuitBreakerOptions,
  type CircuitBreakerStats,
} from "./api/http/breaker.ts";

export {
  type ODataBuilder,
  odataBuilder,
  type ODataComparison,
  type ODataExpr,
  odataLiteral,
  type ODataValue,
} from "./api/odata.ts";

export { AppService, type ProcessQuery } from "./api/services/app.ts";
export {
  type GetReportOptions,
  type GetWsxfOptions,
  headerFilter,
  type HeaderQuery,
  ReportService,
  type SubmitOptions,
  submittedId,
} from "./api/services/report.ts";

export * from "./api/models/app.ts";
export * from "./api/models/report_header.ts";
export * from "./api/models/report/mod.ts";

export * from "./api/models/setting.ts";
export * from "./api/models/product.ts";
export * from "./api/models/bom.ts";
export * from "./api/models/production.ts";
export * from "./api/models/asset.ts";
export * from "./api/models/process.ts";
export * from "./api/services/product.ts";
export * from "./api/services/production.ts";
export * from "./api/services/serial_admin.ts";
export * from "./api/services/production_units.ts";
export * from "./api/models/production_units.ts";
export * from "./api/services/asset.ts";
export * from "./api/services/asset_alarm.ts";
export * from "./api/services/asset_files.ts";
export * from "./api/services/process.ts";
export * from "./api/models/analytics.ts";
export * from "./api/models/dimensions.ts";
export * from "./api/models/analytics_results.ts";
export * from "./api/models/measurement_results.ts";
export * from "./api/models/unit_flow.ts";
export * from "./api/models/analytics_internal.ts";
export * from "./api/models/software.ts";
export * from "./api/models/rootcause.ts";
export * from "./api/models/scim.ts";
export * from "./api/models/manual_inspection.ts";
export { AnalyticsService, type OperationAnalysisOptions } from "./api/services/analytics.ts";
export * from "./api/services/analytics_internal.ts";
export {
  type PackageByNameQuery,
  SoftwareService,
  type UploadZipOptions,
} from "./api/services/software.ts";
export * from "./api/services/software_internal.ts";
export {
  RootCauseService,
  type TicketFile,
  type TicketInput,
  type TicketQuery,
} from "./api/services/rootcause.ts";
export { type ScimIterateOptions, type ScimPageQuery, ScimService } from "./api/services/scim.ts";
export { ManualInspectionService } from "./api/services/manual_inspection.ts";
export * from "./api/services/manual_inspection_runtime.ts";
