import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
// Relative imports: this unit suite must not depend on modules other engineers are still writing.
import { Client } from "./client.js";
import { InvalidOptionError } from "../errors.js";
import { startScriptedApiServer } from "./scriptedApiServer.fixture.js";
import type { ScriptedApiServer } from "./scriptedApiServer.fixture.js";

let server: ScriptedApiServer;
let client: Client;

beforeAll(async () => {
  server = await startScriptedApiServer();
  client = new Client({ token: "tok", baseUrl: server.url, retry: { retries: 1, backoff: () => 1 } });
});
afterAll(() => server.close());
afterEach(() => server.reset());

/** Method + path (query included) of every request the server saw. */
const calls = () => server.received.map((r) => `${r.method} ${r.path}`);
const query = (index = 0) => new URL(server.received[index]!.path, "http://x").searchParams;

describe("messages", () => {
  it("gets a message, accepting callerIP, numeric strings and nulls", async () => {
    server.reply({
      body: {
        messageId: "msg_1",
        url: "https://example.com/hook",
        header: { "Content-Type": ["text/plain"], "X-One": "single" },
        maxRetries: "3",
        createdAt: 1767225599874,
        notBefore: "1767225600000",
        callerIP: "127.0.0.1",
        labels: null,
        extraField: "ignored",
      },
    });
    const message = await client.messages.get("msg_1");
    expect(calls()).toEqual(["GET /v2/messages/msg_1"]);
    expect(message).toEqual({
      messageId: "msg_1",
      url: "https://example.com/hook",
      header: { "Content-Type": ["text/plain"], "X-One": ["single"] },
      maxRetries: 3,
      createdAt: 1767225599874,
      notBefore: 1767225600000,
      callerIp: "127.0.0.1",
    });
  });

  it("percent-encodes ids in the path", async () => {
    server.reply({ body: { messageId: "a/b" } });
    await client.messages.get("a/b");
    expect(calls()).toEqual(["GET /v2/messages/a%2Fb"]);
  });

  it("cancels one message, ignoring the answer body", async () => {
    server.reply({ body: "" });
    await client.messages.cancel("msg_1");
    expect(calls()).toEqual(["DELETE /v2/messages/msg_1"]);
  });

  it("cancels many by ids, by filter and all", async () => {
    server.reply({ body: { cancelled: 2 } }, { body: { cancelled: "5" } }, { body: { cancelled: 9 } });
    expect(await client.messages.cancelMany({ ids: ["m1", "m2"] })).toEqual({ cancelled: 2 });
    const from = new Date(1_700_000_000_000);
    expect(await client.messages.cancelMany({ filter: { urlGroup: "g", label: ["a", "b"], fromDate: from } })).toEqual({
      cancelled: 5,
    });
    expect(await client.messages.cancelMany({ all: true })).toEqual({ cancelled: 9 });
    expect(server.received.map((r) => r.method)).toEqual(["DELETE", "DELETE", "DELETE"]);
    expect(query(0).getAll("messageIds")).toEqual(["m1", "m2"]);
    expect(query(1).get("topicName")).toBe("g");
    expect(query(1).getAll("label")).toEqual(["a", "b"]);
    expect(query(1).get("fromDate")).toBe("1700000000000");
    expect(server.received[2]?.path).toBe("/v2/messages");
  });

  it("refuses an empty selection instead of cancelling everything", async () => {
    await expect(client.messages.cancelMany({ filter: {} })).rejects.toBeInstanceOf(InvalidOptionError);
    await expect(client.messages.cancelMany({ ids: [] })).rejects.toMatchObject({ option: "ids" });
    await expect(client.messages.cancelMany({ all: false } as never)).rejects.toMatchObject({ option: "selection" });
    expect(server.received).toHaveLength(0);
  });
});

describe("queues", () => {
  it("upserts with all three fields and defaults", async () => {
    server.reply({}, {});
    await client.queues.upsert({ queueName: "emails", parallelism: 3, paused: true });
    await client.queues.upsert({ queueName: "other" });
    expect(calls()).toEqual(["POST /v2/queues", "POST /v2/queues"]);
    expect(server.received[0]?.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(server.received[0]!.body)).toEqual({ queueName: "emails", parallelism: 3, paused: true });
    expect(JSON.parse(server.received[1]!.body)).toEqual({ queueName: "other", parallelism: 1, paused: false });
  });

  it("validates name and parallelism before sending", async () => {
    await expect(client.queues.upsert({ queueName: "a/b" })).rejects.toMatchObject({ option: "queueName" });
    await expect(client.queues.upsert({ queueName: "q", parallelism: 0 })).rejects.toMatchObject({
      option: "parallelism",
    });
    await expect(client.queues.get("../keys")).rejects.toMatchObject({ option: "queueName" });
    expect(server.received).toHaveLength(0);
  });

  it("gets, lists, deletes, pauses and resumes", async () => {
    server.reply(
      { body: { name: "emails", parallelism: 2, lag: "4", paused: true, createdAt: 1 } },
      { body: [{ name: "emails" }] },
      {},
      {},
      {},
    );
    expect(await client.queues.get("emails")).toEqual({ name: "emails", parallelism: 2, lag: 4, paused: true, createdAt: 1 });
    expect(await client.queues.list()).toEqual([{ name: "emails", parallelism: 1, lag: 0, paused: false }]);
    await client.queues.delete("emails");
    await client.queues.pause("emails");
    await client.queues.resume("emails");
    expect(calls()).toEqual([
      "GET /v2/queues/emails",
      "GET /v2/queues",
      "DELETE /v2/queues/emails",
      "POST /v2/queues/emails/pause",
      "POST /v2/queues/emails/resume",
    ]);
  });

  it("rejects a queue without a name", async () => {
    server.reply({ body: [{ parallelism: 1 }] });
    await expect(client.queues.list()).rejects.toMatchObject({ code: "ERR_BAD_RESPONSE", field: "0.name" });
  });
});

describe("dlq", () => {
  const entry = { dlqId: "1725323658779-0", messageId: "msg_1", responseStatus: 500, callerIp: "1.2.3.4" };

  it("lists with filters, cursor and count; an empty cursor means the last page", async () => {
    server.reply({ body: { messages: [entry], cursor: "1725323658779-1" } }, { body: { messages: [], cursor: "" } });
    const first = await client.dlq.list({
      filter: { queueName: "q", responseStatus: 500, urlGroup: "g", toDate: 5 },
      count: 10,
    });
    expect(first).toEqual({ messages: [entry], cursor: "1725323658779-1" });
    const last = await client.dlq.list({ cursor: first.cursor, dlqIds: ["a", "b"], filter: { queueName: "ignored" } });
    expect(last).toEqual({ messages: [], cursor: undefined });
    expect(server.received[0]?.path.startsWith("/v2/dlq?")).toBe(true);
    expect(Object.fromEntries(query(0))).toEqual({
      queueName: "q",
      responseStatus: "500",
      topicName: "g",
      toDate: "5",
      count: "10",
    });
    expect(query(1).getAll("dlqIds")).toEqual(["a", "b"]);
    expect(query(1).get("cursor")).toBe("1725323658779-1");
    expect(query(1).has("queueName")).toBe(false);
  });

  it("gets and deletes one entry", async () => {
    server.reply({ body: entry }, {});
    expect(await client.dlq.get(entry.dlqId)).toEqual(entry);
    await client.dlq.delete(entry.dlqId);
    expect(calls()).toEqual(["GET /v2/dlq/1725323658779-0", "DELETE /v2/dlq/1725323658779-0"]);
  });

  it("rejects an entry without dlqId", async () => {
    server.reply({ body: { messages: [{ messageId: "m" }] } });
    await expect(client.dlq.list()).rejects.toMatchObject({ code: "ERR_BAD_RESPONSE", field: "messages.0.dlqId" });
  });

  it("deletes many with a cursor", async () => {
    server.reply({ body: { deleted: 3, cursor: "c2" } });
    expect(await client.dlq.deleteMany({ filter: { label: "x" } }, { count: 3, cursor: "c1" })).toEqual({
      deleted: 3,
      cursor: "c2",
    });
    expect(server.received[0]?.method).toBe("DELETE");
    expect(Object.fromEntries(query())).toEqual({ label: "x", count: "3", cursor: "c1" });
  });

  it("retries one entry (201) with override headers and many in bulk", async () => {
    server.reply({ status: 201, body: { messageId: "msg_new" } }, { body: { responses: [{ messageId: "m2" }], cursor: "" } });
    expect(await client.dlq.retry("d1", { "Upstash-Retries": "0" })).toEqual({ messageId: "msg_new" });
    expect(await client.dlq.retryMany({ ids: ["d2"] })).toEqual({ responses: [{ messageId: "m2" }], cursor: undefined });
    expect(calls()).toEqual(["POST /v2/dlq/retry/d1", "POST /v2/dlq/retry?dlqIds=d2"]);
    expect(server.received[0]?.headers["upstash-retries"]).toBe("0");
  });
});

describe("schedules", () => {
  it("creates with cron, id, queue and the publish headers", async () => {
    server.reply({ body: { scheduleId: "nightly" } });
    const result = await client.schedules.create({
      destination: "https://example.com/api/report",
      cron: "CRON_TZ=Europe/Berlin 0 8 * * 1",
      scheduleId: "nightly",
      queueName: "reports",
      body: { kind: "weekly" },
      retries: 2,
      callback: "https://example.com/api/done",
    });
    expect(result).toEqual({ scheduleId: "nightly" });
    const seen = server.received[0]!;
    expect(`${seen.method} ${seen.path}`).toBe("POST /v2/schedules/https://example.com/api/report");
    expect(seen.headers).toMatchObject({
      authorization: "Bearer tok",
      "upstash-cron": "CRON_TZ=Europe/Berlin 0 8 * * 1",
      "upstash-schedule-id": "nightly",
      "upstash-queue-name": "reports",
      "upstash-retries": "2",
      "upstash-callback": "https://example.com/api/done",
      "content-type": "application/json",
    });
    expect(seen.body).toBe('{"kind":"weekly"}');
  });

  it("defaults Content-Type to JSON unless one is given", async () => {
    server.reply({ body: { scheduleId: "a" } }, { body: { scheduleId: "b" } });
    const base = { destination: "https://example.com/x", cron: "* * * * *", body: "plain" };
    await client.schedules.create(base);
    await client.schedules.create({ ...base, contentType: "text/plain" });
    expect(server.received.map((r) => r.headers["content-type"])).toEqual(["application/json", "text/plain"]);
  });

  it("retries creation on 5xx only with a fixed scheduleId", async () => {
    server.reply({ status: 503 }, { body: { scheduleId: "fixed" } });
    await client.schedules.create({ destination: "https://example.com/x", cron: "* * * * *", scheduleId: "fixed" });
    expect(server.received).toHaveLength(2);
    server.reset();
    server.reply({ status: 503 }, { body: { scheduleId: "scd_2" } });
    await expect(client.schedules.create({ destination: "https://example.com/x", cron: "* * * * *" })).rejects.toMatchObject({
      status: 503,
    });
    expect(server.received).toHaveLength(1);
  });

  it.each([["* * * *"], ["* * * * * *"], [""], ["* * * * *\r\nX: y"]])("rejects the cron %j", async (cron) => {
    await expect(client.schedules.create({ destination: "https://example.com/x", cron })).rejects.toMatchObject({
      option: "cron",
    });
    expect(server.received).toHaveLength(0);
  });

  it("rejects notBefore and unknown options before sending", async () => {
    const base = { destination: "https://example.com/x", cron: "* * * * *" };
    await expect(client.schedules.create({ ...base, notBefore: 1 } as never)).rejects.toMatchObject({
      option: "notBefore",
    });
    await expect(client.schedules.create({ ...base, bogus: 1 } as never)).rejects.toMatchObject({ option: "bogus" });
    expect(server.received).toHaveLength(0);
  });

  it("retries creation on 5xx when deduplicated", async () => {
    server.reply({ status: 500 }, { status: 202, body: { scheduleId: "scd_1" } });
    const base = { destination: "https://example.com/x", cron: "* * * * *" };
    expect(await client.schedules.create({ ...base, deduplicationId: "d" })).toEqual({ scheduleId: "scd_1" });
    expect(server.received).toHaveLength(2);
    expect(server.received[1]?.headers["upstash-deduplication-id"]).toBe("d");
  });

  it("gets, lists, deletes, pauses and resumes", async () => {
    const schedule = {
      scheduleId: "scd_1",
      cron: "0 * * * *",
      destination: "https://example.com/x",
      createdAt: 1,
      callerIP: "1.1.1.1",
      lastScheduleStates: { msg_1: "SUCCESS" },
    };
    server.reply({ body: schedule }, { body: [schedule] }, {}, {}, {});
    const { callerIP: _dropped, ...rest } = schedule;
    const expected = { ...rest, callerIp: "1.1.1.1", isPaused: false };
    expect(await client.schedules.get("scd_1")).toEqual(expected);
    expect(await client.schedules.list()).toEqual([expected]);
    await client.schedules.delete("scd_1");
    await client.schedules.pause("scd_1");
    await client.schedules.resume("scd_1");
    expect(calls()).toEqual([
      "GET /v2/schedules/scd_1",
      "GET /v2/schedules",
      "DELETE /v2/schedules/scd_1",
      "PATCH /v2/schedules/scd_1/pause",
      "PATCH /v2/schedules/scd_1/resume",
    ]);
  });

  it("rejects a schedule without cron", async () => {
    server.reply({ body: { scheduleId: "s", destination: "d" } });
    await expect(client.schedules.get("s")).rejects.toMatchObject({ code: "ERR_BAD_RESPONSE", field: "cron" });
  });
});

describe("urlGroups", () => {
  it("adds and removes endpoints with JSON bodies", async () => {
    server.reply({}, {});
    await client.urlGroups.addEndpoints("billing", [{ url: "https://a.example/hook", name: "a" }]);
    await client.urlGroups.removeEndpoints("billing", [{ name: "a" }, { url: "https://b.example/" }]);
    expect(calls()).toEqual(["POST /v2/topics/billing/endpoints", "DELETE /v2/topics/billing/endpoints"]);
    expect(JSON.parse(server.received[0]!.body)).toEqual({ endpoints: [{ url: "https://a.example/hook", name: "a" }] });
    expect(JSON.parse(server.received[1]!.body)).toEqual({ endpoints: [{ name: "a" }, { url: "https://b.example/" }] });
    expect(server.received[1]?.headers["content-type"]).toBe("application/json");
  });

  it("validates endpoints before sending", async () => {
    await expect(client.urlGroups.addEndpoints("g", [{ url: "ftp://x" }])).rejects.toMatchObject({
      option: "endpoints.0.url",
    });
    await expect(client.urlGroups.addEndpoints("g", [])).rejects.toMatchObject({ option: "endpoints" });
    await expect(client.urlGroups.removeEndpoints("g", [{} as never])).rejects.toMatchObject({ option: "endpoints.0" });
    expect(server.received).toHaveLength(0);
  });

  it("gets, lists and deletes", async () => {
    const group = { name: "billing", createdAt: 1, updatedAt: 2, endpoints: [{ url: "https://a.example/", name: "a" }] };
    server.reply({ body: group }, { body: [{ name: "empty", endpoints: null }] }, {});
    expect(await client.urlGroups.get("billing")).toEqual(group);
    expect(await client.urlGroups.list()).toEqual([{ name: "empty", endpoints: [] }]);
    await client.urlGroups.delete("billing");
    expect(calls()).toEqual(["GET /v2/topics/billing", "GET /v2/topics", "DELETE /v2/topics/billing"]);
  });
});

describe("keys and events", () => {
  it("rotates keys with POST", async () => {
    server.reply({ body: { current: "sig_next", next: "sig_new" } });
    expect(await client.keys.rotate()).toEqual({ current: "sig_next", next: "sig_new" });
    expect(calls()).toEqual(["POST /v2/keys/rotate"]);
  });

  it("rejects a key pair with a missing key", async () => {
    server.reply({ body: { current: "a" } });
    await expect(client.keys.get()).rejects.toMatchObject({ code: "ERR_BAD_RESPONSE", field: "next" });
  });

  it("lists events with filters, keeping a big cursor as a string", async () => {
    const event = { time: 1, messageId: "m", state: "DELIVERED", responseStatus: "200", callerIP: "1.2.3.4" };
    server.reply({ body: { events: [event], cursor: 123 } });
    const page = await client.events.list({
      filter: { state: "FAILED", label: ["a", "b"], host: "example.com" },
      count: 50,
      cursor: "98765432109876543210",
    });
    expect(page).toEqual({
      events: [{ time: 1, messageId: "m", state: "DELIVERED", responseStatus: 200, callerIp: "1.2.3.4" }],
      cursor: "123",
    });
    expect(server.received[0]?.path.startsWith("/v2/events?")).toBe(true);
    expect(query().get("state")).toBe("FAILED");
    expect(query().getAll("label")).toEqual(["a", "b"]);
    expect(query().get("cursor")).toBe("98765432109876543210");
    expect(query().get("count")).toBe("50");
  });

  it("accepts the {logs} answer shape of /v2/logs and messageIds selection", async () => {
    server.reply({ body: { logs: [{ time: "5", messageId: "m", state: "CREATED" }] } });
    const page = await client.events.list({ messageIds: ["m"] });
    expect(page).toEqual({ events: [{ time: 5, messageId: "m", state: "CREATED" }], cursor: undefined });
    expect(query().getAll("messageIds")).toEqual(["m"]);
  });

  it("rejects an event without state", async () => {
    server.reply({ body: { events: [{ time: 1, messageId: "m" }] } });
    await expect(client.events.list()).rejects.toMatchObject({ field: "events.0.state" });
  });
});
