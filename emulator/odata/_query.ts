/**
 * Turns a parsed `$filter` into a predicate over plain records, checked against a schema of
 * known fields, and evaluates `$orderby`. String comparisons ignore case, as SQL Server's default
 * collation (behind every WATS server) does; date fields compare as instants.
 *
 * @module
 */
import { type FilterNode, ODataError, parseFilter } from "./odata.ts";
import type { Rec } from "../_records.ts";

/** Type of a queryable field. */
export type FieldType = "string" | "number" | "date" | "boolean";

/** Fields a filter may name; keys are the canonical (record) names. */
export interface FilterSchema {
  /** Scalar fields of the record. */
  fields: Record<string, FieldType>;
  /** Collections usable with `any`/`all`, with the fields of their items. */
  collections?: Record<string, Record<string, FieldType>>;
  /** Other names accepted for a field (e.g. `start` for `startUtc`). */
  aliases?: Record<string, string>;
}

type Scope = Map<string, { item: Rec; fields: Record<string, FieldType> }>;
type ValueType = FieldType | "null" | "any";
interface Compiled {
  type: ValueType;
  get(record: Rec, scope: Scope): unknown;
}
interface Context {
  schema: FilterSchema;
  variables: Map<string, Record<string, FieldType>>;
}

function lookup<T>(map: Record<string, T>, name: string): [string, T] | undefined {
  if (name in map) return [name, map[name]];
  const lower = name.toLowerCase();
  for (const key of Object.keys(map)) if (key.toLowerCase() === lower) return [key, map[key]];
  return undefined;
}

function resolveField(schema: FilterSchema, name: string): [string, FieldType] | undefined {
  const alias = schema.aliases ? lookup(schema.aliases, name) : undefined;
  return lookup(schema.fields, alias ? alias[1] : name);
}

function toTime(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "number") return value;
  const ms = Date.parse(String(value));
  return Number.isNaN(ms) ? null : ms;
}

function coerce(value: unknown, type: ValueType): unknown {
  if (value === null || value === undefined) return null;
  if (type === "date") return toTime(value);
  if (type === "number") return typeof value === "number" ? value : Number(value);
  if (type === "string") return String(value).toLowerCase();
  return value;
}

function compareValues(a: unknown, b: unknown): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (typeof a === "boolean" && typeof b === "boolean") return Number(a) - Number(b);
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

function literalType(node: FilterNode & { kind: "literal" }): ValueType {
  if (node.type === "datetime") return "date";
  if (node.type === "guid") return "string";
  if (node.type === "null") return "null";
  return node.type;
}

function compileField(node: FilterNode & { kind: "field" }, ctx: Context): Compiled {
  const [head, ...rest] = node.path;
  const variable = ctx.variables.get(head);
  if (variable) {
    if (rest.length !== 1) {
      throw new ODataError(`Expected '${head}/<field>' inside the lambda`, node.pos);
    }
    const found = lookup(variable, rest[0]);
    if (!found) throw new ODataError(`Unknown field '${rest[0]}' of '${head}'`, node.pos);
    const [key, type] = found;
    return { type, get: (_record, scope) => scope.get(head)?.item[key] ?? null };
  }
  const found = resolveField(ctx.schema, node.path.join("/"));
  if (!found) throw new ODataError(`Unknown field '${node.path.join("/")}'`, node.pos);
  const [key, type] = found;
  return { type, get: (record) => record[key] ?? null };
}

const STRING_FUNCTIONS: Record<string, (s: string, t: string) => boolean> = {
  contains: (s, t) => s.includes(t),
  startswith: (s, t) => s.startsWith(t),
  endswith: (s, t) => s.endsWith(t),
  substringof: (t, s) => s.includes(t),
};

function compileCall(node: FilterNode & { kind: "call" }, ctx: Context): Compiled {
  const args = node.args.map((arg) => compileNode(arg, ctx));
  const predicate = STRING_FUNCTIONS[node.name];
  if (predicate) {
    if (args.length !== 2) throw new ODataError(`${node.name}() takes two arguments`, node.pos);
    const [a, b] = args;
    return {
      type: "boolean",
      get(record, scope) {
        const x = a.get(record, scope);
        const y = b.get(record, scope);
        if (x === null || y === null) return false;
        return predicate(String(x).toLowerCase(), String(y).toLowerCase());
      },
    };
  }
  const unary: Record<string, [ValueType, (s: string) => unknown]> = {
    tolower: ["string", (s) => s.toLowerCase()],
    toupper: ["string", (s) => s.toUpperCase()],
    trim: ["string", (s) => s.trim()],
    length: ["number", (s) => s.length],
  };
  const fn = unary[node.name];
  if (!fn) throw new ODataError(`Unknown function '${node.name}'`, node.pos);
  if (args.length !== 1) throw new ODataError(`${node.name}() takes one argument`, node.pos);
  const [type, apply] = fn;
  return {
    type,
    get(record, scope) {
      const value = args[0].get(record, scope);
      return value === null ? null : apply(String(value));
    },
  };
}

function compileLambda(node: FilterNode & { kind: "lambda" }, ctx: Context): Compiled {
  const name = node.path.join("/");
  const found = ctx.schema.collections ? lookup(ctx.schema.collections, name) : undefined;
  if (!found) throw new ODataError(`Unknown collection '${name}'`, node.pos);
  const [key, fields] = found;
  let body: Compiled | undefined;
  if (node.body && node.variable) {
    const variables = new Map(ctx.variables).set(node.variable, fields);
    body = compileNode(node.body, { ...ctx, variables });
  }
  const variable = node.variable ?? "";
  return {
    type: "boolean",
    get(record, scope) {
      const items = Array.isArray(record[key]) ? record[key] as Rec[] : [];
      if (!body) return node.quantifier === "any" ? items.length > 0 : true;
      const test = (item: Rec) =>
        body!.get(record, new Map(scope).set(variable, { item, fields })) === true;
      return node.quantifier === "any" ? items.some(test) : items.every(test);
    },
  };
}

function compileCompare(node: FilterNode & { kind: "compare" }, ctx: Context): Compiled {
  const left = compileNode(node.left, ctx);
  const right = compileNode(node.right, ctx);
  const typed = [left.type, right.type].find((t) => t !== "null" && t !== "any") ?? "any";
  for (const side of [node.left, node.right]) {
    if (side.kind === "literal" && typed === "date" && side.type === "string") {
      if (Number.isNaN(Date.parse(String(side.value)))) {
        throw new ODataError(`'${side.value}' is not a date-time`, side.pos);
      }
    }
  }
  const op = node.op;
  return {
    type: "boolean",
    get(record, scope) {
      const a = coerce(left.get(record, scope), typed);
      const b = coerce(right.get(record, scope), typed);
      if (a === null || b === null) {
        if (op === "eq") return a === b;
        if (op === "ne") return a !== b;
        return false;
      }
      const order = compareValues(a, b);
      switch (op) {
        case "eq":
          return order === 0;
        case "ne":
          return order !== 0;
        case "gt":
          return order > 0;
        case "ge":
          return order >= 0;
        case "lt":
          return order < 0;
        case "le":
          return order <= 0;
      }
    },
  };
}

function compileNode(node: FilterNode, ctx: Context): Compiled {
  switch (node.kind) {
    case "or":
    case "and": {
      const left = compileBoolean(node.left, ctx);
      const right = compileBoolean(node.right, ctx);
      const isAnd = node.kind === "and";
      return {
        type: "boolean",
        get: (record, scope) =>
          isAnd
            ? left.get(record, scope) === true && right.get(record, scope) === true
            : left.get(record, scope) === true || right.get(record, scope) === true,
      };
    }
    case "not": {
      const operand = compileBoolean(node.operand, ctx);
      return { type: "boolean", get: (record, scope) => operand.get(record, scope) !== true };
    }
    case "compare":
      return compileCompare(node, ctx);
    case "call":
      return compileCall(node, ctx);
    case "lambda":
      return compileLambda(node, ctx);
    case "field":
      return compileField(node, ctx);
    case "literal":
      return { type: literalType(node), get: () => node.value };
  }
}

function compileBoolean(node: FilterNode, ctx: Context): Compiled {
  const compiled = compileNode(node, ctx);
  if (compiled.type !== "boolean" && compiled.type !== "any") {
    throw new ODataError("Expected a condition (a comparison or a boolean)", node.pos);
  }
  return compiled;
}

/**
 * Compile a `$filter` into a predicate.
 *
 * @param text the filter expression
 * @param schema the fields it may name
 * @returns a predicate over records keyed by canonical field names
 * @throws {ODataError} on a syntax error or an unknown field
 */
export function compileFilter(text: string, schema: FilterSchema): (record: Rec) => boolean {
  const compiled = compileBoolean(parseFilter(text), { schema, variables: new Map() });
  const empty: Scope = new Map();
  return (record) => compiled.get(record, empty) === true;
}

/** One `$orderby` key. */
export interface OrderKey {
  field: string;
  type: FieldType;
  descending: boolean;
}

/**
 * Parse `$orderby` (`field [asc|desc], …`).
 *
 * @throws {ODataError} on an unknown field or direction
 */
export function parseOrderBy(text: string, schema: FilterSchema): OrderKey[] {
  const keys: OrderKey[] = [];
  let offset = 0;
  for (const part of text.split(",")) {
    const words = part.trim().split(/\s+/);
    const position = offset + part.indexOf(words[0]);
    offset += part.length + 1;
    if (words[0] === "") throw new ODataError("Expected a field name in $orderby", position);
    const found = resolveField(schema, words[0]);
    if (!found) throw new ODataError(`Unknown field '${words[0]}' in $orderby`, position);
    const direction = (words[1] ?? "asc").toLowerCase();
    if ((direction !== "asc" && direction !== "desc") || words.length > 2) {
      throw new ODataError(`Expected 'asc' or 'desc' after '${words[0]}' in $orderby`, position);
    }
    keys.push({ field: found[0], type: found[1], descending: direction === "desc" });
  }
  return keys;
}

/** Compare two records by order keys (nulls first ascending, as SQL Server sorts). */
export function compareByKeys(keys: readonly OrderKey[], a: Rec, b: Rec): number {
  for (const key of keys) {
    const x = coerce(a[key.field], key.type);
    const y = coerce(b[key.field], key.type);
    let order: number;
    if (x === null || y === null) order = x === y ? 0 : x === null ? -1 : 1;
    else order = compareValues(x, y);
    if (order !== 0) return key.descending ? -order : order;
  }
  return 0;
}
