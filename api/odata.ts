/**
 * A typed builder for the OData `$filter` subset WATS understands.
 *
 * Strings are single-quoted with `'` doubled, so a serial number like `O'Brien-1` cannot break
 * the query; dates are converted to UTC and written as unquoted `YYYY-MM-DDTHH:MM:SSZ` literals, so
 * a station's local time never reaches the server with a false `Z`. Field names are checked by the
 * type system against the record being filtered.
 *
 * @module
 */

/**
 * A value an OData comparison can hold.
 *
 * @category OData
 */
export type ODataValue = string | number | boolean | Date | null;

/**
 * A filter expression; `String(expr)` or `.text` gives the `$filter` text.
 *
 * @category OData
 */
export interface ODataExpr {
  /** The `$filter` text. */
  readonly text: string;
  /** The same text, so an expression can stand where a string is expected. */
  toString(): string;
}

/**
 * Comparison operators of OData.
 *
 * @category OData
 */
export type ODataComparison = "eq" | "ne" | "gt" | "ge" | "lt" | "le";

/**
 * The builder functions, bound to the field names `F` of one record type.
 *
 * @category OData
 */
export interface ODataBuilder<F extends string> {
  /** `field eq value`. */
  eq(field: F, value: ODataValue): ODataExpr;
  /** `field ne value`. */
  ne(field: F, value: ODataValue): ODataExpr;
  /** `field gt value`. */
  gt(field: F, value: ODataValue): ODataExpr;
  /** `field ge value`. */
  ge(field: F, value: ODataValue): ODataExpr;
  /** `field lt value`. */
  lt(field: F, value: ODataValue): ODataExpr;
  /** `field le value`. */
  le(field: F, value: ODataValue): ODataExpr;
  /** `contains(field,'text')`. */
  contains(field: F, text: string): ODataExpr;
  /** `startswith(field,'text')`. */
  startsWith(field: F, text: string): ODataExpr;
  /** `field ge from and field le to`. */
  between(field: F, from: ODataValue, to: ODataValue): ODataExpr;
  /** All of the expressions; `undefined` entries are skipped. */
  and(...exprs: (ODataExpr | undefined)[]): ODataExpr;
  /** Any of the expressions; `undefined` entries are skipped. */
  or(...exprs: (ODataExpr | undefined)[]): ODataExpr;
  /** The negation. */
  not(expr: ODataExpr): ODataExpr;
  /**
   * `collection/any(x: …)`: true when one element matches; the inner builder names the element's
   * fields, e.g. `any("subUnits", (s) => s.eq("partNumber", "PCB-1"))`.
   */
  any(collection: string, inner: (element: ODataBuilder<string>) => ODataExpr): ODataExpr;
}

/**
 * Writes a value as an OData literal.
 *
 * @param value The value.
 * @returns `'text'` with `'` doubled, a number, `true`/`false`, `null`, or a UTC date-time.
 * @throws {RangeError} For a non-finite number or an invalid date.
 *
 * @example Escape a quote
 * ```ts
 * import assert from "node:assert/strict";
 * import { odataLiteral } from "@wats/toolkit/http";
 *
 * assert.equal(odataLiteral("O'Brien"), "'O''Brien'");
 * assert.equal(odataLiteral(new Date("2026-01-30T22:01:41+01:00")), "2026-01-30T21:01:41Z");
 * ```
 *
 * @category OData
 */
export function odataLiteral(value: ODataValue): string {
  if (value === null) return "null";
  if (typeof value === "string") return `'${value.replaceAll("'", "''")}'`;
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new RangeError(`OData cannot express the number ${value}`);
    return String(value);
  }
  if (Number.isNaN(value.getTime())) throw new RangeError("OData cannot express an invalid date");
  return value.toISOString().replace(/\.000Z$/, "Z");
}

function expr(text: string): ODataExpr {
  return { text, toString: () => text };
}

function checkField(field: string): string {
  if (!/^[A-Za-z_][\w]*(\/[A-Za-z_][\w]*)*$/.test(field)) {
    throw new TypeError(`Invalid OData field name: ${JSON.stringify(field)}`);
  }
  return field;
}

function join(op: "and" | "or", exprs: (ODataExpr | undefined)[]): ODataExpr {
  const parts = exprs.filter((e): e is ODataExpr => e !== undefined);
  if (parts.length === 0) throw new TypeError(`OData ${op} needs at least one expression`);
  if (parts.length === 1) return parts[0];
  return expr(parts.map((p) => `(${p.text})`).join(` ${op} `));
}

function makeBuilder<F extends string>(prefix: string, depth: number): ODataBuilder<F> {
  const name = (field: string) => `${prefix}${checkField(field)}`;
  const compare = (op: ODataComparison) => (field: F, value: ODataValue) =>
    expr(`${name(field)} ${op} ${odataLiteral(value)}`);
  return {
    eq: compare("eq"),
    ne: compare("ne"),
    gt: compare("gt"),
    ge: compare("ge"),
    lt: compare("lt"),
    le: compare("le"),
    contains: (field, text) => expr(`contains(${name(field)},${odataLiteral(text)})`),
    startsWith: (field, text) => expr(`startswith(${name(field)},${odataLiteral(text)})`),
    between: (field, from, to) =>
      expr(`${name(field)} ge ${odataLiteral(from)} and ${name(field)} le ${odataLiteral(to)}`),
    and: (...exprs) => join("and", exprs),
    or: (...exprs) => join("or", exprs),
    not: (inner) => expr(`not (${inner.text})`),
    any: (collection, inner) => {
      const alias = `x${depth}`;
      const body = inner(makeBuilder<string>(`${alias}/`, depth + 1));
      return expr(`${name(collection)}/any(${alias}: ${body.text})`);
    },
  };
}

/**
 * Creates a builder whose field names are checked against `F`.
 *
 * @returns The builder.
 *
 * @example Filter assets by state
 * ```ts
 * import assert from "node:assert/strict";
 * import { odataBuilder } from "@wats/toolkit/http";
 *
 * const q = odataBuilder<"state" | "serialNumber">();
 * assert.equal(
 *   String(q.and(q.eq("state", 1), q.contains("serialNumber", "DMM"))),
 *   "(state eq 1) and (contains(serialNumber,'DMM'))",
 * );
 * ```
 *
 * @category OData
 */
export function odataBuilder<F extends string>(): ODataBuilder<F> {
  return makeBuilder<F>("", 0);
}
