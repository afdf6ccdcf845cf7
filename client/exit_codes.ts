/**
 * The exit codes of every `wats` command, so scripts and service managers can tell failures
 * apart.
 *
 * @module
 */

/**
 * Exit codes by meaning (`client-service.md` §1.6, plus 34 and 35: `wats status` of a service
 * whose health is `degraded` or `failing`).
 */
export const EXIT_CODES: {
  readonly ok: 0;
  readonly error: 1;
  readonly missingRequirements: 2;
  readonly interrupted: 3;
  readonly permissionDenied: 14;
  readonly configError: 20;
  readonly configNotFound: 21;
  readonly configInvalid: 22;
  readonly startFailed: 30;
  readonly stopFailed: 31;
  readonly notRunning: 32;
  readonly timedOut: 33;
  readonly degraded: 34;
  readonly failing: 35;
  readonly networkError: 40;
  readonly serverUnreachable: 41;
  readonly authFailed: 42;
} = {
  ok: 0,
  error: 1,
  missingRequirements: 2,
  interrupted: 3,
  permissionDenied: 14,
  configError: 20,
  configNotFound: 21,
  configInvalid: 22,
  startFailed: 30,
  stopFailed: 31,
  notRunning: 32,
  timedOut: 33,
  degraded: 34,
  failing: 35,
  networkError: 40,
  serverUnreachable: 41,
  authFailed: 42,
};

const MESSAGES: Readonly<Record<number, string>> = {
  0: "Success",
  1: "Error",
  2: "Missing requirements",
  3: "Interrupted",
  10: "Already installed",
  11: "Not installed",
  12: "Install failed",
  13: "Uninstall failed",
  14: "Permission denied",
  20: "Configuration error",
  21: "Configuration not found",
  22: "Configuration invalid",
  30: "Service start failed",
  31: "Service stop failed",
  32: "Service not running",
  33: "Timed out",
  34: "Service degraded",
  35: "Service failing",
  40: "Network error",
  41: "Server unreachable",
  42: "Authentication failed",
};

/**
 * Describes an exit code.
 *
 * @param code The exit code.
 * @returns Its meaning, or `Unknown error (code N)`.
 *
 * @example Explain an exit code
 * ```ts
 * import assert from "node:assert/strict";
 * import { describeExitCode } from "@wats/toolkit/client";
 *
 * assert.equal(describeExitCode(42), "Authentication failed");
 * assert.equal(describeExitCode(99), "Unknown error (code 99)");
 * ```
 */
export function describeExitCode(code: number): string {
  return MESSAGES[code] ?? `Unknown error (code ${code})`;
}
