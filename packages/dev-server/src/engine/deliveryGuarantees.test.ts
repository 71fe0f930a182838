import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import type { DevServer } from "../startDevServer.js";
import { startDevServer } from "../startDevServer.js";
import type { Destination, Reply } from "../testSupport.fixture.js";
import { api, startDestination } from "../testSupport.fixture.js";

type Behaviour = "ok" | "error" | "reset" | "hang" | "489";

const REPLIES: Record<Behaviour, Reply> = {
  ok: { status: 200 },
  error: { status: 500 },
  reset: "destroy",
  hang: "hang",
  "489": { status: 489, headers: { "Upstash-NonRetryable-Error": "true" } },
};

let dev: DevServer | undefined;
let dest: Destination | undefined;

afterEach(async () => {
  await dev?.close();
  await dest?.close();
});

describe("delivery guarantees under faults", () => {
  it("every message ends delivered or dead-lettered exactly once, after exactly the attempts its script allows", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            retries: fc.integer({ min: 0, max: 3 }),
            script: fc.array(fc.constantFrom<Behaviour>("ok", "error", "reset", "hang", "489"), { minLength: 4, maxLength: 4 }),
          }),
          { minLength: 1, maxLength: 25 },
        ),
        async (messages) => {
          dev = await startDevServer({ port: 0 });
          const scripts = new Map<string, Behaviour[]>();
          dest = await startDestination((request) => {
            const body = request.body.toString();
            const attempt = Number(request.headers["upstash-retried"]);
            return REPLIES[scripts.get(body)![attempt]!];
          });
          const call = api(dev.url, dev.token);
          const ids = new Map<string, { retries: number; script: Behaviour[] }>();
          for (const [i, message] of messages.entries()) {
            scripts.set(`m${i}`, message.script);
            const published = await call("POST", `/v2/publish/${dest.url}/g`, {
              body: `m${i}`,
              headers: {
                "upstash-retries": String(message.retries),
                "upstash-retry-delay": "5",
                "upstash-timeout": "1s",
              },
            });
            ids.set(published.json.messageId, message);
          }
          await dev.idle();
          const dlq = (await call("GET", "/v2/dlq")).json.messages as { messageId: string }[];
          const dead = new Set(dlq.map((m) => m.messageId));
          expect(dlq.length).toBe(dead.size);
          for (const [id, { retries, script }] of ids) {
            const attempts = dest.requests.filter((r) => r.headers["upstash-message-id"] === id);
            const budget = script.slice(0, retries + 1);
            const stop = budget.findIndex((b) => b === "ok" || b === "489");
            const expectedAttempts = stop === -1 ? budget.length : stop + 1;
            const expectedDead = stop === -1 || budget[stop] === "489";
            expect(attempts.map((r) => r.headers["upstash-retried"])).toEqual(
              Array.from({ length: expectedAttempts }, (_, k) => String(k)),
            );
            expect(dead.has(id)).toBe(expectedDead);
          }
          await dev.close();
          await dest.close();
          dev = undefined;
          dest = undefined;
        },
      ),
      { numRuns: 6 },
    );
  }, 120_000);
});
