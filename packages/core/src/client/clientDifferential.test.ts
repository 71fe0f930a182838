// Differential test: the official @upstash/qstash client (devDependency) and
// ours send the same calls to one recording server; the wire requests must
// agree on method, path and the configuration headers.
import { Client as OfficialClient } from "@upstash/qstash";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { Client } from "./client.js";
import { startScriptedApiServer } from "./scriptedApiServer.fixture.js";
import type { Received, ScriptedApiServer } from "./scriptedApiServer.fixture.js";

let server: ScriptedApiServer;
let ours: Client;
let official: OfficialClient;

beforeAll(async () => {
  vi.stubEnv("UPSTASH_DISABLE_TELEMETRY", "1");
  server = await startScriptedApiServer();
  ours = new Client({ token: "tok", baseUrl: server.url, retry: false });
  official = new OfficialClient({ token: "tok", baseUrl: server.url, retry: false });
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await server.close();
});
afterEach(() => server.reset());

/** Runs the official call then ours, each against the same scripted body; returns both requests. */
async function both(body: unknown, officialCall: () => Promise<unknown>, ourCall: () => Promise<unknown>) {
  server.reply({ body }, { body });
  await officialCall();
  await ourCall();
  expect(server.received).toHaveLength(2);
  return server.received as [Received, Received];
}

const line = (r: Received) => `${r.method} ${new URL(r.path, "http://x").pathname}`;
const CONFIG_HEADERS = /^(content-type|upstash-(?!telemetry).*)$/;
function configHeaders(r: Received): Record<string, unknown> {
  return Object.fromEntries(Object.entries(r.headers).filter(([name]) => CONFIG_HEADERS.test(name)));
}

describe("wire parity with @upstash/qstash 2.12", () => {
  it("publishJSON: same path, body and configuration headers", async () => {
    const common = {
      body: { orderId: 42 },
      retries: 2,
      delay: 10,
      retryDelay: "pow(2, retried) * 1000",
      callback: "https://example.com/cb",
      failureCallback: "https://example.com/fail",
      deduplicationId: "d-1",
      headers: { "X-Tenant": "acme" },
    } as const;
    const [theirs, mine] = await both(
      { messageId: "m", url: "https://example.com/hook" },
      () => official.publishJSON({ url: "https://example.com/hook", ...common }),
      () => ours.publishJSON({ destination: "https://example.com/hook", ...common }),
    );
    expect(mine.path).toBe(theirs.path);
    expect(mine.body).toBe(theirs.body);
    expect(configHeaders(mine)).toEqual(configHeaders(theirs));
  });

  it("enqueue: same path", async () => {
    const [theirs, mine] = await both(
      { messageId: "m" },
      () => official.queue({ queueName: "emails" }).enqueue({ url: "https://example.com/x", body: "b" }),
      () => ours.enqueue({ queueName: "emails", destination: "https://example.com/x", body: "b" }),
    );
    expect(`${mine.method} ${mine.path}`).toBe(`${theirs.method} ${theirs.path}`);
    expect(configHeaders(mine)).toEqual(configHeaders(theirs));
  });

  it("batchJSON: same entries apart from telemetry", async () => {
    const [theirs, mine] = await both(
      [{ messageId: "a" }, { messageId: "b" }],
      () =>
        official.batchJSON([
          { url: "https://example.com/a", body: { n: 1 }, retries: 1 },
          { url: "https://example.com/b", body: { n: 2 }, queueName: "q" },
        ]),
      () =>
        ours.batchJSON([
          { destination: "https://example.com/a", body: { n: 1 }, retries: 1 },
          { destination: "https://example.com/b", body: { n: 2 }, queueName: "q" },
        ]),
    );
    expect(line(mine)).toBe(line(theirs));
    type Entry = { destination: string; body?: string; queue?: string; headers: Record<string, string> };
    const strip = (entries: Entry[]) =>
      entries.map(({ headers, ...rest }) => ({
        ...rest,
        headers: Object.fromEntries(Object.entries(headers).filter(([name]) => CONFIG_HEADERS.test(name.toLowerCase()))),
      }));
    expect(strip(JSON.parse(mine.body) as Entry[])).toEqual(strip(JSON.parse(theirs.body) as Entry[]));
  });

  it("schedules.create: same path and schedule headers", async () => {
    const [theirs, mine] = await both(
      { scheduleId: "s1" },
      () =>
        official.schedules.create({
          destination: "https://example.com/x",
          cron: "0 * * * *",
          scheduleId: "s1",
          queueName: "q",
          retries: 1,
          body: "b",
        }),
      () =>
        ours.schedules.create({
          destination: "https://example.com/x",
          cron: "0 * * * *",
          scheduleId: "s1",
          queueName: "q",
          retries: 1,
          body: "b",
        }),
    );
    expect(`${mine.method} ${mine.path}`).toBe(`${theirs.method} ${theirs.path}`);
    expect(mine.body).toBe(theirs.body);
    for (const name of ["upstash-cron", "upstash-schedule-id", "upstash-queue-name", "upstash-retries", "content-type"]) {
      expect(mine.headers[name], name).toBe(theirs.headers[name]);
    }
  });

  const queue = { name: "q", parallelism: 1, lag: 0, paused: false, createdAt: 1, updatedAt: 1 };
  const schedule = { scheduleId: "s1", cron: "* * * * *", destination: "https://example.com/x", createdAt: 1 };
  const group = { name: "g", createdAt: 1, updatedAt: 1, endpoints: [{ url: "https://a.example/" }] };
  const message = { messageId: "m1", url: "https://example.com/x", createdAt: 1 };

  it.each<[string, unknown, () => Promise<unknown>, () => Promise<unknown>]>([
    ["messages.get", message, () => official.messages.get("m1"), () => ours.messages.get("m1")],
    ["messages.cancel", { cancelled: 1 }, () => official.messages.delete("m1"), () => ours.messages.cancel("m1")],
    ["queues.upsert", {}, () => official.queue({ queueName: "q" }).upsert({ parallelism: 2 }), () => ours.queues.upsert({ queueName: "q", parallelism: 2 })],
    ["queues.get", queue, () => official.queue({ queueName: "q" }).get(), () => ours.queues.get("q")],
    ["queues.list", [queue], () => official.queue().list(), () => ours.queues.list()],
    ["queues.delete", {}, () => official.queue({ queueName: "q" }).delete(), () => ours.queues.delete("q")],
    ["queues.pause", {}, () => official.queue({ queueName: "q" }).pause(), () => ours.queues.pause("q")],
    ["queues.resume", {}, () => official.queue({ queueName: "q" }).resume(), () => ours.queues.resume("q")],
    ["dlq.list", { messages: [] }, () => official.dlq.listMessages(), () => ours.dlq.list()],
    ["schedules.get", schedule, () => official.schedules.get("s1"), () => ours.schedules.get("s1")],
    ["schedules.list", [schedule], () => official.schedules.list(), () => ours.schedules.list()],
    ["schedules.delete", {}, () => official.schedules.delete("s1"), () => ours.schedules.delete("s1")],
    ["schedules.pause", {}, () => official.schedules.pause({ schedule: "s1" }), () => ours.schedules.pause("s1")],
    ["schedules.resume", {}, () => official.schedules.resume({ schedule: "s1" }), () => ours.schedules.resume("s1")],
    ["urlGroups.get", group, () => official.urlGroups.get("g"), () => ours.urlGroups.get("g")],
    ["urlGroups.list", [group], () => official.urlGroups.list(), () => ours.urlGroups.list()],
    ["urlGroups.delete", {}, () => official.urlGroups.delete("g"), () => ours.urlGroups.delete("g")],
    [
      "urlGroups.addEndpoints",
      {},
      () => official.urlGroups.addEndpoints({ name: "g", endpoints: [{ url: "https://a.example/" }] }),
      () => ours.urlGroups.addEndpoints("g", [{ url: "https://a.example/" }]),
    ],
    [
      "urlGroups.removeEndpoints",
      {},
      () => official.urlGroups.removeEndpoints({ name: "g", endpoints: [{ url: "https://a.example/" }] }),
      () => ours.urlGroups.removeEndpoints("g", [{ url: "https://a.example/" }]),
    ],
    ["events.list", { events: [] }, () => official.logs(), () => ours.events.list()],
  ])("%s: same method, path and JSON body", async (_name, body, officialCall, ourCall) => {
    const [theirs, mine] = await both(body, officialCall, ourCall);
    expect(line(mine)).toBe(line(theirs));
    if (theirs.body !== "") expect(JSON.parse(mine.body)).toEqual(JSON.parse(theirs.body));
  });
});

describe("filter query parity with @upstash/qstash 2.12", () => {
  /** Query entries sorted, without `count` (the SDK adds its own page size). */
  const params = (r: Received) =>
    [...new URL(r.path, "http://x").searchParams].filter(([key]) => key !== "count").sort(([a], [b]) => a.localeCompare(b));

  it("messages.cancelMany with a filter", async () => {
    const filter = { queueName: "q", urlGroup: ["g1", "g2"], label: "l", fromDate: 1000, host: "example.com" };
    const [theirs, mine] = await both(
      { cancelled: 1 },
      () => official.messages.cancel({ filter }),
      () => ours.messages.cancelMany({ filter }),
    );
    expect(line(mine)).toBe(line(theirs));
    expect(params(mine)).toEqual(params(theirs));
  });

  it("dlq.list with a filter and cursor", async () => {
    const filter = { queueName: "q", responseStatus: 500, urlGroup: "g", toDate: 5, label: "x" };
    const [theirs, mine] = await both(
      { messages: [] },
      () => official.dlq.listMessages({ cursor: "c1", filter }),
      () => ours.dlq.list({ cursor: "c1", filter }),
    );
    expect(params(mine)).toEqual(params(theirs));
  });

  it("dlq.deleteMany and retryMany by ids", async () => {
    const [theirs, mine] = await both(
      { deleted: 2 },
      () => official.dlq.delete(["d1", "d2"]),
      () => ours.dlq.deleteMany({ ids: ["d1", "d2"] }),
    );
    expect(line(mine)).toBe(line(theirs));
    expect(params(mine)).toEqual(params(theirs));
    server.reset();
    const [theirRetry, myRetry] = await both(
      { responses: [] },
      () => official.dlq.retry(["d1"]),
      () => ours.dlq.retryMany({ ids: ["d1"] }),
    );
    expect(line(myRetry)).toBe(line(theirRetry));
    expect(params(myRetry)).toEqual(params(theirRetry));
  });

  it("events.list with a filter", async () => {
    const filter = { state: "FAILED" as const, queueName: "q", messageId: "m1", fromDate: 7 };
    const [theirs, mine] = await both(
      { events: [] },
      () => official.logs({ filter }),
      () => ours.events.list({ filter }),
    );
    expect(params(mine)).toEqual(params(theirs));
  });
});
