import http from "node:http";
import type { AddressInfo } from "node:net";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DEFAULT_TOKEN } from "../defaults.js";
import type { DevServer } from "../startDevServer.js";
import { startDevServer } from "../startDevServer.js";
import { EventLog } from "../state/events.js";
import type { Destination } from "../testSupport.fixture.js";
import { api, startDestination } from "../testSupport.fixture.js";
import { ChangeStream } from "./changeStream.js";
import { pageToken } from "./dashboardRoutes.js";
import type { MessageDetail } from "./shared/messageDetail.js";
import type { MessageList, SummaryChange } from "./shared/messageSummary.js";
import { DashboardAssets, findAssetDirectory } from "./staticAssets.js";

let dev: DevServer;
let dest: Destination;
let call: ReturnType<typeof api>;

beforeEach(async () => {
  dev = await startDevServer({ port: 0, defaultRetryDelay: () => 5 });
  call = api(dev.url, dev.token);
  dest = await startDestination((request) =>
    request.path.startsWith("/fail") ? { status: 500, headers: { "x-reason": "db" }, body: '{"error":"db"}' } : { status: 200, body: "ok" },
  );
});

afterEach(async () => {
  await dev.close();
  await dest.close();
});

async function publish(path: string, headers: Record<string, string> = {}, body = "{}"): Promise<string> {
  const answer = await call("POST", `/v2/publish/${dest.url}${path}`, { headers, body });
  expect(answer.status).toBe(200);
  return answer.json.messageId as string;
}

/** Reads server-sent events from the stream until `until` says stop. */
async function readStream(until: (events: { event: string; data: unknown }[]) => boolean, during?: () => Promise<void>) {
  const controller = new AbortController();
  const response = await fetch(`${dev.url}/_stashkit/stream`, {
    headers: { authorization: `Bearer ${dev.token}` },
    signal: controller.signal,
  });
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
  const events: { event: string; data: unknown }[] = [];
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = "";
  let started = false;
  while (!until(events)) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
    for (let end = text.indexOf("\n\n"); end !== -1; end = text.indexOf("\n\n")) {
      const frame = text.slice(0, end);
      text = text.slice(end + 2);
      const event = /^event: (.*)$/m.exec(frame)![1]!;
      events.push({ event, data: JSON.parse(/^data: (.*)$/m.exec(frame)![1]!) });
    }
    if (!started && events.length > 0 && during !== undefined) {
      started = true;
      await during();
    }
  }
  controller.abort();
  return events;
}

describe("the page and its files", () => {
  it("serves the page without a token, with the token in a meta tag and a same-origin-only CSP", async () => {
    const response = await fetch(`${dev.url}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const csp = response.headers.get("content-security-policy")!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    const html = await response.text();
    expect(html).toContain(`<meta name="stashkit-token" content="${DEFAULT_TOKEN}"`);
    expect(html).toContain('src="/assets/app.js"');
  });

  it("serves its scripts, styles and icon, and only those", async () => {
    for (const [path, type] of [
      ["/assets/app.js", "text/javascript; charset=utf-8"],
      ["/assets/app.css", "text/css; charset=utf-8"],
      ["/favicon.ico", "image/svg+xml"],
    ] as const) {
      const response = await fetch(`${dev.url}${path}`);
      expect(response.status, path).toBe(200);
      expect(response.headers.get("content-type")).toBe(type);
    }
    for (const path of ["/assets/index.html", "/assets/..%2Fpackage.json", "/assets/toString"]) {
      expect((await fetch(`${dev.url}${path}`)).status, path).toBe(404);
    }
    expect((await fetch(`${dev.url}/assets/`)).status).toBe(401);
  });

  it("weighs under 200 KiB on first load (HTML, scripts and styles, uncompressed)", async () => {
    let bytes = 0;
    for (const path of ["/", "/assets/app.js", "/assets/app.css"]) {
      bytes += (await (await fetch(`${dev.url}${path}`, { headers: { "accept-encoding": "identity" } })).arrayBuffer()).byteLength;
    }
    expect(bytes).toBeGreaterThan(10_000);
    expect(bytes).toBeLessThan(200 * 1024);
  });

  it("keeps the token required everywhere else, including other methods on / and the /_stashkit endpoints", async () => {
    expect((await fetch(`${dev.url}/v2/keys`)).status).toBe(401);
    expect((await fetch(`${dev.url}/`, { method: "POST" })).status).toBe(401);
    expect((await fetch(`${dev.url}/nope`)).status).toBe(401);
    for (const path of ["/_stashkit/messages", "/_stashkit/messages/msg_x", "/_stashkit/stream"]) {
      expect((await fetch(`${dev.url}${path}`)).status, path).toBe(401);
    }
    expect((await fetch(`${dev.url}/_stashkit/schedules/x/trigger`, { method: "POST" })).status).toBe(401);
  });

  it("hands out a token of the user's own only to loopback peers; the public default to anyone", () => {
    expect(pageToken(DEFAULT_TOKEN, "192.168.1.20")).toBe(DEFAULT_TOKEN);
    expect(pageToken("private", "127.0.0.1")).toBe("private");
    expect(pageToken("private", "::1")).toBe("private");
    expect(pageToken("private", "192.168.1.20")).toBeUndefined();
    expect(pageToken("private", "10.0.0.127")).toBeUndefined();
  });

  it("finds its built files from the sources, and says so when they are missing", async () => {
    const dir = findAssetDirectory();
    expect(dir).toMatch(/packages[\\/]dev-server[\\/]dist[\\/]dashboard$/);
    expect(existsSync(join(dir!, "index.html"))).toBe(true);
    expect(findAssetDirectory("/")).toBeUndefined();
    const server = http.createServer((_req, res) => new DashboardAssets(undefined).sendPage(res, "t"));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      expect(response.status).toBe(200);
      expect(await response.text()).toContain("The dashboard's files are missing");
    } finally {
      server.close();
    }
  });
});

describe("GET /_stashkit/messages", () => {
  it("lists every message the log holds, newest first, finished ones included, with attempts and last status", async () => {
    const ok = await publish("/ok", { "upstash-label": "a" });
    const failed = await publish("/fail", { "upstash-retries": "1", "upstash-label": "b" });
    await dev.idle();
    const list = (await call("GET", "/_stashkit/messages")).json as MessageList;
    expect(list.total).toBe(2);
    expect(list.seq).toBeGreaterThan(0);
    expect(list.messages.map((m) => m.id)).toEqual([failed, ok]);
    expect(list.messages[0]).toMatchObject({ state: "FAILED", attempts: 2, lastStatus: 500, labels: ["b"], kind: "message" });
    expect(list.messages[1]).toMatchObject({ state: "DELIVERED", attempts: 1, lastStatus: 200, url: `${dest.url}/ok` });
    expect((await call("GET", `/v2/messages/${ok}`)).status).toBe(404);
  });

  it("filters by state, destination, label and message id, and limits", async () => {
    const first = await publish("/ok", { "upstash-label": "a" });
    await publish("/fail", { "upstash-retries": "0", "upstash-label": "b" });
    await publish("/other", { "upstash-label": "a" });
    await dev.idle();
    const ids = async (query: string) =>
      ((await call("GET", `/_stashkit/messages?${query}`)).json as MessageList).messages.map((m) => m.url.slice(dest.url.length));
    expect(await ids("state=FAILED")).toEqual(["/fail"]);
    expect(await ids("state=PENDING")).toEqual([]);
    expect(await ids("destination=OTHER")).toEqual(["/other"]);
    expect(await ids("label=a")).toEqual(["/other", "/ok"]);
    expect(await ids(`messageId=${first.slice(4, 20)}`)).toEqual(["/ok"]);
    const limited = (await call("GET", "/_stashkit/messages?count=1")).json as MessageList;
    expect(limited.messages).toHaveLength(1);
    expect(limited.total).toBe(3);
  });
});

describe("GET /_stashkit/messages/{id}", () => {
  it("gives each attempt's time, duration, status, response headers and body, next retry and decoded signature", async () => {
    const id = await publish("/fail", {
      "upstash-retries": "1",
      "upstash-retry-delay": "20",
      "upstash-forward-x-tenant": "acme",
      "upstash-failure-callback": `${dest.url}/report`,
      "content-type": "application/json",
    }, '{"n":1}');
    await dev.idle();
    const detail = (await call("GET", `/_stashkit/messages/${id}`)).json as MessageDetail;
    expect(detail.summary).toMatchObject({ id, state: "FAILED", attempts: 2 });
    expect(detail.request).toMatchObject({
      method: "POST",
      url: `${dest.url}/fail`,
      forwardedHeaders: { "X-Tenant": "acme" },
      body: { text: '{"n":1}', size: 7 },
      bodyRedacted: false,
      retries: 1,
      retryDelay: "20",
    });
    expect(detail.request.publishHeaders).toMatchObject({ "upstash-forward-x-tenant": "acme", "content-type": "application/json" });
    expect(detail.request.publishHeaders).not.toHaveProperty("authorization");
    expect(detail.attempts).toHaveLength(2);
    const [first, second] = detail.attempts;
    expect(first).toMatchObject({ number: 1, status: 500, body: { text: '{"error":"db"}' } });
    expect(first!.headers["X-Reason"]).toEqual(["db"]);
    expect(first!.durationMs).toBeGreaterThan(0);
    expect(first!.nextRetryAt).toBeGreaterThanOrEqual(first!.startedAt);
    expect(second!.nextRetryAt).toBeUndefined();
    expect(first!.signature!.header).toEqual({ alg: "HS256", typ: "JWT" });
    expect(first!.signature!.claims).toMatchObject({ iss: "Upstash", sub: `${dest.url}/fail` });
    const delivered = dest.requests.find((r) => r.path === "/fail")!;
    expect([first!.signature!.token, second!.signature!.token]).toContain(delivered.headers["upstash-signature"]);
    expect(detail.events.map((e) => e.state)).toEqual(["CREATED", "ACTIVE", "ERROR", "RETRY", "ACTIVE", "ERROR", "FAILED"]);
    expect(detail.dlqId).toMatch(/^\d+-\d+$/);
    expect(detail.cancellable).toBe(false);
    expect(detail.callbacks).toEqual([
      { id: expect.stringMatching(/^msg_/), kind: "failureCallback", state: "DELIVERED", url: `${dest.url}/report` },
    ]);

    const callback = (await call("GET", `/_stashkit/messages/${detail.callbacks[0]!.id}`)).json as MessageDetail;
    expect(callback.parent).toMatchObject({ id, kind: "message" });
    expect(callback.summary.parentId).toBe(id);
  });

  it("reports a network error, a redacted body and a pending message that can be cancelled", async () => {
    const refused = await publish("/x", { "upstash-retries": "0" });
    const unreachable = "http://127.0.0.1:1/nothing";
    const down = (await call("POST", `/v2/publish/${unreachable}`, { headers: { "upstash-retries": "0" }, body: "x" })).json.messageId;
    const secret = await publish("/ok", { "upstash-redact-fields": "body", "upstash-delay": "1h" }, "secret");
    await expect.poll(async () => ((await call("GET", `/_stashkit/messages/${down}`)).json as MessageDetail).summary.state).toBe("FAILED");
    const error = (await call("GET", `/_stashkit/messages/${down}`)).json as MessageDetail;
    expect(error.attempts[0]!.status).toBeUndefined();
    expect(error.attempts[0]!.error).toMatch(/ECONNREFUSED/);
    const hidden = (await call("GET", `/_stashkit/messages/${secret}`)).json as MessageDetail;
    expect(hidden.request.bodyRedacted).toBe(true);
    expect(hidden.request.body.text).toMatch(/^REDACTED:[0-9a-f]{64}$/);
    expect(hidden.cancellable).toBe(true);
    expect(hidden.attempts).toEqual([]);
    expect(refused).toMatch(/^msg_/);
    expect((await call("GET", "/_stashkit/messages/msg_unknown")).status).toBe(404);
  });
});

describe("GET /_stashkit/stream", () => {
  it("says hello with the log position, then sends changes in batches, not one frame per change", async () => {
    const before = await publish("/ok");
    await dev.idle();
    const events = await readStream(
      (seen) => seen.filter((e) => e.event === "changes").flatMap((e) => e.data as SummaryChange[]).filter((c) => c.state === "DELIVERED").length >= 500,
      async () => {
        const entries = Array.from({ length: 500 }, (_, i) => ({ destination: `${dest.url}/burst`, body: String(i) }));
        for (let i = 0; i < 500; i += 100) await call("POST", "/v2/batch", { body: JSON.stringify(entries.slice(i, i + 100)) });
      },
    );
    const hello = events[0]!;
    expect(hello.event).toBe("hello");
    const changes = events.slice(1).flatMap((e) => e.data as SummaryChange[]);
    expect(changes.every((c) => c.seq > (hello.data as { seq: number }).seq)).toBe(true);
    expect(changes.some((c) => c.id === before)).toBe(false);
    const created = changes.filter((c) => c.state === "CREATED");
    expect(created).toHaveLength(500);
    expect(created[0]!.summary).toMatchObject({ url: `${dest.url}/burst`, state: "CREATED", attempts: 0 });
    expect(changes.filter((c) => c.state === "DELIVERED").every((c) => c.status === 200)).toBe(true);
    // 2,000 changes (created, active, delivered… per message) in far fewer frames.
    expect(changes.length).toBeGreaterThanOrEqual(1500);
    expect(events.length - 1).toBeLessThan(changes.length / 20);
  });

  it("stops watching the log when the last page goes away", async () => {
    const events = new EventLog();
    const stream = new ChangeStream(events);
    const server = http.createServer((_req, res) => stream.attach(res));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
      const one = new AbortController();
      const two = new AbortController();
      const first = await fetch(url, { signal: one.signal });
      await fetch(url, { signal: two.signal });
      await first.body!.getReader().read();
      expect(events.watcherCount).toBe(1);
      expect(stream.clients).toBe(2);
      one.abort();
      await expect.poll(() => stream.clients).toBe(1);
      expect(events.watcherCount).toBe(1);
      two.abort();
      await expect.poll(() => stream.clients).toBe(0);
      expect(events.watcherCount).toBe(0);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});

describe("POST /_stashkit/schedules/{id}/trigger", () => {
  it("fires a schedule now and returns the messages, or 404", async () => {
    const created = await call("POST", `/v2/schedules/${dest.url}/tick`, { headers: { "upstash-cron": "0 0 1 1 *" }, body: "t" });
    const fired = await call("POST", `/_stashkit/schedules/${created.json.scheduleId}/trigger`);
    expect(fired.status).toBe(200);
    expect(fired.json.messageIds).toEqual([expect.stringMatching(/^msg_/)]);
    const [request] = await dest.waitFor(1);
    expect(request!.headers["upstash-message-id"]).toBe(fired.json.messageIds[0]);
    expect((await call("POST", "/_stashkit/schedules/nope/trigger")).status).toBe(404);
  });
});
