import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SelfAddress } from "../protocol/selfAddress.js";
import { rawRequest } from "../testSupport.fixture.js";
import { createApiHandler } from "./httpApi.js";
import { createRequestGuard } from "./requestGuard.js";
import { Router } from "./router.js";

let server: http.Server;
let url: string;
let errors: unknown[];

beforeEach(async () => {
  errors = [];
  const router = new Router();
  // Responses a route can produce by mistake: one that cannot be serialised, one that throws.
  router.add("GET", "/unserialisable", () => ({ body: { n: 10n } }));
  router.add("GET", "/throws", async () => {
    throw new TypeError("bug in a route");
  });
  router.add("GET", "/ok", () => ({ body: { ok: true } }));
  router.add("GET", "/open", () => ({ body: { open: true } }), { public: true });
  const self = new SelfAddress();
  server = http.createServer(
    createApiHandler({
      router,
      token: () => "t",
      maxBodyBytes: 1024,
      guard: createRequestGuard({ self }),
      onError: (error) => errors.push(error),
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  self.bind("127.0.0.1", port);
  url = `http://127.0.0.1:${port}`;
});

afterEach(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe("unexpected failures inside a request", () => {
  it("a response that cannot be serialised is a 500, reported, and the server keeps serving", async () => {
    const response = await rawRequest(url, "GET", "/unserialisable", { token: "t" });
    expect(response.status).toBe(500);
    expect(response.json.error).toMatch(/internal server error/);
    expect(errors).toHaveLength(1);
    expect((await rawRequest(url, "GET", "/ok", { token: "t" })).json).toEqual({ ok: true });
  });

  it("a route that throws something other than an ApiError is a 500, reported", async () => {
    const response = await rawRequest(url, "GET", "/throws", { token: "t" });
    expect(response.status).toBe(500);
    expect(response.text).not.toContain("bug in a route");
    expect(errors).toEqual([expect.any(TypeError)]);
  });
});

describe("public routes", () => {
  it("are served without the token, and still pass the request guard", async () => {
    expect((await rawRequest(url, "GET", "/open")).json).toEqual({ open: true });
    expect((await rawRequest(url, "GET", "/ok")).status).toBe(401);
    expect((await rawRequest(url, "GET", "/open", { headers: { origin: "https://evil.example" } })).status).toBe(403);
  });
});
