import { describe, expect, expectTypeOf, it } from "vitest";
import { z } from "zod";
import { defineCallback, defineFailureCallback } from "./defineCallback.js";
import { defineDestination } from "./defineDestination.js";
import type { CallbackPayload } from "../parse/parseCallback.js";
import { signDelivery } from "../testing/signDelivery.js";

const keys = { currentSigningKey: "sig_cbCurrent0000000000000000000", nextSigningKey: "sig_cbNext000000000000000000000000" };
const url = "http://localhost:3000/api/cb";
const b64 = (text: string) => Buffer.from(text).toString("base64");

const sendEmail = defineDestination({
  path: "/api/send-email",
  schema: z.object({ to: z.string(), priority: z.coerce.number().default(1) }),
  handler: () => undefined,
});

function report(extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ status: 200, body: b64("ok"), sourceMessageId: "msg_s", sourceBody: b64('{"to":"ada"}'), ...extra });
}

async function deliver(definition: { handle(r: Request): Promise<Response> }, body: string): Promise<Response> {
  const signature = await signDelivery({ key: keys.currentSigningKey, url, body });
  return definition.handle(new Request(url, { method: "POST", body, headers: { "upstash-signature": signature, "upstash-message-id": "msg_cb" } }));
}

describe("defineCallback / defineFailureCallback", () => {
  it("types sourcePayload with the destination's schema output", () => {
    defineCallback({
      path: "/api/cb",
      destination: sendEmail,
      handler: ({ callback, sourcePayload }) => {
        expectTypeOf(callback).toEqualTypeOf<CallbackPayload>();
        expectTypeOf(sourcePayload).toEqualTypeOf<{ to: string; priority: number }>();
      },
    });
    defineFailureCallback({
      path: "/api/cb",
      handler: ({ sourcePayload }) => {
        expectTypeOf(sourcePayload).toEqualTypeOf<unknown>();
      },
    });
  });

  it("gives the handler the decoded report and the validated source payload", async () => {
    const onDelivered = defineCallback({
      path: "/api/cb",
      destination: sendEmail,
      ...keys,
      handler: ({ callback, sourcePayload, delivery }) => ({
        status: callback.status,
        body: callback.bodyText,
        retried: callback.retried,
        source: sourcePayload,
        id: delivery.messageId,
      }),
    });
    const response = await deliver(onDelivered, report());
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 200, body: "ok", retried: 0, source: { to: "ada", priority: 1 }, id: "msg_cb" });
    expect(onDelivered.kind).toBe("callback");
    expect(onDelivered.destination).toBe(sendEmail);
  });

  it("without a destination, sourcePayload is the JSON value, or undefined when not JSON", async () => {
    const onFailed = defineFailureCallback({
      path: "/api/cb",
      ...keys,
      handler: ({ callback, sourcePayload }) => ({ dlqId: callback.dlqId, failure: callback.isFailureCallback, source: sourcePayload ?? null }),
    });
    expect(onFailed.kind).toBe("failureCallback");
    const json = await deliver(onFailed, report({ dlqId: "dlq_1" }));
    expect(await json.json()).toEqual({ dlqId: "dlq_1", failure: true, source: { to: "ada" } });
    const text = await deliver(onFailed, report({ dlqId: "dlq_2", sourceBody: b64("plain text") }));
    expect(await text.json()).toEqual({ dlqId: "dlq_2", failure: true, source: null });
  });

  it("answers 489 for a report that is not valid, and for a source body that fails the schema", async () => {
    const onDelivered = defineCallback({ path: "/api/cb", destination: sendEmail, ...keys, handler: () => undefined });
    for (const body of [report({ status: "200x" }), report({ body: "%%%not base64" }), "[]", report({ sourceBody: b64('{"to":5}') }), report({ sourceBody: b64("nope") })]) {
      const response = await deliver(onDelivered, body);
      expect(response.status, body).toBe(489);
      expect(response.headers.get("upstash-nonretryable-error")).toBe("true");
    }
  });

  it("names source-body fields under sourceBody in the 489 issues", async () => {
    const onDelivered = defineCallback({ path: "/api/cb", destination: sendEmail, ...keys, handler: () => undefined });
    const response = await deliver(onDelivered, report({ sourceBody: b64('{"to":5}') }));
    expect((await response.json()).issues).toEqual([{ path: "sourceBody.to", message: expect.any(String) }]);
  });

  it("verifies the signature like any delivery", async () => {
    const onDelivered = defineCallback({ path: "/api/cb", ...keys, handler: () => undefined });
    const response = await onDelivered.handle(new Request(url, { method: "POST", body: report() }));
    expect(response.status).toBe(401);
  });
});
