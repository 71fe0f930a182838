import { createServer } from "node:http";
import type { IncomingHttpHeaders, Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, expectTypeOf, it } from "vitest";
import { z } from "zod";
import { Client } from "../client/client.js";
import { defineCallback, defineFailureCallback } from "./defineCallback.js";
import { defineDestination } from "./defineDestination.js";
import type { PayloadOf } from "./defineDestination.js";
import { InvalidOptionError } from "../errors.js";
import { PayloadValidationError } from "./handlerErrors.js";
import { destinationRef, sendToDestination } from "./send.js";
import type { fixtureSendEmail } from "./send.fixture.js";

type SendEmail = typeof fixtureSendEmail;

interface Seen {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

let server: Server;
let qstashUrl = "";
let seen: Seen[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      seen.push({ path: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString() });
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ messageId: `msg_${seen.length}`, url: "https://app.example.com/x" }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  qstashUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  seen = [];
});

const client = () => new Client({ token: "test-token", baseUrl: qstashUrl, appUrl: "https://app.example.com", retry: false });

const schema = z.object({ to: z.string(), subject: z.string() });
const onDelivered = defineCallback({ path: "/api/on-delivered", handler: () => undefined });
const onFailed = defineFailureCallback({ path: "/api/on-failed", handler: () => undefined });
const sendEmail = defineDestination({
  path: "/api/send-email",
  schema,
  retries: 2,
  timeout: "10s",
  retryDelay: "pow(2, retried) * 1000",
  callback: onDelivered,
  failureCallback: { path: onFailed.path, retries: 1 },
  handler: () => undefined,
});

describe("client.send / sendToDestination", () => {
  it("publishes JSON to the destination's public URL with its callbacks and defaults", async () => {
    const result = await client().send(sendEmail, { to: "ada@example.com", subject: "Hi" });
    expect(result.messageId).toBe("msg_1");
    const [request] = seen;
    expect(request?.path).toBe("/v2/publish/https://app.example.com/api/send-email");
    expect(JSON.parse(request?.body ?? "")).toEqual({ to: "ada@example.com", subject: "Hi" });
    expect(request?.headers).toMatchObject({
      "content-type": "application/json",
      "upstash-retries": "2",
      "upstash-timeout": "10s",
      "upstash-retry-delay": "pow(2, retried) * 1000",
      "upstash-callback": "https://app.example.com/api/on-delivered",
      "upstash-failure-callback": "https://app.example.com/api/on-failed",
      "upstash-failure-callback-retries": "1",
    });
  });

  it("lets per-call options override the defaults, and enqueues with queueName", async () => {
    await client().send(sendEmail, { to: "a", subject: "b" }, { retries: 0, queueName: "emails", callback: "https://hooks.example/cb" });
    const [request] = seen;
    expect(request?.path).toBe("/v2/enqueue/emails/https://app.example.com/api/send-email");
    expect(request?.headers["upstash-retries"]).toBe("0");
    expect(request?.headers["upstash-callback"]).toBe("https://hooks.example/cb");
  });

  it("serialises a validated payload once and publishes the JSON text it validated", async () => {
    let serialised = 0;
    const payload = { toJSON: () => (serialised++, { to: "ada@example.com", subject: "Hi" }) };
    await client().send(sendEmail, payload as never);
    await client().send(sendEmail, payload as never, { queueName: "emails" });
    expect(serialised).toBe(2);
    expect(seen.map((request) => [request.body, request.headers["content-type"]])).toEqual([
      ['{"to":"ada@example.com","subject":"Hi"}', "application/json"],
      ['{"to":"ada@example.com","subject":"Hi"}', "application/json"],
    ]);
  });

  it("validates the payload with the schema before anything is sent", async () => {
    await expect(client().send(sendEmail, { to: 1 } as never)).rejects.toBeInstanceOf(PayloadValidationError);
    await client().send(sendEmail, { to: 1 } as never, { validate: false });
    expect(seen).toHaveLength(1);
  });

  it("validates what the destination will parse: a Date the schema needs is refused, nothing is sent", async () => {
    const remind = defineDestination({ path: "/api/remind", schema: z.object({ at: z.date() }), handler: () => undefined });
    const error = await client()
      .send(remind, { at: new Date() })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PayloadValidationError);
    expect((error as PayloadValidationError).issues).toEqual([
      { path: "at", message: expect.stringMatching(/^is a Date, which JSON sends as a string; the schema says: /) },
    ]);
    expect(seen).toHaveLength(0);
  });

  it("names how JSON changed each failing field: undefined, NaN, Map; BigInt and cycles cannot be sent", async () => {
    const strict = defineDestination({
      path: "/api/strict",
      schema: z.object({ name: z.string(), score: z.number(), tags: z.map(z.string(), z.number()) }),
      handler: () => undefined,
    });
    const error = (await client()
      .send(strict, { name: undefined as unknown as string, score: Number.NaN, tags: new Map([["a", 1]]) })
      .catch((e: unknown) => e)) as PayloadValidationError;
    expect(error).toBeInstanceOf(PayloadValidationError);
    const byPath = Object.fromEntries(error.issues.map((i) => [i.path, i.message]));
    expect(byPath["name"]).toMatch(/^is undefined, which JSON leaves out/);
    expect(byPath["score"]).toMatch(/^is NaN, which JSON sends as null/);
    expect(byPath["tags"]).toMatch(/^is a Map, which JSON sends as \{\}/);
    const loose = defineDestination({ path: "/api/loose", schema: z.unknown(), handler: () => undefined });
    const cyclic: Record<string, unknown> = {};
    cyclic["self"] = cyclic;
    await expect(client().send(loose, { n: 1n })).rejects.toMatchObject({ issues: [{ path: "n", message: expect.stringContaining("BigInt") }] });
    await expect(client().send(loose, cyclic)).rejects.toMatchObject({ issues: [{ path: "self", message: expect.stringContaining("circular") }] });
    expect(seen).toHaveLength(0);
  });

  it("a value JSON changes but the schema still accepts is sent (an undefined optional field)", async () => {
    const optional = defineDestination({ path: "/api/optional", schema: z.object({ to: z.string(), nick: z.string().optional() }), handler: () => undefined });
    await client().send(optional, { to: "ada", nick: undefined });
    expect(seen.map((s) => s.body)).toEqual(['{"to":"ada"}']);
  });

  it("sends through a type-only destinationRef and a plain path", async () => {
    const ref = destinationRef<SendEmail>("/api/send-email", { callback: "/api/on-delivered" });
    await client().send(ref, { to: "ada@example.com", subject: "Hi" });
    await client().send<SendEmail>("https://other.example/api/send-email", { to: "b@example.com", subject: "x", attempts: 2 });
    expect(seen.map((s) => s.path)).toEqual([
      "/v2/publish/https://app.example.com/api/send-email",
      "/v2/publish/https://other.example/api/send-email",
    ]);
    expect(seen[0]?.headers["upstash-callback"]).toBe("https://app.example.com/api/on-delivered");
  });

  it("needs an app URL to send to a path", async () => {
    const saved = process.env["STASHKIT_APP_URL"];
    delete process.env["STASHKIT_APP_URL"];
    try {
      const bare = new Client({ token: "t", baseUrl: qstashUrl, retry: false });
      await expect(bare.send(sendEmail, { to: "a", subject: "b" })).rejects.toMatchObject({ code: "ERR_INVALID_OPTION", option: "appUrl" });
      process.env["STASHKIT_APP_URL"] = "http://localhost:4000";
      await bare.send(sendEmail, { to: "a", subject: "b" });
      expect(seen[0]?.path).toBe("/v2/publish/http://localhost:4000/api/send-email");
      await sendToDestination(bare, sendEmail, { to: "a", subject: "b" }, { appUrl: "https://per-call.example" });
      expect(seen[1]?.path).toBe("/v2/publish/https://per-call.example/api/send-email");
    } finally {
      if (saved === undefined) delete process.env["STASHKIT_APP_URL"];
      else process.env["STASHKIT_APP_URL"] = saved;
    }
    expect(() => destinationRef("")).toThrow(InvalidOptionError);
  });

  it("types the payload from the schema input, also through import type", () => {
    expectTypeOf<PayloadOf<SendEmail>>().toEqualTypeOf<{ to: string; subject: string; attempts?: number | undefined }>();
    const c = client();
    const ref = destinationRef<SendEmail>("/api/send-email");
    // Type-level checks only: these calls are never awaited against a server.
    const check = () => {
      void c.send(ref, { to: "a@example.com", subject: "s" });
      // @ts-expect-error subject is required
      void c.send(ref, { to: "a@example.com" });
      // @ts-expect-error to must be a string
      void c.send<SendEmail>("/api/send-email", { to: 1, subject: "s" });
      // @ts-expect-error unknown field on a strict payload type
      void c.send(sendEmail, { to: "a", subject: "b", extra: true });
    };
    expect(typeof check).toBe("function");
  });
});
