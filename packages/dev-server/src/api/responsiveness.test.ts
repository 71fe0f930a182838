import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { DevServer } from "../startDevServer.js";
import { startDevServer } from "../startDevServer.js";
import type { Destination } from "../testSupport.fixture.js";
import { api, startDestination } from "../testSupport.fixture.js";

let dev: DevServer;
let dest: Destination;
let call: ReturnType<typeof api>;

beforeEach(async () => {
  dev = await startDevServer({ port: 0, maxBodyBytes: 32 * 1024 * 1024 });
  dest = await startDestination();
  call = api(dev.url, dev.token);
});

afterEach(async () => {
  await dev.close();
  await dest.close();
});

/**
 * Runs `operation` while probing `GET /v2/keys` back to back, and reports the slowest probe.
 * A server that does a large operation in one synchronous stretch answers no probe until it
 * is done, so the slowest probe is as long as the operation; one that yields answers each
 * probe between two slices of work.
 */
async function probeDuring<T>(operation: () => Promise<T>): Promise<{ result: T; slowestProbeMs: number; probes: number }> {
  let running = true;
  let slowest = 0;
  let probes = 0;
  const prober = (async () => {
    while (running) {
      const started = performance.now();
      await call("GET", "/v2/keys");
      slowest = Math.max(slowest, performance.now() - started);
      probes += 1;
    }
  })();
  // Let the first probe go out before the operation's request.
  await new Promise((resolve) => setTimeout(resolve, 20));
  const result = await operation();
  running = false;
  await prober;
  return { result, slowestProbeMs: slowest, probes };
}

function endpoints(count: number, prefix: string): { url: string }[] {
  return Array.from({ length: count }, (_, i) => ({ url: `${dest.url}/${prefix}/${i}` }));
}

// The bounds below are ten times the 100 ms the server aims for, so a busy machine does not
// make them flaky; the synchronous versions took 1.5 s to 11 s.
describe("large operations do not block other requests", () => {
  it("adding and removing 30,000 URL-group endpoints", async () => {
    const added = await probeDuring(() =>
      call("POST", "/v2/topics/big/endpoints", { body: JSON.stringify({ endpoints: endpoints(30_000, "e") }) }),
    );
    expect(added.result.status).toBe(200);
    expect(added.slowestProbeMs).toBeLessThan(1000);
    expect((await call("GET", "/v2/topics/big")).json.endpoints).toHaveLength(30_000);

    // Re-adding the same URLs replaces them instead of duplicating.
    await call("POST", "/v2/topics/big/endpoints", { body: JSON.stringify({ endpoints: endpoints(10, "e") }) });
    expect((await call("GET", "/v2/topics/big")).json.endpoints).toHaveLength(30_000);

    const removed = await probeDuring(() =>
      call("DELETE", "/v2/topics/big/endpoints", { body: JSON.stringify({ endpoints: endpoints(29_999, "e") }) }),
    );
    expect(removed.result.status).toBe(200);
    expect(removed.slowestProbeMs).toBeLessThan(1000);
    expect((await call("GET", "/v2/topics/big")).json.endpoints).toEqual([{ url: `${dest.url}/e/29999` }]);
  }, 120_000);

  it("cancelling 30,000 queued messages in one call", async () => {
    await call("POST", "/v2/queues", { body: JSON.stringify({ queueName: "held", parallelism: 1, paused: true }) });
    for (let chunk = 0; chunk < 30; chunk += 1) {
      const entries = Array.from({ length: 1000 }, (_, i) => ({ destination: `${dest.url}/q`, queue: "held", body: `${chunk}-${i}` }));
      const response = await call("POST", "/v2/batch", { body: JSON.stringify(entries) });
      expect(response.status).toBe(200);
    }
    expect((await call("GET", "/v2/queues/held")).json.lag).toBe(30_000);
    const cancelled = await probeDuring(() => call("DELETE", "/v2/messages"));
    expect(cancelled.result.json).toEqual({ cancelled: 30_000 });
    expect(cancelled.slowestProbeMs).toBeLessThan(1000);
    expect((await call("GET", "/v2/queues/held")).json.lag).toBe(0);
    await call("POST", "/v2/queues/held/resume");
    await dev.idle();
    expect(dest.requests).toHaveLength(0);
  }, 120_000);

  it("publishing to a URL group of 30,000 endpoints", async () => {
    await call("POST", "/v2/topics/fan/endpoints", { body: JSON.stringify({ endpoints: endpoints(30_000, "f") }) });
    await call("POST", "/v2/queues", { body: JSON.stringify({ queueName: "fanq", parallelism: 1, paused: true }) });
    const published = await probeDuring(() => call("POST", "/v2/enqueue/fanq/fan", { body: "x" }));
    expect(published.result.json).toHaveLength(30_000);
    expect(published.slowestProbeMs).toBeLessThan(1000);
  }, 120_000);
});
