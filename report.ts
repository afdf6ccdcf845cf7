/**
 * The WSJF report model: UUT (test) and UUR (repair) reports as zod schemas with their types, the
 * builder, and the functions that read, write, evaluate and summarise reports; and the header rows
 * that report queries return.
 *
 * The root module (`@wats/toolkit`) re-exports the names most programs use (the builder,
 * `parseReport`, `serializeReport`, `evaluate`, the report types); this entry point holds the
 * whole model, for converter authors and tools that validate or take reports apart.
 *
 * ## Schemas
 *
 * Every schema (`ReportSchema`, `UutReportSchema`, `StepSchema`, `NumericMeasurementSchema`, …)
 * is exported with its inferred type of the same name. Reading is lossless: unknown keys and step
 * types are kept, so a parsed report serialises and parses again to an equal value.
 *
 * ## Header rows
 *
 * {@linkcode ReportHeader} is one row of a header query (`wats.report.query()`), validated by
 * {@linkcode ReportHeaderSchema}.
 *
 * @example Build a report, validate its wire form, and summarise it
 * ```ts
 * import assert from "node:assert/strict";
 * import {
 *   createUutReport,
 *   reportSummary,
 *   serializeReport,
 *   UutReportSchema,
 * } from "@wats/toolkit/report";
 *
 * const report = createUutReport({
 *   pn: "PCBA-100",
 *   sn: "SN0001",
 *   rev: "A",
 *   processCode: 10,
 *   start: "2026-01-30T22:01:41.470+01:00",
 * })
 *   .numericStep("Supply 5V", 5.02, { compOp: "GELE", low: 4.9, high: 5.1, unit: "V" })
 *   .build();
 * const wire = serializeReport(report);
 * assert.equal(UutReportSchema.safeParse(wire).success, true);
 * assert.equal(reportSummary(report).result, "P");
 * ```
 *
 * @module
 */

export * from "./api/models/report/mod.ts";
export * from "./api/models/report_header.ts";
