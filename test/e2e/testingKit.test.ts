// The testing kit's requests against what the dev server really delivers for the same
// definition: same URL, same headers (names and the values that are not per-message), same
// body, same callback report shape. A test built with the kit then sees what production sees.
import { Client, defineCallback, defineDestination, Receiver } from "@stashkit/core";
import { buildCallbackRequest, buildDeliveryRequest } from "@stashkit/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { startE2eHarness } from "./recordingDestination.js";
import type { E2eHarness } from "./recordingDestination.js";

let harness: E2eHarness;

beforeAll(async () => {
  harness = await startE2eHarness((keys) => {
    const receiver = new Receiver(keys);
    return ({ signature, body, url }) => receiver.verify({ signature, body, url });
  });
});

afterAll(() => harness?.close());

// Per-connection or per-message values: compared by presence only.
const VARYING = new Set(["upstash-message-id", "upstash-signature", "host", "connection", "content-length"]);

function comparable(headers: Iterable<[string, string]>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of headers) out[name.toLowerCase()] = VARYING.has(name.toLowerCase()) ? "<varies>" : value;
  return out;
}

function definitions(keys: { currentSigningKey: string; nextSigningKey: string }, prefix: string) {
  const sendEmail = defineDestination({
    ...keys,
    path: `${prefix}/send-email`,
    schema: z.object({ to: z.email(), subject: z.string() }),
    retries: 2,
    headers: { "X-Tenant": "acme" },
    callback: `${prefix}/on-delivered`,
    handler: () => ({ sent: true }),
  });
  const onDelivered = defineCallback({ ...keys, path: `${prefix}/on-delivered`, destination: sendEmail, handler: () => {} });
  return { sendEmail, onDelivered };
}

describe("@stashkit/core/testing matches the dev server's deliveries", () => {
  it("a destination delivery: URL, headers and body", async () => {
    const { dev, dest } = harness;
    const { sendEmail } = definitions(dev, "/kit1");
    const payload = { to: "ada@example.com", subject: "Hi" };
    dest.route("/kit1/send-email", () => ({ status: 200, headers: { "content-type": "application/json" }, body: '{"sent":true}' }));
    await new Client({ baseUrl: dev.url, token: dev.token }).send(sendEmail, payload, { appUrl: dest.url });
    const [real] = await dest.waitFor("/kit1/send-email", 1);
    const built = await buildDeliveryRequest(sendEmail, payload, { baseUrl: dest.url, key: dev.currentSigningKey });

    expect(real!.signatureValid).toBe(true);
    expect(built.url).toBe(real!.url);
    const realHeaders = comparable(Object.entries(real!.headers) as [string, string][]);
    const builtHeaders = comparable(built.headers.entries());
    for (const name of ["host", "connection", "content-length"]) delete realHeaders[name];
    expect(builtHeaders).toEqual(realHeaders);
    expect(await built.text()).toBe(real!.text);
  });

  it("a callback delivery: headers, and a report with the same keys in the same order", async () => {
    const { dev, dest } = harness;
    const { sendEmail, onDelivered } = definitions(dev, "/kit2");
    const payload = { to: "grace@example.com", subject: "Receipt" };
    dest.route("/kit2/send-email", () => ({ status: 200, headers: { "content-type": "application/json" }, body: '{"sent":true}' }));
    await new Client({ baseUrl: dev.url, token: dev.token }).send(sendEmail, payload, { appUrl: dest.url });
    const [real] = await dest.waitFor("/kit2/on-delivered", 1);
    const built = await buildCallbackRequest(
      onDelivered,
      { status: 200, body: { sent: true }, sourcePayload: payload },
      { baseUrl: dest.url, key: dev.currentSigningKey },
    );

    expect(real!.signatureValid).toBe(true);
    expect(built.url).toBe(real!.url);
    const realHeaders = comparable(Object.entries(real!.headers) as [string, string][]);
    for (const name of ["host", "connection", "content-length"]) delete realHeaders[name];
    expect(comparable(built.headers.entries())).toEqual(realHeaders);

    const realReport = JSON.parse(real!.text) as Record<string, unknown>;
    const builtReport = JSON.parse(await built.text()) as Record<string, unknown>;
    expect(Object.keys(builtReport)).toEqual(Object.keys(realReport));
    for (const key of ["status", "body", "maxRetries", "url", "method", "sourceBody", "callerIP"]) {
      expect([key, builtReport[key]]).toEqual([key, realReport[key]]);
    }
    // The dev server answers `Content-Type` with Node's lower-case spelling; both are the same header.
    expect(builtReport["header"]).toEqual({ "Content-Type": ["application/json"] });
    expect(realReport["header"]).toMatchObject({ "Content-Type": ["application/json"] });
  });
});
