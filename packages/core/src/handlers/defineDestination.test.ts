import { describe, expect, expectTypeOf, it } from "vitest";
import fc from "fast-check";
import { z } from "zod";
import type { StandardSchemaV1 } from "@standard-schema/spec";
import { defineDestination } from "./defineDestination.js";
import type { Delivery } from "../parse/parseDelivery.js";
import type { DeliveryRequestView, RawDeliveryRequest } from "./handleDelivery.js";
import { InvalidOptionError } from "../errors.js";
import { signDelivery } from "../testing/signDelivery.js";
import { urlParts } from "./rawRequest.fixture.js";

const keys = { currentSigningKey: "sig_unitCurrent000000000000000000", nextSigningKey: "sig_unitNext00000000000000000000000" };
const url = "http://localhost:3000/api/hook";

async function signed(body: string, headers: Record<string, string> = {}, method = "POST"): Promise<Request> {
  const signature = await signDelivery({ key: keys.currentSigningKey, url, body });
  return new Request(url, {
    method,
    body: method === "GET" ? null : body,
    headers: { "upstash-signature": signature, "upstash-message-id": "msg_1", ...headers },
  });
}

const schema = z.object({ to: z.string(), count: z.coerce.number() });

describe("defineDestination", () => {
  it("without a schema, delivers the parsed JSON typed unknown (and text for a non-JSON type)", async () => {
    const seen: unknown[] = [];
    const definition = defineDestination({
      path: "/api/hook",
      ...keys,
      handler: ({ payload }) => {
        expectTypeOf(payload).toEqualTypeOf<unknown>();
        seen.push(payload);
        return { ok: true };
      },
    });
    expect((await definition.handle(await signed('{"any":[1,"shape"]}'))).status).toBe(200);
    expect((await definition.handle(await signed("plain words", { "content-type": "text/plain" }))).status).toBe(200);
    expect(seen).toEqual([{ any: [1, "shape"] }, "plain words"]);
    expect((await definition.handle(await signed("{broken", { "content-type": "application/json" }))).status).toBe(489);
  });

  it("types the handler context from the schema output and the result", () => {
    const definition = defineDestination({
      path: "/api/hook",
      schema,
      ...keys,
      handler: ({ payload, delivery, request }) => {
        expectTypeOf(payload).toEqualTypeOf<{ to: string; count: number }>();
        expectTypeOf(delivery).toEqualTypeOf<Delivery>();
        expectTypeOf(request).toEqualTypeOf<DeliveryRequestView>();
        return { ok: true as const };
      },
    });
    expectTypeOf(definition.kind).toEqualTypeOf<"destination">();
    expectTypeOf(definition["~types"]).toEqualTypeOf<
      { readonly input: { to: string; count: unknown }; readonly output: { to: string; count: number }; readonly result: { ok: true } } | undefined
    >();
  });

  it("runs the handler with the validated output and answers its JSON", async () => {
    const definition = defineDestination({
      path: "/api/hook",
      schema,
      ...keys,
      handler: ({ payload, delivery }) => ({ count: payload.count + 1, id: delivery.messageId }),
    });
    const response = await definition.handle(await signed('{"to":"a","count":"41"}'));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(await response.json()).toEqual({ count: 42, id: "msg_1" });
  });

  it("answers 200 with an empty body when the handler returns nothing", async () => {
    const definition = defineDestination({ path: "/api/hook", schema, ...keys, handler: () => undefined });
    const response = await definition.handle(await signed('{"to":"a","count":1}'));
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("");
  });

  it("passes a returned Response through: status, headers and body", async () => {
    const definition = defineDestination({
      path: "/api/hook",
      schema,
      ...keys,
      handler: () => new Response("queued", { status: 202, headers: { "x-job": "7" } }),
    });
    const response = await definition.handle(await signed('{"to":"a","count":1}'));
    expect(response.status).toBe(202);
    expect(response.headers.get("x-job")).toBe("7");
    expect(await response.text()).toBe("queued");
  });

  it("accepts any Standard Schema, including an async one", async () => {
    const evenOnly: StandardSchemaV1<number, number> = {
      "~standard": {
        version: 1,
        vendor: "test",
        validate: async (value) =>
          typeof value === "number" && value % 2 === 0 ? { value } : { issues: [{ message: "odd", path: [{ key: "n" }] }] },
      },
    };
    const definition = defineDestination({ path: "/api/hook", schema: evenOnly, ...keys, handler: ({ payload }) => payload * 2 });
    expect(await (await definition.handle(await signed("4"))).json()).toBe(8);
    const odd = await definition.handle(await signed("3"));
    expect(odd.status).toBe(489);
    expect((await odd.json()).issues).toEqual([{ path: "n", message: "odd" }]);
  });

  it("passes a text body as a string when its content type is not JSON and it does not parse", async () => {
    const definition = defineDestination({ path: "/api/hook", schema: z.string(), ...keys, handler: ({ payload }) => payload });
    const response = await definition.handle(await signed("hello", { "content-type": "text/plain" }));
    expect(await response.json()).toBe("hello");
  });

  it("gives an empty body as undefined to the schema", async () => {
    const definition = defineDestination({ path: "/api/hook", schema: z.undefined(), ...keys, handler: () => "empty" });
    expect((await definition.handle(await signed(""))).status).toBe(200);
  });

  it("answers 405 to methods other than POST", async () => {
    const definition = defineDestination({ path: "/api/hook", schema, ...keys, handler: () => undefined });
    const response = await definition.handle(await signed("", {}, "GET"));
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("POST");
  });

  it("parses the delivery context only when the handler reads it", async () => {
    const lazy = defineDestination({ path: "/api/hook", schema, ...keys, handler: () => "ok" });
    const eager = defineDestination({ path: "/api/hook", schema, ...keys, handler: ({ delivery }) => delivery.retried });
    const body = '{"to":"a","count":1}';
    const bad = { "upstash-retried": "many" };
    expect((await lazy.handle(await signed(body, bad))).status).toBe(200);
    const response = await eager.handle(await signed(body, bad));
    expect(response.status).toBe(489);
  });

  it("hands the exact verified bytes and URL to the handler", async () => {
    const definition = defineDestination({
      path: "/api/hook",
      schema,
      ...keys,
      handler: ({ request }) => ({ bytes: request.body.byteLength, url: request.url, text: request.text(), h: request.header("X-Tenant") }),
    });
    const body = '{"to":"a", "count":1}';
    const response = await definition.handle(await signed(body, { "x-tenant": "acme" }));
    expect(await response.json()).toEqual({ bytes: body.length, url, text: body, h: "acme" });
  });

  it("verifies the exact bytes: any JSON, any spacing, any chunking passes; any flipped byte is body_mismatch", async () => {
    const definition = defineDestination({
      path: "/api/hook",
      schema: z.unknown(),
      ...keys,
      handler: ({ payload, request }) => ({ payload, bytes: request.body.byteLength }),
    });
    const bytesOf = (text: string) => new TextEncoder().encode(text);
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), fc.integer({ min: 0, max: 4 }), fc.nat(), fc.nat(), async (value, indent, cut, flip) => {
        const text = JSON.stringify(value, null, indent);
        const bytes = bytesOf(text);
        const signature = await signDelivery({ key: keys.currentSigningKey, url, body: bytes });
        const headers: Record<string, string> = { "upstash-signature": signature };
        const at = cut % (bytes.byteLength + 1);
        async function* chunks() {
          yield bytes.slice(0, at);
          yield bytes.slice(at);
        }
        const ok = await definition.handleRaw({ method: "POST", ...urlParts(url), header: (n) => headers[n], body: chunks() });
        expect(ok.status).toBe(200);
        expect(JSON.parse(ok.body)).toEqual(JSON.parse(JSON.stringify({ payload: value, bytes: bytes.byteLength })));
        const tampered = bytes.slice();
        const index = flip % tampered.byteLength;
        tampered[index] = (tampered[index] as number) ^ 0x01;
        const bad = await definition.handleRaw({ method: "POST", ...urlParts(url), header: (n) => headers[n], body: tampered });
        expect(bad.status).toBe(401);
        expect(JSON.parse(bad.body).reason).toBe("body_mismatch");
      }),
      { numRuns: 60 },
    );
  });

  it("handleRaw reads chunked bodies and answers without a Response object", async () => {
    const definition = defineDestination({ path: "/api/hook", schema, ...keys, handler: ({ payload }) => payload.to });
    const body = '{"to":"chunks","count":1}';
    const signature = await signDelivery({ key: keys.nextSigningKey, url, body });
    const headers: Record<string, string> = { "upstash-signature": signature, "upstash-message-id": "m" };
    async function* chunks() {
      for (const part of [body.slice(0, 5), body.slice(5)]) yield new TextEncoder().encode(part);
    }
    const raw: RawDeliveryRequest = { method: "POST", ...urlParts(url), header: (n) => headers[n.toLowerCase()], body: chunks() };
    expect(await definition.handleRaw(raw)).toEqual({ status: 200, headers: { "content-type": "application/json" }, body: '"chunks"' });
  });

  it("uses a given receiver, clock tolerance and host overrides", async () => {
    const seen: unknown[] = [];
    const receiver = {
      verify: async (input: unknown) => {
        seen.push(input);
        return true as const;
      },
    };
    const definition = defineDestination({ path: "/api/hook", schema, receiver, clockTolerance: 5, replayGuard: false, handler: () => 1 });
    const request = new Request(url, { method: "POST", body: '{"to":"a","count":1}', headers: { "upstash-signature": "tok", "upstash-region": "US-EAST-1" } });
    expect((await definition.handle(request)).status).toBe(200);
    expect(seen[0]).toMatchObject({ signature: "tok", url, clockTolerance: 5, upstashRegion: "US-EAST-1" });
    const small = await definition.handle(new Request(url, { method: "POST", body: "{}" }), { maxBodyBytes: 1 });
    expect(small.status).toBe(413);
  });

  it("reports every 500 to onError and keeps the message out of the response", async () => {
    const errors: unknown[] = [];
    const definition = defineDestination({
      path: "/api/hook",
      schema,
      ...keys,
      onError: (error) => errors.push(error),
      handler: () => {
        throw new Error("secret detail");
      },
    });
    const response = await definition.handle(await signed('{"to":"a","count":1}'));
    expect(response.status).toBe(500);
    expect(await response.text()).not.toContain("secret");
    expect(errors).toEqual([expect.objectContaining({ message: "secret detail" })]);
  });

  it("answers 500 when the result cannot be serialised", async () => {
    const definition = defineDestination({ path: "/api/hook", schema, ...keys, onError: () => undefined, handler: () => 1n });
    expect((await definition.handle(await signed('{"to":"a","count":1}'))).status).toBe(500);
  });

  it("fails closed with 500 on half a key pair", async () => {
    const errors: unknown[] = [];
    const definition = defineDestination({
      path: "/api/hook",
      schema,
      currentSigningKey: keys.currentSigningKey,
      onError: (error) => errors.push(error),
      handler: () => 1,
    });
    expect((await definition.handle(await signed('{"to":"a","count":1}'))).status).toBe(500);
    expect(errors[0]).toMatchObject({ code: "ERR_MISSING_SIGNING_KEYS" });
  });

  it("throws InvalidOptionError for a bad path, schema or handler", () => {
    expect(() => defineDestination({ path: "api/x", schema, handler: () => 1 })).toThrow(InvalidOptionError);
    expect(() => defineDestination({ path: "/x", schema: {} as never, handler: () => 1 })).toThrow(InvalidOptionError);
    expect(() => defineDestination({ path: "/x", schema, handler: "no" as never })).toThrow(InvalidOptionError);
  });

  it("keeps publish defaults and drops verification options from them", () => {
    const definition = defineDestination({ path: "/x", schema, ...keys, retries: 2, callback: "/cb", handler: () => 1 });
    expect(definition.defaults).toEqual({ retries: 2, callback: "/cb" });
  });
});
