import { afterEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { defineCallback, defineDestination, defineFailureCallback, parseCallback, Receiver } from "@stashkit/core";
import type { Delivery } from "@stashkit/core";
import { buildCallbackRequest, buildDeliveryRequest, deliver } from "@stashkit/core/testing";
import { CURRENT, NEXT } from "../verify/receiver.fixture.js";

const keys = { currentSigningKey: CURRENT, nextSigningKey: NEXT };
const seen: { payload: unknown; delivery: Delivery }[] = [];

const sendEmail = defineDestination({
  ...keys,
  path: "/api/send-email",
  schema: z.object({ to: z.email(), subject: z.string() }),
  retries: 5,
  retryDelay: "1000 * retried",
  flowControl: { key: "mail", parallelism: 2, rate: 10, period: "1m" },
  headers: { "X-Tenant": "acme", "Upstash-Label": "not-forwarded" },
  callback: { path: "/api/on-delivered", retries: 1, headers: { "X-Cb": "yes" } },
  handler: ({ payload, delivery }) => {
    seen.push({ payload, delivery });
    return { sent: true, to: payload.to };
  },
});

const onDelivered = defineCallback({
  ...keys,
  path: "/api/on-delivered",
  destination: sendEmail,
  handler: ({ callback, sourcePayload }) => ({ status: callback.status, body: callback.bodyText, to: sourcePayload.to, retried: callback.retried }),
});

const onFailed = defineFailureCallback({
  ...keys,
  path: "/api/on-failed",
  destination: sendEmail,
  handler: ({ callback, sourcePayload }) => ({ dlqId: callback.dlqId, retried: callback.retried, max: callback.maxRetries, to: sourcePayload.to }),
});

const payload = { to: "ada@example.com", subject: "Hi" };

afterEach(() => {
  seen.length = 0;
  vi.unstubAllEnvs();
});

describe("buildDeliveryRequest", () => {
  it("builds the request QStash would send: URL on the base URL, every delivery header, the payload's JSON", async () => {
    const request = await buildDeliveryRequest(sendEmail, payload);
    expect(request.method).toBe("POST");
    expect(request.url).toBe("http://localhost:3000/api/send-email");
    const h = Object.fromEntries(request.headers);
    expect(h).toMatchObject({
      "user-agent": "Upstash-QStash",
      "content-type": "application/json",
      "upstash-retried": "0",
      "upstash-max-retries": "5",
      "upstash-caller-ip": "127.0.0.1",
      "upstash-retry-delay": "1000 * retried",
      "upstash-flow-control-key": "mail",
      "upstash-flow-control-value": "parallelism=2, rate=10, period=60s",
      "x-tenant": "acme",
    });
    expect(h["upstash-message-id"]).toMatch(/^msg_[A-Za-z0-9]{28}$/);
    expect(h["upstash-label"]).toBeUndefined();
    expect(await request.text()).toBe(JSON.stringify(payload));
  });

  it("signs for that URL and those bytes with the definition's current key", async () => {
    const request = await buildDeliveryRequest(sendEmail, payload, { baseUrl: "https://app.example.com" });
    const body = new Uint8Array(await request.arrayBuffer());
    const signature = request.headers.get("upstash-signature")!;
    const verified = await new Receiver(keys).verifyDelivery({ signature, body, url: "https://app.example.com/api/send-email" });
    expect(verified.key).toBe("current");
    const onlyCurrent = new Receiver({ currentSigningKey: CURRENT, nextSigningKey: "sig_other" });
    await expect(onlyCurrent.verify({ signature, body, url: request.url })).resolves.toBe(true);
  });

  it("signWith: 'next' signs with the definition's next key", async () => {
    const request = await buildDeliveryRequest(sendEmail, payload, { signWith: "next" });
    const body = new Uint8Array(await request.arrayBuffer());
    const verified = await new Receiver(keys).verifyDelivery({ signature: request.headers.get("upstash-signature")!, body, url: request.url });
    expect(verified.key).toBe("next");
  });

  it("takes the keys from the environment when the definition has none, as the definition does", async () => {
    vi.stubEnv("QSTASH_CURRENT_SIGNING_KEY", CURRENT);
    vi.stubEnv("QSTASH_NEXT_SIGNING_KEY", NEXT);
    const fromEnv = defineDestination({ path: "/api/env", schema: z.object({ n: z.number() }), handler: ({ payload }) => payload.n * 2 });
    const response = await deliver(fromEnv, { n: 21 });
    expect(response.status).toBe(200);
    expect(await response.json()).toBe(42);
  });

  it("signs with the regional pair the definition picks for the delivery's region", async () => {
    vi.stubEnv("QSTASH_REGION", "US-EAST-1");
    vi.stubEnv("US_EAST_1_QSTASH_CURRENT_SIGNING_KEY", CURRENT);
    vi.stubEnv("US_EAST_1_QSTASH_NEXT_SIGNING_KEY", NEXT);
    const regional = defineDestination({ path: "/api/regional", schema: z.object({ n: z.number() }), handler: ({ payload }) => payload.n + 1 });
    const onlyRegional = await deliver(regional, { n: 1 }, { region: "US-EAST-1" });
    expect(onlyRegional.status).toBe(200);
    // With plain variables too, the regional pair still wins for a delivery from that region.
    vi.stubEnv("QSTASH_CURRENT_SIGNING_KEY", "sig_plain_current");
    vi.stubEnv("QSTASH_NEXT_SIGNING_KEY", "sig_plain_next");
    const both = defineDestination({ path: "/api/both", schema: z.object({ n: z.number() }), handler: ({ payload }) => payload.n + 2 });
    const fromRegion = await deliver(both, { n: 1 }, { region: "US-EAST-1" });
    expect(fromRegion.status).toBe(200);
    expect(await fromRegion.json()).toBe(3);
  });

  it("without any key to sign with, names the option and the ways to give one", async () => {
    vi.stubEnv("QSTASH_CURRENT_SIGNING_KEY", "");
    const keyless = defineDestination({ path: "/api/k", schema: z.unknown(), handler: () => 1 });
    await expect(buildDeliveryRequest(keyless, {})).rejects.toMatchObject({
      code: "ERR_INVALID_OPTION",
      option: "key",
      message: expect.stringContaining("QSTASH_CURRENT_SIGNING_KEY"),
    });
  });

  it("refuses what is not a destination, a bad base URL and a payload JSON cannot carry", async () => {
    await expect(buildDeliveryRequest(onDelivered as never, payload as never)).rejects.toMatchObject({ option: "definition" });
    await expect(buildDeliveryRequest(sendEmail, payload, { baseUrl: "localhost:3000" })).rejects.toMatchObject({ option: "baseUrl" });
    await expect(buildDeliveryRequest(sendEmail, (() => 1) as never)).rejects.toMatchObject({ option: "payload" });
    await expect(buildDeliveryRequest(sendEmail, payload, { retried: -1 })).rejects.toMatchObject({ option: "retried" });
  });
});

describe("deliver to a destination", () => {
  it("runs the handler with the typed payload and the delivery context, answering 200", async () => {
    const response = await deliver(sendEmail, payload, { retried: 2, messageId: "msg_test", headers: { "X-Request-Id": "r1" } });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ sent: true, to: "ada@example.com" });
    expect(seen).toHaveLength(1);
    expect(seen[0]!.delivery).toMatchObject({ messageId: "msg_test", retried: 2, maxRetries: 5, callerIp: "127.0.0.1" });
    expect(seen[0]!.delivery.forwardedHeaders).toMatchObject({ "x-tenant": "acme", "x-request-id": "r1" });
  });

  it("sends the payload as given, so a payload that fails the schema gets 489 without reaching the handler", async () => {
    const response = await deliver(sendEmail, { to: "not-an-email", subject: "Hi" });
    expect(response.status).toBe(489);
    expect(response.headers.get("upstash-nonretryable-error")).toBe("true");
    expect((await response.json()).issues[0].path).toBe("to");
    expect(seen).toHaveLength(0);
  });

  it("body sends exact bytes: invalid JSON gets 489", async () => {
    const response = await deliver(sendEmail, payload, { body: "{not json" });
    expect(response.status).toBe(489);
  });

  it("a wrong key or an expired token gets 401 with the reason", async () => {
    const forged = await deliver(sendEmail, payload, { key: "sig_attacker" });
    expect(forged.status).toBe(401);
    expect(await forged.json()).toMatchObject({ reason: "bad_signature" });
    const expired = await deliver(sendEmail, payload, { sign: { now: Date.now() - 3_600_000 } });
    expect(await expired.json()).toMatchObject({ reason: "expired" });
    const elsewhere = await deliver(sendEmail, payload, { sign: { claims: { sub: "http://localhost:3000/api/other" } } });
    expect(await elsewhere.json()).toMatchObject({ reason: "url_mismatch" });
    expect(seen).toHaveLength(0);
  });

  it("a definition that skips verification and has no key gets an unsigned request", async () => {
    vi.stubEnv("QSTASH_CURRENT_SIGNING_KEY", "");
    vi.spyOn(console, "warn").mockImplementation(() => {});
    const open = defineDestination({ path: "/api/open", schema: z.string(), dangerouslySkipSignatureVerification: true, handler: ({ payload }) => payload });
    const request = await buildDeliveryRequest(open, "hello");
    expect(request.headers.has("upstash-signature")).toBe(false);
    expect(await (await open.handle(request)).json()).toBe("hello");
  });
});

describe("buildCallbackRequest and deliver to callbacks", () => {
  it("builds QStash's report for a callback, filling in what the test leaves out", async () => {
    const request = await buildCallbackRequest(onDelivered, { status: 200, body: { sent: true }, sourcePayload: payload });
    expect(request.url).toBe("http://localhost:3000/api/on-delivered");
    const h = Object.fromEntries(request.headers);
    // The callback is a message of its own: its retries and forwarded headers come from the callback target.
    expect(h).toMatchObject({ "content-type": "application/json", "upstash-retried": "0", "upstash-max-retries": "1", "x-cb": "yes" });
    const text = await request.text();
    const raw = JSON.parse(text) as Record<string, unknown>;
    expect(Object.keys(raw)).toEqual(["status", "header", "body", "maxRetries", "sourceMessageId", "url", "method", "sourceHeader", "sourceBody", "notBefore", "createdAt", "callerIP"]);
    const report = parseCallback(text);
    expect(report).toMatchObject({
      status: 200,
      bodyText: '{"sent":true}',
      header: { "Content-Type": ["application/json"] },
      retried: 0,
      maxRetries: 5,
      url: "http://localhost:3000/api/send-email",
      method: "POST",
      sourceBodyText: JSON.stringify(payload),
      sourceHeader: { "Content-Type": ["application/json"], "x-tenant": ["acme"] },
      isFailureCallback: false,
    });
    expect(report.sourceMessageId).toMatch(/^msg_/);
    const body = new Uint8Array(new TextEncoder().encode(text));
    await expect(new Receiver(keys).verify({ signature: h["upstash-signature"]!, body, url: request.url })).resolves.toBe(true);
  });

  it("deliver runs a callback handler with the parsed report and the typed source payload", async () => {
    const response = await deliver(onDelivered, { status: 500, body: "smtp down", retried: 1, sourcePayload: payload });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 500, body: "smtp down", to: "ada@example.com", retried: 1 });
  });

  it("a failure callback gets a dlqId and retried = maxRetries by default", async () => {
    const response = await deliver(onFailed, { status: 500, sourcePayload: payload });
    const json = await response.json();
    expect(json).toMatchObject({ retried: 5, max: 5, to: "ada@example.com" });
    expect(json.dlqId).toMatch(/^\d+-\d+$/);
    const explicit = await deliver(onFailed, { status: 489, retried: 0, dlqId: "dlq-1", sourcePayload: payload });
    expect(await explicit.json()).toMatchObject({ dlqId: "dlq-1", retried: 0 });
  });

  it("sends the source payload as given: one that fails the destination's schema gets 489", async () => {
    const response = await deliver(onDelivered, { status: 200, sourcePayload: { to: "nope", subject: "Hi" } });
    expect(response.status).toBe(489);
    expect((await response.json()).issues[0].path).toBe("sourceBody.to");
  });

  it("bytes bodies are reported as they were, and a report that is not JSON gets 489", async () => {
    const bytes = new Uint8Array([0, 255, 1]);
    const request = await buildCallbackRequest(onDelivered, { status: 200, body: bytes, sourcePayload: payload });
    expect(parseCallback(await request.text()).bodyBytes).toEqual(bytes);
    const broken = await deliver(onDelivered, { status: 200 }, { body: "{oops" });
    expect(broken.status).toBe(489);
  });

  it("a callback without a declared destination gets the source payload as JSON", async () => {
    const plain = defineCallback({ ...keys, path: "/cb", handler: ({ sourcePayload, callback }) => ({ sourcePayload, url: callback.url }) });
    const response = await deliver(plain, { status: 200, sourcePayload: { any: ["thing"] } }, { baseUrl: "http://127.0.0.1:4000" });
    expect(await response.json()).toEqual({ sourcePayload: { any: ["thing"] }, url: "http://127.0.0.1:4000/" });
  });

  it("refuses what is not a callback, and a report without an integer status", async () => {
    await expect(buildCallbackRequest(sendEmail as never, { status: 200 })).rejects.toMatchObject({ option: "callback" });
    await expect(buildCallbackRequest(onDelivered, { status: 2.5 })).rejects.toMatchObject({ option: "status" });
    await expect(deliver({} as never, {} as never)).rejects.toMatchObject({ option: "definition" });
  });
});
