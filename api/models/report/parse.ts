/**
 * Reading reports: validate, normalise, and explain failures with paths.
 *
 * Normalising folds what readers accept into what writers send: loop `i`/`n` become `idx`/`num`,
 * a bare measurement object becomes a one-element array, comparison operators become upper case,
 * non-finite numbers become `"NaN"`/`"Inf"`/`"-Inf"`, and a misc-info `numeric` moves into
 * `text`. Unknown keys and step types are kept.
 *
 * Speed: the first parse compiles the report schema with `z.compile` (zod ≥ 4.6) into a single
 * function; valid reports take that path, invalid ones fall back to the regular parser so that the
 * issues are the same. On an older zod the regular parser does all the work.
 *
 * @module
 */
import type { z } from "zod";
import { compileSchema } from "./_primitives.ts";
import { FIXED, fixedPointCheck } from "./_fixed_point.ts";
import { formatIssuePath, ReportFormatError } from "./errors.ts";
import { type Report, report as reportSchema } from "./report.ts";

/**
 * Options of {@linkcode parseReport}.
 *
 * @category Reports
 */
export interface ParseReportOptions {
  /** Where the report came from (a file name); put in front of error messages. */
  source?: string;
}

/**
 * The outcome of {@linkcode safeParseReport}.
 *
 * @category Reports
 */
export type SafeParseReportResult =
  | { ok: true; report: Report }
  | { ok: false; error: ReportFormatError };

let compiled: z.ZodType<Report> | undefined;

function fastSchema(): z.ZodType<Report> {
  compiled ??= compileSchema(reportSchema);
  return compiled;
}

/**
 * Validates and normalises a report without throwing.
 *
 * @param input A parsed JSON value.
 * @param options Where the report came from.
 * @returns `{ ok: true, report }` or `{ ok: false, error }` with every issue and its path.
 *
 * @example Keep going on a bad report
 * ```ts
 * import assert from "node:assert/strict";
 * import { safeParseReport } from "@wats/toolkit";
 *
 * const result = safeParseReport(JSON.parse('{"type":"T"}'));
 * assert.equal(result.ok, false);
 * if (!result.ok) {
 *   const paths = result.error.issues.map((issue) => issue.path);
 *   assert.ok(paths.includes("id") && paths.includes("pn"));
 * }
 * ```
 *
 * @category Reports
 */
export function safeParseReport(
  input: unknown,
  options: ParseReportOptions = {},
): SafeParseReportResult {
  const result = fastSchema().safeParse(input);
  if (result.success) return { ok: true, report: result.data };
  const issues = result.error.issues.map((issue) => ({
    path: formatIssuePath(issue.path),
    message: issue.message,
  }));
  return { ok: false, error: new ReportFormatError(issues, { source: options.source }) };
}

/**
 * Validates and normalises a report (UUT or UUR).
 *
 * @param input A parsed JSON value.
 * @param options Where the report came from, for the error message.
 * @returns The report in its normal form.
 * @throws {ReportFormatError} When the input is not a valid WSJF report; the message lists the
 * first issues with their paths.
 *
 * @example Read a report file
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseReport } from "@wats/toolkit";
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
 * const report = parseReport(input, { source: "run.json" });
 * assert.equal(report.type, "T");
 * ```
 *
 * @category Reports
 */
export function parseReport(input: unknown, options: ParseReportOptions = {}): Report {
  const result = safeParseReport(input, options);
  if (!result.ok) throw result.error;
  return result.report;
}

/**
 * @internal Validates a report the caller owns, keeping it when it is already in normal form.
 *
 * {@linkcode parseReport} returns a copy. When the schema would return the input unchanged
 * (valid, every alias already in its normal spelling, known keys in the schema's order before
 * unknown ones) this returns the input itself, as decided by a check generated from the same
 * schema; otherwise it parses as {@linkcode parseReport} does, with the same result and errors.
 * For values nobody else holds and that are plain data: a converter's fresh objects, the result
 * of `JSON.parse` or `structuredClone`.
 *
 * @param input A report value nobody else will change.
 * @param options Where the report came from, for the error message; `site`, the caller, when it
 * builds reports of shapes of its own (see `fixedPointCheck`).
 * @returns The report in its normal form.
 * @throws {ReportFormatError} When the input is not a valid WSJF report.
 *
 * @category Report model
 */
export function adoptReport(
  input: unknown,
  options: ParseReportOptions & { site?: string } = {},
): Report {
  if (fixedPointCheck(reportSchema, options.site)(input) === FIXED) return input as Report;
  return parseReport(input, options);
}
