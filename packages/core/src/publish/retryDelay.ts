import { QStashError } from "../errors.js";

/** Upper bound of an evaluated retry delay: one day, in milliseconds (`86_400_000`). */
export const RETRY_DELAY_MAX_MS = 86_400_000;

// Bounds that keep parsing linear and the recursion far from the engine's stack
// limit, whatever the header carries.
const MAX_SOURCE_LENGTH = 1000;
const MAX_DEPTH = 64;
const MAX_NAME_IN_MESSAGE = 32;

/** Functions a retry-delay expression may call. */
export type RetryDelayFunction = "pow" | "exp" | "sqrt" | "abs" | "floor" | "ceil" | "round" | "min" | "max";

/** Parsed form of a retry-delay expression. Parentheses leave no node of their own. */
export type RetryDelayNode =
  | {
      /** A numeric literal. */
      readonly type: "number";
      /** Its value. */
      readonly value: number;
    }
  | {
      /** The `retried` variable: retries so far. */
      readonly type: "retried";
    }
  | {
      /** Unary minus. */
      readonly type: "negate";
      /** The negated expression. */
      readonly operand: RetryDelayNode;
    }
  | {
      /** An arithmetic operation. */
      readonly type: "binary";
      /** The operator. */
      readonly operator: "+" | "-" | "*" | "/";
      /** Left operand. */
      readonly left: RetryDelayNode;
      /** Right operand. */
      readonly right: RetryDelayNode;
    }
  | {
      /** A function call. */
      readonly type: "call";
      /** The function called. */
      readonly name: RetryDelayFunction;
      /** Its arguments, in order. */
      readonly args: readonly RetryDelayNode[];
    };

/** A validated `Upstash-Retry-Delay` expression. */
export interface RetryDelayExpression {
  /** The text that was parsed, unchanged (what the builder sends). */
  readonly source: string;
  /** The syntax tree. */
  readonly ast: RetryDelayNode;
  /**
   * Delay before the next retry, in milliseconds, clamped to
   * `[0, RETRY_DELAY_MAX_MS]`. `NaN` (e.g. `0/0`, `sqrt(-1)`) yields 0,
   * `+Infinity` (e.g. `1/0`) the maximum. The value is not rounded.
   *
   * @param retried - Retries already performed (0 before the first retry).
   */
  evaluate(retried: number): number;
}

/**
 * A retry-delay expression does not follow the grammar. `column` is 1-based and
 * points at the offending character. Code `ERR_RETRY_DELAY_SYNTAX`.
 *
 * @param message - what is wrong.
 * @param column - 1-based position of the problem.
 * @example
 * ```ts
 * try { parseRetryDelay("(1 + 2))") } catch (e) {
 *   if (e instanceof RetryDelaySyntaxError) e.column; // 8
 * }
 * ```
 */
export class RetryDelaySyntaxError extends QStashError {
  /** 1-based position of the problem in the source text. */
  readonly column: number;

  constructor(message: string, column: number) {
    super(message, "ERR_RETRY_DELAY_SYNTAX");
    this.name = "RetryDelaySyntaxError";
    this.column = column;
  }
}

// [least, most] arguments. QStash documents min/max as "of values", so they take
// two or more; every other function has a fixed arity.
const ARITY: Readonly<Record<RetryDelayFunction, readonly [number, number]>> = {
  pow: [2, 2],
  exp: [1, 1],
  sqrt: [1, 1],
  abs: [1, 1],
  floor: [1, 1],
  ceil: [1, 1],
  round: [1, 1],
  min: [2, Number.POSITIVE_INFINITY],
  max: [2, Number.POSITIVE_INFINITY],
};

const IMPLEMENTATIONS: Readonly<Record<RetryDelayFunction, (...args: number[]) => number>> = {
  pow: Math.pow,
  exp: Math.exp,
  sqrt: Math.sqrt,
  abs: Math.abs,
  floor: Math.floor,
  ceil: Math.ceil,
  // Half-way values round up, as JavaScript's Math.round does; the hosted
  // service's tie-breaking is not documented.
  round: Math.round,
  min: Math.min,
  max: Math.max,
};

/**
 * Parses a QStash `Upstash-Retry-Delay` expression (hand-written recursive
 * descent, no `eval`). Grammar: numbers (`12`, `1.5`), the variable `retried`,
 * `+ - * /`, unary minus, parentheses, and `pow exp sqrt abs floor ceil round`
 * (fixed arity) and `min max` (two or more arguments); spaces and tabs between
 * tokens. At most 1,000 characters and 64
 * levels of nesting.
 *
 * @param source - The expression text, e.g. `"pow(2, retried) * 1000"`.
 * @returns The parsed expression with `evaluate(retried)` in milliseconds.
 * @throws {RetryDelaySyntaxError} `ERR_RETRY_DELAY_SYNTAX` with a 1-based
 *   `column`, e.g. `unexpected ')' at column 7`, `unknown function 'foo' at
 *   column 1`, `pow expects 2 arguments`.
 * @example
 * ```ts
 * const delay = parseRetryDelay("max(1000, pow(2, retried) * 100)");
 * delay.evaluate(0); // 1000
 * delay.evaluate(5); // 3200
 * ```
 */
export function parseRetryDelay(source: string): RetryDelayExpression {
  const ast = parseRetryDelayAst(source);
  return {
    source,
    ast,
    evaluate: (retried) => clampDelay(evaluateNode(ast, retried)),
  };
}

/**
 * The syntax check of {@link parseRetryDelay} alone. Publishers only validate expressions (the
 * server evaluates them), so their bundles carry the parser without the evaluator.
 *
 * @param source - The expression text.
 * @returns The syntax tree.
 * @throws {RetryDelaySyntaxError} `ERR_RETRY_DELAY_SYNTAX`, as `parseRetryDelay`.
 */
export function parseRetryDelayAst(source: string): RetryDelayNode {
  if (typeof source !== "string") {
    throw new RetryDelaySyntaxError("expression must be a string", 1);
  }
  if (source.length > MAX_SOURCE_LENGTH) {
    throw new RetryDelaySyntaxError(`expression longer than ${MAX_SOURCE_LENGTH} characters`, MAX_SOURCE_LENGTH + 1);
  }
  return new Parser(source).parseAll();
}

function clampDelay(value: number): number {
  if (Number.isNaN(value)) return 0;
  return Math.min(RETRY_DELAY_MAX_MS, Math.max(0, value));
}

function evaluateNode(node: RetryDelayNode, retried: number): number {
  switch (node.type) {
    case "number":
      return node.value;
    case "retried":
      return retried;
    case "negate":
      return -evaluateNode(node.operand, retried);
    case "binary":
      return applyBinary(node.operator, evaluateNode(node.left, retried), evaluateNode(node.right, retried));
    case "call":
      return IMPLEMENTATIONS[node.name](...node.args.map((arg) => evaluateNode(arg, retried)));
  }
}

function applyBinary(operator: "+" | "-" | "*" | "/", left: number, right: number): number {
  switch (operator) {
    case "+":
      return left + right;
    case "-":
      return left - right;
    case "*":
      return left * right;
    case "/":
      return left / right;
  }
}

// Char-code tests instead of per-character regexes: this runs on every publish
// that carries a retry expression.
function isDigit(char: string | undefined): boolean {
  return char !== undefined && char >= "0" && char <= "9";
}

function isIdentifierStart(char: string | undefined): boolean {
  return char !== undefined && ((char >= "a" && char <= "z") || (char >= "A" && char <= "Z") || char === "_");
}

function isIdentifierPart(char: string | undefined): boolean {
  return isIdentifierStart(char) || isDigit(char);
}

function describeChar(char: string): string {
  const code = char.charCodeAt(0);
  // Control characters and lone surrogate halves are shown by code so the
  // message stays one printable, well-formed line.
  if (code < 0x20 || code === 0x7f || (code >= 0xd800 && code <= 0xdfff)) return `character U+${code.toString(16).toUpperCase().padStart(4, "0")}`;
  return `'${char}'`;
}

function shorten(name: string): string {
  return name.length > MAX_NAME_IN_MESSAGE ? `${name.slice(0, MAX_NAME_IN_MESSAGE)}...` : name;
}

class Parser {
  private position = 0;
  private depth = 0;

  constructor(private readonly source: string) {}

  parseAll(): RetryDelayNode {
    const node = this.parseExpression();
    this.skipSpace();
    if (this.position < this.source.length) this.failUnexpected();
    return node;
  }

  private parseExpression(): RetryDelayNode {
    this.enter();
    let node = this.parseTerm();
    for (let op = this.peekOperator("+-"); op !== undefined; op = this.peekOperator("+-")) {
      this.position++;
      node = { type: "binary", operator: op as "+" | "-", left: node, right: this.parseTerm() };
    }
    this.depth--;
    return node;
  }

  private parseTerm(): RetryDelayNode {
    let node = this.parseFactor();
    for (let op = this.peekOperator("*/"); op !== undefined; op = this.peekOperator("*/")) {
      this.position++;
      node = { type: "binary", operator: op as "*" | "/", left: node, right: this.parseFactor() };
    }
    return node;
  }

  private parseFactor(): RetryDelayNode {
    this.skipSpace();
    const char = this.source[this.position];
    if (char === "-") {
      this.position++;
      this.enter();
      const operand = this.parseFactor();
      this.depth--;
      return { type: "negate", operand };
    }
    if (char === "(") {
      this.position++;
      const inner = this.parseExpression();
      this.expect(")");
      return inner;
    }
    if (isDigit(char)) return this.parseNumber();
    if (isIdentifierStart(char)) return this.parseIdentifier();
    return this.failUnexpected();
  }

  private parseNumber(): RetryDelayNode {
    const start = this.position;
    while (isDigit(this.source[this.position])) this.position++;
    if (this.source[this.position] === "." && isDigit(this.source[this.position + 1])) {
      this.position++;
      while (isDigit(this.source[this.position])) this.position++;
    }
    return { type: "number", value: Number(this.source.slice(start, this.position)) };
  }

  private parseIdentifier(): RetryDelayNode {
    const start = this.position;
    while (isIdentifierPart(this.source[this.position])) this.position++;
    const name = this.source.slice(start, this.position);
    const column = start + 1;
    this.skipSpace();
    const isCall = this.source[this.position] === "(";
    if (name === "retried" && !isCall) return { type: "retried" };
    if (!Object.hasOwn(ARITY, name)) {
      const kind = isCall ? "function" : "variable";
      throw new RetryDelaySyntaxError(`unknown ${kind} '${shorten(name)}' at column ${column}`, column);
    }
    if (!isCall) this.failExpected("'('");
    return this.parseCall(name as RetryDelayFunction, column);
  }

  private parseCall(name: RetryDelayFunction, column: number): RetryDelayNode {
    this.position++;
    this.enter();
    const args = [this.parseExpression()];
    this.skipSpace();
    while (this.source[this.position] === ",") {
      this.position++;
      args.push(this.parseExpression());
      this.skipSpace();
    }
    this.expect(")");
    this.depth--;
    const [least, most] = ARITY[name];
    if (args.length < least || args.length > most) {
      const count = least === most ? `${least}` : `at least ${least}`;
      throw new RetryDelaySyntaxError(`${name} expects ${count} argument${least === 1 ? "" : "s"}`, column);
    }
    return { type: "call", name, args };
  }

  private peekOperator(operators: string): string | undefined {
    this.skipSpace();
    const char = this.source[this.position];
    return char !== undefined && operators.includes(char) ? char : undefined;
  }

  private expect(char: string): void {
    this.skipSpace();
    if (this.source[this.position] !== char) this.failExpected(`'${char}'`);
    this.position++;
  }

  private enter(): void {
    this.depth++;
    if (this.depth > MAX_DEPTH) {
      const column = this.position + 1;
      throw new RetryDelaySyntaxError(`expression nested too deeply at column ${column}`, column);
    }
  }

  private skipSpace(): void {
    while (this.source[this.position] === " " || this.source[this.position] === "\t") this.position++;
  }

  private failExpected(what: string): never {
    const column = this.position + 1;
    const char = this.source[this.position];
    const found = char === undefined ? "end of input" : describeChar(char);
    throw new RetryDelaySyntaxError(`expected ${what} but found ${found} at column ${column}`, column);
  }

  private failUnexpected(): never {
    const column = this.position + 1;
    const char = this.source[this.position];
    const found = char === undefined ? "end of input" : describeChar(char);
    throw new RetryDelaySyntaxError(`unexpected ${found} at column ${column}`, column);
  }
}
