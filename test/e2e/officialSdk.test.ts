// The official @upstash/qstash Client and Receiver against our dev server, end to end:
// every delivery goes through real HTTP to a local destination that verifies it with the
// official Receiver and the dev server's keys.
import { Receiver } from "@upstash/qstash";
import type { Client } from "@upstash/qstash";
import type { DevServer } from "@stashkit/dev-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeReport } from "./callbackReport.js";
import type { RecordingDestination } from "./recordingDestination.js";
import { startOfficialHarness } from "./officialHarness.js";
import type { OfficialHarness } from "./officialHarness.js";
import { SETTLE_MS, sleep, waitFor } from "./waitFor.js";

let dev: DevServer;
let dest: RecordingDestination;
let client: Client;

let harness: OfficialHarness;

beforeAll(async () => {
  harness = await startOfficialHarness();
  ({ dev, dest, client } = harness);
});

afterAll(() => harness?.close());


function expectAllSigned(path: string) {
  const deliveries = dest.at(path);
  expect(deliveries.map((d) => d.signatureError ?? "ok")).toEqual(deliveries.map(() => "ok"));
}

async function dlqFor(url: string) {
  const { messages } = await client.dlq.listMessages({ filter: { url } });
  return messages;
}

describe("official SDK: publishing", () => {
  it("publish delivers the exact bytes once, signed, with forwarded headers and method", async () => {
    const url = `${dest.url}/pub/text`;
    const { messageId } = await client.publish({
      url,
      body: "hello, world",
      method: "PUT",
      headers: { "content-type": "text/plain", "x-tenant": "acme" },
    });
    const [delivery, ...rest] = await dest.settled("/pub/text", 1);
    expect(rest).toHaveLength(0);
    expect(delivery!.method).toBe("PUT");
    expect(delivery!.text).toBe("hello, world");
    expect(delivery!.headers["content-type"]).toBe("text/plain");
    expect(delivery!.headers["x-tenant"]).toBe("acme");
    expect(delivery!.headers["user-agent"]).toBe("Upstash-QStash");
    expect(delivery!.messageId).toBe(messageId);
    expect(delivery!.retried).toBe(0);
    expect(delivery!.headers["authorization"]).toBeUndefined();
    expectAllSigned("/pub/text");
  });

  it("publishJSON sends JSON with its content type", async () => {
    const { messageId } = await client.publishJSON({ url: `${dest.url}/pub/json`, body: { orderId: 42, to: "ada@example.com" } });
    const deliveries = await dest.settled("/pub/json", 1);
    expect(deliveries).toHaveLength(1);
    expect(JSON.parse(deliveries[0]!.text)).toEqual({ orderId: 42, to: "ada@example.com" });
    expect(deliveries[0]!.headers["content-type"]).toBe("application/json");
    expect(deliveries[0]!.messageId).toBe(messageId);
    expectAllSigned("/pub/json");
  });

  it("enqueue through a parallelism-1 queue keeps FIFO order, even across a retry", async () => {
    const queue = client.queue({ queueName: "e2e-fifo" });
    await queue.upsert({ parallelism: 1 });
    let inFlight = 0;
    let maxInFlight = 0;
    dest.route("/fifo", (delivery) => {
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      setTimeout(() => (inFlight -= 1), 20);
      const { n } = JSON.parse(delivery.text) as { n: number };
      return n === 0 && delivery.retried === 0 ? { status: 500, delayMs: 20 } : { status: 200, delayMs: 20 };
    });
    for (let n = 0; n < 5; n++) {
      await queue.enqueueJSON({ url: `${dest.url}/fifo`, body: { n }, retries: 2, retryDelay: "10" });
    }
    const deliveries = await dest.settled("/fifo", 6);
    expect(deliveries.map((d) => (JSON.parse(d.text) as { n: number }).n)).toEqual([0, 0, 1, 2, 3, 4]);
    expect(deliveries.map((d) => d.retried)).toEqual([0, 1, 0, 0, 0, 0]);
    expect(maxInFlight).toBe(1);
    expectAllSigned("/fifo");
  });

  it("batch publishes each entry once, including an enqueued one", async () => {
    const results = await client.batchJSON([
      { url: `${dest.url}/batch/a`, body: { a: 1 } },
      { url: `${dest.url}/batch/b`, body: { b: 2 } },
      { url: `${dest.url}/batch/c`, body: { c: 3 }, queueName: "e2e-batch" },
    ]);
    expect(results).toHaveLength(3);
    const ids = results.map((r) => (r as { messageId: string }).messageId);
    for (const [i, path] of ["/batch/a", "/batch/b", "/batch/c"].entries()) {
      const deliveries = await dest.settled(path, 1);
      expect(deliveries).toHaveLength(1);
      expect(deliveries[0]!.messageId).toBe(ids[i]);
    }
    expect(JSON.parse(dest.at("/batch/c")[0]!.text)).toEqual({ c: 3 });
    expectAllSigned("/batch/a");
  });

  it("delay and notBefore hold the first attempt back", async () => {
    const start = Date.now();
    const notBefore = Math.floor(start / 1000) + 2;
    const delayed = await client.publish({ url: `${dest.url}/later/delay`, body: "d", delay: 1 });
    const absolute = await client.publish({ url: `${dest.url}/later/nbf`, body: "n", notBefore });
    const pending = await client.messages.get(delayed.messageId);
    expect(pending.messageId).toBe(delayed.messageId);
    expect(pending.notBefore).toBeGreaterThanOrEqual(start + 1000);
    const [d] = await dest.settled("/later/delay", 1);
    expect(d!.at - start).toBeGreaterThanOrEqual(990);
    const [n] = await dest.settled("/later/nbf", 1, 4000);
    expect(n!.at).toBeGreaterThanOrEqual(notBefore * 1000 - 10);
    expect(n!.messageId).toBe(absolute.messageId);
    expect(dest.at("/later/delay")).toHaveLength(1);
  });

  it("deduplicates on an explicit id and on content", async () => {
    const first = await client.publish({ url: `${dest.url}/dedup/id`, body: "one", deduplicationId: "e2e-dedup-1" });
    const second = await client.publish({ url: `${dest.url}/dedup/id`, body: "two", deduplicationId: "e2e-dedup-1" });
    expect(second.deduplicated).toBe(true);
    expect(second.messageId).toBe(first.messageId);

    const a = await client.publish({ url: `${dest.url}/dedup/content`, body: "same", contentBasedDeduplication: true });
    const b = await client.publish({ url: `${dest.url}/dedup/content`, body: "same", contentBasedDeduplication: true });
    const c = await client.publish({ url: `${dest.url}/dedup/content`, body: "other", contentBasedDeduplication: true });
    expect(b.messageId).toBe(a.messageId);
    expect(b.deduplicated).toBe(true);
    expect(c.messageId).not.toBe(a.messageId);

    expect((await dest.settled("/dedup/id", 1)).map((d) => d.text)).toEqual(["one"]);
    expect((await dest.settled("/dedup/content", 2)).map((d) => d.text).sort()).toEqual(["other", "same"]);
  });
});

describe("official SDK: retries, non-retryable failures and the DLQ", () => {
  it("a 500 is attempted exactly 1 + retries times, then lands in the DLQ", async () => {
    const url = `${dest.url}/retry/500`;
    dest.route("/retry/500", () => ({ status: 500, body: "boom" }));
    const { messageId } = await client.publish({ url, body: "x", retries: 2, retryDelay: "10" });
    await dest.waitFor("/retry/500", 3);
    const dlq = await waitFor(async () => {
      const entries = await dlqFor(url);
      return entries.length > 0 && entries;
    });
    await sleep(SETTLE_MS);
    const deliveries = dest.at("/retry/500");
    expect(deliveries.map((d) => d.retried)).toEqual([0, 1, 2]);
    expect(new Set(deliveries.map((d) => d.messageId))).toEqual(new Set([messageId]));
    expect(new Set(deliveries.map((d) => d.headers["upstash-signature"])).size).toBe(3);
    expectAllSigned("/retry/500");
    expect(dlq).toHaveLength(1);
    expect(dlq[0]).toMatchObject({ messageId, url, responseStatus: 500, responseBody: "boom" });
    expect(await dlqFor(url)).toHaveLength(1);
  });

  it("489 with Upstash-NonRetryable-Error goes straight to the DLQ after one attempt", async () => {
    const url = `${dest.url}/retry/489`;
    dest.route("/retry/489", () => ({ status: 489, headers: { "Upstash-NonRetryable-Error": "true" }, body: "bad input" }));
    const { messageId } = await client.publish({ url, body: "x", retries: 3, retryDelay: "10" });
    const dlq = await waitFor(async () => {
      const entries = await dlqFor(url);
      return entries.length > 0 && entries;
    });
    await sleep(SETTLE_MS);
    expect(dest.at("/retry/489")).toHaveLength(1);
    expect(dlq).toHaveLength(1);
    expect(dlq[0]).toMatchObject({ messageId, responseStatus: 489 });
  });

  it("489 without the header is an ordinary failure and is retried", async () => {
    const url = `${dest.url}/retry/489-plain`;
    dest.route("/retry/489-plain", () => ({ status: 489 }));
    await client.publish({ url, body: "x", retries: 1, retryDelay: "10" });
    await waitFor(async () => (await dlqFor(url)).length > 0);
    await sleep(SETTLE_MS);
    expect(dest.at("/retry/489-plain").map((d) => d.retried)).toEqual([0, 1]);
  });

  it("Retry-After on a failed attempt sets the next delay instead of the retry expression", async () => {
    dest.route("/retry/after", (_d, attempt) => (attempt === 0 ? { status: 503, headers: { "Retry-After": "1" } } : { status: 200 }));
    await client.publish({ url: `${dest.url}/retry/after`, body: "x", retries: 3, retryDelay: "10" });
    const deliveries = await dest.settled("/retry/after", 2, 4000);
    expect(deliveries).toHaveLength(2);
    expect(deliveries[1]!.at - deliveries[0]!.at).toBeGreaterThanOrEqual(990);
    expect(deliveries[1]!.retried).toBe(1);
  });
});

describe("official SDK: callbacks", () => {
  it("a success callback reports the response, signed for the callback URL", async () => {
    const callbackUrl = `${dest.url}/cb/ok`;
    dest.route("/cb/src", () => ({ status: 200, headers: { "content-type": "application/json" }, body: '{"sent":true}' }));
    const { messageId } = await client.publishJSON({
      url: `${dest.url}/cb/src`,
      body: { orderId: 7 },
      retries: 2,
      callback: callbackUrl,
    });
    const [callback, ...more] = await dest.settled("/cb/ok", 1);
    expect(more).toHaveLength(0);
    expect(callback!.signatureValid).toBe(true);
    expect(callback!.url).toBe(callbackUrl);
    expect(callback!.messageId).not.toBe(messageId);
    expect(callback!.retried).toBe(0);
    const report = decodeReport(callback!);
    expect(report).toMatchObject({
      status: 200,
      retried: 0,
      maxRetries: 2,
      sourceMessageId: messageId,
      url: `${dest.url}/cb/src`,
      method: "POST",
      bodyText: '{"sent":true}',
      sourceBodyText: '{"orderId":7}',
    });
    expect(report.raw["retried"]).toBeUndefined();
    expect(typeof report.createdAt).toBe("number");
    expect(typeof report.notBefore).toBe("number");
    expect((report.header as Record<string, string[]>)["Content-Type"]).toEqual(["application/json"]);
    expect(dest.at("/cb/src")).toHaveLength(1);
  });

  it("a failing message reports every attempt to the callback and once to the failure callback with its dlqId", async () => {
    const url = `${dest.url}/cbf/src`;
    dest.route("/cbf/src", () => ({ status: 500, body: "down" }));
    const { messageId } = await client.publish({
      url,
      body: "payload",
      retries: 1,
      retryDelay: "10",
      callback: `${dest.url}/cbf/each`,
      failureCallback: `${dest.url}/cbf/failed`,
    });
    await dest.waitFor("/cbf/failed", 1);
    await dest.waitFor("/cbf/each", 2);
    await sleep(SETTLE_MS);
    expect(dest.at("/cbf/src")).toHaveLength(2);
    const each = dest.at("/cbf/each").map(decodeReport);
    expect(each.map((r) => [r.status, r.retried]).sort()).toEqual([
      [500, 0],
      [500, 1],
    ]);
    const failed = dest.at("/cbf/failed");
    expect(failed).toHaveLength(1);
    expect(failed[0]!.signatureValid).toBe(true);
    const report = decodeReport(failed[0]!);
    expect(report).toMatchObject({ status: 500, retried: 1, maxRetries: 1, sourceMessageId: messageId, url, bodyText: "down", sourceBodyText: "payload" });
    const dlq = await dlqFor(url);
    expect(dlq).toHaveLength(1);
    expect(report.dlqId).toBe(dlq[0]!.dlqId);
  });

  it("a non-retryable 489 fires the failure callback once with status 489", async () => {
    dest.route("/cbf489/src", () => ({ status: 489, headers: { "Upstash-NonRetryable-Error": "true" } }));
    await client.publish({ url: `${dest.url}/cbf489/src`, body: "x", retries: 3, retryDelay: "10", failureCallback: `${dest.url}/cbf489/failed` });
    const failed = await dest.settled("/cbf489/failed", 1);
    expect(failed).toHaveLength(1);
    expect(decodeReport(failed[0]!)).toMatchObject({ status: 489, retried: 0, maxRetries: 3 });
    expect(dest.at("/cbf489/src")).toHaveLength(1);
  });
});

describe("official SDK: URL groups", () => {
  it("fans a publish out to one signed delivery per endpoint", async () => {
    const endpoints = ["/group/a", "/group/b", "/group/c"].map((path, i) => ({ name: `ep${i}`, url: `${dest.url}${path}` }));
    await client.urlGroups.addEndpoints({ name: "e2e-group", endpoints });
    const group = await client.urlGroups.get("e2e-group");
    expect(group.endpoints.map((e) => e.url).sort()).toEqual(endpoints.map((e) => e.url).sort());
    expect((await client.urlGroups.list()).map((g) => g.name)).toContain("e2e-group");

    const results = await client.publishJSON({ urlGroup: "e2e-group", body: { fan: "out" } });
    expect(Array.isArray(results)).toBe(true);
    expect(results as unknown[]).toHaveLength(3);
    for (const { url } of endpoints) {
      const path = new URL(url).pathname;
      const deliveries = await dest.settled(path, 1);
      expect(deliveries).toHaveLength(1);
      expect(deliveries[0]!.signatureValid).toBe(true);
      expect(deliveries[0]!.headers["upstash-topic-name"]).toBe("e2e-group");
      expect(JSON.parse(deliveries[0]!.text)).toEqual({ fan: "out" });
    }

    await client.urlGroups.removeEndpoints({ name: "e2e-group", endpoints: [{ name: "ep0" }] });
    expect((await client.urlGroups.get("e2e-group")).endpoints).toHaveLength(2);
    await client.urlGroups.delete("e2e-group");
    await expect(client.urlGroups.get("e2e-group")).rejects.toThrow();
  });
});

describe("official SDK: schedules", () => {
  it("creates, lists, gets, pauses, resumes, fires (test hook) and deletes", async () => {
    const destination = `${dest.url}/sched`;
    // A yearly cron never fires during the test on its own; the dev server's hook fires it now.
    const { scheduleId } = await client.schedules.create({ destination, cron: "0 0 1 1 *", body: "tick", retries: 0 });
    expect(scheduleId).toBeTruthy();
    expect((await client.schedules.list()).map((s) => s.scheduleId)).toContain(scheduleId);
    const schedule = await client.schedules.get(scheduleId);
    expect(schedule).toMatchObject({ scheduleId, cron: "0 0 1 1 *", destination, isPaused: false });

    await client.schedules.pause({ schedule: scheduleId });
    expect((await client.schedules.get(scheduleId)).isPaused).toBe(true);
    await client.schedules.resume({ schedule: scheduleId });
    expect((await client.schedules.get(scheduleId)).isPaused).toBe(false);

    const fired = dev.triggerSchedule(scheduleId);
    expect(fired).toHaveLength(1);
    const deliveries = await dest.settled("/sched", 1);
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]!.text).toBe("tick");
    expect(deliveries[0]!.headers["upstash-schedule-id"]).toBe(scheduleId);
    expect(deliveries[0]!.signatureValid).toBe(true);

    await client.schedules.delete(scheduleId);
    await expect(client.schedules.get(scheduleId)).rejects.toThrow();
  });
});

describe("official SDK: messages, queues, DLQ, logs and keys", () => {
  it("gets a pending message and cancels it before delivery", async () => {
    const { messageId } = await client.publish({ url: `${dest.url}/cancel-me`, body: "x", delay: 60 });
    const message = await client.messages.get(messageId);
    expect(message).toMatchObject({ messageId, url: `${dest.url}/cancel-me` });
    await client.messages.cancel(messageId);
    await expect(client.messages.get(messageId)).rejects.toThrow();
    await sleep(SETTLE_MS);
    expect(dest.at("/cancel-me")).toHaveLength(0);
  });

  it("queues: upsert, get, list, pause holds deliveries, resume releases them, delete", async () => {
    const queue = client.queue({ queueName: "e2e-crud" });
    await queue.upsert({ parallelism: 2 });
    expect(await queue.get()).toMatchObject({ name: "e2e-crud", parallelism: 2 });
    expect((await client.queue().list()).map((q) => q.name)).toContain("e2e-crud");

    await queue.pause();
    expect((await queue.get()).paused).toBe(true);
    await queue.enqueue({ url: `${dest.url}/paused`, body: "wait" });
    await sleep(SETTLE_MS);
    expect(dest.at("/paused")).toHaveLength(0);
    expect((await queue.get()).lag).toBe(1);

    await queue.resume();
    expect(await dest.settled("/paused", 1)).toHaveLength(1);
    await queue.delete();
    await expect(queue.get()).rejects.toThrow();
  });

  it("DLQ: lists, retries (a new message, delivered) and deletes entries", async () => {
    const url = `${dest.url}/dlq/flaky`;
    let healthy = false;
    dest.route("/dlq/flaky", () => (healthy ? { status: 200 } : { status: 500 }));
    await client.publish({ url, body: "first", retries: 0 });
    await client.publish({ url, body: "second", retries: 0 });
    const entries = await waitFor(async () => {
      const list = await dlqFor(url);
      return list.length === 2 && list;
    });
    expect(entries.map((e) => e.body).sort()).toEqual(["first", "second"]);

    healthy = true;
    const toRetry = entries.find((e) => e.body === "first")!;
    const retried = await client.dlq.retry({ dlqIds: [toRetry.dlqId] });
    expect(retried.responses).toHaveLength(1);
    await dest.waitFor("/dlq/flaky", 3);
    const delivered = dest.at("/dlq/flaky")[2]!;
    expect(delivered.text).toBe("first");
    expect(delivered.messageId).toBe(retried.responses[0]!.messageId);

    const left = await dlqFor(url);
    expect(left.map((e) => e.body)).toEqual(["second"]);
    const deleted = await client.dlq.delete(left[0]!.dlqId);
    expect(deleted.deleted).toBe(1);
    expect(await dlqFor(url)).toHaveLength(0);
    await sleep(SETTLE_MS);
    expect(dest.at("/dlq/flaky")).toHaveLength(3);
  });

  it("logs and events list a message's state changes", async () => {
    const { messageId } = await client.publish({ url: `${dest.url}/logged`, body: "x" });
    await dest.waitFor("/logged", 1);
    const logs = await waitFor(async () => {
      const { logs } = await client.logs({ messageIds: [messageId] });
      return logs.some((l) => l.state === "DELIVERED") && logs;
    });
    expect(new Set(logs.map((l) => l.state))).toEqual(new Set(["CREATED", "ACTIVE", "DELIVERED"]));
    expect(logs.every((l) => l.messageId === messageId)).toBe(true);
    const delivered = await client.logs({ filter: { state: "DELIVERED", url: `${dest.url}/logged` } });
    expect(delivered.logs).toHaveLength(1);
    const events = await client.events({ messageIds: [messageId] });
    expect(events.events.length).toBe(logs.length);
  });

  it("GET /v2/keys returns the signing keys deliveries verify with", async () => {
    const keys = await client.http.request<{ current: string; next: string }>({ path: ["v2", "keys"], method: "GET" });
    expect(keys).toEqual({ current: dev.currentSigningKey, next: dev.nextSigningKey });
    const receiver = new Receiver({ currentSigningKey: keys.current, nextSigningKey: keys.next });
    const delivery = dest.deliveries[0]!;
    await expect(
      receiver.verify({ signature: String(delivery.headers["upstash-signature"]), body: delivery.text, url: delivery.url }),
    ).resolves.toBe(true);
  });
});

describe("official SDK: delivery details", () => {
  it("keeps the destination's own query string and signs the full URL", async () => {
    const url = `${dest.url}/query/dest?a=1&b=two`;
    await client.publish({ url, body: "q" });
    const [delivery, ...more] = await dest.settled("/query/dest", 1);
    expect(more).toHaveLength(0);
    expect(delivery!.url).toBe(url);
    expect(delivery!.signatureValid).toBe(true);
  });

  it("a GET delivery of an empty message has an empty body", async () => {
    await client.publish({ url: `${dest.url}/get/empty`, method: "GET" });
    const [delivery] = await dest.settled("/get/empty", 1);
    expect(delivery!.method).toBe("GET");
    expect(delivery!.body.length).toBe(0);
    expect(delivery!.signatureValid).toBe(true);
  });

  it("queue parallelism 2 keeps at most two deliveries in flight", async () => {
    const queue = client.queue({ queueName: "e2e-par2" });
    await queue.upsert({ parallelism: 2 });
    let inFlight = 0;
    let maxInFlight = 0;
    dest.route("/par2", () => {
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      setTimeout(() => (inFlight -= 1), 40);
      return { status: 200, delayMs: 40 };
    });
    for (let n = 0; n < 6; n++) await queue.enqueue({ url: `${dest.url}/par2`, body: String(n) });
    expect(await dest.settled("/par2", 6)).toHaveLength(6);
    expect(maxInFlight).toBe(2);
  });

  it("flow control parallelism 1 serialises deliveries sharing a key", async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    dest.route("/flow", () => {
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      setTimeout(() => (inFlight -= 1), 30);
      return { status: 200, delayMs: 30 };
    });
    for (let n = 0; n < 4; n++) {
      await client.publish({ url: `${dest.url}/flow`, body: String(n), flowControl: { key: "e2e-flow", parallelism: 1 } });
    }
    expect(await dest.settled("/flow", 4)).toHaveLength(4);
    expect(maxInFlight).toBe(1);
  });

  it("Retry-After as an HTTP date is honoured", async () => {
    dest.route("/retry/date", (_d, attempt) =>
      attempt === 0 ? { status: 429, headers: { "Retry-After": new Date(Date.now() + 2000).toUTCString() } } : { status: 200 },
    );
    await client.publish({ url: `${dest.url}/retry/date`, body: "x", retries: 2, retryDelay: "10" });
    const deliveries = await dest.settled("/retry/date", 2, 5000);
    expect(deliveries).toHaveLength(2);
    // The date has one-second resolution, so the wait is between 1 and 2 seconds.
    expect(deliveries[1]!.at - deliveries[0]!.at).toBeGreaterThanOrEqual(900);
  });

  it("callback-only forwarded headers reach the callback, not the destination; the report names the URL group", async () => {
    await client.urlGroups.addEndpoints({ name: "e2e-cbgroup", endpoints: [{ name: "only", url: `${dest.url}/cbgroup/ep` }] });
    await client.publish({
      urlGroup: "e2e-cbgroup",
      body: "g",
      callback: `${dest.url}/cbgroup/cb`,
      headers: { "Upstash-Callback-Forward-X-Cb-Secret": "s3cret" },
    });
    const [callback] = await dest.settled("/cbgroup/cb", 1);
    expect(callback!.headers["x-cb-secret"]).toBe("s3cret");
    expect(dest.at("/cbgroup/ep")[0]!.headers["x-cb-secret"]).toBeUndefined();
    expect(decodeReport(callback!).raw).toMatchObject({ topicName: "e2e-cbgroup", endpointName: "only" });
  });

  it("labels are kept on DLQ entries and filter them", async () => {
    dest.route("/labelled", () => ({ status: 500 }));
    await client.publish({ url: `${dest.url}/labelled`, body: "l", retries: 0, label: "e2e-label" });
    const entries = await waitFor(async () => {
      const { messages } = await client.dlq.listMessages({ filter: { label: "e2e-label" } });
      return messages.length > 0 && messages;
    });
    expect(entries).toHaveLength(1);
    expect(entries[0]!.url).toBe(`${dest.url}/labelled`);
  });
});
