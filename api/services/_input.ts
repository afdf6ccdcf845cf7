/**
 * Checks of what callers hand the services, before anything is sent, and reading of the plain
 * answers (`true`, an id in quotes) some routes give.
 *
 * @module
 */

import type { Schema } from "../models/report/schema.ts";

/**
 * Validates a request body against its model; a mismatch names the operation and the field.
 *
 * @param schema The model.
 * @param value What the caller gave.
 * @param operation The client operation, for the message.
 * @returns The validated (and trimmed) value.
 * @throws {TypeError} When the value does not fit; nothing is sent then.
 */
export function checkInput<T>(schema: Schema<T>, value: unknown, operation: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue.path.map(String).join(".") || "(root)";
  throw new TypeError(`${operation} refused the input at ${path}: ${issue.message}`);
}

/**
 * A required, non-blank text argument.
 *
 * @param value The argument.
 * @param what Its name, for the message.
 * @param operation The client operation, for the message.
 * @returns The trimmed text.
 * @throws {TypeError} When it is missing or blank.
 */
export function requireText(value: unknown, what: string, operation: string): string {
  if (typeof value !== "string" || value.trim() === "") {
    throw new TypeError(`${operation} needs ${what}`);
  }
  return value.trim();
}

/**
 * Reads a success flag: `true`, `"true"`, or an empty 2xx body (`null`) mean success.
 *
 * @param data The parsed answer.
 * @returns Whether the server reported success.
 */
export function isSuccess(data: unknown): boolean {
  if (data === null || data === undefined) return true;
  if (typeof data === "boolean") return data;
  if (typeof data === "string") return data.trim().toLowerCase() !== "false";
  return true;
}

/**
 * Reads a bare id answer: a JSON string, quoted text or plain text.
 *
 * @param data The parsed answer.
 * @returns The id, or `null` when the answer holds none.
 */
export function bareId(data: unknown): string | null {
  if (typeof data !== "string") return null;
  const id = data.trim().replace(/^"|"$/g, "");
  return id === "" ? null : id;
}

/**
 * Fills the documented defaults a caller left out, so that a create carries them explicitly (as
 * pyWATS sends them) and a server that does not default a field still gets a valid entity.
 *
 * @param value What the caller gave.
 * @param defaults The documented defaults.
 * @returns A copy with each absent (`undefined`) default filled in; given values are kept.
 */
export function withDefaults<T extends object>(value: T, defaults: Partial<T>): T {
  const out = { ...value } as Record<string, unknown>;
  for (const [key, fallback] of Object.entries(defaults)) {
    if (out[key] === undefined) out[key] = fallback;
  }
  return out as T;
}
