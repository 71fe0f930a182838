import { readdir, readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineCallback, defineDestination } from "@stashkit/core";
import type { HandlerOptions } from "@stashkit/core";
import { signDelivery } from "@stashkit/core/testing";
import { route } from "@stashkit/next";

const keys = { currentSigningKey: "sig_nextRouteCurrent000000000000", nextSigningKey: "sig_nextRouteNext00000000000000000" };
// What `next start` hands a route handler, whatever URL the delivery was sent to.
const seenByNext = "http://localhost:3000/api/send";
const publicUrl = "https://app.example.com/api/send";
const body = '{"to":"ada@example.com"}';

function destination(options: HandlerOptions = {}) {
  const errors: unknown[] = [];
  const definition = defineDestination({
    path: "/api/send",
    schema: z.object({ to: z.string() }),
    ...keys,
    ...options,
    onError: (error) => errors.push(error),
    handler: ({ payload, request }) => ({ got: payload, url: request.url }),
  });
  return { definition, errors };
}

async function delivery(init: { url?: string; signUrl?: string; body?: string; headers?: Record<string, string> } = {}) {
  const url = init.url ?? seenByNext;
  const payload = init.body ?? body;
  const signature = await signDelivery({ key: keys.currentSigningKey, url: init.signUrl ?? url, body: payload });
  return new Request(url, {
    method: "POST",
    headers: { "content-type": "application/json", "upstash-signature": signature, ...init.headers },
    body: payload,
  });
}

describe("route", () => {
  it("returns a POST handler that answers a verified delivery with the handler's result", async () => {
    const { POST } = route(destination().definition);
    const response = await POST(await delivery());
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ got: { to: "ada@example.com" }, url: seenByNext });
  });

  it("exports nothing but POST, the method QStash delivers with", () => {
    expect(Object.keys(route(destination().definition))).toEqual(["POST"]);
  });

  it("hands core's statuses through unchanged (401 with reason)", async () => {
    const { POST } = route(destination().definition);
    const request = await delivery();
    const unsigned = new Request(request.url, { method: "POST", body });
    const response = await POST(unsigned);
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ reason: "missing_signature" });
  });

  it("without URL options the URL Next reports must equal the signed one", async () => {
    const { POST } = route(destination().definition);
    const response = await POST(await delivery({ signUrl: publicUrl }));
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ reason: "url_mismatch" });
  });

  it("publicBaseUrl binds the signature to the public origin, keeping the path", async () => {
    const { POST } = route(destination().definition, { publicBaseUrl: "https://app.example.com" });
    const accepted = await POST(await delivery({ signUrl: publicUrl }));
    expect(accepted.status).toBe(200);
    expect(await accepted.json()).toMatchObject({ url: publicUrl });
    const otherPath = await POST(await delivery({ signUrl: "https://app.example.com/api/other" }));
    expect(otherPath.status).toBe(401);
  });

  it("trustProxy rebuilds the URL from X-Forwarded-Proto/Host, and only when enabled", async () => {
    const forwarded = { "x-forwarded-proto": "https", "x-forwarded-host": "app.example.com" };
    const trusting = route(destination().definition, { trustProxy: true });
    expect((await trusting.POST(await delivery({ signUrl: publicUrl, headers: forwarded }))).status).toBe(200);
    const strict = route(destination().definition);
    expect((await strict.POST(await delivery({ signUrl: publicUrl, headers: forwarded }))).status).toBe(401);
  });

  it("replays get 401 replayed by default; replayGuard works on the definition and on route()", async () => {
    const request = async (definitionOptions: HandlerOptions, routeOptions?: HandlerOptions) => {
      const { POST } = route(destination(definitionOptions).definition, routeOptions);
      const first = await delivery();
      const again = new Request(first.url, { method: "POST", headers: first.headers, body });
      return [(await POST(first)).status, (await POST(again)).status];
    };
    expect(await request({ onReject: () => undefined })).toEqual([200, 401]);
    expect(await request({ replayGuard: false })).toEqual([200, 200]);
    expect(await request({}, { replayGuard: false })).toEqual([200, 200]);
    const seen = new Set<string>();
    const store = { seen: (jti: string) => seen.size === seen.add(jti).size };
    expect(await request({ onReject: () => undefined }, { replayGuard: store })).toEqual([200, 401]);
    expect(seen.size).toBe(1);
  });

  it("route options win over the definition's own", async () => {
    const { POST } = route(destination({ maxBodyBytes: 1024 }).definition, { maxBodyBytes: 8 });
    const response = await POST(await delivery());
    expect(response.status).toBe(413);
  });

  it("an invalid publicBaseUrl is a 500 reported through onError, not a crash", async () => {
    const { definition, errors } = destination();
    const { POST } = route(definition, { publicBaseUrl: "app.example.com" });
    const response = await POST(await delivery());
    expect(response.status).toBe(500);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: "ERR_INVALID_OPTION", option: "publicBaseUrl" });
  });

  it("mounts callbacks the same way", async () => {
    const onDelivered = defineCallback({ path: "/api/on-delivered", ...keys, handler: ({ callback }) => ({ status: callback.status }) });
    const report = JSON.stringify({
      status: 201,
      header: {},
      body: btoa("ok"),
      retried: 0,
      maxRetries: 3,
      sourceMessageId: "msg_1",
      url: "https://app.example.com/api/send",
      method: "POST",
      sourceHeader: {},
      sourceBody: btoa(body),
      createdAt: 1,
    });
    const url = "http://localhost:3000/api/on-delivered";
    const response = await route(onDelivered).POST(await delivery({ url, body: report }));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 201 });
  });
});

describe("package hygiene", () => {
  it("no source file of the adapter imports a node: module (Edge bundles must stay clean)", async () => {
    const dir = new URL("./", import.meta.url);
    const files = (await readdir(dir)).filter((name) => name.endsWith(".ts") && !name.endsWith(".test.ts"));
    expect(files.length).toBeGreaterThanOrEqual(3);
    for (const name of files) {
      const source = await readFile(new URL(name, dir), "utf8");
      expect(source, name).not.toMatch(/from\s+["']node:|require\(\s*["']node:|import\(\s*["']node:/);
    }
  });
});
