import { Receiver } from "@upstash/qstash";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DEFAULT_CURRENT_SIGNING_KEY, DEFAULT_NEXT_SIGNING_KEY } from "../defaults.js";
import type { DevServer } from "../startDevServer.js";
import { startDevServer } from "../startDevServer.js";
import type { Destination, ReceivedRequest } from "../testSupport.fixture.js";
import { api, sleep, startDestination } from "../testSupport.fixture.js";

let dev: DevServer;
let call: ReturnType<typeof api>;
let app: Destination;
let failDestination = false;

const receiver = new Receiver({ currentSigningKey: DEFAULT_CURRENT_SIGNING_KEY, nextSigningKey: DEFAULT_NEXT_SIGNING_KEY });

beforeEach(async () => {
  dev = await startDevServer({ port: 0, defaultRetryDelay: () => 10 });
  call = api(dev.url, dev.token);
  failDestination = false;
  app = await startDestination((request) => {
    if (request.path === "/api/send-email") {
      return failDestination
        ? { status: 500, body: "down" }
        : { status: 200, headers: { "Content-Type": "application/json" }, body: '{"sent":true}' };
    }
    return { status: 200 };
  });
});

afterEach(async () => {
  await dev.close();
  await app.close();
});

const byPath = (path: string): ReceivedRequest[] => app.requests.filter((r) => r.path === path);
const json = (request: ReceivedRequest): any => JSON.parse(request.body.toString());

async function publishExample(): Promise<string> {
  const published = await call("POST", `/v2/publish/${app.url}/api/send-email`, {
    headers: {
      "content-type": "application/json",
      "upstash-retries": "2",
      "upstash-retry-delay": "10",
      "upstash-callback": `${app.url}/api/on-delivered`,
      "upstash-failure-callback": `${app.url}/api/on-failed`,
      "upstash-forward-x-tenant": "acme",
      "upstash-callback-forward-x-cb": "yes",
      "upstash-failure-callback-forward-x-fcb": "also",
    },
    body: '{"orderId":42,"to":"ada@example.com"}',
  });
  return published.json.messageId;
}

describe("callbacks", () => {
  it("posts the documented success report, signed for the callback URL", async () => {
    const messageId = await publishExample();
    await dev.idle();
    const [callback] = byPath("/api/on-delivered");
    expect(byPath("/api/on-failed")).toHaveLength(0);
    const payload = json(callback!);
    expect(Object.keys(payload)).toEqual([
      "status",
      "header",
      "body",
      "maxRetries",
      "sourceMessageId",
      "url",
      "method",
      "sourceHeader",
      "sourceBody",
      "notBefore",
      "createdAt",
      "callerIP",
    ]);
    expect(payload).toMatchObject({
      status: 200,
      header: { "Content-Type": ["application/json"] },
      body: Buffer.from('{"sent":true}').toString("base64"),
      maxRetries: 2,
      sourceMessageId: messageId,
      url: `${app.url}/api/send-email`,
      method: "POST",
      sourceHeader: { "Content-Type": ["application/json"], "Upstash-Forward-X-Tenant": ["acme"] },
      sourceBody: Buffer.from('{"orderId":42,"to":"ada@example.com"}').toString("base64"),
      callerIP: "127.0.0.1",
    });
    expect(typeof payload.notBefore).toBe("number");
    expect(typeof payload.createdAt).toBe("number");
    expect(callback!.headers["content-type"]).toBe("application/json");
    expect(callback!.headers["x-cb"]).toBe("yes");
    expect(callback!.headers["x-tenant"]).toBeUndefined();
    expect(callback!.headers["upstash-message-id"]).not.toBe(messageId);
    expect(callback!.headers["upstash-retried"]).toBe("0");
    await expect(
      receiver.verify({
        signature: String(callback!.headers["upstash-signature"]),
        body: callback!.body.toString(),
        url: `${app.url}/api/on-delivered`,
      }),
    ).resolves.toBe(true);
  });

  it("reports every failed attempt, then sends one failure callback with the dlqId", async () => {
    failDestination = true;
    const messageId = await publishExample();
    await dev.idle();
    expect(byPath("/api/send-email")).toHaveLength(3);
    const reports = byPath("/api/on-delivered").map(json);
    expect(reports.map((r) => r.retried ?? 0).sort()).toEqual([0, 1, 2]);
    expect(reports.every((r) => r.status === 500)).toBe(true);
    const failures = byPath("/api/on-failed");
    expect(failures).toHaveLength(1);
    const failure = json(failures[0]!);
    expect(failure).toMatchObject({ status: 500, retried: 2, maxRetries: 2, sourceMessageId: messageId });
    expect(Buffer.from(failure.body, "base64").toString()).toBe("down");
    expect(failures[0]!.headers["x-fcb"]).toBe("also");
    const dlq = await call("GET", `/v2/dlq/${failure.dlqId}`);
    expect(dlq.status).toBe(200);
    expect(dlq.json.messageId).toBe(messageId);
    await expect(
      receiver.verify({
        signature: String(failures[0]!.headers["upstash-signature"]),
        body: failures[0]!.body.toString(),
        url: `${app.url}/api/on-failed`,
      }),
    ).resolves.toBe(true);
  });

  it("retries a failing callback with its own retry settings", async () => {
    const flaky = await startDestination((_, i) => (i === 0 ? { status: 500 } : { status: 200 }));
    try {
      await call("POST", `/v2/publish/${app.url}/ok`, {
        headers: { "upstash-callback": `${flaky.url}/cb`, "upstash-callback-retries": "1", "upstash-callback-retry-delay": "10" },
      });
      const requests = await flaky.waitFor(2);
      expect(requests.map((r) => r.headers["upstash-retried"])).toEqual(["0", "1"]);
      expect(requests[0]!.headers["upstash-message-id"]).toBe(requests[1]!.headers["upstash-message-id"]);
    } finally {
      await flaky.close();
    }
  });

  it("holds a parallelism-1 queue until the callbacks are delivered", async () => {
    const slowCallback = await startDestination();
    try {
      await call("POST", "/v2/queues", { body: JSON.stringify({ queueName: "cbq", parallelism: 1 }) });
      for (const body of ["a", "b"]) {
        await call("POST", `/v2/enqueue/cbq/${app.url}/work`, {
          headers: { "upstash-callback": `${slowCallback.url}/cb`, "upstash-callback-delay": "1s" },
          body,
        });
      }
      await sleep(500);
      expect(byPath("/work").map((r) => r.body.toString())).toEqual(["a"]);
      await slowCallback.waitFor(1, 3000);
      await app.waitFor(2, 3000);
      expect(byPath("/work").map((r) => r.body.toString())).toEqual(["a", "b"]);
    } finally {
      await slowCallback.close();
    }
  });

  it("sends the failure callback after a non-retryable 489, with the retries left unused", async () => {
    const final = await startDestination(() => ({ status: 489, headers: { "Upstash-NonRetryable-Error": "true" }, body: "invalid" }));
    try {
      await call("POST", `/v2/publish/${final.url}/x`, {
        headers: { "upstash-retries": "3", "upstash-failure-callback": `${app.url}/api/on-failed` },
      });
      await dev.idle();
      expect(final.requests).toHaveLength(1);
      const [failure] = byPath("/api/on-failed").map(json);
      expect(failure).toMatchObject({ status: 489, maxRetries: 3, dlqId: expect.any(String) });
      expect(failure.retried).toBeUndefined();
    } finally {
      await final.close();
    }
  });
});
