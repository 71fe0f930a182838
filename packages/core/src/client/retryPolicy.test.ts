import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  defaultBackoff,
  isRetryableNetworkError,
  isRetryableStatus,
  parseRetryAfter,
  resolveRetry,
} from "./retryPolicy.js";

/** Builds the shape undici gives a failed fetch: TypeError("fetch failed") with a coded cause. */
function fetchFailure(cause: unknown): TypeError {
  return new TypeError("fetch failed", { cause });
}
function coded(code: string): Error {
  return Object.assign(new Error(code), { code });
}

describe("parseRetryAfter", () => {
  it("reads delay-seconds as milliseconds", () => {
    fc.assert(
      fc.property(fc.nat({ max: 10_000_000 }), (seconds) => {
        expect(parseRetryAfter(String(seconds))).toBe(seconds * 1000);
      }),
    );
  });

  it("reads an HTTP date relative to now, never negative", () => {
    const now = Date.UTC(2026, 0, 1, 0, 0, 0);
    expect(parseRetryAfter("Thu, 01 Jan 2026 00:05:00 GMT", now)).toBe(300_000);
    expect(parseRetryAfter("Wed, 31 Dec 2025 23:00:00 GMT", now)).toBe(0);
  });

  it.each([[null], [""], ["soon"], ["-5"], ["1.5"], ["10s"]])("ignores %j", (value) => {
    expect(parseRetryAfter(value)).toBeUndefined();
  });
});

describe("defaultBackoff", () => {
  it("stays within 50–100 % of the capped exponential", () => {
    fc.assert(
      fc.property(fc.nat({ max: 60 }), fc.double({ min: 0, max: 0.999_999, noNaN: true }), (attempt, r) => {
        const ceiling = Math.min(5_000, 100 * 2 ** attempt);
        const delay = defaultBackoff(attempt, () => r);
        expect(delay).toBeGreaterThanOrEqual(Math.floor(ceiling / 2));
        expect(delay).toBeLessThanOrEqual(ceiling);
      }),
    );
  });

  it("grows with the attempt before the cap", () => {
    const mid = () => 0.5;
    expect(defaultBackoff(0, mid)).toBeLessThan(defaultBackoff(1, mid));
    expect(defaultBackoff(1, mid)).toBeLessThan(defaultBackoff(3, mid));
    expect(defaultBackoff(30, mid)).toBe(defaultBackoff(40, mid));
  });
});

describe("resolveRetry", () => {
  it("defaults to 3 retries and turns false into none", () => {
    expect(resolveRetry(undefined).retries).toBe(3);
    expect(resolveRetry(false).retries).toBe(0);
    expect(resolveRetry({ retries: 0 }).retries).toBe(0);
  });

  it.each([[-1], [1.5], [Number.NaN]])("rejects retries %j", (retries) => {
    expect(() => resolveRetry({ retries })).toThrow(/retry\.retries/);
  });
});

describe("isRetryableStatus", () => {
  it("retries 429 for every call, 5xx only for idempotent ones, never 4xx", () => {
    expect(isRetryableStatus(429, false)).toBe(true);
    expect(isRetryableStatus(503, false)).toBe(false);
    expect(isRetryableStatus(503, true)).toBe(true);
    for (const status of [400, 401, 403, 404, 412, 489, 501]) expect(isRetryableStatus(status, true)).toBe(false);
  });
});

describe("isRetryableNetworkError", () => {
  it("retries any failure of an idempotent call", () => {
    expect(isRetryableNetworkError(new Error("anything"), true)).toBe(true);
  });

  it("retries a non-idempotent call only when the connection never existed", () => {
    expect(isRetryableNetworkError(fetchFailure(coded("ECONNREFUSED")), false)).toBe(true);
    expect(isRetryableNetworkError(fetchFailure(coded("ENOTFOUND")), false)).toBe(true);
    const happyEyeballs = new AggregateError([coded("ECONNREFUSED"), coded("ENETUNREACH")]);
    expect(isRetryableNetworkError(fetchFailure(happyEyeballs), false)).toBe(true);
    expect(isRetryableNetworkError(fetchFailure(coded("ECONNRESET")), false)).toBe(false);
    expect(isRetryableNetworkError(fetchFailure(coded("UND_ERR_SOCKET")), false)).toBe(false);
    expect(isRetryableNetworkError(fetchFailure(new AggregateError([coded("ECONNREFUSED"), coded("ECONNRESET")])), false)).toBe(false);
    expect(isRetryableNetworkError(new Error("no code"), false)).toBe(false);
  });
});
