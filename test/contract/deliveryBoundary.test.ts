// What a delivery's answer depends on, and who hears about a refusal: replays, the hooks and
// the default warning line, error attribution inside handlers, body parsers mounted before
// stashkit, and Express's own `trust proxy`. Real Express 4 and 5 apps on 127.0.0.1.
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import express5 from "express";
import express4 from "express4";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { Client, defineDestination, parseCallback } from "@stashkit/core";
import type { HandlerOptions, RejectEvent, ReplayStore } from "@stashkit/core";
import { signDelivery } from "@stashkit/core/testing";
import { startDevServer } from "@stashkit/dev-server";
import type { DevServer } from "@stashkit/dev-server";
import { stashkit } from "@stashkit/express";
import { CONTRACT_KEYS } from "./definitions.js";

const schema = z.object({ n: z.number() });
const body = JSON.stringify({ n: 1 });

type Express = typeof express5;
const flavours: [string, Express][] = [
  ["Express 5", express5],
  ["Express 4", express4 as unknown as Express],
];

async function listen(app: Express extends () => infer A ? A : never): Promise<{ server: Server; base: string }> {
  const server = app.listen(0, "127.0.0.1");
  await new Promise<void>((resolve) => server.once("listening", resolve));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

async function signed(url: string, options: { key?: string; now?: number; signUrl?: string; payload?: string } = {}) {
  return signDelivery({
    key: options.key ?? CONTRACT_KEYS.currentSigningKey,
    url: options.signUrl ?? url,
    body: options.payload ?? body,
    ...(options.now === undefined ? {} : { now: options.now }),
  });
}

function post(url: string, headers: Record<string, string>, payload = body, contentType = "application/json") {
  return fetch(url, { method: "POST", headers: { "content-type": contentType, "upstash-message-id": "msg_b", ...headers }, body: payload });
}

const servers: Server[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
});
afterEach(() => {
  vi.restoreAllMocks();
});

for (const [name, express] of flavours) {
  describe(`${name}: replays`, () => {
    const ran: string[] = [];
    const define = (path: string, extra: Partial<HandlerOptions> = {}) =>
      defineDestination({ path, schema, ...CONTRACT_KEYS, onReject: () => undefined, ...extra, handler: () => void ran.push(path) });
    const seen: [string, number][] = [];
    const store: ReplayStore = {
      seen(jti, expiresAt) {
        seen.push([jti, expiresAt]);
        return Promise.resolve(seen.filter(([id]) => id === jti).length > 1);
      },
    };
    let base = "";

    beforeAll(async () => {
      const app = express();
      app.use(stashkit([define("/default"), define("/off-on-definition", { replayGuard: false }), define("/store-on-definition", { replayGuard: store })]));
      app.use(stashkit([define("/off-on-adapter")], { replayGuard: false }));
      app.use(stashkit([define("/store-on-adapter")], { replayGuard: store }));
      const listening = await listen(app);
      servers.push(listening.server);
      base = listening.base;
    });

    it("the same signed request twice: 200, then 401 replayed; the handler ran once", async () => {
      ran.length = 0;
      const url = `${base}/default`;
      const headers = { "upstash-signature": await signed(url) };
      expect((await post(url, headers)).status).toBe(200);
      const replay = await post(url, headers);
      expect(replay.status).toBe(401);
      expect(await replay.json()).toMatchObject({ reason: "replayed" });
      expect(ran).toEqual(["/default"]);
    });

    it("a retry is signed afresh (new jti), so it is never a replay", async () => {
      const url = `${base}/default`;
      for (const retried of ["0", "1", "2"]) {
        const response = await post(url, { "upstash-signature": await signed(url), "upstash-retried": retried });
        expect(response.status).toBe(200);
      }
    });

    it.each(["/off-on-definition", "/off-on-adapter"])("replayGuard: false (%s) accepts the same request again", async (path) => {
      const url = `${base}${path}`;
      const headers = { "upstash-signature": await signed(url) };
      expect((await post(url, headers)).status).toBe(200);
      expect((await post(url, headers)).status).toBe(200);
    });

    it.each(["/store-on-definition", "/store-on-adapter"])("a store (%s) gets jti and exp + tolerance in ms, and decides", async (path) => {
      seen.length = 0;
      const url = `${base}${path}`;
      const now = Date.now();
      const signature = await signed(url, { now });
      expect((await post(url, { "upstash-signature": signature })).status).toBe(200);
      expect((await post(url, { "upstash-signature": signature })).status).toBe(401);
      expect(seen).toHaveLength(2);
      expect(seen[0]?.[0]).toMatch(/^jwt_/);
      expect(seen[0]?.[1]).toBe((Math.floor(now / 1000) + 300) * 1000);
    });
  });

  describe(`${name}: body parsed before stashkit`, () => {
    let base = "";
    const ran: string[] = [];

    beforeAll(async () => {
      const app = express();
      app.use(express.json());
      app.use(express.urlencoded({ extended: false }));
      app.use(stashkit(defineDestination({ path: "/hook", schema: z.unknown(), ...CONTRACT_KEYS, onReject: () => undefined, handler: () => void ran.push("hook") })));
      const listening = await listen(app);
      servers.push(listening.server);
      base = listening.base;
    });

    const cases: [string, (url: string) => Promise<Record<string, string>>, string][] = [
      ["no signature", async () => ({}), "missing_signature"],
      ["a malformed signature", async () => ({ "upstash-signature": "not.a-token" }), "malformed"],
      ["another key", async (url) => ({ "upstash-signature": await signed(url, { key: "sig_attackerKey000000000000000000" }) }), "bad_signature"],
      ["an expired token", async (url) => ({ "upstash-signature": await signed(url, { now: Date.now() - 600_000 }) }), "expired"],
      ["a token for another URL", async (url) => ({ "upstash-signature": await signed(url, { signUrl: "https://elsewhere.example/hook" }) }), "url_mismatch"],
    ];

    for (const [what, headers, reason] of cases) {
      it(`${what} gets 401 ${reason}, not the middleware-order 500`, async () => {
        const url = `${base}/hook`;
        const response = await post(url, await headers(url));
        expect(response.status).toBe(401);
        expect(await response.json()).toMatchObject({ reason });
      });
    }

    it("a valid delivery whose bytes are gone gets the 500 naming the fix", async () => {
      const url = `${base}/hook`;
      const response = await post(url, { "upstash-signature": await signed(url) });
      expect(response.status).toBe(500);
      expect(await response.json()).toMatchObject({ code: "ERR_BODY_ALREADY_PARSED", error: expect.stringContaining("express.json()") });
      const form = "n=1";
      const viaForm = await post(url, { "upstash-signature": await signed(url, { payload: form }) }, form, "application/x-www-form-urlencoded");
      expect(viaForm.status).toBe(500);
      expect(await viaForm.json()).toMatchObject({ error: expect.stringContaining("express.urlencoded()") });
      expect(ran).toEqual([]);
    });
  });

  describe(`${name}: the app's trust proxy setting`, () => {
    const publicUrl = "https://app.example.com/hook";
    const define = (extra: Partial<HandlerOptions> = {}) =>
      defineDestination({ path: "/hook", schema, ...CONTRACT_KEYS, replayGuard: false, onReject: () => undefined, ...extra, handler: () => "ok" });
    const forwarded = { "x-forwarded-proto": "https", "x-forwarded-host": "app.example.com" };

    async function appWith(trust: boolean, options?: HandlerOptions, definitionOptions?: Partial<HandlerOptions>): Promise<string> {
      const app = express();
      if (trust) app.set("trust proxy", "loopback");
      app.use(stashkit(define(definitionOptions), options));
      const listening = await listen(app);
      servers.push(listening.server);
      return `${listening.base}/hook`;
    }

    it("trust proxy on: X-Forwarded-Proto/-Host name the URL checked", async () => {
      const url = await appWith(true);
      expect((await post(url, { ...forwarded, "upstash-signature": await signed(url, { signUrl: publicUrl }) })).status).toBe(200);
    });

    it("trust proxy off (the default): forwarded headers are ignored", async () => {
      const url = await appWith(false);
      const response = await post(url, { ...forwarded, "upstash-signature": await signed(url, { signUrl: publicUrl }) });
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ reason: "url_mismatch", signedUrl: publicUrl, receivedUrl: url });
    });

    it("an explicit trustProxy: false, on the adapter or the definition, wins over the app", async () => {
      for (const url of [await appWith(true, { trustProxy: false }), await appWith(true, undefined, { trustProxy: false })]) {
        expect((await post(url, { ...forwarded, "upstash-signature": await signed(url, { signUrl: publicUrl }) })).status).toBe(401);
      }
    });

    it("trust proxy on and an invalid X-Forwarded-Host: 400 naming the header", async () => {
      const url = await appWith(true);
      const response = await post(url, { "x-forwarded-host": "app.example.com/hook#", "upstash-signature": await signed(url) });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ field: "x-forwarded-host" });
    });
  });
}

describe("who hears about a refusal", () => {
  const events: RejectEvent[] = [];
  const errors: unknown[] = [];
  const hooked = defineDestination({
    path: "/hooked",
    schema,
    ...CONTRACT_KEYS,
    maxBodyBytes: 64,
    onReject: (event) => void events.push(event),
    onError: (error) => void errors.push(error),
    handler: ({ payload }) => {
      if (payload.n === 500) throw new Error("crash");
      return "ok";
    },
  });
  const silent = defineDestination({ path: "/silent", schema, ...CONTRACT_KEYS, handler: () => "ok" });
  const throwingHook = defineDestination({
    path: "/throwing-hook",
    schema,
    ...CONTRACT_KEYS,
    onReject: () => {
      throw new Error("logger down");
    },
    handler: () => "ok",
  });
  const url = (path: string) => `http://localhost:3000${path}`;
  const request = async (path: string, payload: string, headers: Record<string, string> = {}) =>
    new Request(url(path), {
      method: "POST",
      headers: { "content-type": "application/json", "upstash-message-id": "msg_hook", "upstash-signature": await signed(url(path), { payload }), ...headers },
      body: payload,
    });

  it("onReject gets status, reason, error, method, URL and message id for 400, 401, 413, 489 and 500", async () => {
    events.length = 0;
    errors.length = 0;
    expect((await hooked.handle(await request("/hooked", body, { "upstash-signature": "" }))).status).toBe(401);
    expect((await hooked.handle(await request("/hooked", JSON.stringify({ n: "x" })))).status).toBe(489);
    expect((await hooked.handle(await request("/hooked", JSON.stringify({ n: 500 })))).status).toBe(500);
    expect((await hooked.handle(await request("/hooked", " ".repeat(65)))).status).toBe(413);
    expect((await hooked.handle(await request("/hooked", body, { host: "localhost:3000/x#" }))).status).toBe(400);
    expect(events.map((e) => [e.status, e.reason])).toEqual([
      [401, "missing_signature"],
      [489, "invalid_payload"],
      [500, "handler_error"],
      [413, "body_too_large"],
      [400, "bad_request_url"],
    ]);
    for (const event of events) expect(event).toMatchObject({ method: "POST", messageId: "msg_hook", error: expect.any(Error) });
    expect(events[0]?.url).toBe(url("/hooked"));
    expect((events[2]?.error as Error).message).toBe("crash");
    expect(errors).toEqual([events[2]?.error]);
  });

  it("without hooks, one console.warn line outside production, with the reason and the fix", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const response = await silent.handle(await request("/silent", body, { "upstash-signature": await signed("https://app.example.com/silent") }));
    expect(response.status).toBe(401);
    expect(warn).toHaveBeenCalledTimes(1);
    const line = String(warn.mock.calls[0]?.[0]);
    expect(line).toContain("401 url_mismatch POST http://localhost:3000/silent (msg_hook)");
    expect(line).toContain("https://app.example.com/silent");
    expect(line).toContain("publicBaseUrl");
  });

  it("in production, no line for a 401", async () => {
    vi.stubEnv("NODE_ENV", "production");
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    try {
      expect((await silent.handle(await request("/silent", body, { "upstash-signature": "" }))).status).toBe(401);
      expect(warn).not.toHaveBeenCalled();
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it("a hook that throws does not change the answer", async () => {
    expect((await throwingHook.handle(await request("/throwing-hook", body, { "upstash-signature": "" }))).status).toBe(401);
  });
});

describe("only a delivery's own failures set its status", () => {
  let dev: DevServer;
  beforeAll(async () => {
    dev = await startDevServer({ port: 0 });
  });
  afterAll(async () => {
    await dev.close();
  });

  const other = defineDestination({ path: "/other", schema: z.object({ email: z.email() }), handler: () => undefined });
  const reported: unknown[] = [];
  const nested = (run: () => Promise<unknown>) =>
    defineDestination({
      path: "/outer",
      schema: z.unknown(),
      ...CONTRACT_KEYS,
      onReject: (event) => void reported.push(event.error),
      handler: async () => {
        await run();
        return "unreachable";
      },
    });
  const deliver = async (definition: { handle(request: Request): Promise<Response> }, headers: Record<string, string> = {}) => {
    const url = "http://localhost:3000/outer";
    return definition.handle(
      new Request(url, { method: "POST", headers: { "upstash-signature": await signed(url), "upstash-message-id": "m", ...headers }, body }),
    );
  };

  it("a nested client.send with a bad payload: 500 (retryable), and the hook gets the PayloadValidationError", async () => {
    reported.length = 0;
    const client = new Client({ token: dev.token, baseUrl: dev.url, appUrl: "http://localhost:3000", retry: false });
    const response = await deliver(nested(() => client.send(other, { email: "not an email" })));
    expect(response.status).toBe(500);
    expect(response.headers.get("upstash-nonretryable-error")).toBeNull();
    expect(reported[0]).toMatchObject({ code: "ERR_INVALID_PAYLOAD" });
  });

  it("a nested QStash HTTP error (wrong token) and a nested callback parse failure: 500", async () => {
    reported.length = 0;
    const client = new Client({ token: "wrong", baseUrl: dev.url, appUrl: "http://localhost:3000", retry: false });
    expect((await deliver(nested(() => client.send(other, { email: "ada@example.com" })))).status).toBe(500);
    expect((await deliver(nested(async () => parseCallback({ hello: "world" })))).status).toBe(500);
    expect(reported.map((e) => (e as { code?: string }).code)).toEqual(["ERR_HTTP", "ERR_BAD_CALLBACK"]);
  });

  it("its own bad delivery header, read inside the handler, is still its own 489", async () => {
    const reads = defineDestination({ path: "/outer", schema: z.unknown(), ...CONTRACT_KEYS, onReject: () => undefined, handler: ({ delivery }) => delivery.retried });
    const response = await deliver(reads, { "upstash-retried": "many" });
    expect(response.status).toBe(489);
  });
});
