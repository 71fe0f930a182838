import { Client } from "@upstash/qstash";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { DevServer } from "../startDevServer.js";
import { startDevServer } from "../startDevServer.js";
import type { Destination } from "../testSupport.fixture.js";
import { api, startDestination } from "../testSupport.fixture.js";

let dev: DevServer;
let dest: Destination;
let failing: Destination;
let call: ReturnType<typeof api>;

beforeEach(async () => {
  process.env["UPSTASH_DISABLE_TELEMETRY"] = "1";
  dev = await startDevServer({ port: 0, defaultRetryDelay: () => 5 });
  dest = await startDestination();
  failing = await startDestination(() => ({ status: 500, body: "down" }));
  call = api(dev.url, dev.token);
});

afterEach(async () => {
  await dev.close();
  await dest.close();
  await failing.close();
});

describe("stored headers are listed without the Upstash-Forward- prefix", () => {
  it("in GET /v2/messages/{id}, read by the official SDK as Test-Header", async () => {
    const client = new Client({ baseUrl: dev.url, token: dev.token });
    const { messageId } = await client.publishJSON({ url: `${dest.url}/later`, body: { a: 1 }, headers: { "test-header": "test-value" }, delay: 60 });
    const message = await client.messages.get(messageId);
    expect(new Headers(message.header as unknown as Record<string, string>).get("Test-Header")).toBe("test-value");
    expect(Object.keys(message.header!)).not.toContain("Upstash-Forward-Test-Header");
    expect(message.header!["Content-Type"]).toEqual(["application/json"]);
  });

  it("in schedules and DLQ entries", async () => {
    const schedule = await call("POST", `/v2/schedules/${dest.url}/s`, {
      headers: { "upstash-cron": "0 0 1 1 *", "upstash-forward-test-header": "v" },
    });
    const listed = (await call("GET", `/v2/schedules/${schedule.json.scheduleId}`)).json;
    expect(listed.header).toEqual({ "Test-Header": ["v"] });
    await call("POST", `/v2/publish/${failing.url}/f`, { headers: { "upstash-retries": "0", "upstash-forward-test-header": "d" } });
    await dev.idle();
    const [entry] = (await call("GET", "/v2/dlq")).json.messages;
    expect(entry.header).toEqual({ "Test-Header": ["d"] });
  });
});

describe("bulk cancel honours count", () => {
  it("DELETE /v2/messages?count=N cancels at most N and answers {cancelled: n}", async () => {
    for (let i = 0; i < 5; i += 1) await call("POST", `/v2/publish/${dest.url}/later`, { headers: { "upstash-delay": "1h" } });
    expect((await call("DELETE", "/v2/messages?count=2")).json).toEqual({ cancelled: 2 });
    expect((await call("DELETE", "/v2/messages?count=2")).json).toEqual({ cancelled: 2 });
    expect((await call("DELETE", "/v2/messages?count=2")).json).toEqual({ cancelled: 1 });
    expect((await call("DELETE", "/v2/messages?count=2")).json).toEqual({ cancelled: 0 });
  });

  it("the official SDK's cancel({ all: true }) still cancels what is pending", async () => {
    const client = new Client({ baseUrl: dev.url, token: dev.token });
    await client.publish({ url: `${dest.url}/later`, body: "x", delay: 3600 });
    expect(await client.messages.deleteAll()).toBe(1);
  });
});

describe("unknown filter fields are a 400, never an empty filter", () => {
  it("DELETE /v2/dlq?labeel=x deletes nothing", async () => {
    await call("POST", `/v2/publish/${failing.url}/f`, { headers: { "upstash-retries": "0", "upstash-label": "keep" } });
    await dev.idle();
    const response = await call("DELETE", "/v2/dlq?labeel=x");
    expect(response.status).toBe(400);
    expect(response.json.error).toContain("labeel");
    expect((await call("GET", "/v2/dlq")).json.messages).toHaveLength(1);
  });

  it("on every filtered endpoint", async () => {
    await call("POST", `/v2/publish/${dest.url}/pending`, { headers: { "upstash-delay": "1h" } });
    const cases: [string, string][] = [
      ["GET", "/v2/dlq?labeel=x"],
      ["POST", "/v2/dlq/retry?labeel=x"],
      ["GET", "/v2/events?stat=FAILED"],
      ["GET", "/v2/logs?stat=FAILED"],
      ["DELETE", "/v2/messages?queue=x"],
      ["GET", "/v2/dlq?host=example.com"],
    ];
    for (const [method, path] of cases) {
      const response = await call(method, path);
      expect(response.status, `${method} ${path}`).toBe(400);
      expect(response.json.error, `${method} ${path}`).toMatch(/labeel|stat|queue|host/);
    }
    expect((await call("GET", "/v2/events?state=CREATED")).json.events).toHaveLength(1);
  });

  it("malformed values are a 400 naming the field", async () => {
    for (const path of ["/v2/events?fromDate=yesterday", "/v2/dlq?toDate=soon", "/v2/events?state=NOPE", "/v2/dlq?count=lots"]) {
      const response = await call("GET", path);
      expect(response.status, path).toBe(400);
      expect(response.json.error, path).toMatch(/fromDate|toDate|state|count/);
    }
  });

  it("the filters the official SDK sends are all accepted", async () => {
    const client = new Client({ baseUrl: dev.url, token: dev.token });
    const filter = {
      url: `${dest.url}/x`,
      urlGroup: "g",
      scheduleId: "s",
      queueName: "q",
      label: "l",
      flowControlKey: "k",
      callerIp: "127.0.0.1",
      fromDate: 0,
      toDate: Date.now(),
    };
    await expect(client.dlq.listMessages({ filter: { ...filter, messageId: "m", responseStatus: 500 } })).resolves.toMatchObject({ messages: [] });
    await expect(client.logs({ filter: { ...filter, host: "h", path: "/p", state: "DELIVERED" }, count: 10 })).resolves.toMatchObject({ logs: [] });
    await expect(client.messages.cancel({ filter: { ...filter, host: "h", path: "/p" } })).resolves.toEqual({ cancelled: 0 });
    await expect(client.dlq.delete({ filter: { label: "none" } })).resolves.toMatchObject({ deleted: 0 });
  });
});

describe("Upstash-Workflow-* headers pass through as QStash forwards them", () => {
  it("to the destination, and the callback and failure-callback variants to their own legs", async () => {
    await call("POST", `/v2/publish/${failing.url}/wf`, {
      headers: {
        "upstash-retries": "0",
        "upstash-workflow-runid": "wfr_abc",
        "upstash-workflow-init": "false",
        "upstash-workflow-url": `${failing.url}/wf`,
        "upstash-forward-upstash-workflow-sdk-version": "1",
        "upstash-callback": `${dest.url}/cb`,
        "upstash-callback-workflow-runid": "wfr_abc",
        "upstash-callback-workflow-calltype": "fromCallback",
        "upstash-failure-callback": `${dest.url}/failed`,
        "upstash-failure-callback-workflow-runid": "wfr_abc",
        "upstash-failure-callback-workflow-calltype": "failureCall",
        "upstash-failure-callback-forward-upstash-workflow-is-failure": "true",
      },
    });
    await dev.idle();
    const [delivery] = failing.requests;
    expect(delivery!.headers["upstash-workflow-runid"]).toBe("wfr_abc");
    expect(delivery!.headers["upstash-workflow-init"]).toBe("false");
    expect(delivery!.headers["upstash-workflow-url"]).toBe(`${failing.url}/wf`);
    expect(delivery!.headers["upstash-workflow-sdk-version"]).toBe("1");
    expect(delivery!.headers["upstash-workflow-calltype"]).toBeUndefined();
    const callback = dest.requests.find((r) => r.path === "/cb")!;
    expect(callback.headers["upstash-workflow-runid"]).toBe("wfr_abc");
    expect(callback.headers["upstash-workflow-calltype"]).toBe("fromCallback");
    const failure = dest.requests.find((r) => r.path === "/failed")!;
    expect(failure.headers["upstash-workflow-runid"]).toBe("wfr_abc");
    expect(failure.headers["upstash-workflow-calltype"]).toBe("failureCall");
    expect(failure.headers["upstash-workflow-is-failure"]).toBe("true");
  });
});

describe("timestamps are integer milliseconds", () => {
  it("for fractional delays and retry delays", async () => {
    const delayed = await call("POST", `/v2/publish/${dest.url}/frac`, { headers: { "upstash-delay": "1.0005s" } });
    const message = (await call("GET", `/v2/messages/${delayed.json.messageId}`)).json;
    expect(Number.isInteger(message.notBefore)).toBe(true);
    expect(Number.isInteger(message.createdAt)).toBe(true);
    await call("POST", `/v2/publish/${failing.url}/frac`, { headers: { "upstash-retries": "1", "upstash-retry-delay": "0.5 + retried" } });
    await dev.idle();
    const events = (await call("GET", "/v2/events?count=1000")).json.events as { time: number; nextDeliveryTime?: number }[];
    for (const event of events) {
      expect(Number.isInteger(event.time)).toBe(true);
      if (event.nextDeliveryTime !== undefined) expect(Number.isInteger(event.nextDeliveryTime)).toBe(true);
    }
    expect(events.some((event) => event.nextDeliveryTime !== undefined)).toBe(true);
  });
});
