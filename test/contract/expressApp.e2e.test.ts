// End to end through a real QStash-compatible server: a typed `client.send` from the producer,
// signed deliveries from @stashkit/dev-server, the example Express app verifying and handling
// them, retries on a thrown error, 489 short-circuiting retries, and both callback kinds.
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client, destinationRef } from "@stashkit/core";
import { startDevServer } from "@stashkit/dev-server";
import type { DevServer } from "@stashkit/dev-server";
import { createApp } from "../../examples/express-app/src/app.js";
import type { AppEvent } from "../../examples/express-app/src/routes.js";
import { sendEmail } from "../../examples/express-app/src/routes.js";

let dev: DevServer;
let server: Server;
let close: () => void;
let events: AppEvent[];
let client: Client;

beforeAll(async () => {
  dev = await startDevServer({ port: 0, logger: false });
  const app = createApp({ currentSigningKey: dev.currentSigningKey, nextSigningKey: dev.nextSigningKey });
  events = app.events;
  close = app.close;
  server = app.app.listen(0, "127.0.0.1");
  await new Promise<void>((resolve) => server.once("listening", resolve));
  const appUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  client = new Client({ token: dev.token, baseUrl: dev.url, appUrl, retry: false });
});

afterAll(async () => {
  close();
  await new Promise((resolve) => server.close(resolve));
  await dev.close();
});

async function until<T>(find: () => T | undefined, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > end) throw new Error(`timed out; events so far: ${JSON.stringify(events)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const eventFor = (type: AppEvent["type"], key: string, value: unknown) => () =>
  events.find((e) => e.type === type && e.detail[key] === value);

describe("example Express app behind the dev server", () => {
  it("delivers a typed send and reports it to the success callback", async () => {
    const { messageId } = await client.send(sendEmail, { to: "ada@example.com", subject: "Welcome" });
    const delivered = await until(eventFor("delivered", "messageId", messageId));
    expect(delivered.detail).toMatchObject({ to: "ada@example.com", retried: 0 });
    const callback = await until(eventFor("callback", "sourceMessageId", messageId));
    expect(callback.detail).toMatchObject({ status: 200, to: "ada@example.com" });
  });

  it("retries after a 500 and succeeds on the next attempt (type-only ref)", async () => {
    const ref = destinationRef<typeof sendEmail>("/api/send-email", { retries: 2, retryDelay: "100" });
    const { messageId } = await client.send(ref, { to: "bob@example.com", subject: "Retry", failAttempts: 1 });
    await until(eventFor("attempt-failed", "messageId", messageId));
    const delivered = await until(eventFor("delivered", "messageId", messageId));
    expect(delivered.detail["retried"]).toBe(1);
  });

  it("a NonRetryableError (489) skips the retries and fires the failure callback", async () => {
    const { messageId } = await client.send(sendEmail, { to: "x@bounce.example", subject: "Nope" }, { retries: 3, retryDelay: "60000" });
    const failure = await until(() => events.find((e) => e.type === "failure-callback" && e.detail["to"] === "x@bounce.example"));
    expect(failure.detail["status"]).toBe(489);
    expect(typeof failure.detail["dlqId"]).toBe("string");
    expect(events.some((e) => e.type === "delivered" && e.detail["messageId"] === messageId)).toBe(false);
  });
});
