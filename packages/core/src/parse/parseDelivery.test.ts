import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DeliveryParseError, QStashError, parseDelivery } from "@stashkit/core";

const SPEC_HEADERS = {
  Host: "localhost:3000",
  "User-Agent": "Upstash-QStash",
  "Content-Type": "application/json",
  "Content-Length": "37",
  Connection: "keep-alive",
  "X-Tenant": "acme",
  "Upstash-Message-Id": "msg_26hZCxZCuWyyTWPmSVBrNC1RADwpgWxPcak2rQD51EMjFMuzcW7qYXpPiDyw",
  "Upstash-Retried": "0",
  "Upstash-Caller-Ip": "127.0.0.1",
  "Upstash-Signature": "eyJ.x.y",
};

describe("parseDelivery", () => {
  it("reads the wire spec's delivery headers from a plain object", () => {
    expect(parseDelivery(SPEC_HEADERS)).toEqual({
      messageId: "msg_26hZCxZCuWyyTWPmSVBrNC1RADwpgWxPcak2rQD51EMjFMuzcW7qYXpPiDyw",
      retried: 0,
      callerIp: "127.0.0.1",
      signature: "eyJ.x.y",
      forwardedHeaders: { "user-agent": "Upstash-QStash", "content-type": "application/json", "x-tenant": "acme" },
    });
  });

  it("accepts Request, Headers and Node-style objects alike", () => {
    const headers = new Headers(SPEC_HEADERS);
    const request = new Request("http://localhost:3000/api/send-email", { method: "POST", headers: { ...SPEC_HEADERS, Host: "" } });
    const expected = parseDelivery(SPEC_HEADERS);
    expect(parseDelivery(headers)).toEqual(expected);
    const fromRequest = parseDelivery(request);
    expect(fromRequest.messageId).toBe(expected.messageId);
    expect(fromRequest.forwardedHeaders["x-tenant"]).toBe("acme");
    const node = { "upstash-message-id": "m1", "x-multi": ["a", "b"], "upstash-retried": "2", "x-none": undefined };
    expect(parseDelivery(node)).toMatchObject({ messageId: "m1", retried: 2, forwardedHeaders: { "x-multi": "a, b" } });
  });

  it("reads every optional Upstash header, and Upstash-Caller-IP in either spelling", () => {
    const delivery = parseDelivery({
      "upstash-message-id": "m",
      "UPSTASH-RETRIED": "3",
      "Upstash-Max-Retries": "5",
      "Upstash-Schedule-Id": "scd_1",
      "Upstash-Topic-Name": "emails",
      "Upstash-Caller-IP": "10.0.0.1",
      "Upstash-Region": "US-EAST-1",
      "Upstash-Retry-Delay": "pow(2, retried) * 1000",
      "Upstash-Flow-Control-Key": "tenant-a",
    });
    expect(delivery).toEqual({
      messageId: "m",
      retried: 3,
      maxRetries: 5,
      scheduleId: "scd_1",
      urlGroup: "emails",
      callerIp: "10.0.0.1",
      region: "US-EAST-1",
      retryDelay: "pow(2, retried) * 1000",
      flowControlKey: "tenant-a",
      forwardedHeaders: {},
    });
  });

  it("defaults retried to 0 and leaves absent optionals out", () => {
    const delivery = parseDelivery({ "Upstash-Message-Id": "m" });
    expect(delivery).toEqual({ messageId: "m", retried: 0, forwardedHeaders: {} });
  });

  it("keeps only end-to-end, non-Upstash headers as forwarded", () => {
    const delivery = parseDelivery({
      "Upstash-Message-Id": "m",
      "Upstash-Forward-X-Left": "an upstash-* header: QStash strips the prefix before delivery",
      "Transfer-Encoding": "chunked",
      "Keep-Alive": "timeout=5",
      Upgrade: "h2c",
      TE: "trailers",
      "Proxy-Authorization": "secret",
      "X-Request-Id": "r1",
    });
    expect(delivery.forwardedHeaders).toEqual({ "x-request-id": "r1" });
  });

  it.each([
    [{}, "Upstash-Message-Id"],
    [{ "Upstash-Message-Id": "" }, "Upstash-Message-Id"],
    [{ "Upstash-Message-Id": "m", "Upstash-Retried": "-1" }, "Upstash-Retried"],
    [{ "Upstash-Message-Id": "m", "Upstash-Retried": "1.5" }, "Upstash-Retried"],
    [{ "Upstash-Message-Id": "m", "Upstash-Retried": "two" }, "Upstash-Retried"],
    [{ "Upstash-Message-Id": "m", "Upstash-Retried": "" }, "Upstash-Retried"],
    [{ "Upstash-Message-Id": "m", "Upstash-Retried": "99999999999999999999" }, "Upstash-Retried"],
    [{ "Upstash-Message-Id": "m", "Upstash-Max-Retries": "0x10" }, "Upstash-Max-Retries"],
  ])("names the bad header: %j → %s", (headers, field) => {
    let error: unknown;
    try {
      parseDelivery(headers);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DeliveryParseError);
    expect(error).toBeInstanceOf(QStashError);
    expect(error).toMatchObject({ field, code: "ERR_BAD_DELIVERY_HEADER", name: "DeliveryParseError" });
    expect((error as Error).message).toContain(field);
  });

  it("parses any non-negative integer Upstash-Retried (property)", () => {
    fc.assert(
      fc.property(fc.nat({ max: 1_000_000_000 }), (n) => {
        expect(parseDelivery({ "Upstash-Message-Id": "m", "Upstash-Retried": ` ${n} ` }).retried).toBe(n);
      }),
    );
  });
});
