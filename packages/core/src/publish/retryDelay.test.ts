import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  parseRetryDelay,
  QStashError,
  RETRY_DELAY_MAX_MS,
  RetryDelaySyntaxError,
  type RetryDelayFunction,
  type RetryDelayNode,
} from "@stashkit/core";

function syntaxError(source: string): RetryDelaySyntaxError {
  try {
    parseRetryDelay(source);
  } catch (error) {
    expect(error).toBeInstanceOf(RetryDelaySyntaxError);
    expect(error).toBeInstanceOf(QStashError);
    expect((error as RetryDelaySyntaxError).code).toBe("ERR_RETRY_DELAY_SYNTAX");
    expect((error as RetryDelaySyntaxError).name).toBe("RetryDelaySyntaxError");
    return error as RetryDelaySyntaxError;
  }
  throw new Error(`expected ${JSON.stringify(source)} to be rejected`);
}

describe("parseRetryDelay: documented examples", () => {
  it("1000 is one second every time", () => {
    const expr = parseRetryDelay("1000");
    expect([0, 1, 7].map((r) => expr.evaluate(r))).toEqual([1000, 1000, 1000]);
    expect(expr.source).toBe("1000");
    expect(expr.ast).toEqual({ type: "number", value: 1000 });
  });

  it("1000 * (1 + retried) grows linearly", () => {
    const expr = parseRetryDelay("1000 * (1 + retried)");
    expect([0, 1, 2].map((r) => expr.evaluate(r))).toEqual([1000, 2000, 3000]);
  });

  it("pow(2, retried) * 1000 doubles", () => {
    const expr = parseRetryDelay("pow(2, retried) * 1000");
    expect([0, 1, 2, 3].map((r) => expr.evaluate(r))).toEqual([1000, 2000, 4000, 8000]);
    expect(expr.ast).toEqual({
      type: "binary",
      operator: "*",
      left: { type: "call", name: "pow", args: [{ type: "number", value: 2 }, { type: "retried" }] },
      right: { type: "number", value: 1000 },
    });
  });

  it("max(1000, pow(2, retried) * 100) floors at one second", () => {
    const expr = parseRetryDelay("max(1000, pow(2, retried) * 100)");
    expect([0, 3, 4, 5].map((r) => expr.evaluate(r))).toEqual([1000, 1000, 1600, 3200]);
  });
});

describe("parseRetryDelay: grammar", () => {
  it("honours precedence and left associativity", () => {
    expect(parseRetryDelay("2 + 3 * 4").evaluate(0)).toBe(14);
    expect(parseRetryDelay("(2 + 3) * 4").evaluate(0)).toBe(20);
    expect(parseRetryDelay("100 - 10 - 1").evaluate(0)).toBe(89);
    expect(parseRetryDelay("1000 / 10 / 2").evaluate(0)).toBe(50);
  });

  it("supports unary minus, nested and before calls", () => {
    expect(parseRetryDelay("--5").evaluate(0)).toBe(5);
    expect(parseRetryDelay("10 * -(-3)").evaluate(0)).toBe(30);
    expect(parseRetryDelay("-abs(-7) + 10").evaluate(0)).toBe(3);
  });

  it("parses decimals", () => {
    expect(parseRetryDelay("1.5 * 1000").evaluate(0)).toBe(1500);
    expect(parseRetryDelay("0.25*4").evaluate(0)).toBe(1);
  });

  it("evaluates every function", () => {
    const cases: Array<[string, number]> = [
      ["pow(3, 2)", 9],
      ["exp(0)", 1],
      ["sqrt(16)", 4],
      ["abs(-4)", 4],
      ["floor(2.7)", 2],
      ["ceil(2.1)", 3],
      ["round(2.5)", 3],
      ["round(2.4)", 2],
      ["min(3, 8)", 3],
      ["max(3, 8)", 8],
      ["min(5, 2, 9)", 2],
      ["max(5, 2, 9, 11)", 11],
    ];
    for (const [source, value] of cases) expect(parseRetryDelay(source).evaluate(0)).toBe(value);
  });

  it("allows spaces and tabs anywhere between tokens, and none at all", () => {
    expect(parseRetryDelay(" \tpow ( 2 ,retried )*1000\t ").evaluate(2)).toBe(4000);
    expect(parseRetryDelay("pow(2,retried)*1000").evaluate(2)).toBe(4000);
  });
});

describe("parseRetryDelay: evaluation clamps", () => {
  it("clamps negative results to 0", () => {
    expect(parseRetryDelay("-1000").evaluate(0)).toBe(0);
    expect(parseRetryDelay("1000 - retried * 600").evaluate(2)).toBe(0);
  });

  it("clamps large and infinite results to one day", () => {
    expect(parseRetryDelay("pow(10, 12)").evaluate(0)).toBe(RETRY_DELAY_MAX_MS);
    expect(parseRetryDelay("1 / 0").evaluate(0)).toBe(RETRY_DELAY_MAX_MS);
    expect(parseRetryDelay("exp(retried)").evaluate(10_000)).toBe(RETRY_DELAY_MAX_MS);
    expect(parseRetryDelay("-1 / 0").evaluate(0)).toBe(0);
  });

  it("turns NaN into 0", () => {
    expect(parseRetryDelay("0 / 0").evaluate(0)).toBe(0);
    expect(parseRetryDelay("sqrt(-1)").evaluate(0)).toBe(0);
  });
});

describe("parseRetryDelay: errors", () => {
  it("reports an unexpected closing parenthesis with its column", () => {
    const error = syntaxError("(1 + 2))");
    expect(error.message).toBe("unexpected ')' at column 8");
    expect(error.column).toBe(8);
    expect(syntaxError("1 * ()").message).toBe("unexpected ')' at column 6");
  });

  it("reports unknown functions and variables", () => {
    const error = syntaxError("foo(1)");
    expect(error.message).toBe("unknown function 'foo' at column 1");
    expect(error.column).toBe(1);
    expect(syntaxError("1000 * attempt").message).toBe("unknown variable 'attempt' at column 8");
    expect(syntaxError("POW(2, 3)").message).toBe("unknown function 'POW' at column 1");
  });

  it("truncates long identifiers in messages", () => {
    const error = syntaxError(`${"x".repeat(500)}(1)`);
    expect(error.message.length).toBeLessThan(100);
  });

  it("checks arity", () => {
    expect(syntaxError("pow(2)").message).toBe("pow expects 2 arguments");
    expect(syntaxError("pow(2, 3, 4)").message).toBe("pow expects 2 arguments");
    expect(syntaxError("1 + sqrt(1, 2)").message).toBe("sqrt expects 1 argument");
    expect(syntaxError("1 + sqrt(1, 2)").column).toBe(5);
    expect(syntaxError("max(1)").message).toBe("max expects at least 2 arguments");
    expect(syntaxError("min()").column).toBe(5);
  });

  it("requires a call after a function name", () => {
    expect(syntaxError("pow").message).toBe("expected '(' but found end of input at column 4");
    expect(syntaxError("sqrt + 1").column).toBe(6);
  });

  it("rejects empty input, dangling operators and unclosed groups", () => {
    expect(syntaxError("").message).toBe("unexpected end of input at column 1");
    expect(syntaxError("   ").column).toBe(4);
    expect(syntaxError("1 +").message).toBe("unexpected end of input at column 4");
    expect(syntaxError("(1 + 2").message).toBe("expected ')' but found end of input at column 7");
    expect(syntaxError("pow(2, )").message).toBe("unexpected ')' at column 8");
    expect(syntaxError("pow(,2)").column).toBe(5);
  });

  it("rejects malformed numbers and stray characters", () => {
    expect(syntaxError("1.").column).toBe(2);
    expect(syntaxError(".5").column).toBe(1);
    expect(syntaxError("1.2.3").column).toBe(4);
    expect(syntaxError("1e3").message).toBe("unexpected 'e' at column 2");
    expect(syntaxError("2 3").message).toBe("unexpected '3' at column 3");
    expect(syntaxError("2 ** 3").column).toBe(4);
    expect(syntaxError("1000;").message).toBe("unexpected ';' at column 5");
    expect(syntaxError("+1").column).toBe(1);
  });

  it("rejects newlines and control characters, naming them by code", () => {
    expect(syntaxError("1000\r\n").message).toBe("unexpected character U+000D at column 5");
    expect(syntaxError("1\u00002").message).toBe("unexpected character U+0000 at column 2");
  });

  it("rejects code injection attempts as plain syntax errors", () => {
    syntaxError("process.exit(1)");
    syntaxError("(() => 1)()");
    syntaxError("constructor.constructor('return 1')()");
    expect(syntaxError("__proto__(1)").message).toBe("unknown function '__proto__' at column 1");
    expect(syntaxError("toString(1)").message).toBe("unknown function 'toString' at column 1");
  });

  it("limits input length", () => {
    const error = syntaxError(`1${" +1".repeat(400)}`);
    expect(error.message).toBe("expression longer than 1000 characters");
    expect(error.column).toBe(1001);
  });

  it("limits nesting depth without overflowing the stack", () => {
    expect(syntaxError(`${"(".repeat(400)}1${")".repeat(400)}`).message).toMatch(/^expression nested too deeply at column \d+$/);
    syntaxError(`${"-".repeat(999)}1`);
    syntaxError(`${"abs(".repeat(200)}1${")".repeat(200)}`);
  });

  it("accepts long flat expressions within the limit", () => {
    const source = `1${"+1".repeat(499)}`;
    expect(source.length).toBeLessThanOrEqual(1000);
    expect(parseRetryDelay(source).evaluate(0)).toBe(500);
  });

  it("rejects non-string input with RetryDelaySyntaxError", () => {
    syntaxError(42 as unknown as string);
    syntaxError(undefined as unknown as string);
  });
});

// --- property tests: generated trees, printed, parsed and evaluated both ways ---

const FUNCTIONS: Record<RetryDelayFunction, [number, number]> = {
  pow: [2, 2],
  exp: [1, 1],
  sqrt: [1, 1],
  abs: [1, 1],
  floor: [1, 1],
  ceil: [1, 1],
  round: [1, 1],
  min: [2, 4],
  max: [2, 4],
};

const numberLiteral = fc
  .tuple(fc.integer({ min: 0, max: 100_000 }), fc.option(fc.integer({ min: 0, max: 999 }), { nil: undefined }))
  .map(([whole, fraction]): RetryDelayNode => {
    const text = fraction === undefined ? String(whole) : `${whole}.${String(fraction).padStart(3, "0")}`;
    return { type: "number", value: Number(text) };
  });

const { tree } = fc.letrec<{ tree: RetryDelayNode }>((tie) => ({
  tree: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    numberLiteral,
    fc.constant<RetryDelayNode>({ type: "retried" }),
    tie("tree").map((operand): RetryDelayNode => ({ type: "negate", operand })),
    fc
      .tuple(fc.constantFrom("+", "-", "*", "/" as const), tie("tree"), tie("tree"))
      .map(([operator, left, right]): RetryDelayNode => ({ type: "binary", operator, left, right })),
    fc
      .constantFrom(...(Object.keys(FUNCTIONS) as RetryDelayFunction[]))
      .chain((name) =>
        fc
          .array(tie("tree"), { minLength: FUNCTIONS[name][0], maxLength: FUNCTIONS[name][1] })
          .map((args): RetryDelayNode => ({ type: "call", name, args })),
      ),
  ),
}));

function printNumber(value: number): string {
  // Decimal literals were generated from text with at most three decimals.
  return Number.isInteger(value) ? String(value) : value.toFixed(3);
}

function print(node: RetryDelayNode): string {
  switch (node.type) {
    case "number":
      return printNumber(node.value);
    case "retried":
      return "retried";
    case "negate":
      return `-${print(node.operand)}`;
    case "binary":
      return `(${print(node.left)} ${node.operator} ${print(node.right)})`;
    case "call":
      return `${node.name}(${node.args.map(print).join(", ")})`;
  }
}

function directEvaluate(node: RetryDelayNode, retried: number): number {
  switch (node.type) {
    case "number":
      return node.value;
    case "retried":
      return retried;
    case "negate":
      return -directEvaluate(node.operand, retried);
    case "binary": {
      const l = directEvaluate(node.left, retried);
      const r = directEvaluate(node.right, retried);
      return node.operator === "+" ? l + r : node.operator === "-" ? l - r : node.operator === "*" ? l * r : l / r;
    }
    case "call": {
      const args = node.args.map((arg) => directEvaluate(arg, retried));
      const fn = Math[node.name] as (...values: number[]) => number;
      return fn(...args);
    }
  }
}

function clamp(value: number): number {
  if (Number.isNaN(value)) return 0;
  return Math.min(RETRY_DELAY_MAX_MS, Math.max(0, value));
}

describe("parseRetryDelay: properties", () => {
  it("print → parse gives back the same tree and the same value", () => {
    fc.assert(
      fc.property(tree, fc.integer({ min: 0, max: 30 }), (ast, retried) => {
        const source = print(ast);
        fc.pre(source.length <= 1000);
        const parsed = parseRetryDelay(source);
        expect(parsed.ast).toEqual(ast);
        const value = parsed.evaluate(retried);
        expect(value).toBe(clamp(directEvaluate(ast, retried)));
        expect(value >= 0 && value <= RETRY_DELAY_MAX_MS).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it("random strings parse or throw RetryDelaySyntaxError, nothing else", () => {
    const unit = fc.constantFrom(..."0123456789.+-*/(), \tretriedpowexpsqrtabsfloorceilroundminmax_x;".split(""));
    const input = fc.oneof(fc.string({ unit, maxLength: 60 }), fc.string({ unit: "binary", maxLength: 60 }), fc.string());
    fc.assert(
      fc.property(input, (source) => {
        try {
          const value = parseRetryDelay(source).evaluate(3);
          expect(value >= 0 && value <= RETRY_DELAY_MAX_MS).toBe(true);
        } catch (error) {
          expect(error).toBeInstanceOf(RetryDelaySyntaxError);
          const column = (error as RetryDelaySyntaxError).column;
          expect(column >= 1 && column <= source.length + 1).toBe(true);
        }
      }),
      { numRuns: 3000 },
    );
  });
});
