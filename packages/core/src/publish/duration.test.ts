import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatDuration, InvalidOptionError, parseDuration } from "@stashkit/core";

function expectInvalid(run: () => unknown, option = "duration"): InvalidOptionError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidOptionError);
    expect((error as InvalidOptionError).option).toBe(option);
    expect((error as InvalidOptionError).code).toBe("ERR_INVALID_OPTION");
    return error as InvalidOptionError;
  }
  throw new Error("expected InvalidOptionError");
}

describe("parseDuration", () => {
  it.each([
    ["5s", 5],
    ["2m", 120],
    ["1h", 3600],
    ["1d", 86_400],
    ["1d1h30m", 91_800],
    ["1d10h30m", 124_200],
    ["1h30s", 3630],
    ["0s", 0],
    ["90", 90],
    ["0", 0],
    ["007s", 7],
  ])("parses %s as %i seconds", (input, seconds) => {
    expect(parseDuration(input)).toBe(seconds);
  });

  it("accepts whole seconds as numbers", () => {
    expect(parseDuration(0)).toBe(0);
    expect(parseDuration(30)).toBe(30);
    expect(parseDuration(Number.MAX_SAFE_INTEGER)).toBe(Number.MAX_SAFE_INTEGER);
  });

  it.each([
    "",
    " ",
    "-5s",
    "+5s",
    "1.5s",
    "1.5",
    "5 s",
    " 5s",
    "5s ",
    "1m1h",
    "1s1s",
    "1h1h",
    "s",
    "5x",
    "5ms",
    "5S",
    "1d 1h",
    "9007199254740992",
    "9007199254740992s",
    "104249991375d",
    "1e3s",
    "Infinity",
    "5s\r\n",
  ])("rejects %j", (input) => {
    expectInvalid(() => parseDuration(input));
  });

  it.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53])("rejects the number %d", (input) => {
    expectInvalid(() => parseDuration(input));
  });

  it("rejects non-string, non-number values", () => {
    expectInvalid(() => parseDuration(null as unknown as string));
    expectInvalid(() => parseDuration({} as unknown as string));
  });

  it("names the option it was given and does not echo the value", () => {
    const error = expectInvalid(() => parseDuration("secret-ish", "callback.timeout"), "callback.timeout");
    expect(error.message).not.toContain("secret-ish");
  });

  it("rejects overlong strings without scanning them", () => {
    expectInvalid(() => parseDuration(`${"1".repeat(100_000)}s`));
  });
});

describe("formatDuration", () => {
  it("emits <n>s", () => {
    expect(formatDuration(0)).toBe("0s");
    expect(formatDuration(91_800)).toBe("91800s");
  });

  it("rejects what parseDuration rejects as a number", () => {
    expectInvalid(() => formatDuration(-1));
    expectInvalid(() => formatDuration(0.5));
  });
});

describe("duration properties", () => {
  const seconds = fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER });

  it("format then parse is the identity", () => {
    fc.assert(
      fc.property(seconds, (n) => {
        expect(parseDuration(formatDuration(n))).toBe(n);
      }),
    );
  });

  it("a generated compound equals the sum of its parts", () => {
    const part = fc.option(fc.integer({ min: 0, max: 100_000 }), { nil: undefined });
    fc.assert(
      fc.property(part, part, part, part, (d, h, m, s) => {
        fc.pre([d, h, m, s].some((p) => p !== undefined));
        const text =
          (d === undefined ? "" : `${d}d`) +
          (h === undefined ? "" : `${h}h`) +
          (m === undefined ? "" : `${m}m`) +
          (s === undefined ? "" : `${s}s`);
        const expected = (d ?? 0) * 86_400 + (h ?? 0) * 3600 + (m ?? 0) * 60 + (s ?? 0);
        expect(parseDuration(text)).toBe(expected);
      }),
    );
  });

  it("random strings either parse to a safe integer or throw InvalidOptionError", () => {
    const alphabet = fc.constantFrom(..."0123456789dhms .-+e\r\nxDHMS".split(""));
    const junk = fc.oneof(fc.string(), fc.string({ unit: alphabet }), fc.string({ unit: "binary" }));
    fc.assert(
      fc.property(junk, (text) => {
        try {
          const result = parseDuration(text);
          expect(Number.isSafeInteger(result) && result >= 0).toBe(true);
          expect(text).toMatch(/^(?:\d+d)?(?:\d+h)?(?:\d+m)?(?:\d+s)?$|^\d+$/);
        } catch (error) {
          expect(error).toBeInstanceOf(InvalidOptionError);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it("strings outside the grammar always throw InvalidOptionError", () => {
    const bad = fc
      .string({ unit: fc.constantFrom(..."0123456789dhms .-+".split("")) })
      .filter((text) => !/^(?:\d+d)?(?:\d+h)?(?:\d+m)?(?:\d+s)?$/.test(text) || text === "");
    fc.assert(
      fc.property(bad, (text) => {
        fc.pre(!/^\d+$/.test(text));
        expect(() => parseDuration(text)).toThrow(InvalidOptionError);
      }),
      { numRuns: 2000 },
    );
  });
});
