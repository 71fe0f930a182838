import { createServer, request as httpRequest } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { defineDestination } from "@stashkit/core";
import type { HandlerOptions } from "@stashkit/core";
import { signDelivery } from "@stashkit/core/testing";
import { BodyParserEnabledError, pagesRoute } from "@stashkit/next";

const keys = { currentSigningKey: "sig_nextPagesCurrent000000000000", nextSigningKey: "sig_nextPagesNext00000000000000000" };
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

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function signedPost(url: string, init: { signUrl?: string; type?: string } = {}): Promise<Response> {
  const signature = await signDelivery({ key: keys.currentSigningKey, url: init.signUrl ?? url, body });
  return fetch(url, {
    method: "POST",
    body,
    headers: { "upstash-signature": signature, "content-type": init.type ?? "application/json" },
  });
}

// What Next's API resolver does when `config.api.bodyParser` is not false: drain the
// stream, then put the decoded body on `req.body` (JSON parsed, anything else a string).
function withNextBodyParser(handler: (req: IncomingMessage, res: ServerResponse) => Promise<void>) {
  return (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      const json = (req.headers["content-type"] ?? "").includes("json");
      (req as IncomingMessage & { body?: unknown }).body = json ? JSON.parse(text) : text;
      void handler(req, res);
    });
  };
}

describe("pagesRoute", () => {
  it("reads the raw body from the stream and answers a verified delivery", async () => {
    const handler = pagesRoute(destination().definition);
    const base = await serve((req, res) => void handler(req, res));
    const response = await signedPost(`${base}/api/send`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ got: { to: "ada@example.com" }, url: `${base}/api/send` });
  });

  it("the returned promise settles only once the response is written", async () => {
    let finishedFirst: boolean | undefined;
    const handler = pagesRoute(destination().definition);
    const base = await serve((req, res) => void handler(req, res).then(() => (finishedFirst = res.writableEnded)));
    await signedPost(`${base}/api/send`);
    expect(finishedFirst).toBe(true);
  });

  it("replays get 401 replayed by default; replayGuard: false works on pagesRoute()", async () => {
    for (const [options, second] of [[undefined, 401], [{ replayGuard: false }, 200]] as const) {
      const handler = pagesRoute(destination({ onReject: () => undefined }).definition, options);
      const base = await serve((req, res) => void handler(req, res));
      const url = `${base}/api/send`;
      const headers = { "upstash-signature": await signDelivery({ key: keys.currentSigningKey, url, body }), "content-type": "application/json" };
      expect((await fetch(url, { method: "POST", body, headers })).status).toBe(200);
      const again = await fetch(url, { method: "POST", body, headers });
      expect(again.status).toBe(second);
      if (second === 401) expect(await again.json()).toMatchObject({ reason: "replayed" });
    }
  });

  it("passes publicBaseUrl through: the signature binds to the public origin", async () => {
    const handler = pagesRoute(destination().definition, { publicBaseUrl: "https://app.example.com" });
    const base = await serve((req, res) => void handler(req, res));
    const response = await signedPost(`${base}/api/send`, { signUrl: "https://app.example.com/api/send" });
    expect(response.status).toBe(200);
    const unbound = await signedPost(`${base}/api/send`);
    expect(unbound.status).toBe(401);
    expect(await unbound.json()).toMatchObject({ reason: "url_mismatch" });
  });

  it("passes trustProxy through", async () => {
    const handler = pagesRoute(destination().definition, { trustProxy: true });
    const base = await serve((req, res) => void handler(req, res));
    const signUrl = "https://app.example.com/api/send";
    const signature = await signDelivery({ key: keys.currentSigningKey, url: signUrl, body });
    const response = await fetch(`${base}/api/send`, {
      method: "POST",
      body,
      headers: { "upstash-signature": signature, "x-forwarded-proto": "https", "x-forwarded-host": "app.example.com" },
    });
    expect(response.status).toBe(200);
  });

  it.each([
    ["a JSON body parsed into an object", "application/json"],
    ["a text body kept as a string", "text/plain"],
  ])("answers 500 naming `bodyParser: false` when Next's parser ran (%s)", async (_, type) => {
    const { definition, errors } = destination();
    const handler = pagesRoute(definition);
    const base = await serve(withNextBodyParser(handler));
    const response = await signedPost(`${base}/api/send`, { type });
    expect(response.status).toBe(500);
    const answer = (await response.json()) as { error: string; code: string };
    expect(answer.code).toBe("ERR_BODY_ALREADY_PARSED");
    expect(answer.error).toContain("export const config = { api: { bodyParser: false } }");
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(BodyParserEnabledError);
  });

  it("answers 413 to a chunked upload past the limit while the client is still sending", async () => {
    const handler = pagesRoute(destination({ maxBodyBytes: 64 * 1024 }).definition);
    const base = await serve((req, res) => void handler(req, res));
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(`${base}/api/send`, { method: "POST" }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on("error", reject);
      const chunk = Buffer.alloc(16 * 1024, 0x20);
      let written = 0;
      const pump = () => {
        while (written < 1024 * 1024) {
          written += chunk.length;
          if (!req.write(chunk)) return void req.once("drain", pump);
        }
        req.end();
      };
      pump();
    });
    expect(status).toBe(413);
  });
});

describe("BodyParserEnabledError", () => {
  it("is a coded QStashError whose message names the fix and no secrets", () => {
    const error = new BodyParserEnabledError();
    expect(error.name).toBe("BodyParserEnabledError");
    expect(error.code).toBe("ERR_BODY_ALREADY_PARSED");
    expect(error.message).toContain("bodyParser: false");
    expect(error.message).not.toContain("express");
  });
});
