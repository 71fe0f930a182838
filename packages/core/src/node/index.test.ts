import { createServer, request as httpRequest } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { defineDestination } from "../handlers/defineDestination.js";
import { captureRawBody, handleNodeRequest, toRawRequest } from "./index.js";
import { signDelivery } from "../testing/signDelivery.js";

const keys = { currentSigningKey: "sig_nodeCurrent00000000000000000", nextSigningKey: "sig_nodeNext0000000000000000000000" };
const errors: unknown[] = [];
const echo = defineDestination({
  path: "/hook",
  schema: z.object({ n: z.number() }),
  ...keys,
  maxBodyBytes: 64 * 1024,
  onError: (e) => errors.push(e),
  handler: ({ payload, request }) => ({ n: payload.n, url: request.url }),
});

const servers: Server[] = [];
afterEach(async () => {
  errors.length = 0;
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function signedPost(base: string, body: string, path = "/hook"): Promise<Response> {
  const signature = await signDelivery({ key: keys.currentSigningKey, url: `${base}${path}`, body });
  return fetch(`${base}${path}`, { method: "POST", body, headers: { "upstash-signature": signature, "content-type": "application/json" } });
}

describe("handleNodeRequest", () => {
  it("reads the stream, verifies against the URL the server sees, and writes the answer", async () => {
    const base = await serve((req, res) => void handleNodeRequest(echo, req, res));
    const response = await signedPost(base, '{"n":7}');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ n: 7, url: `${base}/hook` });
  });

  it("answers 413 to a chunked upload past the limit and keeps the connection usable for the answer", async () => {
    const base = await serve((req, res) => void handleNodeRequest(echo, req, res));
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(`${base}/hook`, { method: "POST" }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on("error", reject);
      const chunk = Buffer.alloc(16 * 1024, 0x20);
      let written = 0;
      const pump = () => {
        while (written < 2 * 1024 * 1024) {
          written += chunk.length;
          if (!req.write(chunk)) return void req.once("drain", pump);
        }
        req.end();
      };
      pump();
    });
    expect(status).toBe(413);
  });

  it("answers 500 naming the fix when the stream was consumed and no bytes were kept", async () => {
    const base = await serve((req, res) => {
      req.resume();
      req.on("end", () => {
        (req as IncomingMessage & { body?: unknown; _body?: boolean }).body = { n: 1 };
        (req as IncomingMessage & { _body?: boolean })._body = true;
        void handleNodeRequest(echo, req, res);
      });
    });
    const response = await signedPost(base, '{"n":1}');
    expect(response.status).toBe(500);
    expect((await response.json()).error).toContain("rawBody()");
    expect(errors[0]).toMatchObject({ code: "ERR_BODY_ALREADY_PARSED" });
  });

  it("names the host's own fix when given one (Next Pages)", async () => {
    const fix = "export const config = { api: { bodyParser: false } }";
    const base = await serve((req, res) => {
      req.resume();
      req.on("end", () => {
        (req as IncomingMessage & { body?: unknown }).body = { n: 1 };
        void handleNodeRequest(echo, req, res, { parsedBodyFix: fix });
      });
    });
    const response = await signedPost(base, '{"n":1}');
    expect(response.status).toBe(500);
    expect((await response.json()).error).toBe(`body was already parsed by a JSON body parser such as express.json(); ${fix}`);
  });

  it("uses bytes kept by captureRawBody after a parser consumed the stream", async () => {
    const keep = captureRawBody();
    const base = await serve((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        keep(req, res, Buffer.concat(chunks));
        (req as IncomingMessage & { body?: unknown }).body = JSON.parse(Buffer.concat(chunks).toString());
        void handleNodeRequest(echo, req, res);
      });
    });
    expect((await signedPost(base, '{"n":3}')).status).toBe(200);
  });
});

describe("handleNodeRequest over HTTP/2 (compat API)", () => {
  it("verifies, answers 200, and answers 413 without the forbidden Connection header", async () => {
    const http2 = await import("node:http2");
    const server = http2.createServer((req, res) => {
      void handleNodeRequest(echo, req as unknown as IncomingMessage, res as unknown as ServerResponse);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as AddressInfo).port;
    const session = http2.connect(`http://127.0.0.1:${port}`);
    const post = (body: string, headers: Record<string, string>) =>
      new Promise<{ status: number; text: string }>((resolve, reject) => {
        const stream = session.request({ ":method": "POST", ":path": "/hook", ...headers });
        let status = 0;
        let text = "";
        stream.on("response", (h) => (status = Number(h[":status"])));
        stream.on("data", (chunk: Buffer) => (text += chunk.toString()));
        stream.on("end", () => resolve({ status, text }));
        stream.on("error", reject);
        stream.end(body);
      });
    try {
      const body = '{"n":5}';
      const signature = await signDelivery({ key: keys.currentSigningKey, url: `http://127.0.0.1:${port}/hook`, body });
      const ok = await post(body, { "upstash-signature": signature });
      expect(ok.status).toBe(200);
      expect(JSON.parse(ok.text)).toMatchObject({ n: 5 });
      const big = await post(" ".repeat(64 * 1024 + 1), {});
      expect(big.status).toBe(413);
    } finally {
      session.close();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe("toRawRequest", () => {
  it("looks headers up case-insensitively, joins repeated ones, and prefers Express's originalUrl", async () => {
    let raw: ReturnType<typeof toRawRequest> | undefined;
    const base = await serve((req, res) => {
      (req as IncomingMessage & { originalUrl?: string }).originalUrl = "/mounted/hook?x=1";
      raw = toRawRequest(req);
      res.end();
    });
    await fetch(`${base}/hook?x=1`, { method: "POST", headers: [["X-Multi", "a"], ["X-Multi", "b"]], body: "" });
    expect(raw?.header("x-multi")).toBe("a, b");
    expect(raw?.header("X-MULTI")).toBe("a, b");
    expect(raw?.target).toBe("/mounted/hook?x=1");
    expect(raw?.scheme).toBe("http");
    expect(raw?.header("host")).toBe(new URL(base).host);
    expect(raw?.method).toBe("POST");
    expect([...(raw?.headerEntries?.() ?? [])].some(([name]) => name === "x-multi")).toBe(true);
  });
});
