import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { DevServer } from "../startDevServer.js";
import { startDevServer } from "../startDevServer.js";
import type { Destination, Reply } from "../testSupport.fixture.js";
import { api, sleep, startDestination } from "../testSupport.fixture.js";

let dev: DevServer;
let call: ReturnType<typeof api>;
const destinations: Destination[] = [];

async function destination(reply?: Parameters<typeof startDestination>[0]): Promise<Destination> {
  const dest = await startDestination(reply);
  destinations.push(dest);
  return dest;
}

beforeEach(async () => {
  dev = await startDevServer({ port: 0, defaultRetryDelay: () => 20 });
  call = api(dev.url, dev.token);
});

afterEach(async () => {
  await dev.close();
  await Promise.all(destinations.splice(0).map((d) => d.close()));
});

async function dlqMessages(): Promise<any[]> {
  return (await call("GET", "/v2/dlq")).json.messages;
}

describe("retries", () => {
  it("makes exactly 1 + retries attempts on 500s, then dead-letters the message", async () => {
    const dest = await destination(() => ({ status: 500, body: "boom" }));
    const published = await call("POST", `/v2/publish/${dest.url}/fail`, {
      headers: { "upstash-retries": "2", "upstash-retry-delay": "10" },
      body: "payload",
    });
    await dest.waitFor(3);
    await dev.idle();
    await sleep(100);
    expect(dest.requests).toHaveLength(3);
    expect(dest.requests.map((r) => r.headers["upstash-retried"])).toEqual(["0", "1", "2"]);
    const ids = new Set(dest.requests.map((r) => r.headers["upstash-message-id"]));
    expect(ids).toEqual(new Set([published.json.messageId]));
    const signatures = new Set(dest.requests.map((r) => r.headers["upstash-signature"]));
    expect(signatures.size).toBe(3);
    const [entry] = await dlqMessages();
    expect(entry).toMatchObject({
      messageId: published.json.messageId,
      responseStatus: 500,
      responseBody: "boom",
      body: "payload",
      maxRetries: 2,
    });
  });

  it("uses the default back-off option when no Upstash-Retry-Delay is given", async () => {
    const dest = await destination((_, i) => (i === 0 ? { status: 503 } : { status: 200 }));
    await call("POST", `/v2/publish/${dest.url}/x`, { headers: { "upstash-retries": "1" } });
    const requests = await dest.waitFor(2);
    expect(requests[1]!.headers["upstash-retried"]).toBe("1");
  });

  it("with retries 0 makes exactly one attempt", async () => {
    const dest = await destination(() => ({ status: 500 }));
    await call("POST", `/v2/publish/${dest.url}/once`, { headers: { "upstash-retries": "0" } });
    await dest.waitFor(1);
    await dev.idle();
    await sleep(100);
    expect(dest.requests).toHaveLength(1);
    expect(await dlqMessages()).toHaveLength(1);
  });

  it("stops on 489 with Upstash-NonRetryable-Error: true", async () => {
    const dest = await destination(() => ({ status: 489, headers: { "Upstash-NonRetryable-Error": "true" }, body: "bad" }));
    await call("POST", `/v2/publish/${dest.url}/final`, { headers: { "upstash-retries": "3", "upstash-retry-delay": "10" } });
    await dest.waitFor(1);
    await dev.idle();
    await sleep(100);
    expect(dest.requests).toHaveLength(1);
    expect((await dlqMessages())[0]).toMatchObject({ responseStatus: 489 });
  });

  it("treats 489 without the header as an ordinary failure", async () => {
    const dest = await destination(() => ({ status: 489 }));
    await call("POST", `/v2/publish/${dest.url}/x`, { headers: { "upstash-retries": "1", "upstash-retry-delay": "10" } });
    await dest.waitFor(2);
    await dev.idle();
    expect(dest.requests).toHaveLength(2);
    expect((await dlqMessages())[0]).toMatchObject({ responseStatus: 489 });
  });

  it("honours Retry-After (seconds) over the retry-delay expression", async () => {
    const dest = await destination((_, i) => (i === 0 ? { status: 429, headers: { "Retry-After": "1" } } : { status: 200 }));
    await call("POST", `/v2/publish/${dest.url}/x`, { headers: { "upstash-retries": "1", "upstash-retry-delay": "10" } });
    const requests = await dest.waitFor(2);
    expect(requests[1]!.at - requests[0]!.at).toBeGreaterThanOrEqual(900);
  });

  it("honours a Go-style X-RateLimit-Reset-Requests duration", async () => {
    const dest = await destination((_, i) =>
      i === 0 ? { status: 429, headers: { "X-RateLimit-Reset-Requests": "600ms" } } : { status: 200 },
    );
    await call("POST", `/v2/publish/${dest.url}/x`, { headers: { "upstash-retries": "1", "upstash-retry-delay": "10" } });
    const requests = await dest.waitFor(2);
    expect(requests[1]!.at - requests[0]!.at).toBeGreaterThanOrEqual(500);
  });

  it("ignores a Retry-After beyond one day", async () => {
    const dest = await destination((_, i) => (i === 0 ? { status: 503, headers: { "Retry-After": "172800" } } : { status: 200 }));
    await call("POST", `/v2/publish/${dest.url}/x`, { headers: { "upstash-retries": "1", "upstash-retry-delay": "10" } });
    const requests = await dest.waitFor(2, 3000);
    // waitFor's 3 s deadline is the check that the two-day header was ignored.
    expect(requests[1]!.headers["upstash-retried"]).toBe("1");
  });

  it("aborts an attempt after Upstash-Timeout and retries it", async () => {
    const dest = await destination((_, i): Reply => (i === 0 ? "hang" : { status: 200 }));
    await call("POST", `/v2/publish/${dest.url}/slow`, {
      headers: { "upstash-retries": "1", "upstash-timeout": "1s", "upstash-retry-delay": "10" },
    });
    const requests = await dest.waitFor(2, 5000);
    expect(requests[1]!.at - requests[0]!.at).toBeGreaterThanOrEqual(900);
    await dev.idle();
    expect(await dlqMessages()).toHaveLength(0);
  });

  it("counts a reset connection as a failed attempt", async () => {
    const dest = await destination((_, i): Reply => (i < 2 ? "destroy" : { status: 200 }));
    await call("POST", `/v2/publish/${dest.url}/reset`, { headers: { "upstash-retries": "2", "upstash-retry-delay": "10" } });
    await dest.waitFor(3);
    await dev.idle();
    await sleep(100);
    expect(dest.requests).toHaveLength(3);
    expect(await dlqMessages()).toHaveLength(0);
  });

  it("dead-letters a message whose destination is down, with the error", async () => {
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    await call("POST", `/v2/publish/http://127.0.0.1:${port}/down`, {
      headers: { "upstash-retries": "1", "upstash-retry-delay": "10" },
    });
    await dev.idle();
    const [entry] = await dlqMessages();
    expect(entry.error).toMatch(/ECONNREFUSED/);
    const events = (await call("GET", "/v2/events?state=ERROR")).json.events;
    expect(events).toHaveLength(2);
  });
});

describe("timing", () => {
  it("waits for Upstash-Delay before the first attempt", async () => {
    const dest = await destination();
    const sent = Date.now();
    await call("POST", `/v2/publish/${dest.url}/later`, { headers: { "upstash-delay": "1s" } });
    await sleep(400);
    expect(dest.requests).toHaveLength(0);
    const [request] = await dest.waitFor(1, 3000);
    expect(request!.at - sent).toBeGreaterThanOrEqual(950);
  });

  it("waits for Upstash-Not-Before (Unix seconds)", async () => {
    const dest = await destination();
    const notBefore = Math.ceil(Date.now() / 1000) + 1;
    await call("POST", `/v2/publish/${dest.url}/nb`, { headers: { "upstash-not-before": String(notBefore) } });
    const [request] = await dest.waitFor(1, 4000);
    expect(request!.at).toBeGreaterThanOrEqual(notBefore * 1000 - 5);
  });

  it("cancels a delayed message", async () => {
    const dest = await destination();
    const published = await call("POST", `/v2/publish/${dest.url}/x`, { headers: { "upstash-delay": "1s" } });
    const got = await call("GET", `/v2/messages/${published.json.messageId}`);
    expect(got.json).toMatchObject({ messageId: published.json.messageId, url: `${dest.url}/x` });
    expect((await call("DELETE", `/v2/messages/${published.json.messageId}`)).status).toBe(200);
    expect((await call("GET", `/v2/messages/${published.json.messageId}`)).status).toBe(404);
    await sleep(1300);
    expect(dest.requests).toHaveLength(0);
    const states = (await call("GET", `/v2/events?messageId=${published.json.messageId}`)).json.events.map((e: any) => e.state);
    expect(states).toEqual(["CANCELLED", "CANCEL_REQUESTED", "CREATED"]);
  });

  it("bulk-cancels by filter", async () => {
    const dest = await destination();
    for (const label of ["a", "a", "b"]) {
      await call("POST", `/v2/publish/${dest.url}/x`, { headers: { "upstash-delay": "5s", "upstash-label": label } });
    }
    expect((await call("DELETE", "/v2/messages?label=a")).json).toEqual({ cancelled: 2 });
    expect((await call("DELETE", "/v2/messages")).json).toEqual({ cancelled: 1 });
  });
});

describe("deduplication", () => {
  it("answers 202 with the existing id for a repeated Upstash-Deduplication-Id", async () => {
    const dest = await destination();
    const first = await call("POST", `/v2/publish/${dest.url}/d`, { headers: { "upstash-deduplication-id": "order-1" }, body: "a" });
    const second = await call("POST", `/v2/publish/${dest.url}/d`, { headers: { "upstash-deduplication-id": "order-1" }, body: "b" });
    expect(first.status).toBe(200);
    expect(second.status).toBe(202);
    expect(second.json).toEqual({ messageId: first.json.messageId, url: `${dest.url}/d`, deduplicated: true });
    await dest.waitFor(1);
    await dev.idle();
    expect(dest.requests).toHaveLength(1);
  });

  it("deduplicates identical content with content-based deduplication only", async () => {
    const dest = await destination();
    const headers = { "upstash-content-based-deduplication": "true" };
    const a = await call("POST", `/v2/publish/${dest.url}/c`, { headers, body: "same" });
    const b = await call("POST", `/v2/publish/${dest.url}/c`, { headers, body: "same" });
    const c = await call("POST", `/v2/publish/${dest.url}/c`, { headers, body: "different" });
    expect(b.json.messageId).toBe(a.json.messageId);
    expect(b.json.deduplicated).toBe(true);
    expect(c.json.messageId).not.toBe(a.json.messageId);
    await dest.waitFor(2);
  });
});

describe("queues", () => {
  it("parallelism 1 is strictly FIFO, retries included", async () => {
    let failedOnce = false;
    const dest = await destination((request) => {
      if (request.body.toString() === "m1" && !failedOnce) {
        failedOnce = true;
        return { status: 500 };
      }
      return { status: 200 };
    });
    await call("POST", "/v2/queues", { body: JSON.stringify({ queueName: "fifo", parallelism: 1 }) });
    for (const body of ["m1", "m2", "m3"]) {
      await call("POST", `/v2/enqueue/fifo/${dest.url}/q`, { body, headers: { "upstash-retry-delay": "50" } });
    }
    await dest.waitFor(4);
    expect(dest.requests.map((r) => r.body.toString())).toEqual(["m1", "m1", "m2", "m3"]);
    expect(dest.requests.map((r) => r.headers["upstash-retried"])).toEqual(["0", "1", "0", "0"]);
  });

  it("a paused queue accepts but does not deliver until resumed", async () => {
    const dest = await destination();
    await call("POST", "/v2/queues", { body: JSON.stringify({ queueName: "p", parallelism: 2, paused: true }) });
    await call("POST", `/v2/enqueue/p/${dest.url}/x`, { body: "1" });
    const queue = await call("GET", "/v2/queues/p");
    expect(queue.json).toMatchObject({ name: "p", parallelism: 2, paused: true, lag: 1 });
    await sleep(100);
    expect(dest.requests).toHaveLength(0);
    await call("POST", "/v2/queues/p/resume");
    await dest.waitFor(1);
  });

  it("enqueue creates unknown queues; list, get, delete work", async () => {
    const dest = await destination();
    await call("POST", `/v2/enqueue/auto/${dest.url}/x`);
    const list = await call("GET", "/v2/queues");
    expect(list.json.map((q: any) => q.name)).toEqual(["auto"]);
    expect((await call("DELETE", "/v2/queues/auto")).status).toBe(200);
    expect((await call("GET", "/v2/queues/auto")).status).toBe(404);
    expect((await call("POST", "/v2/queues", { body: JSON.stringify({ queueName: "bad name!" }) })).status).toBe(400);
  });
});

describe("flow control", () => {
  it("keeps at most `parallelism` attempts in flight per key", async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const server = http.createServer((req, res) => {
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      setTimeout(() => {
        inFlight -= 1;
        res.end("ok");
      }, 50);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    try {
      for (let i = 0; i < 6; i += 1) {
        await call("POST", `/v2/publish/http://127.0.0.1:${port}/f`, {
          headers: { "upstash-flow-control-key": "k", "upstash-flow-control-value": "parallelism=2" },
        });
      }
      await dev.idle();
      expect(maxInFlight).toBe(2);
      const info = await call("GET", "/v2/flowControl/k");
      expect(info.json).toMatchObject({ flowControlKey: "k", parallelismMax: 2, waitListSize: 0 });
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("starts at most `rate` deliveries per period", async () => {
    const dest = await destination();
    for (let i = 0; i < 4; i += 1) {
      await call("POST", `/v2/publish/${dest.url}/r`, {
        headers: { "upstash-flow-control-key": "rk", "upstash-flow-control-value": "rate=2, period=1s" },
      });
    }
    const requests = await dest.waitFor(4, 5000);
    expect(requests[2]!.at - requests[0]!.at).toBeGreaterThanOrEqual(500);
  });

  it("a paused key keeps accepting but starts nothing until resumed; info endpoints report it", async () => {
    const dest = await destination();
    const headers = { "upstash-flow-control-key": "pk", "upstash-flow-control-value": "parallelism=1" };
    await call("POST", `/v2/publish/${dest.url}/p`, { headers, body: "first" });
    await dest.waitFor(1);
    expect((await call("POST", "/v2/flowControl/pk/pause")).status).toBe(200);
    await call("POST", `/v2/publish/${dest.url}/p`, { headers, body: "second" });
    await sleep(100);
    expect(dest.requests).toHaveLength(1);
    const info = (await call("GET", "/v2/flowControl/pk")).json;
    expect(info).toMatchObject({ flowControlKey: "pk", isPaused: true, waitListSize: 1, parallelismMax: 1 });
    expect((await call("GET", "/v2/flowControl?search=p")).json).toHaveLength(1);
    expect((await call("POST", "/v2/flowControl/pk/pin?parallelism=3")).status).toBe(200);
    expect((await call("GET", "/v2/flowControl/pk")).json).toMatchObject({ isPinnedParallelism: true, parallelismMax: 3 });
    await call("POST", "/v2/flowControl/pk/resume");
    await dest.waitFor(2);
    expect((await call("GET", "/v2/flowControl/nope")).status).toBe(404);
    expect((await call("GET", "/v2/globalParallelism")).json).toMatchObject({ parallelismCount: expect.any(Number) });
  });
});
