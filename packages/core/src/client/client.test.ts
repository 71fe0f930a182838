import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
// Relative imports: this unit suite must not depend on modules other engineers are still writing.
import type { PublishResult } from "./apiSchemas.js";
import { Client, type ClientOptions } from "./client.js";
import { QStashNetworkError, QStashResponseError } from "./clientErrors.js";
import { InvalidOptionError, QStashError, QStashHttpError } from "../errors.js";
import { closedPort, startScriptedApiServer } from "./scriptedApiServer.fixture.js";
import type { ScriptedApiServer } from "./scriptedApiServer.fixture.js";

const TOKEN = "test-token";
let server: ScriptedApiServer;

beforeAll(async () => {
  server = await startScriptedApiServer();
});
afterAll(() => server.close());
afterEach(() => {
  server.reset();
  vi.unstubAllEnvs();
});

/** A client against the scripted server with instant retries. */
function client(options: ConstructorParameters<typeof Client>[0] = {}) {
  return new Client({ token: TOKEN, baseUrl: server.url, retry: { retries: 3, backoff: () => 1 }, ...options });
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection");
}

describe("Client construction", () => {
  it("fails early without a token", () => {
    vi.stubEnv("QSTASH_TOKEN", "");
    const error = (() => {
      try {
        new Client({ baseUrl: server.url });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(InvalidOptionError);
    expect(error).toMatchObject({ code: "ERR_INVALID_OPTION", option: "token" });
  });

  it("reads QSTASH_TOKEN and QSTASH_URL, stripping one trailing slash", async () => {
    vi.stubEnv("QSTASH_TOKEN", "env-token");
    vi.stubEnv("QSTASH_URL", `${server.url}/`);
    server.reply({ body: { current: "sig_a", next: "sig_b" } });
    const keys = await new Client().keys.get();
    expect(keys).toEqual({ current: "sig_a", next: "sig_b" });
    expect(server.received[0]).toMatchObject({ method: "GET", path: "/v2/keys" });
    expect(server.received[0]?.headers.authorization).toBe("Bearer env-token");
  });

  it("prefers explicit options over the environment", () => {
    vi.stubEnv("QSTASH_URL", "http://elsewhere.invalid");
    expect(new Client({ token: "t", baseUrl: "http://127.0.0.1:1/" }).baseUrl).toBe("http://127.0.0.1:1");
  });

  it("defaults to production and maps the legacy publish URL back to it", () => {
    vi.stubEnv("QSTASH_URL", "");
    expect(new Client({ token: "t" }).baseUrl).toBe("https://qstash.upstash.io");
    expect(new Client({ token: "t", baseUrl: "https://qstash.upstash.io/v2/publish" }).baseUrl).toBe(
      "https://qstash.upstash.io",
    );
  });

  it.each([["ftp://x"], ["not a url"], [""]])("rejects the base URL %j", (baseUrl) => {
    expect(() => new Client({ token: "t", baseUrl })).toThrow(InvalidOptionError);
  });

  it("refuses unknown options, saying what to do for the official SDK's client options", () => {
    const invalid = (options: unknown): InvalidOptionError => {
      try {
        new Client(options as ClientOptions);
      } catch (error) {
        expect(error).toBeInstanceOf(InvalidOptionError);
        return error as InvalidOptionError;
      }
      throw new Error("expected InvalidOptionError");
    };
    expect(invalid({ token: "t", retries: 3 })).toMatchObject({ option: "retries", reason: "is not a known option" });
    expect(invalid({ token: "t", headers: { "X-A": "1" } }).reason).toBe(
      "is not a known option: stashkit sets headers per message: pass `headers` to publish",
    );
    expect(invalid({ token: "t", enableTelemetry: false }).reason).toContain("no telemetry");
    expect(invalid({ token: "t", devMode: true }).reason).toContain("npx stashkit dev");
    expect(invalid({ token: "t", fetch: "fetch" })).toMatchObject({ option: "fetch", reason: "must be a function" });
    expect(invalid({ token: "t", appUrl: 1 })).toMatchObject({ option: "appUrl" });
    expect(invalid("t")).toMatchObject({ option: "options" });
  });

  it("rejects a token with a line break and a negative retry count", () => {
    expect(() => new Client({ token: "a\r\nb" })).toThrow(/token/);
    expect(() => new Client({ token: "t", retry: { retries: -1 } })).toThrow(/retry\.retries/);
  });
});

describe("publish and enqueue", () => {
  it("publishes to /v2/publish/{destination} with the builder's headers and body", async () => {
    server.reply({ body: { messageId: "msg_1", url: "https://example.com/hook" } });
    const result = await client().publish({
      destination: "https://example.com/hook",
      body: "hello",
      retries: 2,
      delay: "10s",
      headers: { "X-Tenant": "acme" },
    });
    expect(result).toEqual({ messageId: "msg_1", url: "https://example.com/hook" });
    const seen = server.received[0]!;
    expect(seen.method).toBe("POST");
    expect(seen.path).toBe("/v2/publish/https://example.com/hook");
    expect(seen.body).toBe("hello");
    expect(seen.headers).toMatchObject({
      authorization: `Bearer ${TOKEN}`,
      "upstash-method": "POST",
      "upstash-retries": "2",
      "upstash-delay": "10s",
      "upstash-forward-x-tenant": "acme",
    });
  });

  it("returns deduplicated: true from a 202", async () => {
    server.reply({ status: 202, body: { messageId: "msg_old", url: "https://example.com/hook", deduplicated: true } });
    const result = await client().publish({ destination: "https://example.com/hook", deduplicationId: "d1" });
    expect(result.deduplicated).toBe(true);
    expect(server.received[0]?.headers["upstash-deduplication-id"]).toBe("d1");
  });

  it("returns one result per endpoint for a URL group", async () => {
    const answer = [
      { messageId: "msg_a", url: "https://a.example/" },
      { messageId: "msg_b", url: "https://b.example/" },
    ];
    server.reply({ body: answer });
    const results: PublishResult[] = await client().publish({ destination: "billing", body: "x" });
    expect(results).toEqual(answer);
    expect(server.received[0]?.path).toBe("/v2/publish/billing");
  });

  it("unwraps the {messages: [...]} form of a URL-group answer", async () => {
    server.reply({ body: { messages: [{ messageId: "msg_a", url: "https://a.example/" }] } });
    expect(await client().publish({ destination: "billing" })).toEqual([
      { messageId: "msg_a", url: "https://a.example/" },
    ]);
  });

  it("publishJSON serialises even a string body and sets application/json", async () => {
    server.reply({ body: { messageId: "msg_1" } });
    await client().publishJSON({ destination: "https://example.com/hook", body: "hi" });
    expect(server.received[0]?.body).toBe('"hi"');
    expect(server.received[0]?.headers["content-type"]).toBe("application/json");
  });

  it("publishJSON, enqueueJSON and batchJSON refuse what JSON would lose, naming the body, and send nothing", async () => {
    const refused = { code: "ERR_INVALID_OPTION", option: "body" };
    await expect(client().publishJSON({ destination: "https://example.com/hook", body: new Map([["a", 1]]) })).rejects.toMatchObject(refused);
    await expect(client().publishJSON({ destination: "https://example.com/hook", body: () => 1 })).rejects.toMatchObject(refused);
    await expect(client().enqueueJSON({ queueName: "q", destination: "https://example.com/hook", body: 1n })).rejects.toMatchObject(refused);
    await expect(client().batchJSON([{ destination: "https://example.com/hook", body: new Set([1]) }])).rejects.toMatchObject(refused);
    expect(server.received).toHaveLength(0);
  });

  it("publish sends binary bodies byte for byte", async () => {
    server.reply({ body: { messageId: "msg_1" } });
    await client().publish({ destination: "https://example.com/hook", body: new TextEncoder().encode("bytes✓") });
    expect(server.received[0]?.body).toBe("bytes✓");
  });

  it("enqueues to /v2/enqueue/{queue}/{destination}", async () => {
    server.reply({ body: { messageId: "msg_q" } }, { body: { messageId: "msg_q2" } });
    const result = await client().enqueue({ queueName: "emails", destination: "https://example.com/send", body: "x" });
    expect(result.messageId).toBe("msg_q");
    await client().enqueueJSON({ queueName: "emails", destination: "https://example.com/send", body: { a: 1 } });
    expect(server.received.map((r) => r.path)).toEqual([
      "/v2/enqueue/emails/https://example.com/send",
      "/v2/enqueue/emails/https://example.com/send",
    ]);
    expect(server.received[1]?.body).toBe('{"a":1}');
    expect(server.received[1]?.headers["content-type"]).toBe("application/json");
  });

  it("rejects bad options before sending anything", async () => {
    const c = client();
    await expect(c.enqueue({ queueName: "bad name", destination: "https://example.com" })).rejects.toMatchObject({
      option: "queueName",
    });
    await expect(c.publish({ destination: "https://example.com", retries: -1 })).rejects.toMatchObject({
      option: "retries",
    });
    expect(server.received).toHaveLength(0);
  });

  it("rejects a response without messageId with ERR_BAD_RESPONSE naming the field", async () => {
    server.reply({ body: { url: "https://example.com/hook" } });
    const error = await rejection(client().publish({ destination: "https://example.com/hook" }));
    expect(error).toBeInstanceOf(QStashResponseError);
    expect(error).toMatchObject({ code: "ERR_BAD_RESPONSE", field: "messageId" });
    expect((error as Error).message).toContain('"messageId" is missing');
  });

  it("rejects a non-JSON success body with ERR_BAD_RESPONSE", async () => {
    server.reply({ body: "<html>proxy</html>" });
    const error = await rejection(client().publish({ destination: "https://example.com/hook" }));
    expect(error).toMatchObject({ code: "ERR_BAD_RESPONSE", field: "" });
  });
});

describe("batch", () => {
  it("sends a JSON array per wire spec 2.7 and returns results in order", async () => {
    server.reply({
      body: [
        { messageId: "msg_1", url: "https://example.com/a" },
        [{ messageId: "msg_2", url: "https://g.example/1" }],
        { error: "queue name is invalid" },
      ],
    });
    const results = await client().batch([
      { destination: "https://example.com/a", body: "one", retries: 1 },
      { destination: "group-1", body: { two: 2 } },
      { destination: "https://example.com/c", queueName: "q1" },
    ]);
    expect(results).toEqual([
      { messageId: "msg_1", url: "https://example.com/a" },
      [{ messageId: "msg_2", url: "https://g.example/1" }],
      { error: "queue name is invalid" },
    ]);
    const seen = server.received[0]!;
    expect(seen).toMatchObject({ method: "POST", path: "/v2/batch" });
    expect(seen.headers["content-type"]).toBe("application/json");
    expect(seen.headers.authorization).toBe(`Bearer ${TOKEN}`);
    const wire = JSON.parse(seen.body) as Array<Record<string, unknown>>;
    expect(wire).toHaveLength(3);
    expect(wire[0]).toMatchObject({ destination: "https://example.com/a", body: "one" });
    expect(wire[0]?.headers).toMatchObject({ "upstash-retries": "1", "upstash-method": "POST" });
    expect(wire[0]?.headers).not.toHaveProperty("authorization");
    expect(wire[1]).toMatchObject({ destination: "group-1", body: '{"two":2}' });
    expect(wire[1]?.headers).toMatchObject({ "content-type": "application/json" });
    expect(wire[2]).toMatchObject({ destination: "https://example.com/c", queue: "q1" });
    expect(wire[2]).not.toHaveProperty("body");
  });

  it("batchJSON serialises string bodies", async () => {
    server.reply({ body: [{ messageId: "msg_1" }] });
    await client().batchJSON([{ destination: "https://example.com/a", body: "s" }]);
    const wire = JSON.parse(server.received[0]!.body) as Array<{ body: string }>;
    expect(wire[0]?.body).toBe('"s"');
  });

  it("wraps a single-object answer in an array", async () => {
    server.reply({ body: { messageId: "msg_1" } });
    expect(await client().batch([{ destination: "https://example.com/a" }])).toEqual([{ messageId: "msg_1" }]);
  });

  it("names the failing entry and sends nothing", async () => {
    const c = client();
    await expect(c.batch([])).rejects.toMatchObject({ option: "entries" });
    await expect(
      c.batch([{ destination: "https://example.com/a" }, { destination: "https://example.com/b", retries: 1.5 }]),
    ).rejects.toMatchObject({ option: "entries.1.retries" });
    await expect(
      c.batch([{ destination: "https://example.com/a", body: new Uint8Array([0xff, 0xfe]) }]),
    ).rejects.toMatchObject({ option: "entries.0.body" });
    expect(server.received).toHaveLength(0);
  });

  it("reports a batch element without messageId by its index", async () => {
    server.reply({ body: [{ messageId: "msg_1" }, { url: "https://x" }] });
    const error = await rejection(
      client().batch([{ destination: "https://example.com/a" }, { destination: "https://example.com/b" }]),
    );
    expect(error).toMatchObject({ code: "ERR_BAD_RESPONSE", field: "1.messageId" });
  });
});

describe("errors and retries", () => {
  it("maps a 4xx to QStashHttpError with the server's error text, without retrying", async () => {
    server.reply({ status: 400, body: { error: "invalid destination" } });
    const error = await rejection(client().queues.list());
    expect(error).toBeInstanceOf(QStashHttpError);
    expect(error).toBeInstanceOf(QStashError);
    expect(error).toMatchObject({ code: "ERR_HTTP", status: 400, body: "invalid destination" });
    expect(server.received).toHaveLength(1);
  });

  it("keeps a non-JSON error body as raw text", async () => {
    server.reply({ status: 401, body: "Unauthorized\n" });
    await expect(client().keys.get()).rejects.toMatchObject({ status: 401, body: "Unauthorized" });
  });

  it("retries an idempotent call on 503 and succeeds", async () => {
    server.reply({ status: 503, body: "busy" }, { status: 502 }, { body: [] });
    expect(await client().queues.list()).toEqual([]);
    expect(server.received).toHaveLength(3);
  });

  it("gives up after the configured retries with the last status", async () => {
    server.reply({ status: 503 }, { status: 503 }, { status: 503 }, { status: 500, body: { error: "boom" } });
    await expect(client().queues.list()).rejects.toMatchObject({ status: 500, body: "boom" });
    expect(server.received).toHaveLength(4);
  });

  it("passes the attempt index to the backoff", async () => {
    const attempts: number[] = [];
    server.reply({ status: 500 }, { status: 500 }, { body: [] });
    const c = client({ retry: { retries: 5, backoff: (attempt) => (attempts.push(attempt), 1) } });
    await c.schedules.list();
    expect(attempts).toEqual([0, 1]);
  });

  it("does not retry a publish without deduplication on 5xx (it may have been accepted)", async () => {
    server.reply({ status: 503 }, { body: { messageId: "msg_dup" } });
    await expect(client().publish({ destination: "https://example.com/hook" })).rejects.toMatchObject({ status: 503 });
    expect(server.received).toHaveLength(1);
  });

  it("retries a publish with a deduplication id on 5xx", async () => {
    server.reply({ status: 503 }, { body: { messageId: "msg_1" } });
    const result = await client().publish({ destination: "https://example.com/hook", deduplicationId: "once" });
    expect(result.messageId).toBe("msg_1");
    expect(server.received).toHaveLength(2);
    expect(server.received[1]?.headers["upstash-deduplication-id"]).toBe("once");
  });

  it("retries a batch on 5xx only when every entry is deduplicated", async () => {
    server.reply({ status: 500 }, { body: [{ messageId: "m1" }, { messageId: "m2" }] });
    await client().batch([
      { destination: "https://example.com/a", deduplicationId: "a" },
      { destination: "https://example.com/b", contentBasedDeduplication: true },
    ]);
    expect(server.received).toHaveLength(2);
    server.received.length = 0;
    server.reply({ status: 500 });
    await expect(
      client().batch([{ destination: "https://example.com/a", deduplicationId: "a" }, { destination: "https://example.com/b" }]),
    ).rejects.toMatchObject({ status: 500 });
    expect(server.received).toHaveLength(1);
  });

  it("retries even a plain publish on 429, honouring Retry-After instead of the backoff", async () => {
    const backoffCalls: number[] = [];
    server.reply({ status: 429, headers: { "retry-after": "0" } }, { body: { messageId: "msg_1" } });
    const c = client({ retry: { retries: 2, backoff: (attempt) => (backoffCalls.push(attempt), 1) } });
    expect((await c.publish({ destination: "https://example.com/hook", body: "x" })).messageId).toBe("msg_1");
    expect(server.received).toHaveLength(2);
    expect(server.received[1]?.body).toBe("x");
    expect(backoffCalls).toEqual([]);
  });

  it("honours a Retry-After HTTP date", async () => {
    const past = new Date(Date.now() - 60_000).toUTCString();
    server.reply({ status: 503, headers: { "retry-after": past } }, { body: [] });
    expect(await client().urlGroups.list()).toEqual([]);
    expect(server.received).toHaveLength(2);
  });

  it("stops at once when Retry-After exceeds maxRetryAfter", async () => {
    server.reply({ status: 429, headers: { "retry-after": "3600" }, body: { error: "slow down" } });
    const c = client({ retry: { retries: 3, backoff: () => 1, maxRetryAfter: 5_000 } });
    await expect(c.queues.list()).rejects.toMatchObject({ status: 429, body: "slow down" });
    expect(server.received).toHaveLength(1);
  });

  it("makes a single attempt with retry: false", async () => {
    server.reply({ status: 503 });
    await expect(client({ retry: false }).queues.list()).rejects.toMatchObject({ status: 503 });
    expect(server.received).toHaveLength(1);
  });

  it("retries a refused connection, even for a plain publish, then throws QStashNetworkError", async () => {
    const port = await closedPort();
    let calls = 0;
    const counting: typeof fetch = (input, init) => {
      calls++;
      return fetch(input, init);
    };
    const c = new Client({
      token: TOKEN,
      baseUrl: `http://127.0.0.1:${port}`,
      fetch: counting,
      retry: { retries: 2, backoff: () => 1 },
    });
    const error = await rejection(c.publish({ destination: "https://example.com/hook" }));
    expect(error).toBeInstanceOf(QStashNetworkError);
    expect(error).toMatchObject({ code: "ERR_NETWORK", attempts: 3 });
    expect((error as Error).message).not.toContain(TOKEN);
    expect(calls).toBe(3);
  });

  it("does not retry a plain publish whose connection dropped after sending", async () => {
    server.reply("destroy", { body: { messageId: "msg_dup" } });
    const error = await rejection(client().publish({ destination: "https://example.com/hook", body: "x" }));
    expect(error).toMatchObject({ code: "ERR_NETWORK", attempts: 1 });
    expect(server.received).toHaveLength(1);
  });

  it("retries an idempotent call whose connection dropped", async () => {
    server.reply("destroy", "destroy", { body: { current: "a", next: "b" } });
    expect(await client().keys.get()).toEqual({ current: "a", next: "b" });
    expect(server.received).toHaveLength(3);
  });

  it("aborts a hanging attempt after timeout and retries an idempotent call", async () => {
    server.reply("hang", { body: [] });
    expect(await client({ timeout: 200 }).queues.list()).toEqual([]);
    expect(server.received).toHaveLength(2);
  });

  it("does not retry a plain publish that timed out", async () => {
    server.reply("hang", { body: { messageId: "msg_dup" } });
    const error = await rejection(client({ timeout: 200 }).publish({ destination: "https://example.com/hook" }));
    expect(error).toMatchObject({ code: "ERR_NETWORK", attempts: 1 });
    expect(server.received).toHaveLength(1);
  });

  it("rejects a non-positive timeout", () => {
    expect(() => client({ timeout: 0 })).toThrow(/timeout/);
  });

  it("never retries a key rotation on 5xx", async () => {
    server.reply({ status: 503 }, { body: { current: "b", next: "c" } });
    await expect(client().keys.rotate()).rejects.toMatchObject({ status: 503 });
    expect(server.received).toHaveLength(1);
  });
});

describe("send", () => {
  it("publishes a typed payload to appUrl + path with the destination's defaults", async () => {
    const { defineDestination } = await import("../handlers/defineDestination.js");
    const { z } = await import("zod");
    const sendEmail = defineDestination({
      path: "/api/send-email",
      schema: z.object({ to: z.string() }),
      retries: 2,
      callback: "/api/on-delivered",
      currentSigningKey: "sig_a",
      nextSigningKey: "sig_b",
      handler: () => undefined,
    });
    server.reply({ body: { messageId: "msg_s", url: "https://app.example.com/api/send-email" } });
    const c = client({ appUrl: "https://app.example.com" });
    const result = await c.send(sendEmail, { to: "ada@example.com" }, { delay: "10s" });
    expect(result.messageId).toBe("msg_s");
    const seen = server.received[0]!;
    expect(seen.path).toBe("/v2/publish/https://app.example.com/api/send-email");
    expect(JSON.parse(seen.body)).toEqual({ to: "ada@example.com" });
    expect(seen.headers).toMatchObject({
      "content-type": "application/json",
      "upstash-retries": "2",
      "upstash-delay": "10s",
      "upstash-callback": "https://app.example.com/api/on-delivered",
    });
  });

  it("validates the payload with the schema before sending", async () => {
    const { destinationRef } = await import("../handlers/send.js");
    const { defineDestination } = await import("../handlers/defineDestination.js");
    const { z } = await import("zod");
    const strict = defineDestination({
      path: "/api/strict",
      schema: z.object({ n: z.number() }),
      currentSigningKey: "sig_a",
      nextSigningKey: "sig_b",
      handler: () => undefined,
    });
    const c = client({ appUrl: "https://app.example.com" });
    await expect(c.send(strict, { n: "nope" } as never)).rejects.toMatchObject({ code: "ERR_INVALID_PAYLOAD" });
    expect(server.received).toHaveLength(0);
    server.reply({ body: { messageId: "msg_r" } });
    await c.send(destinationRef<typeof strict>("/api/strict"), { n: 1 });
    expect(server.received[0]?.path).toBe("/v2/publish/https://app.example.com/api/strict");
  });
});
