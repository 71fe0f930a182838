import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { Client as UpstashClient } from "@upstash/qstash";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  buildPublishHeaders,
  buildPublishRequest,
  InvalidOptionError,
  type PublishOptions,
} from "@stashkit/core";
import { publishOptionsSchema } from "@stashkit/core/schemas";

const BASE = "http://127.0.0.1:8080";
const TOKEN = "test-token";
const DESTINATION = "https://www.example.com/api/hook";

function options(extra: Partial<PublishOptions> = {}): PublishOptions {
  return { baseUrl: BASE, token: TOKEN, destination: DESTINATION, ...extra };
}

function headersOf(extra: Partial<PublishOptions>): Record<string, string> {
  return Object.fromEntries(buildPublishHeaders(options(extra)));
}

/** The headers every request carries, for exact comparisons. */
const BASE_HEADERS = { authorization: `Bearer ${TOKEN}`, "upstash-method": "POST" };

function expectInvalid(input: unknown, option: string, headersToo = true): InvalidOptionError {
  let caught: unknown;
  try {
    buildPublishRequest(input as PublishOptions);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(InvalidOptionError);
  const error = caught as InvalidOptionError;
  expect(error.option).toBe(option);
  expect(error.code).toBe("ERR_INVALID_OPTION");
  // buildPublishHeaders validates identically, except what only the request
  // needs (serialising the body, the base URL).
  if (headersToo) expect(() => buildPublishHeaders(input as PublishOptions)).toThrow(InvalidOptionError);
  return error;
}

beforeEach(() => {
  vi.stubEnv("QSTASH_URL", "");
  vi.stubEnv("QSTASH_TOKEN", "");
});

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("buildPublishRequest: the documented enqueue example", () => {
  it("matches exactly, headers and all", async () => {
    const request = buildPublishRequest({
      baseUrl: BASE,
      token: TOKEN,
      queueName: "myQueue",
      destination: "https://www.example.com",
      method: "POST",
      retries: 3,
      headers: { "Custom-Header": "custom-value" },
      body: { message: "hello" },
    });
    expect(request.method).toBe("POST");
    expect(request.url).toBe(`${BASE}/v2/enqueue/myQueue/https://www.example.com`);
    expect(Object.fromEntries(request.headers)).toEqual({
      authorization: `Bearer ${TOKEN}`,
      "content-type": "application/json",
      "upstash-method": "POST",
      "upstash-retries": "3",
      "upstash-forward-custom-header": "custom-value",
    });
    expect(await request.text()).toBe('{"message":"hello"}');
  });
});

describe("buildPublishRequest: URL", () => {
  it("publishes to /v2/publish/{destination} verbatim, query included", () => {
    const destination = "https://example.com/api/a/b?x=1&y=two";
    expect(buildPublishRequest(options({ destination })).url).toBe(`${BASE}/v2/publish/${destination}`);
  });

  it("accepts URL-group names and api/ destinations", () => {
    expect(buildPublishRequest(options({ destination: "my-group_1.v2" })).url).toBe(`${BASE}/v2/publish/my-group_1.v2`);
    expect(buildPublishRequest(options({ destination: "api/llm" })).url).toBe(`${BASE}/v2/publish/api/llm`);
  });

  it("accepts http destinations and upper-case schemes", () => {
    expect(buildPublishRequest(options({ destination: "http://localhost:3000/x" })).url).toBe(
      `${BASE}/v2/publish/http://localhost:3000/x`,
    );
    expect(buildPublishRequest(options({ destination: "HTTPS://example.com" })).url).toBe(
      `${BASE}/v2/publish/HTTPS://example.com`,
    );
  });

  it("strips one trailing slash from baseUrl", () => {
    expect(buildPublishRequest(options({ baseUrl: "http://127.0.0.1:9000/" })).url).toBe(
      `http://127.0.0.1:9000/v2/publish/${DESTINATION}`,
    );
  });

  it("defaults to QSTASH_URL, then to production", () => {
    const withoutBase = { token: TOKEN, destination: DESTINATION };
    expect(buildPublishRequest(withoutBase).url).toBe(`https://qstash.upstash.io/v2/publish/${DESTINATION}`);
    vi.stubEnv("QSTASH_URL", "http://localhost:8080/");
    expect(buildPublishRequest(withoutBase).url).toBe(`http://localhost:8080/v2/publish/${DESTINATION}`);
    vi.stubEnv("QSTASH_URL", "https://qstash.upstash.io/v2/publish");
    expect(buildPublishRequest(withoutBase).url).toBe(`https://qstash.upstash.io/v2/publish/${DESTINATION}`);
  });

  it("prefers an explicit baseUrl over QSTASH_URL", () => {
    vi.stubEnv("QSTASH_URL", "http://env.example:1");
    expect(buildPublishRequest(options()).url).toBe(`${BASE}/v2/publish/${DESTINATION}`);
  });

  it("always POSTs to QStash, whatever the delivery method", () => {
    expect(buildPublishRequest(options({ method: "GET" })).method).toBe("POST");
  });
});

describe("buildPublishRequest: token", () => {
  it("sends the explicit token as a bearer token", () => {
    expect(headersOf({}).authorization).toBe(`Bearer ${TOKEN}`);
  });

  it("falls back to QSTASH_TOKEN", () => {
    vi.stubEnv("QSTASH_TOKEN", "from-env");
    const request = buildPublishRequest({ baseUrl: BASE, destination: DESTINATION });
    expect(request.headers.get("authorization")).toBe("Bearer from-env");
  });

  it("throws InvalidOptionError(token) when neither is set, without sending anything", () => {
    const error = expectInvalid({ baseUrl: BASE, destination: DESTINATION }, "token");
    expect(error.message).toContain("QSTASH_TOKEN");
  });

  it("rejects CR/LF in the token and never echoes it", () => {
    const error = expectInvalid(options({ token: "abc\r\nX-Evil: 1" }), "token");
    expect(error.message).not.toContain("abc");
  });

  it("rejects CR/LF in QSTASH_TOKEN", () => {
    vi.stubEnv("QSTASH_TOKEN", "abc\nX-Evil: 1");
    expectInvalid({ baseUrl: BASE, destination: DESTINATION }, "token");
  });

  it("rejects an empty token", () => {
    expectInvalid(options({ token: "" }), "token");
  });
});

describe("buildPublishRequest: bodies", () => {
  it("sends a string as is, with no JSON content type", async () => {
    const request = buildPublishRequest(options({ body: '{"raw":true}' }));
    expect(await request.text()).toBe('{"raw":true}');
    expect(buildPublishHeaders(options({ body: "text" })).has("content-type")).toBe(false);
    // fetch's own default for string bodies, exactly as with the official SDK.
    expect(request.headers.get("content-type")).toBe("text/plain;charset=UTF-8");
  });

  it("sends bytes untouched (Uint8Array, ArrayBuffer, other views)", async () => {
    const bytes = new Uint8Array([0, 255, 10, 13, 128]);
    const fromView = buildPublishRequest(options({ body: bytes }));
    expect(new Uint8Array(await fromView.arrayBuffer())).toEqual(bytes);
    expect(fromView.headers.has("content-type")).toBe(false);
    const fromBuffer = buildPublishRequest(options({ body: bytes.buffer }));
    expect(new Uint8Array(await fromBuffer.arrayBuffer())).toEqual(bytes);
    const fromDataView = buildPublishRequest(options({ body: new DataView(bytes.buffer) }));
    expect(new Uint8Array(await fromDataView.arrayBuffer())).toEqual(bytes);
  });

  it("sends a Blob as bytes", async () => {
    const request = buildPublishRequest(options({ body: new Blob(["hi"], { type: "text/x-hi" }) }));
    expect(await request.text()).toBe("hi");
    expect(request.headers.get("content-type")).toBe("text/x-hi");
  });

  it.each([
    [{ a: 1, nested: [true, null] }, '{"a":1,"nested":[true,null]}'],
    [[1, "two"], '[1,"two"]'],
    [42, "42"],
    [false, "false"],
    [null, "null"],
    [new Date(0), '"1970-01-01T00:00:00.000Z"'],
    [Object.assign(Object.create(null) as object, { x: 1 }), '{"x":1}'],
  ])("serialises the JSON value %j once with application/json", async (body, text) => {
    const request = buildPublishRequest(options({ body }));
    expect(await request.text()).toBe(text);
    expect(request.headers.get("content-type")).toBe("application/json");
    expect(buildPublishHeaders(options({ body })).get("content-type")).toBe("application/json");
  });

  it("lets contentType override the JSON default", async () => {
    const request = buildPublishRequest(options({ body: { a: 1 }, contentType: "application/vnd.api+json" }));
    expect(request.headers.get("content-type")).toBe("application/vnd.api+json");
    expect(await request.text()).toBe('{"a":1}');
  });

  it("honours a Content-Type given in headers, like the official SDK", () => {
    const headers = headersOf({ body: { a: 1 }, headers: { "Content-Type": "application/cloudevents+json" } });
    expect(headers["content-type"]).toBe("application/cloudevents+json");
    expect(headers["upstash-forward-content-type"]).toBeUndefined();
  });

  it("sets contentType without a body", () => {
    expect(headersOf({ contentType: "text/csv" })).toEqual({ ...BASE_HEADERS, "content-type": "text/csv" });
  });

  it("sends no body and no content type when body is absent or undefined", async () => {
    for (const request of [buildPublishRequest(options()), buildPublishRequest(options({ body: undefined }))]) {
      expect(request.body).toBeNull();
      expect(request.headers.has("content-type")).toBe(false);
    }
  });

  it("passes a large body by reference through validation", async () => {
    const body = { items: Array.from({ length: 10_000 }, (_, i) => ({ i })) };
    const request = buildPublishRequest(options({ body }));
    expect(JSON.parse(await request.text())).toEqual(body);
  });
});

describe("buildPublishRequest: delivery headers", () => {
  it("always sends Upstash-Method, POST by default", () => {
    expect(headersOf({})).toEqual(BASE_HEADERS);
  });

  it.each(["GET", "POST", "PUT", "PATCH", "DELETE"] as const)("sends method %s", (method) => {
    expect(headersOf({ method })["upstash-method"]).toBe(method);
  });

  it("formats timeout and delay as whole seconds", () => {
    expect(headersOf({ timeout: "30s", delay: "1d1h30m" })).toEqual({
      ...BASE_HEADERS,
      "upstash-timeout": "30s",
      "upstash-delay": "91800s",
    });
    expect(headersOf({ timeout: 90, delay: 0 })).toMatchObject({ "upstash-timeout": "90s", "upstash-delay": "0s" });
    expect(headersOf({ delay: "120" })["upstash-delay"]).toBe("120s");
  });

  it("sends retries, including zero", () => {
    expect(headersOf({ retries: 0 })["upstash-retries"]).toBe("0");
    expect(headersOf({ retries: 7 })["upstash-retries"]).toBe("7");
  });

  it("sends a valid retry-delay expression verbatim", () => {
    expect(headersOf({ retryDelay: "max(1000, pow(2, retried) * 100)" })["upstash-retry-delay"]).toBe(
      "max(1000, pow(2, retried) * 100)",
    );
  });

  it("sends notBefore as Unix seconds from a Date or a number", () => {
    expect(headersOf({ notBefore: new Date(1_767_225_600_999) })["upstash-not-before"]).toBe("1767225600");
    expect(headersOf({ notBefore: 1_767_225_600 })["upstash-not-before"]).toBe("1767225600");
  });

  it("sends deduplication settings", () => {
    expect(headersOf({ deduplicationId: "order-42", contentBasedDeduplication: true })).toEqual({
      ...BASE_HEADERS,
      "upstash-deduplication-id": "order-42",
      "upstash-content-based-deduplication": "true",
    });
    expect(headersOf({ contentBasedDeduplication: false })).toEqual(BASE_HEADERS);
  });
});

describe("buildPublishRequest: forwarded headers", () => {
  it("prefixes every header with Upstash-Forward-", () => {
    expect(headersOf({ headers: { "X-Tenant": "acme", Authorization: "Bearer downstream" } })).toEqual({
      ...BASE_HEADERS,
      "upstash-forward-x-tenant": "acme",
      "upstash-forward-authorization": "Bearer downstream",
    });
  });

  it("accepts a Headers object", () => {
    const headers = new Headers({ "X-A": "1", "X-B": "2" });
    expect(headersOf({ headers })).toMatchObject({ "upstash-forward-x-a": "1", "upstash-forward-x-b": "2" });
  });

  it("passes Upstash-* names through unprefixed, like the official SDK, but typed options win", () => {
    expect(headersOf({ headers: { "Upstash-Header-Forward": "true" } })["upstash-header-forward"]).toBe("true");
    expect(headersOf({ headers: { "Upstash-Retries": "9" }, retries: 2 })["upstash-retries"]).toBe("2");
  });
});

describe("buildPublishRequest: callbacks", () => {
  it("sends a callback URL string", () => {
    expect(headersOf({ callback: "https://example.com/cb" })).toEqual({
      ...BASE_HEADERS,
      "upstash-callback": "https://example.com/cb",
    });
  });

  it("sends every callback setting", () => {
    expect(
      headersOf({
        callback: {
          url: "https://example.com/cb",
          method: "PUT",
          timeout: "10s",
          retries: 1,
          retryDelay: "1000",
          delay: "1m",
          headers: { "X-Cb": "yes" },
        },
      }),
    ).toEqual({
      ...BASE_HEADERS,
      "upstash-callback": "https://example.com/cb",
      "upstash-callback-method": "PUT",
      "upstash-callback-timeout": "10s",
      "upstash-callback-retries": "1",
      "upstash-callback-retry-delay": "1000",
      "upstash-callback-delay": "60s",
      "upstash-callback-forward-x-cb": "yes",
    });
  });

  it("sends every failure-callback setting", () => {
    expect(
      headersOf({
        failureCallback: {
          url: "http://localhost:3000/failed",
          method: "POST",
          timeout: 5,
          retries: 0,
          retryDelay: "pow(2, retried)",
          delay: 3,
          headers: new Headers({ "X-Fc": "1" }),
        },
      }),
    ).toEqual({
      ...BASE_HEADERS,
      "upstash-failure-callback": "http://localhost:3000/failed",
      "upstash-failure-callback-method": "POST",
      "upstash-failure-callback-timeout": "5s",
      "upstash-failure-callback-retries": "0",
      "upstash-failure-callback-retry-delay": "pow(2, retried)",
      "upstash-failure-callback-delay": "3s",
      "upstash-failure-callback-forward-x-fc": "1",
    });
    expect(headersOf({ failureCallback: "https://example.com/f" })["upstash-failure-callback"]).toBe(
      "https://example.com/f",
    );
  });
});

describe("buildPublishRequest: labels, redaction, flow control", () => {
  it("sends a label or a comma-joined label list", () => {
    expect(headersOf({ label: "emails" })["upstash-label"]).toBe("emails");
    expect(headersOf({ label: ["a", "b_2"] })["upstash-label"]).toBe("a,b_2");
  });

  it("sends redaction fields in the SDK's spelling", () => {
    expect(headersOf({ redact: { body: true } })["upstash-redact-fields"]).toBe("body");
    expect(headersOf({ redact: { headers: true } })["upstash-redact-fields"]).toBe("header");
    expect(headersOf({ redact: { body: true, headers: ["Authorization", "X-Key"] } })["upstash-redact-fields"]).toBe(
      "body,header[Authorization],header[X-Key]",
    );
    expect(headersOf({ redact: {} })).toEqual(BASE_HEADERS);
    expect(headersOf({ redact: { body: false, headers: [] } })).toEqual(BASE_HEADERS);
  });

  it("sends flow control key and value", () => {
    expect(headersOf({ flowControl: { key: "tenant-1", parallelism: 5, rate: 10, period: "1m" } })).toEqual({
      ...BASE_HEADERS,
      "upstash-flow-control-key": "tenant-1",
      "upstash-flow-control-value": "parallelism=5, rate=10, period=60s",
    });
    expect(headersOf({ flowControl: { key: "k", rate: 3 } })["upstash-flow-control-value"]).toBe("rate=3");
    expect(headersOf({ flowControl: { key: "k", period: 2 } })["upstash-flow-control-value"]).toBe("period=2s");
  });
});

describe("buildPublishRequest: invalid options", () => {
  describe("CR, LF and NUL in header values and names", () => {
    it.each<[string, Partial<PublishOptions>, string]>([
      ["contentType", { contentType: "text/plain\r\nX-Evil: 1" }, "contentType"],
      ["deduplicationId", { deduplicationId: "a\nb" }, "deduplicationId"],
      ["label", { label: "a\rb" }, "label"],
      ["label list item", { label: ["ok", "a\nb"] }, "label.1"],
      ["forwarded header value", { headers: { "X-Foo": "a\r\nb" } }, "headers.X-Foo"],
      ["forwarded header value with NUL", { headers: { "X-Foo": "a\u0000b" } }, "headers.X-Foo"],
      ["forwarded header value beyond Latin-1", { headers: { "X-Foo": "5 \u20ac" } }, "headers.X-Foo"],
      ["forwarded header name", { headers: { "X-Foo\r\nX-Evil": "1" } }, "headers.X-Foo\r\nX-Evil"],
      ["forwarded header name with a space", { headers: { "X Foo": "1" } }, "headers.X Foo"],
      ["callback header value", { callback: { url: "https://e.com", headers: { "X-A": "1\n2" } } }, "callback.headers.X-A"],
      ["failure-callback header name", { failureCallback: { url: "https://e.com", headers: { "X:A": "1" } } }, "failureCallback.headers.X:A"],
      ["flow-control key", { flowControl: { key: "k\r\n", rate: 1 } }, "flowControl.key"],
      ["callback URL", { callback: "https://example.com/\r\nX-Evil: 1" }, "callback"],
      ["failure-callback URL", { failureCallback: { url: "https://example.com/\u0000" } }, "failureCallback.url"],
      ["destination", { destination: "https://example.com/\r\nX-Evil: 1" }, "destination"],
      ["retry-delay expression", { retryDelay: "1000\r\nX-Evil: 1" }, "retryDelay"],
      ["callback retry-delay expression", { callback: { url: "https://e.com", retryDelay: "1\n" } }, "callback.retryDelay"],
      ["timeout", { timeout: "5s\r\n" }, "timeout"],
      ["redacted header name", { redact: { headers: ["X-A\r\n"] } }, "redact.headers.0"],
    ])("rejects %s", (_name, extra, option) => {
      expectInvalid(options(extra), option);
    });
  });

  it("rejects unknown methods", () => {
    expectInvalid(options({ method: "TRACE" as "GET" }), "method");
    expectInvalid(options({ method: "post" as "POST" }), "method");
    expectInvalid(options({ callback: { url: "https://e.com", method: "CONNECT" as "GET" } }), "callback.method");
  });

  it("rejects negative, fractional and non-number retries", () => {
    expectInvalid(options({ retries: -1 }), "retries");
    expectInvalid(options({ retries: 1.5 }), "retries");
    expectInvalid(options({ retries: "3" as unknown as number }), "retries");
    expectInvalid(options({ retries: Number.NaN }), "retries");
    expectInvalid(options({ callback: { url: "https://e.com", retries: -1 } }), "callback.retries");
    expectInvalid(options({ failureCallback: { url: "https://e.com", retries: 0.5 } }), "failureCallback.retries");
  });

  it("rejects bad durations with the option path", () => {
    const error = expectInvalid(options({ timeout: "1.5s" }), "timeout");
    expect(error.reason).toMatch(/duration/);
    expectInvalid(options({ delay: "5 minutes" }), "delay");
    expectInvalid(options({ delay: -1 }), "delay");
    expectInvalid(options({ delay: true as unknown as number }), "delay");
    expectInvalid(options({ callback: { url: "https://e.com", timeout: "1m1h" } }), "callback.timeout");
    expectInvalid(options({ failureCallback: { url: "https://e.com", delay: "x" } }), "failureCallback.delay");
    expectInvalid(options({ flowControl: { key: "k", period: "1x" } }), "flowControl.period");
  });

  it("rejects unparsable retry-delay expressions with the parser's message", () => {
    const error = expectInvalid(options({ retryDelay: "pow(2) * 1000" }), "retryDelay");
    expect(error.reason).toBe("pow expects 2 arguments");
    expect(expectInvalid(options({ retryDelay: "1000 * (1 + retried))" }), "retryDelay").reason).toBe(
      "unexpected ')' at column 21",
    );
    expectInvalid(options({ retryDelay: "" }), "retryDelay");
    expectInvalid(options({ retryDelay: 1000 as unknown as string }), "retryDelay");
  });

  it("rejects relative and non-http(s) callback URLs", () => {
    expectInvalid(options({ callback: "/api/callback" }), "callback");
    expectInvalid(options({ callback: "ftp://example.com/cb" }), "callback");
    expectInvalid(options({ callback: "https:example.com/cb" }), "callback");
    expectInvalid(options({ callback: { url: "example.com/cb" } }), "callback.url");
    expectInvalid(options({ failureCallback: "javascript:alert(1)" }), "failureCallback");
    expectInvalid(options({ failureCallback: { url: "mailto:a@b.c" } }), "failureCallback.url");
    expectInvalid(options({ callback: 42 as unknown as string }), "callback");
  });

  it("rejects queue names with '/' or other invalid characters", () => {
    expectInvalid(options({ queueName: "a/b" }), "queueName");
    expectInvalid(options({ queueName: "my queue" }), "queueName");
    expectInvalid(options({ queueName: "" }), "queueName");
    expectInvalid(options({ queueName: "../admin" }), "queueName");
  });

  it("rejects unsupported body types", () => {
    expectInvalid(options({ body: () => 1 }), "body");
    expectInvalid(options({ body: Symbol("s") }), "body");
    expectInvalid(options({ body: 10n }), "body");
    expectInvalid(options({ body: Number.NaN }), "body");
    expectInvalid(options({ body: new Map([["a", 1]]) }), "body");
    expectInvalid(options({ body: new Set([1]) }), "body");
    expectInvalid(options({ body: new ReadableStream() }), "body");
    expectInvalid(options({ body: { toJSON: () => undefined } }), "body", false);
  });

  it("rejects bodies JSON cannot represent, keeping the cause", () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const error = expectInvalid(options({ body: cyclic }), "body", false);
    expect(error.cause).toBeInstanceOf(TypeError);
    expectInvalid(options({ body: { n: 1n } }), "body", false);
  });

  it("rejects bad destinations", () => {
    expectInvalid(options({ destination: "" }), "destination");
    expectInvalid(options({ destination: "/api/hook" }), "destination");
    expectInvalid(options({ destination: "ftp://example.com" }), "destination");
    expectInvalid(options({ destination: "not a url" }), "destination");
    expectInvalid(options({ destination: "https://exa mple.com" }), "destination");
    expectInvalid(options({ destination: "https://" }), "destination");
    expectInvalid(options({ destination: "https:example.com" }), "destination");
    expectInvalid(options({ destination: "https:///example.com" }), "destination");
    expectInvalid(options({ destination: "https:\\\\example.com" }), "destination");
    expectInvalid(options({ destination: "api/" }), "destination");
    expect(expectInvalid(options({ destination: "https://example.com/hook#section" }), "destination").reason).toMatch(/fragment/);
    expectInvalid({ baseUrl: BASE, token: TOKEN }, "destination");
    expect(expectInvalid({ baseUrl: BASE, token: TOKEN }, "destination").reason).toBe("is required");
  });

  it("rejects bad base URLs, explicit or from QSTASH_URL", () => {
    expectInvalid(options({ baseUrl: "localhost:8080" }), "baseUrl");
    expectInvalid(options({ baseUrl: "http://127.0.0.1:8080/?x=1" }), "baseUrl");
    vi.stubEnv("QSTASH_URL", "not-a-url");
    const error = expectInvalid({ token: TOKEN, destination: DESTINATION }, "baseUrl", false);
    expect(error.message).toContain("QSTASH_URL");
  });

  it("rejects bad notBefore values", () => {
    expectInvalid(options({ notBefore: new Date("nope") }), "notBefore");
    expectInvalid(options({ notBefore: -5 }), "notBefore");
    expectInvalid(options({ notBefore: 1.5 }), "notBefore");
    expectInvalid(options({ notBefore: "2026-01-01" as unknown as number }), "notBefore");
  });

  it("rejects bad labels", () => {
    expectInvalid(options({ label: "a,b" }), "label");
    expectInvalid(options({ label: [] }), "label");
    expectInvalid(options({ label: "" }), "label");
  });

  it("rejects bad redaction and flow-control settings", () => {
    expectInvalid(options({ redact: { headers: ["bad name"] } }), "redact.headers.0");
    expectInvalid(options({ redact: { header: true } as never }), "redact.header");
    expectInvalid(options({ flowControl: { key: "k" } }), "flowControl");
    expectInvalid(options({ flowControl: { key: "", rate: 1 } }), "flowControl.key");
    expectInvalid(options({ flowControl: { key: "k", parallelism: 0 } }), "flowControl.parallelism");
    expectInvalid(options({ flowControl: { key: "k", rate: 1.5 } }), "flowControl.rate");
  });

  it("rejects forwarded header values that are not strings", () => {
    expectInvalid(options({ headers: { "X-Count": 3 as unknown as string } }), "headers.X-Count");
    expectInvalid(options({ headers: "X-A: 1" as unknown as Record<string, string> }), "headers");
  });

  it("rejects unknown options and non-object input", () => {
    const error = expectInvalid({ ...options(), retry: 3 }, "retry");
    expect(error.reason).toBe("is not a known option");
    expectInvalid(options({ callback: { url: "https://e.com", retry: 1 } as never }), "callback.retry");
    expectInvalid(null, "options");
    expectInvalid("https://example.com", "options");
  });

  it("never echoes values", () => {
    const error = expectInvalid(options({ deduplicationId: "s3cr3t\n" }), "deduplicationId");
    expect(error.message).toBe('invalid option "deduplicationId": must not contain CR, LF or NUL characters');
  });
});

describe("buildPublishRequest: properties", () => {
  const anyText = fc.oneof(
    fc.string({ unit: "binary", maxLength: 40 }),
    fc.string({ unit: fc.constantFrom(..."aZ09-_.:/?#[]@!$&'()*+,;=% \t\r\n\u0000\u00e9\u20ac".split("")), maxLength: 40 }),
    fc.constantFrom("https://example.com/x", "group-1", "api/llm", "30s", "pow(2, retried)", "k"),
  );
  const placements: Array<[string, (text: string) => Partial<PublishOptions>]> = [
    ["token", (text) => ({ token: text })],
    ["destination", (text) => ({ destination: text })],
    ["queueName", (text) => ({ queueName: text })],
    ["contentType", (text) => ({ contentType: text })],
    ["deduplicationId", (text) => ({ deduplicationId: text })],
    ["label", (text) => ({ label: [text] })],
    ["headers value", (text) => ({ headers: { "X-P": text } })],
    ["headers name", (text) => ({ headers: { [text]: "v" } })],
    ["callback", (text) => ({ callback: text })],
    ["callback headers", (text) => ({ callback: { url: "https://e.com", headers: { "X-P": text } } })],
    ["flowControl.key", (text) => ({ flowControl: { key: text, rate: 1 } })],
    ["retryDelay", (text) => ({ retryDelay: text })],
    ["timeout", (text) => ({ timeout: text })],
    ["redact.headers", (text) => ({ redact: { headers: [text] } })],
  ];

  it("any string in any header-carrying option builds, or throws InvalidOptionError — never a TypeError from fetch", () => {
    fc.assert(
      fc.property(fc.constantFrom(...placements), anyText, ([, place], text) => {
        let request: Request | undefined;
        try {
          request = buildPublishRequest(options(place(text)));
        } catch (error) {
          expect(error).toBeInstanceOf(InvalidOptionError);
          return;
        }
        expect(request.method).toBe("POST");
        for (const [, value] of request.headers) expect(value).not.toMatch(/[\r\n\0]/);
      }),
      { numRuns: 3000 },
    );
  });

  it("forwarded header values survive unchanged unless they carry CR, LF, NUL or non-Latin-1", () => {
    const value = fc.string({ unit: fc.integer({ min: 0x21, max: 0xff }).map((c) => String.fromCharCode(c)), maxLength: 30 });
    fc.assert(
      fc.property(value, (text) => {
        fc.pre(text !== "");
        expect(buildPublishRequest(options({ headers: { "X-P": text } })).headers.get("upstash-forward-x-p")).toBe(text);
      }),
    );
  });
});

describe("publishOptionsSchema", () => {
  it("is the zod schema the builder validates with", () => {
    const parsed = publishOptionsSchema.parse(options({ delay: "2m", callback: "https://e.com/cb", label: ["a", "b"] }));
    expect(parsed.delay).toBe(120);
    expect(parsed.callback).toEqual({ url: "https://e.com/cb" });
    expect(parsed.label).toBe("a,b");
    expect(publishOptionsSchema.safeParse(options({ retries: -1 })).success).toBe(false);
  });

  it("reports the builder's message at the builder's path", () => {
    const cases: Array<[Partial<PublishOptions> | Record<string, unknown>, string]> = [
      [{ retries: -1 }, "retries"],
      [{ callback: { url: "https://e.com", retries: 0.5 } }, "callback.retries"],
      [{ headers: { "X-A": "1\n2" } }, "headers.X-A"],
      [{ label: ["ok", "a,b"] }, "label.1"],
      [{ flowControl: { key: "k" } }, "flowControl"],
      [{ destination: "/relative" }, "destination"],
    ];
    for (const [extra, path] of cases) {
      const result = publishOptionsSchema.safeParse({ ...options(), ...extra });
      expect(result.success, path).toBe(false);
      const builder = expectInvalid({ ...options(), ...extra }, path);
      expect(result.error?.issues[0]).toMatchObject({ message: builder.reason, path: path.split(".") });
    }
    expect(publishOptionsSchema.safeParse({ baseUrl: BASE, token: TOKEN }).error?.issues[0]).toMatchObject({
      path: ["destination"],
      message: "is required",
    });
  });

  it("composes like any zod object: extend, shape, unknown keys refused", async () => {
    const { z } = await import("zod");
    const extended = publishOptionsSchema.extend({ tenant: z.string() });
    expect(extended.parse({ ...options({ timeout: "1m" }), tenant: "acme" })).toMatchObject({ tenant: "acme", timeout: 60 });
    expect(publishOptionsSchema.shape.delay.parse("5m")).toBe(300);
    expect(publishOptionsSchema.safeParse({ ...options(), retry: 3 }).success).toBe(false);
  });
});

describe("buildPublishRequest: official SDK option names", () => {
  it.each([
    ["url", { url: "https://example.com/hook" }, "`destination`"],
    ["urlGroup", { urlGroup: "billing" }, "`destination` (URL-group names go there too)"],
    ["topic", { topic: "billing" }, "`destination` (URL-group names go there too)"],
    ["api", { api: { name: "llm" } }, '`destination: "api/<name>"`'],
    ["callbackHeaders", { callbackHeaders: { "X-A": "1" } }, "`callback: { url, headers }`"],
    ["failureCallbackHeaders", { failureCallbackHeaders: { "X-A": "1" } }, "`failureCallback: { url, headers }`"],
    ["redact.header", { redact: { header: true } }, "`headers`"],
    ["flowControl.ratePerSecond", { flowControl: { key: "k", ratePerSecond: 5 } }, "`rate`"],
  ])("%s says what stashkit calls it", (option, extra, ours) => {
    const error = expectInvalid({ ...options(), ...extra }, option);
    expect(error.reason).toBe(`is not a known option: stashkit calls it ${ours}`);
  });

  it("names the option even when the official call leaves destination out", () => {
    // publishJSON({ url, body }) as written for the official SDK: the hint wins over "is required".
    const error = expectInvalid({ baseUrl: BASE, token: TOKEN, url: "https://example.com/hook", body: { a: 1 } }, "url");
    expect(error.message).toBe('invalid option "url": is not a known option: stashkit calls it `destination`');
  });

  it("keeps the plain message for other unknown names", () => {
    expect(expectInvalid({ ...options(), urls: ["x"] }, "urls").reason).toBe("is not a known option");
  });
});

// --- differential check against the official SDK, over a real local HTTP server ---

interface Captured {
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

async function captureOfficialPublish(
  publish: (client: UpstashClient) => Promise<unknown>,
): Promise<Captured> {
  let captured: Captured | undefined;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      captured = { url: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString("utf8") };
      res.writeHead(200, { "content-type": "application/json" });
      res.end('{"messageId":"msg_1","url":"https://www.example.com"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const { port } = server.address() as AddressInfo;
    const client = new UpstashClient({ baseUrl: `http://127.0.0.1:${port}`, token: TOKEN, enableTelemetry: false });
    await publish(client);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
  if (captured === undefined) throw new Error("the official client sent nothing");
  return captured;
}

function configurationHeaders(headers: Iterable<[string, string | string[] | undefined]>): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of headers) {
    if (name === "authorization" || name === "content-type" || name.startsWith("upstash-")) result[name] = String(value);
  }
  return result;
}

describe("buildPublishRequest matches the official SDK on the wire", () => {
  it("sends the same configuration headers, path and body", async () => {
    const common = {
      method: "PUT" as const,
      retries: 4,
      delay: 30,
      timeout: 10,
      notBefore: 1_767_225_600,
      deduplicationId: "dedupe-1",
      contentBasedDeduplication: true,
      retryDelay: "pow(2, retried) * 1000",
      callback: "https://example.com/cb",
      failureCallback: "https://example.com/failed",
      label: ["l1", "l2"],
      headers: { "X-Tenant": "acme" },
      flowControl: { key: "fc", parallelism: 2, rate: 5, period: 60 },
    };
    const body = { orderId: 42 };
    const official = await captureOfficialPublish((client) =>
      client.queue({ queueName: "myQueue" }).enqueueJSON({ ...common, url: "https://www.example.com/api", body, redact: { body: true, header: ["X-Tenant"] } }),
    );
    const ours = buildPublishRequest({
      ...common,
      baseUrl: "http://127.0.0.1:1",
      token: TOKEN,
      queueName: "myQueue",
      destination: "https://www.example.com/api",
      body,
      redact: { body: true, headers: ["X-Tenant"] },
    });
    expect(new URL(ours.url).pathname).toBe(official.url);
    expect(configurationHeaders(ours.headers)).toEqual(configurationHeaders(Object.entries(official.headers)));
    expect(await ours.text()).toBe(official.body);
  });
});
