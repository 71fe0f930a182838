import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { DevServer } from "../startDevServer.js";
import { startDevServer } from "../startDevServer.js";
import type { Destination } from "../testSupport.fixture.js";
import { api, sleep, startDestination } from "../testSupport.fixture.js";

/** A clock 300 ms before the next minute boundary, so `* * * * *` fires almost at once. */
function justBeforeMinute(): () => number {
  const real = Date.now();
  const skew = Math.ceil((real + 1) / 60_000) * 60_000 - real - 300;
  return () => Date.now() + skew;
}

let dev: DevServer;
let call: ReturnType<typeof api>;
let ok: Destination;
let failing: Destination;

beforeEach(async () => {
  dev = await startDevServer({ port: 0, defaultRetryDelay: () => 5 });
  call = api(dev.url, dev.token);
  ok = await startDestination();
  failing = await startDestination(() => ({ status: 500, body: "nope" }));
});

afterEach(async () => {
  await dev.close();
  await ok.close();
  await failing.close();
});

describe("URL groups", () => {
  it("fans a publish out to every endpoint and returns the bare array", async () => {
    const added = await call("POST", "/v2/topics/orders/endpoints", {
      body: JSON.stringify({ endpoints: [{ url: `${ok.url}/a`, name: "first" }, { url: `${ok.url}/b` }] }),
    });
    expect(added.status).toBe(200);
    const published = await call("POST", "/v2/publish/orders", { body: "fan" });
    expect(published.json).toEqual([
      { messageId: expect.stringMatching(/^msg_/), url: `${ok.url}/a` },
      { messageId: expect.stringMatching(/^msg_/), url: `${ok.url}/b` },
    ]);
    const requests = await ok.waitFor(2);
    expect(requests.map((r) => r.path).sort()).toEqual(["/a", "/b"]);
    expect(requests.every((r) => r.headers["upstash-topic-name"] === "orders")).toBe(true);
    expect(requests.every((r) => r.body.toString() === "fan")).toBe(true);
  });

  it("gets, lists, removes endpoints and deletes", async () => {
    await call("POST", "/v2/topics/g/endpoints", { body: JSON.stringify({ endpoints: [{ url: `${ok.url}/a` }, { url: `${ok.url}/b`, name: "b" }] }) });
    const got = await call("GET", "/v2/topics/g");
    expect(got.json).toMatchObject({ name: "g", endpoints: [{ url: `${ok.url}/a` }, { name: "b", url: `${ok.url}/b` }] });
    await call("DELETE", "/v2/topics/g/endpoints", { body: JSON.stringify({ endpoints: [{ name: "b" }] }) });
    expect((await call("GET", "/v2/topics")).json[0].endpoints).toEqual([{ url: `${ok.url}/a` }]);
    await call("DELETE", "/v2/topics/g/endpoints", { body: JSON.stringify({ endpoints: [{ url: `${ok.url}/a` }] }) });
    expect((await call("GET", "/v2/topics/g")).status).toBe(404);
    await call("POST", "/v2/topics/h/endpoints", { body: JSON.stringify({ endpoints: [{ url: `${ok.url}/a` }] }) });
    expect((await call("DELETE", "/v2/topics/h")).status).toBe(200);
    expect((await call("DELETE", "/v2/topics/h")).status).toBe(404);
  });
});

describe("batch", () => {
  it("answers a URL-group entry with a nested array", async () => {
    await call("POST", "/v2/topics/bg/endpoints", { body: JSON.stringify({ endpoints: [{ url: `${ok.url}/1` }, { url: `${ok.url}/2` }] }) });
    const response = await call("POST", "/v2/batch", { body: JSON.stringify([{ destination: "bg", body: "x" }]) });
    expect(response.json).toHaveLength(1);
    expect(response.json[0]).toHaveLength(2);
    await ok.waitFor(2);
  });

  it("publishes each entry, enqueues entries with a queue, reports bad entries in place", async () => {
    const response = await call("POST", "/v2/batch", {
      headers: { "content-type": "application/json" },
      body: JSON.stringify([
        { destination: `${ok.url}/one`, body: "1", headers: { "Upstash-Method": "PUT" } },
        { destination: `${ok.url}/two`, body: "2", queue: "bq" },
        { destination: `${ok.url}/three`, headers: { "upstash-delay": "bad" } },
      ]),
    });
    expect(response.status).toBe(200);
    expect(response.json[0]).toMatchObject({ messageId: expect.any(String) });
    expect(response.json[1]).toMatchObject({ messageId: expect.any(String) });
    expect(response.json[2].error.toLowerCase()).toContain("upstash-delay");
    const requests = await ok.waitFor(2);
    expect(requests.find((r) => r.path === "/one")!.method).toBe("PUT");
    expect((await call("GET", "/v2/queues/bq")).status).toBe(200);
  });
});

describe("schedules", () => {
  it("creates, fires with Upstash-Schedule-Id, pauses, resumes and deletes", async () => {
    const created = await call("POST", `/v2/schedules/${ok.url}/cron`, {
      headers: { "upstash-cron": "* * * * *", "content-type": "text/plain", "upstash-retries": "1" },
      body: "tick",
    });
    const { scheduleId } = created.json;
    expect(scheduleId).toMatch(/^scd_/);
    const schedule = (await call("GET", `/v2/schedules/${scheduleId}`)).json;
    expect(schedule).toMatchObject({ scheduleId, cron: "* * * * *", destination: `${ok.url}/cron`, body: "tick", retries: 1, isPaused: false });
    expect(schedule.nextScheduleTime % 60_000).toBe(0);
    expect(schedule.nextScheduleTime).toBeGreaterThan(Date.now());
    expect(schedule.nextScheduleTime - Date.now()).toBeLessThanOrEqual(60_000);

    const fired = dev.triggerSchedule(scheduleId)!;
    const [request] = await ok.waitFor(1);
    expect(request!.headers["upstash-schedule-id"]).toBe(scheduleId);
    expect(request!.headers["content-type"]).toBe("text/plain");
    expect(request!.body.toString()).toBe("tick");
    await dev.idle();
    const after = (await call("GET", `/v2/schedules/${scheduleId}`)).json;
    expect(after.lastScheduleStates).toEqual({ [fired[0]!.messageId]: "SUCCESS" });

    expect((await call("PATCH", `/v2/schedules/${scheduleId}/pause`)).status).toBe(200);
    expect((await call("GET", `/v2/schedules/${scheduleId}`)).json.isPaused).toBe(true);
    expect((await call("POST", `/v2/schedules/${scheduleId}/resume`)).status).toBe(200);
    expect((await call("GET", "/v2/schedules")).json).toHaveLength(1);
    expect((await call("DELETE", `/v2/schedules/${scheduleId}`)).status).toBe(200);
    expect((await call("GET", `/v2/schedules/${scheduleId}`)).status).toBe(404);
  });

  it("overwrites by Upstash-Schedule-Id and accepts CRON_TZ", async () => {
    const headers = { "upstash-cron": "CRON_TZ=America/New_York 0 4 * * *", "upstash-schedule-id": "daily" };
    expect((await call("POST", `/v2/schedules/${ok.url}/a`, { headers })).json).toEqual({ scheduleId: "daily" });
    await call("POST", `/v2/schedules/${ok.url}/b`, { headers });
    const list = (await call("GET", "/v2/schedules")).json;
    expect(list).toHaveLength(1);
    expect(list[0].destination).toBe(`${ok.url}/b`);
    const next = new Date(list[0].nextScheduleTime);
    const hourInNewYork = Number(new Intl.DateTimeFormat("en-US", { timeZone: "America/New_York", hour: "numeric", hourCycle: "h23" }).format(next));
    expect(hourInNewYork).toBe(4);
  });

  it("rejects a missing or invalid cron with 400", async () => {
    expect((await call("POST", `/v2/schedules/${ok.url}/a`)).status).toBe(400);
    const bad = await call("POST", `/v2/schedules/${ok.url}/a`, { headers: { "upstash-cron": "61 * * * *" } });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toContain("Upstash-Cron");
  });

  it("fires on its own at the next minute boundary (clock shifted to just before it)", async () => {
    const skewed = await startDevServer({
      port: 0,
      now: justBeforeMinute(),
    });
    try {
      const created = await api(skewed.url, skewed.token)("POST", `/v2/schedules/${ok.url}/timer`, {
        headers: { "upstash-cron": "* * * * *" },
        body: "on time",
      });
      const [request] = await ok.waitFor(1, 5000);
      expect(request!.headers["upstash-schedule-id"]).toBe(created.json.scheduleId);
      expect(request!.body.toString()).toBe("on time");
    } finally {
      await skewed.close();
    }
  });

  it("a paused schedule ignores its timer", async () => {
    const skewed = await startDevServer({ port: 0, now: justBeforeMinute() });
    try {
      const skewedCall = api(skewed.url, skewed.token);
      const created = await skewedCall("POST", `/v2/schedules/${ok.url}/paused`, { headers: { "upstash-cron": "* * * * *" } });
      await skewedCall("PATCH", `/v2/schedules/${created.json.scheduleId}/pause`);
      await sleep(800);
      expect(ok.requests).toHaveLength(0);
      const schedule = (await skewedCall("GET", `/v2/schedules/${created.json.scheduleId}`)).json;
      expect(schedule.isPaused).toBe(true);
      expect(schedule.lastScheduleTime).toBeUndefined();
    } finally {
      await skewed.close();
    }
  });
});

describe("dead-letter queue", () => {
  async function fail(count: number, label = "l"): Promise<void> {
    for (let i = 0; i < count; i += 1) {
      await call("POST", `/v2/publish/${failing.url}/f${i}`, { headers: { "upstash-retries": "0", "upstash-label": label } });
    }
    await dev.idle();
  }

  it("lists with a cursor and filters", async () => {
    await fail(3, "x");
    await fail(1, "y");
    const first = await call("GET", "/v2/dlq?count=2");
    expect(first.json.messages).toHaveLength(2);
    expect(first.json.cursor).toBeDefined();
    const second = await call("GET", `/v2/dlq?count=2&cursor=${first.json.cursor}`);
    expect(second.json.messages).toHaveLength(2);
    expect(second.json.cursor).toBeUndefined();
    const ids = [...first.json.messages, ...second.json.messages].map((m: any) => m.dlqId);
    expect(new Set(ids).size).toBe(4);
    expect((await call("GET", "/v2/dlq?label=y")).json.messages).toHaveLength(1);
    expect((await call("GET", "/v2/dlq?responseStatus=500")).json.messages).toHaveLength(4);
    expect((await call("GET", `/v2/dlq?url=${encodeURIComponent(`${failing.url}/f0`)}`)).json.messages).toHaveLength(2);
  });

  it("retries one entry as a new message and removes it from the DLQ", async () => {
    await fail(1);
    const [entry] = (await call("GET", "/v2/dlq")).json.messages;
    const retried = await call("POST", `/v2/dlq/retry/${entry.dlqId}`, { headers: { "upstash-retries": "0" } });
    expect(retried.status).toBe(201);
    expect(retried.json.messageId).not.toBe(entry.messageId);
    await failing.waitFor(2);
    expect((await call("GET", `/v2/dlq/${entry.dlqId}`)).status).toBe(404);
  });

  it("bulk-retries and bulk-deletes by filter", async () => {
    await fail(2, "r");
    await fail(2, "d");
    const retried = await call("POST", "/v2/dlq/retry?label=r");
    expect(retried.json.responses).toHaveLength(2);
    await dev.idle();
    const deleted = await call("DELETE", "/v2/dlq?label=d");
    expect(deleted.json.deleted).toBe(2);
    const left = (await call("GET", "/v2/dlq")).json.messages;
    expect(left.map((m: any) => m.labels[0])).toEqual(["r", "r"]);
    expect((await call("DELETE", `/v2/dlq/${left[0].dlqId}`)).status).toBe(200);
    expect((await call("DELETE", `/v2/dlq/${left[0].dlqId}`)).status).toBe(404);
    expect((await call("DELETE", "/v2/dlq")).json.deleted).toBe(1);
  });
});

describe("redaction", () => {
  it("hides redacted fields from the API and logs, never from the delivery", async () => {
    const published = await call("POST", `/v2/publish/${ok.url}/secret`, {
      headers: {
        "upstash-redact-fields": "body, header[X-Secret]",
        "upstash-forward-x-secret": "s3cr3t",
        "upstash-forward-x-public": "visible",
        "upstash-delay": "1s",
      },
      body: "card=4242",
    });
    const message = (await call("GET", `/v2/messages/${published.json.messageId}`)).json;
    expect(message.body).toMatch(/^REDACTED:[0-9a-f]{64}$/);
    expect(message.header["X-Secret"][0]).toMatch(/^REDACTED:/);
    expect(message.header["X-Public"]).toEqual(["visible"]);
    const [request] = await ok.waitFor(1, 3000);
    expect(request!.body.toString()).toBe("card=4242");
    expect(request!.headers["x-secret"]).toBe("s3cr3t");
    const [created] = (await call("GET", `/v2/events?messageId=${published.json.messageId}&state=CREATED`)).json.events;
    expect(created.body).toMatch(/^REDACTED:/);
  });

  it("rejects unknown redaction fields naming the header", async () => {
    const response = await call("POST", `/v2/publish/${ok.url}/x`, { headers: { "upstash-redact-fields": "cookies" } });
    expect(response.status).toBe(400);
    expect(response.json.error).toContain("Upstash-Redact-Fields");
  });
});

describe("events", () => {
  it("logs every state change, newest first, with filters and a cursor", async () => {
    const published = await call("POST", `/v2/publish/${ok.url}/e`);
    await call("POST", `/v2/publish/${failing.url}/e`, { headers: { "upstash-retries": "1" } });
    await dev.idle();
    const mine = (await call("GET", `/v2/events?messageId=${published.json.messageId}`)).json.events;
    expect(mine.map((e: any) => e.state)).toEqual(["DELIVERED", "ACTIVE", "CREATED"]);
    expect(mine[0]).toMatchObject({ url: `${ok.url}/e`, method: "POST", responseStatus: 200 });
    const errors = (await call("GET", "/v2/events?state=ERROR")).json.events;
    expect(errors).toHaveLength(2);
    expect(errors.every((e: any) => e.responseStatus === 500)).toBe(true);
    const failed = (await call("GET", "/v2/logs?state=FAILED")).json.logs;
    expect(failed).toHaveLength(1);
    const page1 = await call("GET", "/v2/events?count=3");
    const page2 = await call("GET", `/v2/events?count=3&cursor=${page1.json.cursor}`);
    expect(page1.json.events).toHaveLength(3);
    expect(page2.json.events[0].time).toBeLessThanOrEqual(page1.json.events[2].time);
    const earliest = (await call("GET", "/v2/events?order=earliestFirst&count=1")).json.events[0];
    expect(earliest.state).toBe("CREATED");
  });

  it("emits each state change to `on(\"event\")` listeners", async () => {
    const seen: string[] = [];
    dev.on("event", (event) => seen.push(String(event["state"])));
    await call("POST", `/v2/publish/${ok.url}/live`);
    await dev.idle();
    await sleep(10);
    expect(seen).toEqual(["CREATED", "ACTIVE", "DELIVERED"]);
  });
});
