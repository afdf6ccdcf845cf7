/**
 * The error a report that does not fit WSJF raises, with one issue per problem and the path to
 * each (`root.steps[2].numericMeas[0].compOp`).
 *
 * @module
 */

/**
 * One problem in a report.
 *
 * @category Errors
 */
export interface ReportIssue {
  /** Where, e.g. `root.steps[2].numericMeas[0].compOp`; `(report)` for the whole input. */
  path: string;
  /** What is wrong. */
  message: string;
}

/** How many issues an error message lists. */
const LISTED = 3;

/**
 * Writes a path as a reader would: keys joined by dots, indexes in brackets.
 *
 * @param path Keys and indexes from the report's root.
 * @returns E.g. `root.steps[2].numericMeas[0].compOp`, or `(report)` for the empty path.
 *
 * @category Report model
 */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out === "" ? String(key) : `.${String(key)}`;
  }
  return out === "" ? "(report)" : out;
}

/**
 * Options of {@linkcode ReportFormatError}.
 *
 * @category Report model
 */
export interface ReportFormatErrorOptions {
  /** Where the report came from (a file name), put in front of the message. */
  source?: string;
  /** The underlying error. */
  cause?: unknown;
}

/**
 * A report does not fit WSJF. The message names the first few problems with their paths; all of
 * them are in {@linkcode ReportFormatError.issues}.
 *
 * @example Show what is wrong
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseReport, ReportFormatError } from "@wats/toolkit";
 *
 * const error = (() => {
 *   try {
 *     parseReport({ type: "T" }, { source: "station7/run.json" });
 *   } catch (error) {
 *     return error;
 *   }
 * })();
 * assert.ok(error instanceof ReportFormatError);
 * const lines = error.issues.map((issue) => `${issue.path}: ${issue.message}`);
 * assert.ok(lines.some((line) => line.startsWith("pn: ")));
 * ```
 *
 * @category Errors
 */
export class ReportFormatError extends Error {
  /** Every problem found, in document order. */
  readonly issues: ReportIssue[];
  /** Where the report came from, when the caller said. */
  readonly source: string | null;

  /**
   * Creates the error.
   *
   * @param issues The problems found; at least one.
   * @param options The source name and cause.
   */
  constructor(issues: ReportIssue[], options: ReportFormatErrorOptions = {}) {
    const listed = issues.slice(0, LISTED).map((issue) => `${issue.path}: ${issue.message}`);
    const more = issues.length > LISTED ? `; and ${issues.length - LISTED} more` : "";
    const prefix = options.source ? `${options.source}: ` : "";
    super(`${prefix}Report is not valid WSJF: ${listed.join("; ")}${more}`, {
      cause: options.cause,
    });
    this.name = "ReportFormatError";
    this.issues = issues;
    this.source = options.source ?? null;
  }
}
