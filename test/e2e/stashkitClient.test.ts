// Our @stashkit/core Client against our dev server, end to end, with our Receiver verifying
// every delivery on a real local destination (the raw bytes, against the URL it was sent to).
import { Client, Receiver } from "@stashkit/core";
import type { PublishResult } from "@stashkit/core";
import { startDevServer } from "@stashkit/dev-server";
import type { DevServer } from "@stashkit/dev-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeReport } from "./callbackReport.js";
import { closedPortUrl, startE2eHarness, startRecordingDestination } from "./recordingDestination.js";
import type { E2eHarness, RecordingDestination } from "./recordingDestination.js";
import { SETTLE_MS, sleep, waitFor } from "./waitFor.js";

let dev: DevServer;
let dest: RecordingDestination;
let client: Client;

let harness: E2eHarness;

beforeAll(async () => {
  harness = await startE2eHarness((keys) => {
    const receiver = new Receiver(keys);
    return ({ signature, body, url }) => receiver.verify({ signature, body: body, url });
  });
  ({ dev, dest } = harness);
  client = new Client({ baseUrl: dev.url, token: dev.token, retry: false });
});

afterAll(() => harness?.close());


async function dlqFor(url: string) {
  return (await client.dlq.list({ filter: { url } })).messages;
}

/**
 * An absolute destination URL typed as plain `string`: a template like `${origin}/path` would
 * otherwise be inferred as a URL-group name and type the publish answer as an array.
 */
function urlOf(path: string): string {
  return `${dest.url}${path}`;
}

/** A publish to one URL answers one result; narrows the client's URL-or-group union. */
function one(result: Promise<PublishResult | PublishResult[]>): Promise<PublishResult> {
  return result as Promise<PublishResult>;
}

function messageIdOf(result: unknown): string {
  return (result as PublishResult).messageId;
}

describe("stashkit Client: publishing", () => {
  it("publishJSON delivers once, signed over the exact bytes, with forwarded headers", async () => {
    const { messageId } = await one(client.publishJSON({
      destination: urlOf("/sk/json"),
      body: { orderId: 42, note: "héllo" },
      headers: { "X-Tenant": "acme" },
    }));
    const deliveries = await dest.settled("/sk/json", 1);
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]!.signatureValid).toBe(true);
    expect(JSON.parse(deliveries[0]!.text)).toEqual({ orderId: 42, note: "héllo" });
    expect(deliveries[0]!.headers["content-type"]).toBe("application/json");
    expect(deliveries[0]!.headers["x-tenant"]).toBe("acme");
    expect(deliveries[0]!.messageId).toBe(messageId);
  });

  it("publish sends binary bodies byte for byte", async () => {
    const bytes = new Uint8Array([0, 255, 1, 254, 10, 13]);
    await one(client.publish({ destination: urlOf("/sk/bytes"), body: bytes, contentType: "application/octet-stream" }));
    const [delivery] = await dest.settled("/sk/bytes", 1);
    expect([...delivery!.body]).toEqual([...bytes]);
    expect(delivery!.signatureValid).toBe(true);
  });

  it("enqueueJSON through a parallelism-1 queue keeps FIFO order", async () => {
    await client.queues.upsert({ queueName: "sk-fifo", parallelism: 1 });
    let inFlight = 0;
    let maxInFlight = 0;
    dest.route("/sk/fifo", (delivery) => {
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      setTimeout(() => (inFlight -= 1), 15);
      const { n } = JSON.parse(delivery.text) as { n: number };
      return n === 1 && delivery.retried === 0 ? { status: 500, delayMs: 15 } : { status: 200, delayMs: 15 };
    });
    for (let n = 0; n < 4; n++) {
      await one(client.enqueueJSON({ queueName: "sk-fifo", destination: urlOf("/sk/fifo"), body: { n }, retries: 1, retryDelay: "10" }));
    }
    const deliveries = await dest.settled("/sk/fifo", 5);
    expect(deliveries.map((d) => (JSON.parse(d.text) as { n: number }).n)).toEqual([0, 1, 1, 2, 3]);
    expect(maxInFlight).toBe(1);
    expect(deliveries.every((d) => d.signatureValid)).toBe(true);
  });

  it("a parallelism-1 queue waits for the previous message's callback before the next message", async () => {
    await client.queues.upsert({ queueName: "sk-fifo-cb", parallelism: 1 });
    dest.route("/sk/fifo-cb/slow-callback", () => ({ status: 200, delayMs: 150 }));
    await client.enqueue({
      queueName: "sk-fifo-cb",
      destination: urlOf("/sk/fifo-cb/first"),
      body: "1",
      callback: urlOf("/sk/fifo-cb/slow-callback"),
    });
    await client.enqueue({ queueName: "sk-fifo-cb", destination: urlOf("/sk/fifo-cb/second"), body: "2" });
    const [second] = await dest.settled("/sk/fifo-cb/second", 1);
    const [callback] = dest.at("/sk/fifo-cb/slow-callback");
    expect(callback).toBeDefined();
    // The callback answered 150 ms after it arrived; only then may the second message start.
    expect(second!.at - callback!.at).toBeGreaterThanOrEqual(140);
  });

  it("cancelling a message during an attempt lets that attempt finish but stops the retries", async () => {
    dest.route("/sk/cancel-inflight", () => ({ status: 500, delayMs: 300 }));
    const { messageId } = await one(client.publish({ destination: urlOf("/sk/cancel-inflight"), body: "x", retries: 3, retryDelay: "10" }));
    await dest.waitFor("/sk/cancel-inflight", 1);
    await client.messages.cancel(messageId);
    await sleep(300 + SETTLE_MS);
    expect(dest.at("/sk/cancel-inflight")).toHaveLength(1);
    expect(await dlqFor(urlOf("/sk/cancel-inflight"))).toHaveLength(0);
  });

  it("batch publishes every entry once and answers in request order", async () => {
    const results = await client.batch([
      { destination: urlOf("/sk/batch/a"), body: "a" },
      { destination: urlOf("/sk/batch/b"), body: { b: true } },
      { destination: urlOf("/sk/batch/c"), body: "c", queueName: "sk-batch" },
    ]);
    expect(results).toHaveLength(3);
    for (const [i, path] of ["/sk/batch/a", "/sk/batch/b", "/sk/batch/c"].entries()) {
      const deliveries = await dest.settled(path, 1);
      expect(deliveries).toHaveLength(1);
      expect(deliveries[0]!.messageId).toBe(messageIdOf(results[i]));
      expect(deliveries[0]!.signatureValid).toBe(true);
    }
    expect(JSON.parse(dest.at("/sk/batch/b")[0]!.text)).toEqual({ b: true });
  });

  it("deduplicationId and contentBasedDeduplication drop repeats", async () => {
    const first = await one(client.publish({ destination: urlOf("/sk/dedup"), body: "1", deduplicationId: "sk-1" }));
    const again = await one(client.publish({ destination: urlOf("/sk/dedup"), body: "2", deduplicationId: "sk-1" }));
    expect(again).toMatchObject({ messageId: first.messageId, deduplicated: true });
    const c1 = await one(client.publish({ destination: urlOf("/sk/dedup"), body: "c", contentBasedDeduplication: true }));
    const c2 = await one(client.publish({ destination: urlOf("/sk/dedup"), body: "c", contentBasedDeduplication: true }));
    expect(c2).toMatchObject({ messageId: c1.messageId, deduplicated: true });
    expect((await dest.settled("/sk/dedup", 2)).map((d) => d.text).sort()).toEqual(["1", "c"]);
  });

  it("delay holds the first attempt back", async () => {
    const start = Date.now();
    await one(client.publish({ destination: urlOf("/sk/delay"), body: "x", delay: "1s" }));
    const [delivery] = await dest.settled("/sk/delay", 1);
    expect(delivery!.at - start).toBeGreaterThanOrEqual(990);
  });
});

describe("stashkit Client: retries, DLQ and callbacks", () => {
  it("exactly 1 + retries attempts, a DLQ entry, per-attempt callbacks and one failure callback", async () => {
    const url = `${dest.url}/sk/fail`;
    dest.route("/sk/fail", () => ({ status: 500, body: "nope" }));
    const { messageId } = await one(client.publish({
      destination: url,
      body: "job",
      retries: 2,
      retryDelay: "10",
      callback: `${dest.url}/sk/fail-cb`,
      failureCallback: { url: `${dest.url}/sk/fail-fcb`, retries: 0 },
    }));
    const [failure] = await dest.settled("/sk/fail-fcb", 1);
    await dest.waitFor("/sk/fail-cb", 3);
    await sleep(SETTLE_MS);
    expect(dest.at("/sk/fail").map((d) => d.retried)).toEqual([0, 1, 2]);
    expect(dest.at("/sk/fail-cb")).toHaveLength(3);
    expect(dest.at("/sk/fail-fcb")).toHaveLength(1);
    expect(failure!.signatureValid).toBe(true);
    const report = decodeReport(failure!);
    expect(report).toMatchObject({ status: 500, retried: 2, maxRetries: 2, sourceMessageId: messageId, url, bodyText: "nope", sourceBodyText: "job" });
    const entries = await dlqFor(url);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ messageId, responseStatus: 500 });
    expect(report.dlqId).toBe(entries[0]!.dlqId);
    expect((await client.dlq.get(entries[0]!.dlqId)).messageId).toBe(messageId);
  });

  it("a success callback is signed for its own URL and carries the response", async () => {
    dest.route("/sk/ok", () => ({ status: 201, headers: { "content-type": "text/plain" }, body: "done" }));
    const { messageId } = await one(client.publishJSON({ destination: urlOf("/sk/ok"), body: { a: 1 }, callback: `${dest.url}/sk/ok-cb` }));
    const [callback, ...more] = await dest.settled("/sk/ok-cb", 1);
    expect(more).toHaveLength(0);
    expect(callback!.signatureValid).toBe(true);
    expect(decodeReport(callback!)).toMatchObject({ status: 201, retried: 0, sourceMessageId: messageId, bodyText: "done", sourceBodyText: '{"a":1}' });
  });

  it("DLQ retry creates a new message that is delivered, and delete removes an entry", async () => {
    const url = `${dest.url}/sk/dlq`;
    let healthy = false;
    dest.route("/sk/dlq", () => (healthy ? { status: 200 } : { status: 503 }));
    await one(client.publish({ destination: url, body: "keep", retries: 0 }));
    await one(client.publish({ destination: url, body: "drop", retries: 0 }));
    const entries = await waitFor(async () => {
      const list = await dlqFor(url);
      return list.length === 2 && list;
    });
    healthy = true;
    const keep = entries.find((e) => e.body === "keep")!;
    const { messageId } = await client.dlq.retry(keep.dlqId);
    const delivered = await dest.waitFor("/sk/dlq", 3);
    expect(delivered[2]).toMatchObject({ text: "keep", messageId, signatureValid: true });
    const drop = entries.find((e) => e.body === "drop")!;
    await client.dlq.delete(drop.dlqId);
    expect(await dlqFor(url)).toHaveLength(0);
  });

  it("a closed port is attempted 1 + retries times (events) and dead-lettered once", async () => {
    const url = `${await closedPortUrl()}/sk/down`;
    const { messageId } = await one(client.publish({ destination: url, body: "x", retries: 1, retryDelay: "10" }));
    await waitFor(async () => (await dlqFor(url)).length > 0);
    await sleep(SETTLE_MS);
    expect(await dlqFor(url)).toHaveLength(1);
    const { events } = await client.events.list({ messageIds: [messageId], count: 1000 });
    expect(events.filter((e) => e.state === "ACTIVE")).toHaveLength(2);
    expect(events.filter((e) => e.state === "FAILED")).toHaveLength(1);
  });
});

describe("stashkit Client: management", () => {
  it("URL groups: fan-out to each endpoint once, then remove and delete", async () => {
    const endpoints = ["/sk/g1", "/sk/g2"].map((path) => ({ url: `${dest.url}${path}` }));
    await client.urlGroups.addEndpoints("sk-group", endpoints);
    expect((await client.urlGroups.get("sk-group")).endpoints).toHaveLength(2);
    expect((await client.urlGroups.list()).map((g) => g.name)).toContain("sk-group");
    const results = await client.publishJSON({ destination: "sk-group", body: { hi: 1 } });
    expect(results).toHaveLength(2);
    for (const path of ["/sk/g1", "/sk/g2"]) {
      const deliveries = await dest.settled(path, 1);
      expect(deliveries).toHaveLength(1);
      expect(deliveries[0]!.signatureValid).toBe(true);
      expect(deliveries[0]!.headers["upstash-topic-name"]).toBe("sk-group");
    }
    await client.urlGroups.removeEndpoints("sk-group", [{ url: endpoints[0]!.url }]);
    expect((await client.urlGroups.get("sk-group")).endpoints).toHaveLength(1);
    await client.urlGroups.delete("sk-group");
    await expect(client.urlGroups.get("sk-group")).rejects.toMatchObject({ status: 404 });
  });

  it("schedules: create, get, list, pause, resume, fire through the test hook, delete", async () => {
    const { scheduleId } = await client.schedules.create({
      destination: urlOf("/sk/sched"),
      cron: "0 0 1 1 *",
      body: { tick: true },
      scheduleId: "sk-yearly",
    });
    expect(scheduleId).toBe("sk-yearly");
    expect(await client.schedules.get(scheduleId)).toMatchObject({ scheduleId, cron: "0 0 1 1 *", isPaused: false });
    expect((await client.schedules.list()).map((s) => s.scheduleId)).toContain(scheduleId);
    await client.schedules.pause(scheduleId);
    expect((await client.schedules.get(scheduleId)).isPaused).toBe(true);
    await client.schedules.resume(scheduleId);
    expect((await client.schedules.get(scheduleId)).isPaused).toBe(false);
    dev.triggerSchedule(scheduleId);
    const [delivery, ...more] = await dest.settled("/sk/sched", 1);
    expect(more).toHaveLength(0);
    expect(delivery!.headers["upstash-schedule-id"]).toBe(scheduleId);
    expect(delivery!.signatureValid).toBe(true);
    await client.schedules.delete(scheduleId);
    await expect(client.schedules.get(scheduleId)).rejects.toMatchObject({ status: 404 });
  });

  it("queues: upsert, get, list, pause, resume, delete", async () => {
    await client.queues.upsert({ queueName: "sk-q", parallelism: 3, paused: true });
    expect(await client.queues.get("sk-q")).toMatchObject({ name: "sk-q", parallelism: 3, paused: true });
    await one(client.enqueue({ queueName: "sk-q", destination: urlOf("/sk/q"), body: "held" }));
    await sleep(SETTLE_MS);
    expect(dest.at("/sk/q")).toHaveLength(0);
    expect((await client.queues.list()).find((q) => q.name === "sk-q")?.lag).toBe(1);
    await client.queues.resume("sk-q");
    expect(await dest.settled("/sk/q", 1)).toHaveLength(1);
    await client.queues.pause("sk-q");
    expect((await client.queues.get("sk-q")).paused).toBe(true);
    await client.queues.delete("sk-q");
    await expect(client.queues.get("sk-q")).rejects.toMatchObject({ status: 404 });
  });

  it("messages: get a delayed message, cancel it, and nothing is delivered", async () => {
    const { messageId } = await one(client.publish({ destination: urlOf("/sk/cancel"), body: "x", delay: "1m" }));
    expect(await client.messages.get(messageId)).toMatchObject({ messageId, url: `${dest.url}/sk/cancel` });
    await client.messages.cancel(messageId);
    await expect(client.messages.get(messageId)).rejects.toMatchObject({ status: 404 });
    const bulk = await one(client.publish({ destination: urlOf("/sk/cancel"), body: "y", delay: "1m" }));
    const { cancelled } = await client.messages.cancelMany({ ids: [bulk.messageId] });
    expect(cancelled).toBe(1);
    await sleep(SETTLE_MS);
    expect(dest.at("/sk/cancel")).toHaveLength(0);
  });

  it("events: the log of a delivered message, filtered by state", async () => {
    const { messageId } = await one(client.publish({ destination: urlOf("/sk/events"), body: "x" }));
    await dest.waitFor("/sk/events", 1);
    const events = await waitFor(async () => {
      const page = await client.events.list({ messageIds: [messageId] });
      return page.events.some((e) => e.state === "DELIVERED") && page.events;
    });
    expect(new Set(events.map((e) => e.state))).toEqual(new Set(["CREATED", "ACTIVE", "DELIVERED"]));
    const delivered = await client.events.list({ filter: { state: "DELIVERED", url: `${dest.url}/sk/events` } });
    expect(delivered.events).toHaveLength(1);
  });

  it("keys: get matches the server, rotate promotes next to current and deliveries still verify", async () => {
    const own = await startDevServer({ port: 0 });
    try {
      const local = new Client({ baseUrl: own.url, token: own.token, retry: false });
      const before = await local.keys.get();
      expect(before).toEqual({ current: own.currentSigningKey, next: own.nextSigningKey });
      const after = await local.keys.rotate();
      expect(after.current).toBe(before.next);
      expect(after.next).not.toBe(before.next);
      // A receiver still holding the old pair accepts deliveries signed with the new current key.
      const oldPair = new Receiver({ currentSigningKey: before.current, nextSigningKey: before.next });
      const target = await startRecordingDestination(({ signature, body, url }) => oldPair.verify({ signature, body, url }));
      try {
        await one(local.publish({ destination: `${target.url}/rotated`, body: "r" }));
        const [delivery] = await target.waitFor("/rotated", 1);
        expect(delivery!.signatureValid).toBe(true);
      } finally {
        await target.close();
      }
    } finally {
      await own.close();
    }
  });
});
