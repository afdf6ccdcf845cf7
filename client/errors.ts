/**
 * Errors of the station service that callers catch by type.
 *
 * @module
 */

/**
 * The queue holds as many pending reports as it may; the source file stays where it is.
 *
 * @example Refuse politely
 * ```ts
 * import assert from "node:assert/strict";
 * import { QueueFullError } from "@wats/toolkit/client";
 *
 * const error: unknown = new QueueFullError(10, 10);
 * assert.ok(error instanceof QueueFullError);
 * assert.deepEqual([error.pending, error.maxPending], [10, 10]);
 * ```
 */
export class QueueFullError extends Error {
  /** Pending envelopes when the report was refused. */
  readonly pending: number;
  /** The configured limit. */
  readonly maxPending: number;

  /**
   * Creates the error.
   *
   * @param pending Pending envelopes now.
   * @param maxPending The configured limit.
   */
  constructor(pending: number, maxPending: number) {
    super(`Queue full: ${pending} of ${maxPending} reports pending`);
    this.name = "QueueFullError";
    this.pending = pending;
    this.maxPending = maxPending;
  }
}

/**
 * The service configuration is missing or invalid; `exitCode` is the one the CLI exits with.
 *
 * @example Exit with the documented code
 * ```ts
 * import assert from "node:assert/strict";
 * import { ConfigError } from "@wats/toolkit/client";
 *
 * const error = new ConfigError(["config.json: server.url: expected a URL"], 22);
 * assert.equal(error.exitCode, 22);
 * assert.match(error.message, /server\.url/);
 * ```
 */
export class ConfigError extends Error {
  /** One line a problem, each naming the source and the key. */
  readonly problems: readonly string[];
  /** 21 when the file is missing, 22 when the configuration is invalid. */
  readonly exitCode: 21 | 22;

  /**
   * Creates the error.
   *
   * @param problems One line a problem.
   * @param exitCode 21 (not found) or 22 (invalid).
   */
  constructor(problems: readonly string[], exitCode: 21 | 22 = 22) {
    super(problems.join("\n"));
    this.name = "ConfigError";
    this.problems = problems;
    this.exitCode = exitCode;
  }
}
