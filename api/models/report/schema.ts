/**
 * The public face of the report schemas.
 *
 * Every schema in this folder is a zod v4 schema at runtime. It is typed as {@linkcode Schema}
 * rather than zod's own `ZodType` because the documentation linter and JSR's fast type check
 * would otherwise reach into zod's declarations: `Schema<T>` promises `parse`, `safeParse` and the
 * Standard Schema v1 interface, which is what callers use. To compose a report schema into a zod
 * schema of your own, cast it: `ReportSchema as unknown as z.ZodType<Report>`.
 *
 * @module
 */

/**
 * One problem a schema found, with the path to the offending value.
 *
 * @category Report model
 */
export interface SchemaIssue {
  /** The kind of problem, e.g. `invalid_type` or `custom`. */
  readonly code: string;
  /** Keys and indexes from the input's root to the offending value. */
  readonly path: readonly PropertyKey[];
  /** What is wrong, in words. */
  readonly message: string;
}

/**
 * The error a failed {@linkcode Schema.parse} throws (a zod `ZodError`).
 *
 * @category Report model
 */
export interface SchemaError extends Error {
  /** Every problem found. */
  readonly issues: readonly SchemaIssue[];
}

/**
 * The outcome of {@linkcode Schema.safeParse}.
 *
 * @category Report model
 */
export type SchemaResult<T> =
  | { readonly success: true; readonly data: T }
  | { readonly success: false; readonly error: SchemaError };

/**
 * A Standard Schema v1 result (see https://standardschema.dev).
 *
 * @category Report model
 */
export type StandardResult<T> =
  | { readonly value: T; readonly issues?: undefined }
  | {
    readonly issues: readonly {
      readonly message: string;
      readonly path?: readonly (PropertyKey | { readonly key: PropertyKey })[] | undefined;
    }[];
  };

/**
 * The Standard Schema v1 properties, for libraries that accept any standard schema.
 *
 * @category Report model
 */
export interface StandardProps<T> {
  /** The Standard Schema version, always 1. */
  readonly version: 1;
  /** The library behind the schema (`zod`). */
  readonly vendor: string;
  /**
   * Validates a value.
   *
   * @param value The value to validate.
   * @returns The parsed value or the issues found.
   */
  readonly validate: (value: unknown) => StandardResult<T> | Promise<StandardResult<T>>;
}

/**
 * A schema that turns unknown input into a `T` or explains why it cannot.
 *
 * @typeParam T The parsed (output) type.
 *
 * @example Validate a value
 * ```ts
 * import assert from "node:assert/strict";
 * import { StepSchema } from "@wats/toolkit/report";
 *
 * const result = StepSchema.safeParse({ stepType: "Action", name: "Init", status: "D" });
 * assert.equal(result.success, true);
 * assert.equal(StepSchema.safeParse({ name: 7 }).success, false);
 * ```
 *
 * @category Report model
 */
export interface Schema<T> {
  /**
   * Parses input into a `T`.
   *
   * @param input Any value, typically from `JSON.parse`.
   * @returns The parsed value.
   * @throws {SchemaError} When the input does not fit.
   */
  parse(input: unknown): T;
  /**
   * Parses input into a `T` without throwing.
   *
   * @param input Any value, typically from `JSON.parse`.
   * @returns The parsed value or the error.
   */
  safeParse(input: unknown): SchemaResult<T>;
  /** The Standard Schema v1 interface. */
  readonly "~standard": StandardProps<T>;
}
