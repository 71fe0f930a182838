import { afterEach, describe, expect, it } from "vitest";
import type { DevServer } from "../startDevServer.js";
import { startDevServer } from "../startDevServer.js";
import type { Destination } from "../testSupport.fixture.js";
import { allPages, api, startDestination } from "../testSupport.fixture.js";
import type { RetainedRecord, SharedPayload } from "./retention.js";
import { RetentionBudget } from "./retention.js";

const MiB = 1024 * 1024;

let dev: DevServer | undefined;
let dest: Destination | undefined;

afterEach(async () => {
  await dev?.close();
  await dest?.close();
});

async function listAll(call: ReturnType<typeof api>, path: string, key: string): Promise<any[]> {
  const { items } = await allPages(async (cursor) => {
    const page = await call("GET", `${path}${cursor ? `&cursor=${cursor}` : ""}`);
    return { items: page.json[key], cursor: page.json.cursor };
  });
  return items;
}

const allDlq = (call: ReturnType<typeof api>) => listAll(call, "/v2/dlq?count=100", "messages");
const allEvents = (call: ReturnType<typeof api>) => listAll(call, "/v2/events?count=1000", "events");

describe("retained history is bounded by bytes", () => {
  it("keeps the DLQ, the log and the response records under maxRetainedBytes, evicting the oldest first", async () => {
    dev = await startDevServer({ port: 0, maxRetainedBytes: 16 * MiB });
    const responseBody = "e".repeat(MiB);
    dest = await startDestination(() => ({ status: 500, body: responseBody }));
    const call = api(dev.url, dev.token);
    const ids: string[] = [];
    // One at a time, so dead-letter order is publish order and "oldest first" is checkable.
    for (let i = 0; i < 60; i += 1) {
      const published = await call("POST", `/v2/publish/${dest.url}/f${i}`, { headers: { "upstash-retries": "0" }, body: `m${i}` });
      ids.push(published.json.messageId);
      await dev.idle();
    }
    const dlq = await allDlq(call);
    const retainedResponseBytes = dlq.reduce((sum, entry) => sum + (entry.responseBody?.length ?? 0), 0);
    expect(retainedResponseBytes).toBeLessThanOrEqual(16 * MiB);
    expect(dlq.length).toBeGreaterThan(0);
    expect(dlq.length).toBeLessThan(16);
    // Oldest first: what is left is the newest run of messages.
    const kept = dlq.map((entry) => entry.messageId);
    expect(kept).toEqual(ids.slice(ids.length - kept.length));
    const events = await allEvents(call);
    // A message's ERROR and FAILED entries share one response record: count it once.
    const responses = new Map(events.filter((event) => event.responseBody !== undefined).map((event) => [event.messageId, event.responseBody.length * 0.75]));
    const eventResponseBytes = [...responses.values()].reduce((sum, bytes) => sum + bytes, 0);
    expect(eventResponseBytes).toBeLessThanOrEqual(16 * MiB);
    expect(events.some((event) => event.messageId === ids[0])).toBe(false);
    expect(events.some((event) => event.messageId === ids[59])).toBe(true);
  }, 60_000);

  it("counts a message body once however many log entries refer to it", async () => {
    dev = await startDevServer({ port: 0, maxRetainedBytes: 8 * MiB });
    dest = await startDestination(() => ({ status: 500 }));
    const call = api(dev.url, dev.token);
    const published = await call("POST", `/v2/publish/${dest.url}/r`, {
      headers: { "upstash-retries": "20", "upstash-retry-delay": "1" },
      body: "b".repeat(MiB),
    });
    await dev.idle();
    const events = (await allEvents(call)).filter((event) => event.messageId === published.json.messageId);
    // CREATED, 21 × (ACTIVE, ERROR), 20 × RETRY, FAILED: all of them fit in 8 MiB when the body counts once.
    expect(events).toHaveLength(1 + 21 * 2 + 20 + 1);
    expect((await allDlq(call)).map((entry) => entry.messageId)).toEqual([published.json.messageId]);
  }, 60_000);
});

describe("RetentionBudget", () => {
  interface TestRecord extends RetainedRecord {
    name: number;
  }
  const evicted: number[] = [];
  function record(name: number, ownBytes: number, message: SharedPayload = { retainedBy: 0, retainedBytes: 0 }): TestRecord {
    return { name, ownBytes, message, budgeted: false, evict: () => void evicted.push(name) };
  }

  it("evicts the oldest records still counted, skipping released ones, and keeps the byte total exact", () => {
    evicted.length = 0;
    const budget = new RetentionBudget(10_000);
    const records = Array.from({ length: 5000 }, (_, i) => record(i, 1));
    for (const item of records) budget.retain(item);
    // Release every record but the multiples of 10: holes outnumber live slots, so the list is rebuilt.
    for (const item of records) if (item.name % 10 !== 0) budget.release(item);
    expect(budget.bytes).toBe(500);
    budget.release(records[1]!); // already released: a no-op
    budget.retain(records[0]!); // already counted: a no-op
    expect(budget.bytes).toBe(500);
    budget.retain(record(-1, 9_502)); // 2 bytes over: the two oldest counted records go
    expect(evicted).toEqual([0, 10]);
    expect(budget.bytes).toBe(10_000);
    expect(records[0]!.budgeted).toBe(false);
    expect(records[20]!.budgeted).toBe(true);
  });

  it("counts a shared payload once and frees it with its last record", () => {
    evicted.length = 0;
    const budget = new RetentionBudget(1_000);
    const body: SharedPayload = { retainedBy: 0, retainedBytes: 400 };
    const first = record(1, 10, body);
    const second = record(2, 10, body);
    budget.retain(first);
    budget.retain(second);
    expect(budget.bytes).toBe(420);
    budget.release(first);
    expect(budget.bytes).toBe(410);
    budget.release(second);
    expect(budget.bytes).toBe(0);
    // A record larger than the whole budget evicts everything, itself included.
    budget.retain(record(3, 2_000));
    expect(evicted).toEqual([3]);
    expect(budget.bytes).toBe(0);
  });
});
