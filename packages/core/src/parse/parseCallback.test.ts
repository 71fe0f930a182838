import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CallbackParseError, QStashError, parseCallback } from "@stashkit/core";
import { callbackPayloadSchema } from "@stashkit/core/schemas";
import { buildCallbackPayload } from "@stashkit/core/testing";

// Wire spec section 8, step 3: the exact callback body.
const SPEC_CALLBACK =
  '{"status":200,"header":{"Content-Type":["application/json"]},"body":"eyJzZW50Ijp0cnVlfQ==","maxRetries":2,"sourceMessageId":"msg_26hZCxZCuWyyTWPmSVBrNC1RADwpgWxPcak2rQD51EMjFMuzcW7qYXpPiDyw","url":"http://localhost:3000/api/send-email","method":"POST","sourceHeader":{"Content-Type":["application/json"],"Upstash-Forward-X-Tenant":["acme"]},"sourceBody":"eyJvcmRlcklkIjo0MiwidG8iOiJhZGFAZXhhbXBsZS5jb20ifQ==","notBefore":1767225600000,"createdAt":1767225599874,"callerIP":"127.0.0.1"}';

const fieldOf = (input: unknown): string => {
  try {
    parseCallback(input);
  } catch (error) {
    expect(error).toBeInstanceOf(CallbackParseError);
    expect(error).toBeInstanceOf(QStashError);
    expect(error).toMatchObject({ code: "ERR_BAD_CALLBACK", name: "CallbackParseError" });
    return (error as CallbackParseError).field;
  }
  throw new Error("expected parseCallback to throw");
};

describe("parseCallback", () => {
  it("parses the wire spec's callback report", () => {
    const report = parseCallback(JSON.parse(SPEC_CALLBACK));
    expect(report).toMatchObject({
      status: 200,
      header: { "Content-Type": ["application/json"] },
      bodyBase64: "eyJzZW50Ijp0cnVlfQ==",
      bodyText: '{"sent":true}',
      retried: 0,
      maxRetries: 2,
      isFailureCallback: false,
      sourceMessageId: "msg_26hZCxZCuWyyTWPmSVBrNC1RADwpgWxPcak2rQD51EMjFMuzcW7qYXpPiDyw",
      url: "http://localhost:3000/api/send-email",
      method: "POST",
      sourceHeader: { "Upstash-Forward-X-Tenant": ["acme"] },
      sourceBodyText: '{"orderId":42,"to":"ada@example.com"}',
      notBefore: 1767225600000,
      createdAt: 1767225599874,
      callerIp: "127.0.0.1",
    });
    expect(report.dlqId).toBeUndefined();
    expect(new TextDecoder().decode(report.bodyBytes)).toBe('{"sent":true}');
    expect(report.sourceBodyBytes).toHaveLength(37);
  });

  it("also takes the raw JSON text or bytes", () => {
    expect(parseCallback(SPEC_CALLBACK).status).toBe(200);
    expect(parseCallback(new TextEncoder().encode(SPEC_CALLBACK)).maxRetries).toBe(2);
    expect(fieldOf("{not json")).toBe("");
  });

  it("recognises a failure callback by its dlqId", () => {
    const report = parseCallback({ status: 500, retried: 3, maxRetries: 3, dlqId: "1725323658779-0" });
    expect(report).toMatchObject({ isFailureCallback: true, dlqId: "1725323658779-0", retried: 3 });
  });

  it("needs only status: defaults for everything else, unknown keys ignored", () => {
    const report = parseCallback({ status: 489, workflowRunId: "wfr_1", workflowCreatedAt: 1 });
    expect(report).toEqual({
      status: 489,
      ok: false,
      final: false,
      header: {},
      bodyText: "",
      bodyBytes: new Uint8Array(0),
      retried: 0,
      isFailureCallback: false,
      sourceHeader: {},
      sourceBodyText: "",
      sourceBodyBytes: new Uint8Array(0),
    });
  });

  it("ok says the reported attempt succeeded; final says no attempt follows it", () => {
    const cases: [Record<string, unknown>, boolean, boolean][] = [
      [{ status: 200, retried: 0, maxRetries: 3 }, true, true],
      [{ status: 204 }, true, true],
      [{ status: 500, retried: 1, maxRetries: 3 }, false, false],
      [{ status: 500, retried: 3, maxRetries: 3 }, false, true],
      [{ status: 302, retried: 0, maxRetries: 0 }, false, true],
      [{ status: 489, header: { "Upstash-NonRetryable-Error": ["true"] }, retried: 0, maxRetries: 3 }, false, true],
      [{ status: 489, retried: 0, maxRetries: 3 }, false, false],
      [{ status: 500, retried: 1, maxRetries: 3, dlqId: "1-0" }, false, true],
      [{ status: 500 }, false, false],
    ];
    for (const [report, ok, final] of cases) {
      expect(parseCallback(report), JSON.stringify(report)).toMatchObject({ ok, final });
    }
  });

  it("accepts numeric strings for notBefore/createdAt, single-string header values, null fields, callerIp spelling", () => {
    const report = parseCallback({
      status: 200,
      notBefore: "1767225600000",
      createdAt: 1767225599874,
      sourceHeader: { "Content-Type": "text/plain", Accept: ["a", "b"] },
      scheduleId: null,
      callerIp: "10.0.0.2",
    });
    expect(report).toMatchObject({
      notBefore: 1767225600000,
      createdAt: 1767225599874,
      sourceHeader: { "Content-Type": ["text/plain"], Accept: ["a", "b"] },
      callerIp: "10.0.0.2",
    });
    expect("scheduleId" in report).toBe(false);
  });

  it("decodes base64 without padding, and non-UTF-8 bytes", () => {
    const report = parseCallback({ status: 200, body: "eyJzZW50Ijp0cnVlfQ", sourceBody: "//79gA==" });
    expect(report.bodyText).toBe('{"sent":true}');
    expect([...report.sourceBodyBytes]).toEqual([0xff, 0xfe, 0xfd, 0x80]);
    expect(report.sourceBodyText).toContain("\uFFFD");
  });

  it.each([
    [null, ""],
    [[], ""],
    [{}, "status"],
    [{ status: "200" }, "status"],
    [{ status: 200.5 }, "status"],
    [{ status: 200, retried: -1 }, "retried"],
    [{ status: 200, maxRetries: "2" }, "maxRetries"],
    [{ status: 200, header: { A: 1 } }, "header.A"],
    [{ status: 200, sourceHeader: { A: [1] } }, "sourceHeader.A"],
    [{ status: 200, notBefore: "soon" }, "notBefore"],
    [{ status: 200, body: "not base64!" }, "body"],
    [{ status: 200, sourceBody: "abcde" }, "sourceBody"],
    [{ status: 200, dlqId: 5 }, "dlqId"],
    [{ status: 200, url: false }, "url"],
  ])("names the bad field: %j → %s", (input, field) => {
    expect(fieldOf(input)).toBe(field);
  });

  it("lists every bad field, the first one as field", () => {
    const error = (() => {
      try {
        parseCallback({ status: "x", retried: -1, header: { A: 1 } });
      } catch (caught) {
        return caught as CallbackParseError;
      }
      throw new Error("expected a CallbackParseError");
    })();
    expect(error.field).toBe("status");
    expect(error.issues.map((issue) => issue.path)).toEqual(["status", "header.A", "retried"]);
  });

  it("callbackPayloadSchema (zod) runs the same field checks", () => {
    expect(callbackPayloadSchema.parse(JSON.parse(SPEC_CALLBACK))).toMatchObject({ status: 200, maxRetries: 2, callerIP: "127.0.0.1" });
    expect(callbackPayloadSchema.parse({ status: 200, notBefore: "5", scheduleId: null })).toEqual({ status: 200, notBefore: 5 });
    for (const [input, field] of [
      [{}, "status"],
      [{ status: 200, retried: -1 }, "retried"],
      [{ status: 200, sourceHeader: { A: [1] } }, "sourceHeader.A"],
    ] as const) {
      expect(callbackPayloadSchema.safeParse(input).error?.issues[0]?.path.join(".")).toBe(field);
      expect(fieldOf(input)).toBe(field);
    }
  });

  it("round-trips buildCallbackPayload for any body bytes (property)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.string({ maxLength: 50 }), fc.nat(10), (bytes, text, retried) => {
        const report = parseCallback(JSON.parse(JSON.stringify(buildCallbackPayload({ status: 500, body: bytes, sourceBody: text, retried }))));
        expect([...report.bodyBytes]).toEqual([...bytes]);
        expect(report.sourceBodyText).toBe(new TextDecoder().decode(new TextEncoder().encode(text)));
        expect(report.retried).toBe(retried);
      }),
      { numRuns: 300 },
    );
  });
});

describe("buildCallbackPayload", () => {
  it("builds the wire spec's callback body byte for byte", () => {
    const report = buildCallbackPayload({
      status: 200,
      header: { "Content-Type": "application/json" },
      body: '{"sent":true}',
      retried: 0,
      maxRetries: 2,
      sourceMessageId: "msg_26hZCxZCuWyyTWPmSVBrNC1RADwpgWxPcak2rQD51EMjFMuzcW7qYXpPiDyw",
      url: "http://localhost:3000/api/send-email",
      method: "POST",
      sourceHeader: { "Content-Type": ["application/json"], "Upstash-Forward-X-Tenant": ["acme"] },
      sourceBody: '{"orderId":42,"to":"ada@example.com"}',
      notBefore: 1767225600000,
      createdAt: 1767225599874,
      callerIp: "127.0.0.1",
    });
    expect(JSON.stringify(report)).toBe(SPEC_CALLBACK);
  });

  it("builds a failure-callback report with dlqId and retried", () => {
    const report = buildCallbackPayload({ status: 500, body: new Uint8Array([255]), retried: 3, maxRetries: 3, dlqId: "d-1" });
    expect(report).toEqual({ status: 500, body: "/w==", retried: 3, maxRetries: 3, dlqId: "d-1" });
    expect(parseCallback(report).isFailureCallback).toBe(true);
  });

  it("rejects a non-integer status", () => {
    expect(() => buildCallbackPayload({ status: 2.5 })).toThrow(expect.objectContaining({ option: "status" }));
  });
});
