import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { DevServer } from "../startDevServer.js";
import { startDevServer } from "../startDevServer.js";
import type { Destination } from "../testSupport.fixture.js";
import { rawRequest, startDestination } from "../testSupport.fixture.js";

let dev: DevServer;
let dest: Destination;

beforeEach(async () => {
  dev = await startDevServer({ port: 0 });
  dest = await startDestination();
});

afterEach(async () => {
  await dev.close();
  await dest.close();
});

// What a web page on another site can send without a preflight: a "simple" text/plain POST
// with the token in the query string. The browser adds Origin and Sec-Fetch-Site itself.
function crossSitePublish(headers: Record<string, string>) {
  return rawRequest(dev.url, "POST", `/v2/publish/${dest.url}/steal?qstash_token=${encodeURIComponent(dev.token)}`, {
    headers: { "content-type": "text/plain", ...headers },
    body: "from a web page",
  });
}

describe("requests from web pages", () => {
  it("refuses a publish from another origin with 403 and delivers nothing", async () => {
    const response = await crossSitePublish({ origin: "https://evil.example", "sec-fetch-site": "cross-site" });
    expect(response.status).toBe(403);
    expect(response.json.error).toMatch(/origin/i);
    expect(response.text).not.toContain(dev.token);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(dest.requests).toHaveLength(0);
  });

  it("refuses Origin: null (sandboxed frames, file:// pages)", async () => {
    expect((await crossSitePublish({ origin: "null" })).status).toBe(403);
  });

  it("refuses Sec-Fetch-Site: cross-site even without an Origin header", async () => {
    const response = await rawRequest(dev.url, "GET", "/v2/keys", { token: dev.token, headers: { "sec-fetch-site": "cross-site" } });
    expect(response.status).toBe(403);
  });

  it("refuses a page on another port of the same host (another local app)", async () => {
    const response = await crossSitePublish({ origin: "http://localhost:3000", "sec-fetch-site": "same-site" });
    expect(response.status).toBe(403);
  });

  it("applies to every path, including ones no route knows", async () => {
    const response = await rawRequest(dev.url, "GET", "/", { headers: { origin: "https://evil.example" } });
    expect(response.status).toBe(403);
  });

  it("lets the server's own pages in, loaded from 127.0.0.1 or localhost", async () => {
    for (const host of [`127.0.0.1:${dev.port}`, `localhost:${dev.port}`]) {
      const response = await rawRequest(dev.url, "GET", "/v2/keys", {
        token: dev.token,
        headers: { host, origin: `http://${host}`, "sec-fetch-site": "same-origin" },
      });
      expect(response.status, host).toBe(200);
    }
  });

  it("leaves server-to-server clients (no Origin) unchanged", async () => {
    const response = await rawRequest(dev.url, "POST", `/v2/publish/${dest.url}/ok`, { token: dev.token, body: "x" });
    expect(response.status).toBe(200);
    await dest.waitFor(1);
  });

  it("accepts the origins listed in allowedOrigins", async () => {
    const open = await startDevServer({ port: 0, allowedOrigins: ["http://localhost:5173"] });
    try {
      const response = await rawRequest(open.url, "GET", "/v2/keys", {
        token: open.token,
        headers: { origin: "http://localhost:5173", "sec-fetch-site": "same-site" },
      });
      expect(response.status).toBe(200);
      const other = await rawRequest(open.url, "GET", "/v2/keys", { token: open.token, headers: { origin: "http://localhost:5174" } });
      expect(other.status).toBe(403);
    } finally {
      await open.close();
    }
  });
});

describe("DNS rebinding", () => {
  it("refuses a Host that is neither the listen address nor a loopback name", async () => {
    const response = await rawRequest(dev.url, "GET", "/v2/keys", { token: dev.token, headers: { host: `evil.example:${dev.port}` } });
    expect(response.status).toBe(403);
    expect(response.json.error).toMatch(/host/i);
  });

  it("accepts loopback names and addresses", async () => {
    for (const host of [`localhost:${dev.port}`, `127.0.0.1:${dev.port}`, `app.localhost:${dev.port}`, "localhost"]) {
      const response = await rawRequest(dev.url, "GET", "/v2/keys", { token: dev.token, headers: { host } });
      expect(response.status, host).toBe(200);
    }
  });

  it("accepts the names listed in allowedHosts", async () => {
    const named = await startDevServer({ port: 0, allowedHosts: ["qstash"] });
    try {
      const ok = await rawRequest(named.url, "GET", "/v2/keys", { token: named.token, headers: { host: `qstash:${named.port}` } });
      expect(ok.status).toBe(200);
    } finally {
      await named.close();
    }
  });
});

describe("a wrong or missing token", () => {
  it("answers 401 saying how to fix it, never echoing the token sent", async () => {
    const wrong = await rawRequest(dev.url, "GET", "/v2/keys", { headers: { authorization: "Bearer not-the-token-xyz" } });
    expect(wrong.status).toBe(401);
    expect(wrong.json.error).toContain("QSTASH_TOKEN");
    expect(wrong.json.error).toMatch(/printed|default/i);
    expect(wrong.text).not.toContain("not-the-token-xyz");
    const none = await rawRequest(dev.url, "GET", "/v2/keys");
    expect(none.status).toBe(401);
    expect(none.json.error).toContain("QSTASH_TOKEN");
  });
});

describe("a delivery arriving back at the server", () => {
  it("is refused instead of being treated as a publish", async () => {
    const hanging = await startDestination(() => "hang");
    try {
      const published = await rawRequest(dev.url, "POST", `/v2/publish/${hanging.url}/slow`, { token: dev.token, body: "x" });
      await hanging.waitFor(1);
      const delivery = hanging.requests[0]!;
      // The same request, arriving at the API (e.g. through a name that resolves to this server).
      const looped = await rawRequest(dev.url, "POST", `/v2/publish/${dest.url}/again?qstash_token=${encodeURIComponent(dev.token)}`, {
        headers: {
          "user-agent": String(delivery.headers["user-agent"]),
          "upstash-message-id": String(delivery.headers["upstash-message-id"]),
          "upstash-signature": String(delivery.headers["upstash-signature"]),
        },
        body: "x",
      });
      expect(published.status).toBe(200);
      expect(looped.status).toBe(508);
      expect(looped.json.error).toMatch(/itself|loop/i);
    } finally {
      await dev.close();
      await hanging.close();
    }
  });
});
