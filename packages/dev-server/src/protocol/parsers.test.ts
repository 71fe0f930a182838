import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseCron } from "./cronExpression.js";
import { parseDestination } from "./destination.js";
import { parseFlowControlValue } from "./flowControlValue.js";
import { retryAfterMs } from "../engine/retryAfter.js";
import { parseGoDuration, parseHeaderDuration } from "./serverDuration.js";

describe("parseHeaderDuration", () => {
  it("accepts single, compound, decimal and bare-integer forms", () => {
    expect(parseHeaderDuration("10s")).toBe(10_000);
    expect(parseHeaderDuration("5m")).toBe(300_000);
    expect(parseHeaderDuration("1d10h30m")).toBe(86_400_000 + 36_000_000 + 1_800_000);
    expect(parseHeaderDuration("1.5s")).toBe(1500);
    expect(parseHeaderDuration("42")).toBe(42_000);
  });

  it("rejects garbage", () => {
    for (const bad of ["", "s", "10x", "-5s", "1 s", "ten"]) expect(parseHeaderDuration(bad), bad).toBeUndefined();
  });

  it("round-trips any d/h/m/s combination", () => {
    fc.assert(
      fc.property(fc.nat(400), fc.nat(23), fc.nat(59), fc.nat(59), (d, h, m, s) => {
        const text = `${d}d${h}h${m}m${s}s`;
        expect(parseHeaderDuration(text)).toBe(((d * 24 + h) * 60 + m) * 60_000 + s * 1000);
      }),
    );
  });
});

describe("retryAfterMs", () => {
  const now = Date.UTC(2026, 0, 1);
  const from = (headers: Record<string, string>) => retryAfterMs((name) => headers[name], now);

  it("reads integer seconds, Go durations and RFC 1123 dates", () => {
    expect(from({ "retry-after": "0" })).toBe(0);
    expect(from({ "retry-after": "10" })).toBe(10_000);
    expect(from({ "x-ratelimit-reset": "6m5s" })).toBe(365_000);
    expect(from({ "x-ratelimit-reset-tokens": "250ms" })).toBe(250);
    expect(from({ "retry-after": "Thu, 01 Jan 2026 00:05:00 GMT" })).toBe(300_000);
  });

  it("ignores values beyond one day and unparsable ones", () => {
    expect(from({ "retry-after": String(2 * 86_400) })).toBeUndefined();
    expect(from({ "retry-after": "soon" })).toBeUndefined();
    expect(from({})).toBeUndefined();
  });

  it("Go durations sum their parts", () => {
    expect(parseGoDuration("1h2m3s4ms")).toBe(3_723_004);
    expect(parseGoDuration("1500us")).toBe(1.5);
    expect(parseGoDuration("1d")).toBeUndefined();
  });
});

describe("parseDestination", () => {
  it("keeps the destination's query but strips QStash's own keys", () => {
    expect(parseDestination("https://example.com/a/b", "x=1&qstash_token=t&upstash-retries=2&y=%20")).toEqual({
      destination: "https://example.com/a/b?x=1&y=%20",
      queryConfig: { "upstash-retries": "2" },
    });
  });

  it("restores a collapsed scheme and decodes a fully encoded URL", () => {
    expect(parseDestination("https:/example.com/x", "").destination).toBe("https://example.com/x");
    expect(parseDestination("https%3A%2F%2Fexample.com%2Fx", "").destination).toBe("https://example.com/x");
    expect(parseDestination("my-group", "").destination).toBe("my-group");
  });

  it("never loses a destination query parameter that is not QStash's", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.stringMatching(/^[a-z][a-z0-9]{0,6}$/), fc.stringMatching(/^[a-z0-9]{0,6}$/))), (pairs) => {
        const kept = pairs.filter(([k]) => !k.startsWith("upstash"));
        const query = pairs.map(([k, v]) => `${k}=${v}`).join("&");
        const { destination } = parseDestination("http://h/p", query);
        const expected = kept.length === 0 ? "http://h/p" : `http://h/p?${kept.map(([k, v]) => `${k}=${v}`).join("&")}`;
        expect(destination).toBe(expected);
      }),
    );
  });
});

describe("parseFlowControlValue", () => {
  it("reads the docs' and the SDK's spellings", () => {
    expect(parseFlowControlValue("parallelism=5,rate=10,period=1m")).toEqual({ parallelism: 5, rate: 10, periodMs: 60_000 });
    expect(parseFlowControlValue("parallelism=5, rate=10, period=60s")).toEqual({ parallelism: 5, rate: 10, periodMs: 60_000 });
    expect(parseFlowControlValue("rate=3,period=2")).toEqual({ rate: 3, periodMs: 2000 });
  });

  it("rejects unknown keys and bad numbers naming the header", () => {
    expect(() => parseFlowControlValue("speed=3")).toThrow(/Upstash-Flow-Control-Value/);
    expect(() => parseFlowControlValue("parallelism=0")).toThrow(/Upstash-Flow-Control-Value/);
    expect(() => parseFlowControlValue("period=8d")).toThrow(/Upstash-Flow-Control-Value/);
  });
});

describe("parseCron", () => {
  it("computes the next minute boundary in UTC", () => {
    expect(parseCron("* * * * *").next(Date.UTC(2026, 0, 1, 0, 0, 30))).toBe(Date.UTC(2026, 0, 1, 0, 1));
    expect(parseCron("0 4 * * *").next(Date.UTC(2026, 0, 1, 5))).toBe(Date.UTC(2026, 0, 2, 4));
  });

  it("honours CRON_TZ", () => {
    // 04:00 in New York on 2 Jan 2026 (EST, UTC-5) is 09:00 UTC.
    expect(parseCron("CRON_TZ=America/New_York 0 4 * * *").next(Date.UTC(2026, 0, 1, 12))).toBe(Date.UTC(2026, 0, 2, 9));
  });

  it("rejects invalid patterns, zones and six-field patterns", () => {
    for (const bad of ["61 * * * *", "* * * *", "0 * * * * *", "CRON_TZ=Nowhere/City * * * * *"]) {
      expect(() => parseCron(bad), bad).toThrow(/Upstash-Cron/);
    }
  });
});
