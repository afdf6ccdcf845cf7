/**
 * Fixed-point checks generated from a zod schema: does the schema take a value exactly as it is?
 *
 * A zod parse builds a new value: objects are copied key by key, folds rewrite aliases, optional
 * keys are left out. When the input already is what the parse would build (valid, every fold a
 * no-op, known keys in the schema's order before unknown ones) the copy equals the input, and a
 * caller that owns the input can keep it instead of paying for the copy. That is the common case
 * for reports a converter has just built.
 *
 * {@linkcode fixedPointCheck} walks the schema's definition once and generates JavaScript for it
 * (with `new Function`, as zod's own compiler does): a function per object schema, everything
 * else written inline. A check answers:
 * - `FIXED` (0): the schema accepts the value and its output equals the value;
 * - `REJECTED` (1): the schema certainly refuses the value (only said where that is plain, such as
 *   a string where a number belongs, so unions can skip an option);
 * - `UNSURE` (2): anything else; the caller parses with zod as usual.
 *
 * The schema stays the one source of truth: lengths, formats and custom checks run zod's own check
 * objects (the common ones inlined from their definitions), folds run the schema's own functions,
 * and any node kind not modelled here answers `UNSURE`. "Equal" means equal as data: the same own
 * enumerable string keys in the same order with equal values. The input is expected to be plain
 * data (JSON-like objects and arrays), which is what converters, `JSON.parse` and
 * `structuredClone` produce.
 *
 * @module
 */
import type { z } from "zod";

/** The schema takes the value as it is. */
export const FIXED = 0;
/** The schema refuses the value. */
export const REJECTED = 1;
/** Not decided here: parse with zod. */
export const UNSURE = 2;

/** A generated check: {@linkcode FIXED}, {@linkcode REJECTED} or {@linkcode UNSURE}. */
export type FixedPointCheck = (value: unknown) => 0 | 1 | 2;

interface Internals {
  def: Record<string, unknown> & { type: string; checks?: CheckLike[] };
  traits: Set<string>;
  optin?: string;
  optout?: string;
  check?: (payload: Payload) => unknown;
  propValues?: Record<string, Set<unknown>>;
}

interface CheckLike {
  _zod: Internals;
}

interface Payload {
  value: unknown;
  issues: unknown[];
}

/** Schemas that stand for another schema at parse time (recursion hops), and how to reach it. */
const STAND_INS = new WeakMap<object, () => unknown>();

/** Custom checks that also answer from the values of a few keys, and how. */
const FIELD_CHECKS = new WeakMap<
  object,
  { keys: string[]; fits: (...values: never[]) => boolean }
>();

/**
 * Marks a custom check (the function given to zod's `.check`) as deciding from the values of
 * `keys` alone, through `fits(...values)`: true exactly when the check reports no issue.
 *
 * Generated code then reads those keys itself and calls `fits`, instead of handing the whole
 * object to the check, whose reads of it would have to serve every shape every caller builds.
 *
 * @param check The function given to `.check`.
 * @param keys The keys it reads.
 * @param fits Whether the values of those keys, in that order, pass.
 */
export function markFieldCheck<A extends unknown[]>(
  check: object,
  keys: string[],
  fits: (...values: A) => boolean,
): void {
  FIELD_CHECKS.set(check, { keys, fits: fits as unknown as (...values: never[]) => boolean });
}

/**
 * Marks `schema` as validating through `target()`, so that generated checks follow the hop.
 *
 * @param schema The hop (a transform that parses with the target).
 * @param target The schema it parses with.
 */
export function markStandIn(schema: object, target: () => unknown): void {
  STAND_INS.set(schema, target);
}

/** Runs one of zod's check objects on a value the way zod's parser does, with a pooled payload. */
const pool: Payload[] = [];
function runCheck(check: CheckLike, value: unknown): 0 | 2 {
  const payload = pool.pop() ?? { value: undefined, issues: [] };
  payload.value = value;
  const when = check._zod.def.when as ((p: Payload) => boolean) | undefined;
  if (when === undefined || when(payload)) check._zod.check!(payload);
  const clean = payload.issues.length === 0 && payload.value === value;
  payload.issues.length = 0;
  payload.value = undefined;
  pool.push(payload);
  return clean ? FIXED : UNSURE;
}

/** zod's GUID pattern, for which {@linkcode isGuid} stands in. */
export const GUID_PATTERN =
  "^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$";

const HEX_DIGIT = new Uint8Array(128);
for (const c of "0123456789abcdefABCDEF") HEX_DIGIT[c.charCodeAt(0)] = 1;

/**
 * What {@linkcode GUID_PATTERN} matches, read without a regular expression: matching that pattern
 * costs more than the rest of a report header together. Exported for its test against the pattern.
 *
 * @param text The text.
 * @returns Whether it is 8-4-4-4-12 hex digits joined by hyphens.
 */
export function isGuid(text: string): boolean {
  if (text.length !== 36) return false;
  for (let i = 0; i < 36; i++) {
    const c = text.charCodeAt(i);
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (c !== 0x2d) return false;
    } else if (c > 0x7f || HEX_DIGIT[c] === 0) return false;
  }
  return true;
}

/** zod's pattern for an ISO date-time with an offset or local time, for which {@linkcode isIsoDateTime} stands in. */
export const DATE_TIME_PATTERN =
  "^(?:(?:\\d\\d[2468][048]|\\d\\d[13579][26]|\\d\\d0[48]|[02468][048]00|[13579][26]00)-02-29|\\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\\d|30)|(?:02)-(?:0[1-9]|1\\d|2[0-8])))T(?:(?:[01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d(?:\\.\\d+)?(?:Z|([+-](?:[01]\\d|2[0-3]):[0-5]\\d))|(?:[01]\\d|2[0-3]):[0-5]\\d(?::[0-5]\\d(?:\\.\\d+)?)?)$";

/** Two ASCII digits at `at` as a number, or -1. */
function twoDigits(text: string, at: number): number {
  const a = text.charCodeAt(at) - 0x30;
  const b = text.charCodeAt(at + 1) - 0x30;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

const DAYS = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * What {@linkcode DATE_TIME_PATTERN} matches, read without the regular expression: a calendar
 * date (29 February in leap years only), `T`, then either `HH:mm:ss[.f…]` with `Z` or `±HH:mm`,
 * or local time `HH:mm[:ss[.f…]]`. Exported for its test against the pattern.
 *
 * @param text The text.
 * @returns Whether the pattern matches it.
 */
export function isIsoDateTime(text: string): boolean {
  const n = text.length;
  if (n < 16 || text.charCodeAt(4) !== 0x2d || text.charCodeAt(7) !== 0x2d) return false;
  if (text.charCodeAt(10) !== 0x54 || text.charCodeAt(13) !== 0x3a) return false;
  const century = twoDigits(text, 0);
  const yy = twoDigits(text, 2);
  const month = twoDigits(text, 5);
  const day = twoDigits(text, 8);
  if (century < 0 || yy < 0 || month < 1 || month > 12 || day < 1) return false;
  if (month === 2 && day === 29) {
    if (yy === 0 ? century % 4 !== 0 : yy % 4 !== 0) return false;
  } else if (day > DAYS[month]) return false;
  const hour = twoDigits(text, 11);
  const minute = twoDigits(text, 14);
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59) return false;
  if (n === 16) return true;
  if (text.charCodeAt(16) !== 0x3a) return false;
  const second = twoDigits(text, 17);
  if (second < 0 || second > 59) return false;
  let i = 19;
  if (i < n && text.charCodeAt(i) === 0x2e) {
    const first = ++i;
    while (i < n && text.charCodeAt(i) >= 0x30 && text.charCodeAt(i) <= 0x39) i++;
    if (i === first) return false;
  }
  if (i === n) return true;
  const zone = text.charCodeAt(i);
  if (zone === 0x5a) return i + 1 === n;
  if ((zone !== 0x2b && zone !== 0x2d) || i + 6 !== n || text.charCodeAt(i + 3) !== 0x3a) {
    return false;
  }
  const zoneHour = twoDigits(text, i + 1);
  const zoneMinute = twoDigits(text, i + 4);
  return zoneHour >= 0 && zoneHour <= 23 && zoneMinute >= 0 && zoneMinute <= 59;
}

const PATTERN_FORMATS = ["$ZodGUID", "$ZodUUID", "$ZodISODateTime", "$ZodISODate", "$ZodISOTime"];

type Node = { _zod: Internals };

/**
 * Stands for "the value is refused" in generated code until the enclosing construct says what
 * that does: `return 1` in a function of its own, a jump to the next option inside a union.
 */
const REFUSE = "\u0001";

/** Code that calls a generated check and passes its answer on. */
function passOn(call: string): string {
  return `{ const r = ${call}; if (r !== 0) { if (r === 1) ${REFUSE} return 2; } }`;
}

/**
 * Writes the check as JavaScript. Each node becomes code on a variable that returns 1 or 2 from
 * the enclosing function when the value is refused or in doubt, and falls through when the node
 * takes it as is. A refusal anywhere below an object, array, pipe or optional refuses the whole,
 * so returning it from the enclosing function is right; inside a union it goes on to the next
 * option instead. Objects, discriminated unions and recursion hops are functions of their own,
 * which keeps the code finite for recursive schemas.
 */
class Generator {
  readonly #names = new Map<object, string>();
  readonly #bodies: string[] = [];
  readonly #consts: unknown[] = [];
  #vars = 0;

  /** The name of the function checking `schema`, generating it on first use. */
  fn(schema: unknown): string {
    const node = schema as Node;
    const known = this.#names.get(node);
    if (known !== undefined) return known;
    const name = `f${this.#names.size}`;
    this.#names.set(node, name);
    const code = this.#code(node, "v", true).replaceAll(REFUSE, "return 1;");
    this.#bodies.push(`function ${name}(v) {\n${code}\nreturn 0;\n}`);
    return name;
  }

  /** Generates the check for `root` and compiles it. */
  compile(root: unknown, site: string): FixedPointCheck {
    const entry = this.fn(root);
    const consts = this.#consts.map((_, i) => `const c${i} = K[${i}];`).join("\n");
    const source = [
      `"use strict";`,
      // The site makes the text differ: the engine shares compiled code, and with it what the
      // code learnt about the shapes it saw, between functions made from the same text.
      `// ${JSON.stringify(site)}`,
      consts,
      "const I = [];",
      ...this.#bodies,
      `return ${entry};`,
    ].join("\n");
    const make = new Function("K", "runCheck", source) as (
      consts: unknown[],
      run: typeof runCheck,
    ) => FixedPointCheck;
    return make(this.#consts, runCheck);
  }

  #const(value: unknown): string {
    let index = this.#consts.indexOf(value);
    if (index < 0) index = this.#consts.push(value) - 1;
    return `c${index}`;
  }

  #var(): string {
    return `x${this.#vars++}`;
  }

  /** The code checking the value in `x` against `node`: its parse, then its own checks. */
  #code(node: Node, x: string, own = false): string {
    const kind = node._zod.def.type;
    const called = !own &&
      (kind === "object" || node._zod.traits.has("$ZodDiscriminatedUnion") ||
        STAND_INS.has(node) || kind === "transform");
    const parse = called ? passOn(`${this.fn(node)}(${x})`) : this.#parse(node, x);
    if (called) return parse;
    const checks = this.#checks(node, x);
    return checks === "" ? parse : `${parse}\n${checks}`;
  }

  /** The code running the node's own checks (zod runs them after the node's parse). */
  #checks(node: Node, x: string): string {
    const internals = node._zod;
    const list: CheckLike[] = internals.traits.has("$ZodCheck")
      ? [node as CheckLike, ...(internals.def.checks ?? [])]
      : [...(internals.def.checks ?? [])];
    return list.map((check) => this.#check(check, internals.def.type, x)).join("\n");
  }

  #check(check: CheckLike, type: string, x: string): string {
    const def = check._zod.def;
    const generic = `if (runCheck(${this.#const(check)}, ${x}) !== 0) return 2;`;
    const lengthy = type === "string" || type === "array";
    // zod's length checks carry a default `when` (a value with a length), always true here.
    const when = def.when as ((p: Payload) => boolean) | undefined;
    if (lengthy && (when === undefined || when.name === "_whenHasLength")) {
      if (def.check === "max_length" && typeof def.maximum === "number") {
        // Strings count code points, never more than UTF-16 units: within the units, within the max.
        return `if (${x}.length > ${def.maximum}) { ${generic} }`;
      }
      if (def.check === "min_length" && typeof def.minimum === "number") {
        // A code point is one or two units: twice the minimum in units always clears it.
        return `if (${x}.length < ${def.minimum * (type === "string" ? 2 : 1)}) { ${generic} }`;
      }
    }
    if (def.check === "overwrite" && typeof def.tx === "function") {
      return `if (${this.#const(def.tx)}(${x}) !== ${x}) return 2;`;
    }
    if (
      def.check === "string_format" && type === "string" && def.pattern instanceof RegExp &&
      def.when === undefined &&
      (PATTERN_FORMATS.some((t) => check._zod.traits.has(t)) ||
        check._zod.traits.has("$ZodCheckRegex"))
    ) {
      const pattern = def.pattern;
      if (pattern.source === GUID_PATTERN && pattern.flags === "") {
        return `if (!${this.#const(isGuid)}(${x})) return 2;`;
      }
      if (pattern.source === DATE_TIME_PATTERN && pattern.flags === "") {
        return `if (!${this.#const(isIsoDateTime)}(${x})) return 2;`;
      }
      const re = this.#const(pattern);
      const reset = pattern.global || pattern.sticky ? `${re}.lastIndex = 0; ` : "";
      return `${reset}if (!${re}.test(${x})) return 2;`;
    }
    if (def.check === "number_format" && def.format === "safeint" && def.when === undefined) {
      return `if (!Number.isSafeInteger(${x})) return 2;`;
    }
    const field = FIELD_CHECKS.get(check._zod.check as object);
    if (field !== undefined && def.when === undefined && type === "object") {
      const values = field.keys.map((key) => `${x}[${JSON.stringify(key)}]`).join(", ");
      return `if (!${this.#const(field.fits)}(${values})) return 2;`;
    }
    if (def.when === undefined && typeof check._zod.check === "function") {
      // zod's own call, on a payload of its own (cheaper than storing into a long-lived one) that
      // shares one issue list, emptied on failure.
      const owner = this.#const(check._zod);
      const p = this.#var();
      return `{ const ${p} = { value: ${x}, issues: I }; ${owner}.check(${p}); if (I.length !== 0 || ${p}.value !== ${x}) { I.length = 0; return 2; } }`;
    }
    return generic;
  }

  /** The code of the node's own parse on `x`. */
  #parse(node: Node, x: string): string {
    const z = node._zod;
    const def = z.def;
    const t = z.traits;
    if (def.coerce) return "return 2;";
    const target = STAND_INS.get(node);
    // Generated lazily: the target may not exist yet while the schemas are being built.
    if (target !== undefined) {
      return passOn(`${this.#const(new LazyCheck(target))}.check(${x})`);
    }
    switch (def.type) {
      case "string":
        return `if (typeof ${x} !== "string") ${REFUSE}`;
      case "number":
        return `if (typeof ${x} !== "number" || !Number.isFinite(${x})) ${REFUSE}`;
      case "boolean":
        return `if (typeof ${x} !== "boolean") ${REFUSE}`;
      case "unknown":
      case "any":
        return "";
      case "never":
        return REFUSE;
      case "null":
        return `if (${x} !== null) ${REFUSE}`;
      case "undefined":
        return `if (${x} !== undefined) ${REFUSE}`;
      case "enum":
      case "literal": {
        const values = (z as { values?: unknown }).values;
        if (!(values instanceof Set)) return "return 2;";
        const list = [...values];
        if (list.length <= 16 && list.every((v) => typeof v === "string" || v === null)) {
          // A handful of comparisons beats a hash lookup.
          const tests = list.map((v) => `${x} !== ${JSON.stringify(v)}`).join(" && ");
          return list.length === 0 ? REFUSE : `if (${tests}) ${REFUSE}`;
        }
        return `if (!${this.#const(values)}.has(${x})) ${REFUSE}`;
      }
      case "optional": {
        const inner = def.innerType as Node;
        if (t.has("$ZodExactOptional")) return this.#code(inner, x);
        const absent = inner._zod.optin === "defaulted"
          ? `if (${x} === undefined) return 2;\n`
          : "";
        return `${absent}if (${x} !== undefined) {\n${this.#code(inner, x)}\n}`;
      }
      case "nullable":
        return `if (${x} !== null) {\n${this.#code(def.innerType as Node, x)}\n}`;
      case "pipe":
        if (!t.has("$ZodPipe") || t.has("$ZodCodec")) return "return 2;";
        // A fixed first half hands the same value on.
        return `${this.#code(def.in as Node, x)}\n${this.#code(def.out as Node, x)}`;
      case "array": {
        const item = this.#var();
        const i = this.#var();
        return [
          `if (!Array.isArray(${x})) ${REFUSE}`,
          `for (let ${i} = 0; ${i} < ${x}.length; ${i}++) {`,
          `const ${item} = ${x}[${i}];`,
          this.#code(def.element as Node, item),
          "}",
        ].join("\n");
      }
      case "union":
        return this.#union(node, x);
      case "object":
        return this.#object(node, x);
      default:
        return "return 2;";
    }
  }

  #union(node: Node, x: string): string {
    const def = node._zod.def;
    const t = node._zod.traits;
    const options = def.options as Node[];
    if (t.has("$ZodDiscriminatedUnion")) {
      if (def.unionFallback) return "return 2;";
      const key = def.discriminator as string;
      const d = this.#var();
      const lines = [
        `if (typeof ${x} !== "object" || ${x} === null || Array.isArray(${x})) ${REFUSE}`,
        `const ${d} = ${x}[${JSON.stringify(key)}];`,
      ];
      const seen = new Map<unknown, Node | null>();
      for (const option of options) {
        const values = option._zod.propValues?.[key];
        if (!values || values.size === 0) return "return 2;";
        for (const value of values) seen.set(value, seen.has(value) ? null : option);
      }
      const branches = [...seen].map(([value, option]) =>
        `if (${d} === ${this.#const(value)}) { ${
          option === null ? "return 2;" : passOn(`${this.fn(option)}(${x})`)
        } }`
      );
      lines.push(`${branches.join(" else ")} else ${REFUSE}`);
      return lines.join("\n");
    }
    if (!t.has("$ZodUnion") || t.has("$ZodXor") || def.inclusive === false) return "return 2;";
    // zod takes the first option that parses without issues: each option's code goes on to the
    // next one where it would refuse, and leaves the union where it takes the value.
    const found = this.#var();
    const lines = [`${found}: {`];
    for (const option of options) {
      const next = this.#var();
      const code = this.#code(option, x).replaceAll(REFUSE, `break ${next};`);
      lines.push(`${next}: {`, code, `break ${found};`, "}");
    }
    lines.push(REFUSE, "}");
    return lines.join("\n");
  }

  #object(node: Node, x: string): string {
    const def = node._zod.def;
    const shape = def.shape as Record<string, Node>;
    const keys = Object.keys(shape);
    if (keys.includes("__proto__") || Object.getOwnPropertySymbols(shape).length > 0) {
      return "return 2;";
    }
    const catchall = def.catchall as Node | undefined;
    const [k, last, req, extra] = [this.#var(), this.#var(), this.#var(), this.#var()];
    // Without a catchall zod drops unknown keys, and a strict object refuses them: either way the
    // output is not the input.
    let unknown = "return 2;";
    if (catchall !== undefined && catchall._zod.def.type !== "never") {
      const value = this.#var();
      unknown = `${extra} = true; { const ${value} = ${x}[${k}];\n${
        this.#code(catchall, value)
      }\n}`;
    }
    let required = 0;
    const known = this.#var();
    // Keys are told apart by their length first (a jump), then by text: a long chain of text
    // comparisons would cost more than the check of the value.
    const byLength = new Map<number, string[]>();
    keys.forEach((key, index) => {
      const el = shape[key]._zod;
      const mayBeAbsent = el.optin === "optional" && el.optout === "optional";
      if (!mayBeAbsent) required++;
      const count = mayBeAbsent ? "" : ` ${req}++;`;
      const value = this.#var();
      const code = [
        `if (${k} === ${JSON.stringify(key)}) {`,
        `if (${extra} || ${last} >= ${index}) return 2; ${last} = ${index};${count}`,
        `const ${value} = ${x}[${JSON.stringify(key)}];`,
        this.#code(shape[key], value),
        `break ${known}; }`,
      ].join("\n");
      byLength.set(key.length, [...(byLength.get(key.length) ?? []), code]);
    });
    const cases = [...byLength].map(([length, codes]) =>
      `case ${length}:\n${codes.join("\n")}\nbreak;`
    );
    return [
      `if (typeof ${x} !== "object" || ${x} === null || Array.isArray(${x})) ${REFUSE}`,
      `let ${last} = -1, ${req} = 0, ${extra} = false;`,
      `for (const ${k} in ${x}) {`,
      `${known}: {`,
      `switch (${k}.length) {`,
      ...cases,
      "}",
      // Not a known key.
      `if (${k} === "__proto__") return 2;`,
      unknown,
      "}",
      "}",
      `if (${req} !== ${required}) return 2;`,
    ].join("\n");
  }
}

/** A check of a stand-in's target, generated when first used. */
class LazyCheck {
  #target: () => unknown;
  #check: FixedPointCheck | undefined;

  constructor(target: () => unknown) {
    this.#target = target;
  }

  check(value: unknown): 0 | 1 | 2 {
    this.#check ??= fixedPointCheck(this.#target() as z.ZodType);
    return this.#check(value);
  }
}

const CACHE = new WeakMap<object, Map<string, FixedPointCheck>>();

/**
 * The fixed-point check of a schema, generated on first use and kept.
 *
 * Each `site` gets a copy of its own. Generated code runs fastest on values of few shapes, and
 * two callers building different shapes (a CSV row's report, an XML export's) would slow each
 * other down through one shared copy.
 *
 * Where `new Function` is not allowed, the check answers {@linkcode UNSURE} for everything, so
 * callers parse with zod as before.
 *
 * @param schema A zod schema.
 * @param site Who asks; callers with their own shapes of values name themselves.
 * @returns The check.
 */
export function fixedPointCheck(schema: z.ZodType, site = ""): FixedPointCheck {
  let sites = CACHE.get(schema);
  if (sites === undefined) {
    sites = new Map();
    CACHE.set(schema, sites);
  }
  let check = sites.get(site);
  if (check === undefined) {
    try {
      check = new Generator().compile(schema, site);
    } catch {
      check = () => UNSURE;
    }
    sites.set(site, check);
  }
  return check;
}
