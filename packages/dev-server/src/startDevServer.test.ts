import { Receiver } from "@upstash/qstash";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DEFAULT_CURRENT_SIGNING_KEY, DEFAULT_NEXT_SIGNING_KEY, DEFAULT_TOKEN } from "./defaults.js";
import type { DevServer } from "./startDevServer.js";
import { startDevServer } from "./startDevServer.js";
import type { Destination } from "./testSupport.fixture.js";
import { api, startDestination } from "./testSupport.fixture.js";

let dev: DevServer;
let dest: Destination;
let call: ReturnType<typeof api>;

beforeEach(async () => {
  dev = await startDevServer({ port: 0 });
  dest = await startDestination();
  call = api(dev.url, dev.token);
});

afterEach(async () => {
  await dev.close();
  await dest.close();
});

describe("authentication", () => {
  it("answers 401 without a token or with a wrong one", async () => {
    const none = await fetch(`${dev.url}/v2/keys`);
    expect(none.status).toBe(401);
    expect((await none.json()).error).toMatch(/^unauthorized: .*QSTASH_TOKEN/);
    const wrong = await fetch(`${dev.url}/v2/keys`, { headers: { authorization: "Bearer nope" } });
    expect(wrong.status).toBe(401);
  });

  it("accepts the token as the qstash_token query parameter", async () => {
    const response = await fetch(`${dev.url}/v2/keys?qstash_token=${encodeURIComponent(DEFAULT_TOKEN)}`);
    expect(response.status).toBe(200);
  });

  it("uses the configured token instead of the default", async () => {
    const custom = await startDevServer({ port: 0, token: "secret-token" });
    try {
      expect((await fetch(`${custom.url}/v2/keys`, { headers: { authorization: `Bearer ${DEFAULT_TOKEN}` } })).status).toBe(401);
      expect((await fetch(`${custom.url}/v2/keys`, { headers: { authorization: "Bearer secret-token" } })).status).toBe(200);
    } finally {
      await custom.close();
    }
  });
});

describe("signing keys", () => {
  it("passes the official SDK's dev-mode probe: default token, default keys", async () => {
    expect(dev.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const response = await fetch(`${dev.url}/v2/keys`, { headers: { authorization: `Bearer ${DEFAULT_TOKEN}` } });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ current: DEFAULT_CURRENT_SIGNING_KEY, next: DEFAULT_NEXT_SIGNING_KEY });
  });

  it("rotates: the old next key becomes current and signs deliveries", async () => {
    const rotated = await call("POST", "/v2/keys/rotate");
    expect(rotated.json.current).toBe(DEFAULT_NEXT_SIGNING_KEY);
    expect(rotated.json.next).toMatch(/^sig_\w+$/);
    expect(dev.currentSigningKey).toBe(DEFAULT_NEXT_SIGNING_KEY);
    await call("POST", `/v2/publish/${dest.url}/hook`, { body: "x" });
    const [request] = await dest.waitFor(1);
    const receiver = new Receiver({ currentSigningKey: rotated.json.current, nextSigningKey: "sig_unused" });
    await expect(
      receiver.verify({ signature: String(request!.headers["upstash-signature"]), body: "x" }),
    ).resolves.toBe(true);
  });
});

describe("publish and delivery", () => {
  it("delivers the exact body with QStash headers and a signature the official Receiver accepts", async () => {
    const body = JSON.stringify({ orderId: 42, to: "ada@example.com" });
    const published = await call("POST", `/v2/publish/${dest.url}/api/send-email`, {
      headers: {
        "content-type": "application/json",
        "upstash-forward-x-tenant": "acme",
        "x-not-forwarded": "1",
        "upstash-label": "emails",
      },
      body,
    });
    expect(published.status).toBe(200);
    expect(published.json).toEqual({ messageId: expect.stringMatching(/^msg_/), url: `${dest.url}/api/send-email` });
    const [request] = await dest.waitFor(1);
    expect(request!.method).toBe("POST");
    expect(request!.path).toBe("/api/send-email");
    expect(request!.body.toString()).toBe(body);
    expect(request!.headers["user-agent"]).toBe("Upstash-QStash");
    expect(request!.headers["content-type"]).toBe("application/json");
    expect(request!.headers["x-tenant"]).toBe("acme");
    expect(request!.headers["x-not-forwarded"]).toBeUndefined();
    expect(request!.headers["authorization"]).toBeUndefined();
    expect(request!.headers["upstash-label"]).toBeUndefined();
    expect(request!.headers["upstash-message-id"]).toBe(published.json.messageId);
    expect(request!.headers["upstash-retried"]).toBe("0");
    expect(request!.headers["upstash-caller-ip"]).toBe("127.0.0.1");
    const receiver = new Receiver({ currentSigningKey: DEFAULT_CURRENT_SIGNING_KEY, nextSigningKey: DEFAULT_NEXT_SIGNING_KEY });
    await expect(
      receiver.verify({
        signature: String(request!.headers["upstash-signature"]),
        body,
        url: `${dest.url}/api/send-email`,
      }),
    ).resolves.toBe(true);
  });

  it("delivers binary bodies byte for byte and signs their exact bytes", async () => {
    const bytes = Buffer.from([0, 255, 1, 254, 128, 10, 13]);
    await fetch(`${dev.url}/v2/publish/${dest.url}/bin`, {
      method: "POST",
      headers: { authorization: `Bearer ${dev.token}`, "content-type": "application/octet-stream" },
      body: bytes,
    });
    const [request] = await dest.waitFor(1);
    expect(Buffer.compare(request!.body, bytes)).toBe(0);
    const token = String(request!.headers["upstash-signature"]);
    const claims = JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString());
    const { createHash } = await import("node:crypto");
    expect(claims.body).toBe(`${createHash("sha256").update(bytes).digest("base64url")}=`);
    expect(claims.sub).toBe(`${dest.url}/bin`);
    expect(claims.iss).toBe("Upstash");
  });

  it("uses Upstash-Method and keeps the destination's own query string", async () => {
    await call("POST", `/v2/publish/${dest.url}/q?a=1&b=two&upstash-retries=0`, { headers: { "upstash-method": "PUT" } });
    const [request] = await dest.waitFor(1);
    expect(request!.method).toBe("PUT");
    expect(request!.path).toBe("/q?a=1&b=two");
  });

  it("forwards every non-QStash header with Upstash-Header-Forward: true", async () => {
    await call("POST", `/v2/publish/${dest.url}/webhook`, {
      headers: { "upstash-header-forward": "true", "x-github-event": "push", "upstash-retries": "0" },
      body: "{}",
    });
    const [request] = await dest.waitFor(1);
    expect(request!.headers["x-github-event"]).toBe("push");
    expect(request!.headers["authorization"]).toBeUndefined();
    expect(request!.headers["upstash-header-forward"]).toBeUndefined();
  });

  it("restores a collapsed https:/ scheme", async () => {
    const url = dest.url.replace("http://", "http:/");
    const published = await call("POST", `/v2/publish/${url}/collapsed`);
    expect(published.json.url).toBe(`${dest.url}/collapsed`);
    await dest.waitFor(1);
  });

  it("rejects invalid headers with 400 naming the header", async () => {
    const cases: [string, string][] = [
      ["upstash-retries", "-1"],
      ["upstash-delay", "soon"],
      ["upstash-method", "FETCH"],
      ["upstash-retry-delay", "pow(2,"],
      ["upstash-callback", "not a url"],
      ["upstash-flow-control-value", "parallelism=zero"],
    ];
    for (const [name, value] of cases) {
      const response = await call("POST", `/v2/publish/${dest.url}/x`, { headers: { [name]: value, "upstash-flow-control-key": "k" } });
      expect(response.status, name).toBe(400);
      expect(response.json.error.toLowerCase(), name).toContain(name);
    }
    expect(dest.requests).toHaveLength(0);
  });

  it("rejects a destination that is neither a URL nor a known URL group", async () => {
    expect((await call("POST", "/v2/publish/ftp://example.com")).status).toBe(400);
    expect((await call("POST", "/v2/publish/unknown-group")).status).toBe(404);
  });

  it("answers unknown routes with 404 JSON", async () => {
    const response = await call("GET", "/v2/nothing-here");
    expect(response.status).toBe(404);
    expect(response.json).toEqual({ error: "not found" });
  });
});

describe("close()", () => {
  it("aborts in-flight deliveries and resolves promptly", async () => {
    const hanging = await startDestination(() => "hang");
    try {
      await call("POST", `/v2/publish/${hanging.url}/slow`);
      await hanging.waitFor(1);
      const started = Date.now();
      await dev.close();
      expect(Date.now() - started).toBeLessThan(5000);
      await expect(fetch(`${dev.url}/v2/keys`)).rejects.toThrow();
    } finally {
      await hanging.close();
    }
  });
});
