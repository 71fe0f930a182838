import { Client, Receiver } from "@upstash/qstash";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DevServer } from "./startDevServer.js";
import { startDevServer } from "./startDevServer.js";
import type { Destination } from "./testSupport.fixture.js";
import { startDestination } from "./testSupport.fixture.js";

// A quick compatibility check with the official SDK; the full suite lives in /test.
let dev: DevServer;
let dest: Destination;
let failing: Destination;
let client: Client;

beforeAll(async () => {
  process.env["UPSTASH_DISABLE_TELEMETRY"] = "1";
  dev = await startDevServer({ port: 0, defaultRetryDelay: () => 5 });
  dest = await startDestination();
  failing = await startDestination(() => ({ status: 500 }));
  client = new Client({ baseUrl: dev.url, token: dev.token });
});

afterAll(async () => {
  await dev.close();
  await dest.close();
  await failing.close();
});

describe("official @upstash/qstash Client against the dev server", () => {
  it("publishJSON delivers a body the official Receiver verifies", async () => {
    const result = await client.publishJSON({ url: `${dest.url}/sdk`, body: { hello: "world" }, headers: { "x-a": "b" } });
    expect(result.messageId).toMatch(/^msg_/);
    const [request] = await dest.waitFor(1);
    expect(request!.headers["x-a"]).toBe("b");
    const receiver = new Receiver({ currentSigningKey: dev.currentSigningKey, nextSigningKey: dev.nextSigningKey });
    await expect(
      receiver.verify({ signature: String(request!.headers["upstash-signature"]), body: request!.body.toString(), url: `${dest.url}/sdk` }),
    ).resolves.toBe(true);
  });

  it("queues, schedules, URL groups, batch and messages round-trip", async () => {
    await client.queue({ queueName: "sdkq" }).upsert({ parallelism: 2 });
    expect(await client.queue({ queueName: "sdkq" }).get()).toMatchObject({ name: "sdkq", parallelism: 2 });
    await client.queue({ queueName: "sdkq" }).enqueueJSON({ url: `${dest.url}/q`, body: { n: 1 } });
    await client.queue({ queueName: "sdkq" }).pause();
    await client.queue({ queueName: "sdkq" }).resume();
    expect((await client.queue().list()).map((q) => q.name)).toContain("sdkq");
    await client.queue({ queueName: "sdkq" }).delete();

    const { scheduleId } = await client.schedules.create({ destination: `${dest.url}/s`, cron: "*/5 * * * *", body: "x" });
    expect((await client.schedules.get(scheduleId)).cron).toBe("*/5 * * * *");
    await client.schedules.pause({ schedule: scheduleId });
    expect((await client.schedules.get(scheduleId)).isPaused).toBe(true);
    await client.schedules.resume({ schedule: scheduleId });
    expect((await client.schedules.list()).length).toBe(1);
    await client.schedules.delete(scheduleId);

    await client.urlGroups.addEndpoints({ name: "sdkg", endpoints: [{ url: `${dest.url}/g1` }, { url: `${dest.url}/g2` }] });
    expect((await client.urlGroups.get("sdkg")).endpoints).toHaveLength(2);
    const fanned = await client.publishJSON({ urlGroup: "sdkg", body: { fan: true } });
    expect(Array.isArray(fanned)).toBe(true);
    await client.urlGroups.removeEndpoints({ name: "sdkg", endpoints: [{ url: `${dest.url}/g1` }] });
    await client.urlGroups.delete("sdkg");

    const batch = await client.batchJSON([{ url: `${dest.url}/b1`, body: 1 }, { url: `${dest.url}/b2`, body: 2 }]);
    expect(batch).toHaveLength(2);

    const delayed = await client.publish({ url: `${dest.url}/later`, body: "x", delay: 60 });
    expect((await client.messages.get(delayed.messageId)).messageId).toBe(delayed.messageId);
    await client.messages.delete(delayed.messageId);
    await dev.idle();
  });

  it("dlq listing, retry and delete; logs; keys probe", async () => {
    await client.publish({ url: `${failing.url}/x`, body: "f", retries: 0 });
    await dev.idle();
    const { messages } = await client.dlq.listMessages();
    expect(messages).toHaveLength(1);
    expect(messages[0]!.responseStatus).toBe(500);
    const retried = await client.dlq.retry({ dlqIds: [messages[0]!.dlqId] });
    expect(retried.responses).toHaveLength(1);
    await dev.idle();
    const again = await client.dlq.listMessages();
    expect(again.messages).toHaveLength(1);
    await client.dlq.delete(again.messages[0]!.dlqId);
    expect((await client.dlq.listMessages()).messages).toHaveLength(0);

    const logs = await client.logs({ filter: { state: "DELIVERED" } });
    expect(logs.logs.length).toBeGreaterThan(0);
    expect(logs.logs.every((log) => log.state === "DELIVERED")).toBe(true);

    expect(await client.http.request({ path: ["v2", "keys"], method: "GET" })).toEqual({
      current: dev.currentSigningKey,
      next: dev.nextSigningKey,
    });
  });

  it("dev mode: the SDK's /v2/keys probe accepts this server and the SDK uses it", async () => {
    const previous = process.env["QSTASH_DEV_PORT"];
    process.env["QSTASH_DEV_PORT"] = String(dev.port);
    try {
      const devClient = new Client({ devMode: true });
      const before = dest.requests.length;
      await devClient.publish({ url: `${dest.url}/dev-mode`, body: "dev" });
      const requests = await dest.waitFor(before + 1);
      expect(requests.some((r) => r.path === "/dev-mode")).toBe(true);
    } finally {
      if (previous === undefined) delete process.env["QSTASH_DEV_PORT"];
      else process.env["QSTASH_DEV_PORT"] = previous;
    }
  });
});
