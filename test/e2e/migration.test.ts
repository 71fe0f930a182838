// The README's "Coming from the official SDK" table, row by row: the official @upstash/qstash
// call and the stashkit call it names are run against the same dev server, and must have the
// same effect (what reaches the destination, what the API answers).
import { Client as OfficialClient, Receiver as OfficialReceiver } from "@upstash/qstash";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { Client, defineDestination, Receiver } from "@stashkit/core";
import { signDelivery } from "@stashkit/core/testing";
import { route } from "@stashkit/next";
import { startE2eHarness, type E2eHarness } from "./recordingDestination.js";
import { waitFor } from "./waitFor.js";

// Loaded without letting tsc resolve it: its types pull in Next's global declarations, which
// would retype process.env for every test in the repository.
type AppRouterWrapper = (
  handler: (request: Request) => Promise<Response>,
  config: { currentSigningKey: string; nextSigningKey: string },
) => (request: Request) => Promise<Response>;
const officialNextjs: string = "@upstash/qstash/nextjs";
const { verifySignatureAppRouter } = (await import(officialNextjs)) as { verifySignatureAppRouter: AppRouterWrapper };

let harness: E2eHarness;
let official: OfficialClient;
let ours: Client;

beforeAll(async () => {
  process.env["UPSTASH_DISABLE_TELEMETRY"] = "1";
  harness = await startE2eHarness((keys) => {
    const receiver = new Receiver(keys);
    return ({ signature, body, url }) => receiver.verify({ signature, body, url });
  });
  official = new OfficialClient({ baseUrl: harness.dev.url, token: harness.dev.token, retry: false });
  ours = new Client({ baseUrl: harness.dev.url, token: harness.dev.token, retry: false });
});

afterAll(async () => {
  await harness.close();
});

/** Headers of a delivery that do not differ between two messages with the same content. */
function stable(headers: Record<string, unknown>): Record<string, unknown> {
  const drop = /^(upstash-(signature|message-id|retried)|host|content-length|connection|date|keep-alive)$/;
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !drop.test(name)));
}

describe("Coming from the official SDK: each row does what its official counterpart does", () => {
  it("publishJSON({ url }) → publishJSON({ destination })", async () => {
    const { dest } = harness;
    await official.publishJSON({ url: `${dest.url}/m/publish-official`, body: { hello: "world" } });
    await ours.publishJSON({ destination: `${dest.url}/m/publish-ours`, body: { hello: "world" } });
    const [theirs] = await dest.waitFor("/m/publish-official", 1);
    const [mine] = await dest.waitFor("/m/publish-ours", 1);
    expect(mine!.text).toBe(theirs!.text);
    expect(stable(mine!.headers)).toEqual(stable(theirs!.headers));
    expect(mine!.signatureValid && theirs!.signatureValid).toBe(true);
  });

  it("Upstash-Callback-Forward-* headers → callback: { url, headers }", async () => {
    const { dest } = harness;
    await official.publishJSON({
      url: `${dest.url}/m/cb-source-official`,
      body: 1,
      callback: `${dest.url}/m/cb-official`,
      headers: { "Upstash-Callback-Forward-X-Cb": "yes" },
    });
    await ours.publishJSON({
      destination: `${dest.url}/m/cb-source-ours`,
      body: 1,
      callback: { url: `${dest.url}/m/cb-ours`, headers: { "X-Cb": "yes" } },
    });
    const [theirs] = await dest.waitFor("/m/cb-official", 1);
    const [mine] = await dest.waitFor("/m/cb-ours", 1);
    expect(theirs!.headers["x-cb"]).toBe("yes");
    expect(mine!.headers["x-cb"]).toBe("yes");
  });

  it("queue({ queueName }).enqueueJSON({ url }) → enqueueJSON({ queueName, destination })", async () => {
    const { dest } = harness;
    await official.queue({ queueName: "migration-official" }).enqueueJSON({ url: `${dest.url}/m/q-official`, body: { n: 1 } });
    await ours.enqueueJSON({ queueName: "migration-ours", destination: `${dest.url}/m/q-ours`, body: { n: 1 } });
    const [theirs] = await dest.waitFor("/m/q-official", 1);
    const [mine] = await dest.waitFor("/m/q-ours", 1);
    expect(mine!.text).toBe(theirs!.text);
    expect(await ours.queues.get("migration-ours")).toMatchObject({ name: "migration-ours" });
    expect(await ours.queues.get("migration-official")).toMatchObject({ name: "migration-official" });
  });

  it("dlq.listMessages({ filter }) → dlq.list({ filter })", async () => {
    const { dest } = harness;
    const url = `${dest.url}/m/dead` as const;
    dest.route("/m/dead", () => ({ status: 500, body: "boom" }));
    const { messageId } = await ours.publishJSON({ destination: url, body: "x", retries: 0 });
    const theirs = await waitFor(async () => {
      const { messages } = await official.dlq.listMessages({ filter: { url } });
      return messages.length > 0 && messages;
    });
    const mine = await ours.dlq.list({ filter: { url } });
    expect(mine.messages.map((m) => [m.dlqId, m.messageId])).toEqual(theirs.map((m) => [m.dlqId, m.messageId]));
    expect(mine.messages[0]).toMatchObject({ messageId, responseStatus: 500 });
  });

  it("logs({ filter }) → events.list({ filter })", async () => {
    const { dest } = harness;
    const { messageId } = await ours.publishJSON({ destination: `${dest.url}/m/logged`, body: "x" });
    await dest.waitFor("/m/logged", 1);
    const theirs = await waitFor(async () => {
      const { logs } = await official.logs({ filter: { messageId } });
      return logs.some((log) => log.state === "DELIVERED") && logs;
    });
    const mine = await ours.events.list({ filter: { messageId } });
    expect(mine.events.map((event) => [event.state, event.time])).toEqual(theirs.map((log) => [log.state, log.time]));
  });

  it("verifySignatureAppRouter(handler) → route(defineDestination({ path, handler })), schema optional", async () => {
    const keys = { currentSigningKey: harness.dev.currentSigningKey, nextSigningKey: harness.dev.nextSigningKey };
    const url = "http://localhost:3000/api/hook";
    const body = JSON.stringify({ to: "ada@example.com" });
    const theirs = verifySignatureAppRouter(async (request: Request) => Response.json(await request.json()), keys);
    const { POST } = route(defineDestination({ path: "/api/hook", handler: ({ payload }) => payload, ...keys }));
    const typed = route(defineDestination({ path: "/api/hook", schema: z.object({ to: z.string() }), handler: ({ payload }) => payload, ...keys }));
    const signature = await signDelivery({ key: keys.currentSigningKey, url, body });
    const request = (sig: string) =>
      new Request(url, {
        method: "POST",
        body,
        headers: { "upstash-signature": sig, "upstash-message-id": "msg_1", "content-type": "application/json" },
      });
    const [accepted, acceptedOurs, acceptedTyped] = [
      await theirs(request(signature)),
      await POST(request(signature)),
      // A fresh token: handlers refuse a replayed one by default.
      await typed.POST(request(await signDelivery({ key: keys.currentSigningKey, url, body }))),
    ];
    expect([accepted.status, acceptedOurs.status, acceptedTyped.status]).toEqual([200, 200, 200]);
    const echoed = await accepted.json();
    expect(await acceptedOurs.json()).toEqual(echoed);
    expect(await acceptedTyped.json()).toEqual(echoed);
    const forged = `${signature.slice(0, -4)}AAAA`;
    // The official wrapper throws on a bad signature (Next turns that into a 500); ours answers 401.
    const officialStatus = await theirs(request(forged)).then((response) => response.status, () => 500);
    expect(officialStatus).toBeGreaterThanOrEqual(400);
    expect((await POST(request(forged))).status).toBe(401);
  });

  it("new Receiver({ currentSigningKey, nextSigningKey }).verify(...) is a drop-in", async () => {
    const keys = { currentSigningKey: harness.dev.currentSigningKey, nextSigningKey: harness.dev.nextSigningKey };
    const url = "https://app.example.com/api/hook";
    const signature = await signDelivery({ key: keys.nextSigningKey, url, body: "hi" });
    await expect(new OfficialReceiver(keys).verify({ signature, body: "hi", url })).resolves.toBe(true);
    await expect(new Receiver(keys).verify({ signature, body: "hi", url })).resolves.toBe(true);
    await expect(new OfficialReceiver(keys).verify({ signature, body: "changed", url })).rejects.toThrow();
    await expect(new Receiver(keys).verify({ signature, body: "changed", url })).rejects.toMatchObject({ reason: "body_mismatch" });
  });
});
