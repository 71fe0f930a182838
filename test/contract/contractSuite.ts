// The status contract of public-api.md as one suite, run unchanged against every host:
// core `handle(Request)` (core.test.ts), Express 4 and 5 (express.test.ts), Next (next.test.ts).
// The host mounts test/contract/definitions.ts at `baseUrl()`; requests are real HTTP with real
// signatures, so the URL binding (`sub`) is checked by every host too.
import { describe, expect, it } from "vitest";
import { signDelivery } from "@stashkit/core/testing";
import { CONTRACT_KEYS, CONTRACT_PATHS, CONTRACT_RETRY_AFTER, SECRET_CRASH_MESSAGE } from "./definitions.js";

/** How the suite reaches the host under test. */
export interface ContractHost {
  /** Origin serving the contract definitions, e.g. `http://127.0.0.1:41234`; read lazily. */
  baseUrl: () => string;
  /** The body limit the host enforces. @default 1 MiB */
  maxBodyBytes?: number;
}

interface Delivery {
  path: string;
  body: string | Uint8Array;
  key?: string | null;
  signUrl?: string;
  signBody?: string;
  now?: number;
  headers?: Record<string, string>;
}

const base64 = (text: string) => Buffer.from(text, "utf8").toString("base64");

/** A callback report as QStash sends it (wire spec section 5). */
export function callbackReport(extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    status: 200,
    header: { "Content-Type": ["application/json"] },
    body: base64('{"sent":true}'),
    maxRetries: 2,
    sourceMessageId: "msg_source",
    url: "http://localhost:3000/api/contract/destination",
    method: "POST",
    sourceHeader: { "Content-Type": ["application/json"] },
    sourceBody: base64('{"name":"ada","count":3}'),
    notBefore: 1767225600000,
    createdAt: 1767225599874,
    callerIP: "127.0.0.1",
    ...extra,
  });
}

/**
 * Registers the contract tests under `describe(name)`.
 *
 * @param name - the host's name in the test report
 * @param host - where the host listens
 */
export function runContractSuite(name: string, host: ContractHost): void {
  const limit = host.maxBodyBytes ?? 1024 * 1024;

  async function deliver(delivery: Delivery): Promise<Response> {
    const url = `${host.baseUrl()}${delivery.path}`;
    const headers: Record<string, string> = {
      "content-type": "application/json",
      "upstash-message-id": "msg_contract",
      "upstash-retried": "2",
      ...delivery.headers,
    };
    if (delivery.key !== null) {
      headers["upstash-signature"] = await signDelivery({
        key: delivery.key ?? CONTRACT_KEYS.currentSigningKey,
        url: delivery.signUrl ?? url,
        body: delivery.signBody ?? delivery.body,
        ...(delivery.now === undefined ? {} : { now: delivery.now }),
      });
    }
    return fetch(url, { method: "POST", headers, body: delivery.body as BodyInit });
  }

  const destination = (body: unknown, extra: Partial<Delivery> = {}) =>
    deliver({ path: CONTRACT_PATHS.destination, body: JSON.stringify(body), ...extra });

  describe(`${name}: status contract`, () => {
    it("200 with the typed payload and delivery context", async () => {
      const response = await destination({ name: "ada", count: 3 });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ echo: { name: "ada", count: 3 }, messageId: "msg_contract", retried: 2 });
    });

    it("200 when signed with the next key", async () => {
      const response = await destination({ name: "ada", count: 1 }, { key: CONTRACT_KEYS.nextSigningKey });
      expect(response.status).toBe(200);
    });

    it("401 missing_signature without Upstash-Signature", async () => {
      const response = await destination({ name: "ada", count: 1 }, { key: null });
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ reason: "missing_signature", error: expect.any(String) });
    });

    it("401 bad_signature when signed with another key", async () => {
      const response = await destination({ name: "ada", count: 1 }, { key: "sig_attackerKey000000000000000000" });
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ reason: "bad_signature" });
    });

    it("401 expired for a token past exp", async () => {
      const response = await destination({ name: "ada", count: 1 }, { now: Date.now() - 600_000 });
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ reason: "expired" });
    });

    it("401 body_mismatch when the bytes differ from the signed ones", async () => {
      const response = await destination({ name: "eve", count: 1 }, { signBody: '{"name":"ada","count":1}' });
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ reason: "body_mismatch" });
    });

    it("401 url_mismatch when signed for another URL, naming both URLs", async () => {
      const signUrl = "https://elsewhere.example/api/contract/destination";
      const response = await destination({ name: "ada", count: 1 }, { signUrl });
      expect(response.status).toBe(401);
      const receivedUrl = `${host.baseUrl()}${CONTRACT_PATHS.destination}`;
      expect(await response.json()).toEqual({
        reason: "url_mismatch",
        signedUrl: signUrl,
        receivedUrl,
        error: `signature was issued for ${signUrl}, but the request arrived at ${receivedUrl}`,
      });
    });

    it("401 replayed when the same signed request comes again", async () => {
      const body = JSON.stringify({ name: "ada", count: 1 });
      const url = `${host.baseUrl()}${CONTRACT_PATHS.destination}`;
      const signature = await signDelivery({ key: CONTRACT_KEYS.currentSigningKey, url, body });
      const headers = { "content-type": "application/json", "upstash-signature": signature, "upstash-message-id": "msg_replay" };
      const send = () => fetch(url, { method: "POST", headers, body });
      expect((await send()).status).toBe(200);
      const again = await send();
      expect(again.status).toBe(401);
      expect(await again.json()).toMatchObject({ reason: "replayed" });
    });

    it("489 + Upstash-NonRetryable-Error naming the failing fields on a schema failure", async () => {
      const response = await destination({ name: "", count: -1 });
      expect(response.status).toBe(489);
      expect(response.headers.get("upstash-nonretryable-error")).toBe("true");
      const body = (await response.json()) as { issues: { path: string }[] };
      expect(body.issues.map((i) => i.path).sort()).toEqual(["count", "name"]);
    });

    it("489 + header on a body that is not JSON", async () => {
      const response = await deliver({ path: CONTRACT_PATHS.destination, body: "{not json" });
      expect(response.status).toBe(489);
      expect(response.headers.get("upstash-nonretryable-error")).toBe("true");
    });

    it("489 + header when the handler throws NonRetryableError", async () => {
      const response = await destination({ name: "ada", count: 1, action: "nonRetryable" });
      expect(response.status).toBe(489);
      expect(response.headers.get("upstash-nonretryable-error")).toBe("true");
      expect(await response.json()).toMatchObject({ error: "contract says no" });
    });

    it("429 + Retry-After when the handler throws RetryAfterError", async () => {
      const response = await destination({ name: "ada", count: 1, action: "retryAfter" });
      expect(response.status).toBe(429);
      expect(response.headers.get("retry-after")).toBe(String(CONTRACT_RETRY_AFTER));
    });

    it("500 without leaking the message when the handler throws", async () => {
      const response = await destination({ name: "ada", count: 1, action: "crash" });
      expect(response.status).toBe(500);
      expect(response.headers.get("upstash-nonretryable-error")).toBeNull();
      expect(await response.text()).not.toContain(SECRET_CRASH_MESSAGE);
    });

    it("413 for a body over the limit, before the signature is looked at", async () => {
      const body = new Uint8Array(limit + 1).fill(0x20);
      const response = await deliver({ path: CONTRACT_PATHS.destination, body, key: null });
      expect(response.status).toBe(413);
    });

    it("413 for a chunked body (no Content-Length) that passes the limit while streaming", async () => {
      const chunk = new Uint8Array(64 * 1024).fill(0x20);
      let sent = 0;
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (sent > limit) return controller.close();
          sent += chunk.byteLength;
          controller.enqueue(chunk);
        },
      });
      const response = await fetch(`${host.baseUrl()}${CONTRACT_PATHS.destination}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
        duplex: "half",
      } as RequestInit);
      expect(response.status).toBe(413);
    });

    it("200 for a body of exactly the limit is not refused as too large", async () => {
      const json = JSON.stringify({ name: "ada", count: 1 });
      const body = json + " ".repeat(limit - json.length);
      const response = await deliver({ path: CONTRACT_PATHS.destination, body });
      expect(response.status).toBe(200);
    });
  });

  describe(`${name}: callbacks`, () => {
    it("callback route parses the report and types the source payload", async () => {
      const response = await deliver({ path: CONTRACT_PATHS.callback, body: callbackReport({ retried: 1 }) });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({
        kind: "callback",
        status: 200,
        sourceMessageId: "msg_source",
        retried: 1,
        body: '{"sent":true}',
        sourcePayload: { name: "ada", count: 3 },
      });
    });

    it("failure-callback route gets the dlqId and the decoded bodies", async () => {
      const report = callbackReport({ status: 500, body: base64("boom"), retried: 2, dlqId: "1725323658779-0" });
      const response = await deliver({ path: CONTRACT_PATHS.failureCallback, body: report });
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({
        kind: "failureCallback",
        status: 500,
        retried: 2,
        dlqId: "1725323658779-0",
        body: "boom",
        sourcePayload: { name: "ada", count: 3 },
      });
    });

    it("489 for a report that is not a QStash callback", async () => {
      const response = await deliver({ path: CONTRACT_PATHS.callback, body: JSON.stringify({ hello: "world" }) });
      expect(response.status).toBe(489);
      expect(response.headers.get("upstash-nonretryable-error")).toBe("true");
    });

    it("489 when the source body fails the destination's schema", async () => {
      const report = callbackReport({ sourceBody: base64('{"name":42}') });
      const response = await deliver({ path: CONTRACT_PATHS.callback, body: report });
      expect(response.status).toBe(489);
    });

    it("401 for an unsigned report", async () => {
      const response = await deliver({ path: CONTRACT_PATHS.failureCallback, body: callbackReport(), key: null });
      expect(response.status).toBe(401);
    });
  });
}
