// Destination faults, end to end with the official SDK: a 500, a hang past the timeout, a
// connection reset and a closed port. Each must be attempted exactly 1 + retries times and
// leave exactly one DLQ entry, with no duplicate delivery.
import type { Client } from "@upstash/qstash";
import type { DevServer } from "@stashkit/dev-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closedPortUrl } from "./recordingDestination.js";
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

/** Waits for the message's DLQ entry, lets stragglers arrive, and returns the entries for `url`. */
async function dlqAfterFailure(url: string, timeout = 5000) {
  await waitFor(async () => (await client.dlq.listMessages({ filter: { url } })).messages.length > 0, {
    timeout,
    what: `a DLQ entry for ${url}`,
  });
  await sleep(SETTLE_MS);
  return (await client.dlq.listMessages({ filter: { url } })).messages;
}

/** How many attempts the dev server logged for a message (one ACTIVE state per attempt). */
async function loggedAttempts(messageId: string): Promise<number> {
  const { logs } = await client.logs({ messageIds: [messageId], count: 1000 });
  return logs.filter((log) => log.state === "ACTIVE").length;
}

describe.concurrent("destination faults (official SDK)", () => {
  it("500: 1 + retries attempts, then one DLQ entry", async () => {
    const url = `${dest.url}/fault/500`;
    dest.route("/fault/500", () => ({ status: 500 }));
    const { messageId } = await client.publish({ url, body: "x", retries: 3, retryDelay: "10" });
    const dlq = await dlqAfterFailure(url);
    expect(dest.at("/fault/500").map((d) => d.retried)).toEqual([0, 1, 2, 3]);
    expect(dest.at("/fault/500").every((d) => d.signatureValid)).toBe(true);
    expect(dlq).toHaveLength(1);
    expect(dlq[0]).toMatchObject({ messageId, responseStatus: 500 });
    expect(await loggedAttempts(messageId)).toBe(4);
  });

  it("hang past the timeout: each attempt is aborted after 1 s and counted", async () => {
    const url = `${dest.url}/fault/hang`;
    dest.route("/fault/hang", () => "hang");
    const { messageId } = await client.publish({ url, body: "x", retries: 1, retryDelay: "10", timeout: "1s" });
    await dest.waitFor("/fault/hang", 1);
    const dlq = await dlqAfterFailure(url, 6000);
    const deliveries = dest.at("/fault/hang");
    expect(deliveries.map((d) => d.retried)).toEqual([0, 1]);
    // The retry waits for the first attempt's 1 s timeout (retryDelay alone would be 10 ms);
    // arrival stamps include connection latency, hence the margin.
    expect(deliveries[1]!.at - deliveries[0]!.at).toBeGreaterThanOrEqual(800);
    expect(dlq).toHaveLength(1);
    expect(dlq[0]!.messageId).toBe(messageId);
    expect(dlq[0]!.responseStatus ?? 0).toBe(0);
    expect(await loggedAttempts(messageId)).toBe(2);
  });

  it("connection reset: 1 + retries attempts, then one DLQ entry", async () => {
    const url = `${dest.url}/fault/reset`;
    dest.route("/fault/reset", () => "destroy");
    const { messageId } = await client.publish({ url, body: "x", retries: 2, retryDelay: "10" });
    const dlq = await dlqAfterFailure(url);
    expect(dest.at("/fault/reset").map((d) => d.retried)).toEqual([0, 1, 2]);
    expect(dlq).toHaveLength(1);
    expect(dlq[0]!.messageId).toBe(messageId);
    expect(await loggedAttempts(messageId)).toBe(3);
  });

  it("destination down (closed port): 1 + retries attempts, then one DLQ entry", async () => {
    const url = `${await closedPortUrl()}/fault/down`;
    const { messageId } = await client.publish({ url, body: "x", retries: 2, retryDelay: "10" });
    const dlq = await dlqAfterFailure(url);
    expect(dlq).toHaveLength(1);
    expect(dlq[0]!.messageId).toBe(messageId);
    expect(await loggedAttempts(messageId)).toBe(3);
    const { logs } = await client.logs({ messageIds: [messageId] });
    expect(logs.filter((log) => log.state === "FAILED")).toHaveLength(1);
  });

  it("a destination that recovers mid-way is delivered once and leaves no DLQ entry", async () => {
    const url = `${dest.url}/fault/recover`;
    dest.route("/fault/recover", (_d, attempt) => (attempt < 2 ? "destroy" : { status: 200 }));
    const { messageId } = await client.publish({ url, body: "x", retries: 3, retryDelay: "10" });
    await dest.waitFor("/fault/recover", 3);
    await sleep(SETTLE_MS);
    expect(dest.at("/fault/recover").map((d) => d.retried)).toEqual([0, 1, 2]);
    expect((await client.dlq.listMessages({ filter: { url } })).messages).toHaveLength(0);
    expect(await loggedAttempts(messageId)).toBe(3);
  });
});
