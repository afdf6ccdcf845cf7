/**
 * Validation of server answers against the models, shared by every service.
 *
 * @module
 */

import type { Schema } from "../models/report/schema.ts";
import { UnexpectedResponseError } from "../http/errors.ts";

/**
 * Checks a server answer against a schema; a mismatch names the operation and the field.
 *
 * @param schema The model of the answer.
 * @param data The parsed body.
 * @param operation The client operation, for the message.
 * @returns The validated value.
 * @throws {UnexpectedResponseError} When the answer does not fit the model.
 */
export function parseResponse<T>(schema: Schema<T>, data: unknown, operation: string): T {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue.path.map((p) => typeof p === "number" ? `[${p}]` : `.${String(p)}`).join("")
    .replace(/^\./, "");
  throw new UnexpectedResponseError(
    `${operation} failed: the server's answer does not fit the model at ${
      path || "(root)"
    }: ${issue.message}`,
    { operation },
  );
}
