// The App Router path (fetch `Request`) and the Pages path (node:http stream through core's
// bridge) must never disagree: same delivery in, same status, headers and body out.
import { createServer } from "node:http";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { defineDestination, NonRetryableError, RetryAfterError } from "@stashkit/core";
import { signDelivery } from "@stashkit/core/testing";
import { pagesRoute, route } from "@stashkit/next";

const keys = { currentSigningKey: "sig_nextParityCurrent00000000000", nextSigningKey: "sig_nextParityNext0000000000000000" };
const maxBodyBytes = 2048;

const definition = defineDestination({
  path: "/api/parity",
  schema: z.object({ to: z.string().min(1), action: z.enum(["ok", "nonRetryable", "retryAfter", "crash"]).optional() }),
  ...keys,
  maxBodyBytes,
  onError: () => undefined,
  handler: ({ payload, delivery }) => {
    if (payload.action === "nonRetryable") throw new NonRetryableError("no");
    if (payload.action === "retryAfter") throw new RetryAfterError(7);
    if (payload.action === "crash") throw new Error("boom");
    return { to: payload.to, retried: delivery.retried };
  },
});

const { POST } = route(definition);
let server: Server;
let url = "";

beforeAll(async () => {
  const handler = pagesRoute(definition);
  server = createServer((req, res) => void handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/parity`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

const encoder = new TextEncoder();
const bodies = fc.oneof(
  fc
    .record({ to: fc.string({ maxLength: 40 }), action: fc.constantFrom("ok", "nonRetryable", "retryAfter", "crash", "other") })
    .map((value) => encoder.encode(JSON.stringify(value))),
  fc.jsonValue({ maxDepth: 3 }).map((value) => encoder.encode(JSON.stringify(value) ?? "null")),
  fc.uint8Array({ maxLength: 64 }),
  fc.integer({ min: maxBodyBytes - 2, max: maxBodyBytes + 2 }).map((size) => encoder.encode(`{"to":"${"a".repeat(size - 9)}"}`)),
);
const signing = fc.constantFrom("current", "next", "none", "wrongKey", "wrongUrl", "wrongBody");
const contentTypes = fc.constantFrom("application/json", "text/plain", undefined);
const retried = fc.constantFrom(undefined, "0", "3", "x");

const json = (value: unknown) => encoder.encode(JSON.stringify(value));
// One delivery per status of the contract, run before the random ones.
const statusExamples: [Uint8Array, string, string | undefined, string | undefined][] = [
  [json({ to: "ada" }), "current", "application/json", "2"],
  [json({ to: "ada", action: "retryAfter" }), "next", "application/json", undefined],
  [json({ to: "ada", action: "crash" }), "current", undefined, "0"],
  [json({ to: "ada", action: "nonRetryable" }), "current", "text/plain", undefined],
  [json({ to: "ada" }), "none", "application/json", undefined],
  [new Uint8Array(maxBodyBytes + 1), "current", "application/json", undefined],
];

async function headersFor(mode: string, body: Uint8Array, type: string | undefined, retriedHeader: string | undefined) {
  const headers: Record<string, string> = { "upstash-message-id": "msg_parity" };
  if (type) headers["content-type"] = type;
  if (retriedHeader) headers["upstash-retried"] = retriedHeader;
  if (mode === "none") return headers;
  headers["upstash-signature"] = await signDelivery({
    key: mode === "next" ? keys.nextSigningKey : mode === "wrongKey" ? "sig_somebodyElse0000000000000000" : keys.currentSigningKey,
    url: mode === "wrongUrl" ? `${url}/elsewhere` : url,
    body: mode === "wrongBody" ? encoder.encode("tampered") : body,
  });
  return headers;
}

async function summary(response: Response) {
  return {
    status: response.status,
    body: await response.text(),
    contentType: response.headers.get("content-type"),
    nonRetryable: response.headers.get("upstash-nonretryable-error"),
    retryAfter: response.headers.get("retry-after"),
  };
}

describe("App Router and Pages parity", () => {
  it("answers every delivery identically on both paths", async () => {
    const statuses = new Set<number>();
    await fc.assert(
      fc.asyncProperty(bodies, signing, contentTypes, retried, async (body, mode, type, retriedHeader) => {
        // Each path gets its own token: sending one token twice is a replay (401 replayed).
        const appHeaders = await headersFor(mode, body, type, retriedHeader);
        const pagesHeaders = await headersFor(mode, body, type, retriedHeader);
        const viaApp = await summary(await POST(new Request(url, { method: "POST", headers: appHeaders, body })));
        const viaPages = await summary(await fetch(url, { method: "POST", headers: pagesHeaders, body }));
        statuses.add(viaApp.status);
        expect(viaPages).toEqual(viaApp);
      }),
      { numRuns: 150, examples: statusExamples },
    );
    // The generators reach every status of the contract, so the comparison covered them all.
    expect([...statuses].sort()).toEqual([200, 401, 413, 429, 489, 500]);
  });
});
