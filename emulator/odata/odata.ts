/**
 * The OData `$filter` subset that WATS clients send, parsed by a small recursive-descent parser.
 *
 * Grammar (precedence `not` > `and` > `or`, parentheses group):
 *
 * ```
 * or      = and { "or" and }
 * and     = not { "and" not }
 * not     = "not" not | compare
 * compare = "(" or ")" | operand [ ("eq"|"ne"|"gt"|"ge"|"lt"|"le") operand ]
 * operand = literal | name "(" [ operand { "," operand } ] ")" | path [ "/" ("any"|"all") lambda ]
 * lambda  = "(" [ name ":" or ] ")"
 * literal = 'text' ('' escapes ') | number | true | false | null | 2024-01-31T10:00:00Z
 *         | datetime'…' | a GUID
 * ```
 *
 * A parse error names the position (0-based character offset) and what was expected.
 *
 * @module
 */

/** A parse or type error in a `$filter` or `$orderby` expression. */
export class ODataError extends Error {
  /** 0-based character offset of the problem. */
  readonly position: number;

  /**
   * Create an OData error.
   *
   * @param message what is wrong
   * @param position 0-based character offset
   */
  constructor(message: string, position: number) {
    super(`${message} at position ${position}`);
    this.name = "ODataError";
    this.position = position;
  }
}

/** Comparison operators. */
export type CompareOp = "eq" | "ne" | "gt" | "ge" | "lt" | "le";

/** Literal kinds. */
export type LiteralType = "string" | "number" | "boolean" | "null" | "datetime" | "guid";

/** A node of the parsed filter. */
export type FilterNode =
  | { kind: "or" | "and"; left: FilterNode; right: FilterNode; pos: number }
  | { kind: "not"; operand: FilterNode; pos: number }
  | { kind: "compare"; op: CompareOp; left: FilterNode; right: FilterNode; pos: number }
  | { kind: "call"; name: string; args: FilterNode[]; pos: number }
  | {
    kind: "lambda";
    path: string[];
    quantifier: "any" | "all";
    variable?: string;
    body?: FilterNode;
    pos: number;
  }
  | { kind: "field"; path: string[]; pos: number }
  | { kind: "literal"; type: LiteralType; value: string | number | boolean | null; pos: number };

type Token =
  | { type: "punct"; value: string; pos: number }
  | { type: "string"; value: string; pos: number }
  | { type: "number"; value: number; pos: number }
  | { type: "datetime"; value: string; pos: number }
  | { type: "guid"; value: string; pos: number }
  | { type: "ident"; value: string; pos: number }
  | { type: "eof"; value: ""; pos: number };

const DATETIME =
  /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?(?![\w:.-])/;
const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}(?!\w)/;
const NUMBER = /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?(?![\w.])/;
const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*/;
const COMPARE_OPS = new Set(["eq", "ne", "gt", "ge", "lt", "le"]);

function readString(text: string, start: number): { value: string; end: number } {
  let value = "";
  let i = start + 1;
  while (i < text.length) {
    if (text[i] === "'") {
      if (text[i + 1] === "'") {
        value += "'";
        i += 2;
        continue;
      }
      return { value, end: i + 1 };
    }
    value += text[i];
    i += 1;
  }
  throw new ODataError("Unterminated string literal", start);
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (/\s/.test(ch)) {
      i += 1;
      continue;
    }
    const rest = text.slice(i);
    if ("(),:/".includes(ch)) {
      tokens.push({ type: "punct", value: ch, pos: i });
      i += 1;
    } else if (ch === "'") {
      const { value, end } = readString(text, i);
      tokens.push({ type: "string", value, pos: i });
      i = end;
    } else if (GUID.test(rest)) {
      const value = rest.match(GUID)![0];
      tokens.push({ type: "guid", value, pos: i });
      i += value.length;
    } else if (DATETIME.test(rest)) {
      const value = rest.match(DATETIME)![0];
      tokens.push({ type: "datetime", value, pos: i });
      i += value.length;
    } else if (NUMBER.test(rest)) {
      const value = rest.match(NUMBER)![0];
      tokens.push({ type: "number", value: Number(value), pos: i });
      i += value.length;
    } else if (IDENT.test(rest)) {
      const value = rest.match(IDENT)![0];
      const lower = value.toLowerCase();
      if ((lower === "datetime" || lower === "datetimeoffset") && text[i + value.length] === "'") {
        const { value: literal, end } = readString(text, i + value.length);
        tokens.push({ type: "datetime", value: literal, pos: i });
        i = end;
      } else if (lower === "guid" && text[i + value.length] === "'") {
        const { value: literal, end } = readString(text, i + value.length);
        tokens.push({ type: "guid", value: literal, pos: i });
        i = end;
      } else {
        tokens.push({ type: "ident", value, pos: i });
        i += value.length;
      }
    } else {
      throw new ODataError(`Unexpected character '${ch}'`, i);
    }
  }
  tokens.push({ type: "eof", value: "", pos: text.length });
  return tokens;
}

function describe(token: Token): string {
  if (token.type === "eof") return "end of input";
  if (token.type === "string") return `'${token.value}'`;
  return `'${String(token.value)}'`;
}

class Parser {
  #tokens: Token[];
  #index = 0;

  constructor(tokens: Token[]) {
    this.#tokens = tokens;
  }

  #peek(offset = 0): Token {
    return this.#tokens[Math.min(this.#index + offset, this.#tokens.length - 1)];
  }

  #next(): Token {
    const token = this.#peek();
    if (token.type !== "eof") this.#index += 1;
    return token;
  }

  #isKeyword(word: string, offset = 0): boolean {
    const token = this.#peek(offset);
    return token.type === "ident" && token.value.toLowerCase() === word;
  }

  #isPunct(value: string, offset = 0): boolean {
    const token = this.#peek(offset);
    return token.type === "punct" && token.value === value;
  }

  #expectPunct(value: string): Token {
    const token = this.#next();
    if (token.type !== "punct" || token.value !== value) {
      throw new ODataError(`Expected '${value}' but found ${describe(token)}`, token.pos);
    }
    return token;
  }

  parseFilter(): FilterNode {
    const node = this.#parseOr();
    const rest = this.#peek();
    if (rest.type !== "eof") {
      throw new ODataError(
        `Expected 'and', 'or' or end of input but found ${describe(rest)}`,
        rest.pos,
      );
    }
    return node;
  }

  #parseOr(): FilterNode {
    let left = this.#parseAnd();
    while (this.#isKeyword("or")) {
      const pos = this.#next().pos;
      left = { kind: "or", left, right: this.#parseAnd(), pos };
    }
    return left;
  }

  #parseAnd(): FilterNode {
    let left = this.#parseNot();
    while (this.#isKeyword("and")) {
      const pos = this.#next().pos;
      left = { kind: "and", left, right: this.#parseNot(), pos };
    }
    return left;
  }

  #parseNot(): FilterNode {
    if (this.#isKeyword("not") && !this.#isPunct("/", 1)) {
      const pos = this.#next().pos;
      return { kind: "not", operand: this.#parseNot(), pos };
    }
    return this.#parseCompare();
  }

  #parseCompare(): FilterNode {
    if (this.#isPunct("(")) {
      this.#next();
      const inner = this.#parseOr();
      this.#expectPunct(")");
      return inner;
    }
    const left = this.#parseOperand();
    const token = this.#peek();
    if (token.type === "ident" && COMPARE_OPS.has(token.value.toLowerCase())) {
      this.#next();
      const right = this.#parseOperand();
      return {
        kind: "compare",
        op: token.value.toLowerCase() as CompareOp,
        left,
        right,
        pos: token.pos,
      };
    }
    return left;
  }

  #parseOperand(): FilterNode {
    const token = this.#next();
    switch (token.type) {
      case "string":
        return { kind: "literal", type: "string", value: token.value, pos: token.pos };
      case "number":
        return { kind: "literal", type: "number", value: token.value, pos: token.pos };
      case "datetime":
        return { kind: "literal", type: "datetime", value: token.value, pos: token.pos };
      case "guid":
        return { kind: "literal", type: "guid", value: token.value, pos: token.pos };
      case "ident":
        return this.#parseIdentifier(token);
      default:
        throw new ODataError(
          `Expected a field, literal or function but found ${describe(token)}`,
          token.pos,
        );
    }
  }

  #parseIdentifier(token: Token & { type: "ident" }): FilterNode {
    const lower = token.value.toLowerCase();
    if (lower === "true" || lower === "false") {
      return { kind: "literal", type: "boolean", value: lower === "true", pos: token.pos };
    }
    if (lower === "null") return { kind: "literal", type: "null", value: null, pos: token.pos };
    if (this.#isPunct("(")) return this.#parseCall(token);
    const path = [token.value];
    while (this.#isPunct("/")) {
      this.#next();
      const segment = this.#next();
      if (segment.type !== "ident") {
        throw new ODataError(
          `Expected a property name after '/' but found ${describe(segment)}`,
          segment.pos,
        );
      }
      const quantifier = segment.value.toLowerCase();
      if ((quantifier === "any" || quantifier === "all") && this.#isPunct("(")) {
        return this.#parseLambda(path, quantifier, token.pos);
      }
      path.push(segment.value);
    }
    return { kind: "field", path, pos: token.pos };
  }

  #parseCall(token: Token & { type: "ident" }): FilterNode {
    this.#expectPunct("(");
    const args: FilterNode[] = [];
    if (!this.#isPunct(")")) {
      args.push(this.#parseOr());
      while (this.#isPunct(",")) {
        this.#next();
        args.push(this.#parseOr());
      }
    }
    this.#expectPunct(")");
    return { kind: "call", name: token.value.toLowerCase(), args, pos: token.pos };
  }

  #parseLambda(path: string[], quantifier: "any" | "all", pos: number): FilterNode {
    this.#expectPunct("(");
    if (this.#isPunct(")")) {
      this.#next();
      return { kind: "lambda", path, quantifier, pos };
    }
    const variable = this.#next();
    if (variable.type !== "ident") {
      throw new ODataError(
        `Expected a lambda variable but found ${describe(variable)}`,
        variable.pos,
      );
    }
    this.#expectPunct(":");
    const body = this.#parseOr();
    this.#expectPunct(")");
    return { kind: "lambda", path, quantifier, variable: variable.value, body, pos };
  }
}

/**
 * Parse a `$filter` expression.
 *
 * @param text the expression
 * @returns the syntax tree
 * @throws {ODataError} naming the position of the first problem
 */
export function parseFilter(text: string): FilterNode {
  return new Parser(tokenize(text)).parseFilter();
}
