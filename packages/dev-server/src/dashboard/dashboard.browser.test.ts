import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type { Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { DevServer } from "../startDevServer.js";
import { startDevServer } from "../startDevServer.js";
import type { Destination } from "../testSupport.fixture.js";
import { api, startDestination } from "../testSupport.fixture.js";
import type { TestBrowser, WatchedPage } from "./browser.fixture.js";
import { launchBrowser, longTasks, observeLongTasks, openPage } from "./browser.fixture.js";

// The README's picture. Rewritten only when missing or asked for, so a test run leaves the tree clean.
const README_SCREENSHOT = join(dirname(fileURLToPath(import.meta.url)), "../../../../docs/dashboard-message-detail.png");
const SCREENSHOT =
  process.env["STASHKIT_UPDATE_SCREENSHOT"] === "1" || !existsSync(README_SCREENSHOT)
    ? README_SCREENSHOT
    : join(tmpdir(), `stashkit-dashboard-message-detail-${process.pid}.png`);

let browser: TestBrowser;
let dev: DevServer;
let call: ReturnType<typeof api>;
let opened: WatchedPage[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

beforeEach(async () => {
  dev = await startDevServer({ port: 0, defaultRetryDelay: () => 50 });
  call = api(dev.url, dev.token);
  opened = [];
});

afterEach(async () => {
  // Every page of every test: no console error, nothing requested beyond the dev server.
  for (const watched of opened) {
    expect(watched.errors).toEqual([]);
    expect(watched.foreign).toEqual([]);
    expect(watched.requests.length).toBeGreaterThan(0);
    await watched.close();
  }
  await dev.close();
});

/** Opens the dashboard and waits until its change stream is live. */
async function openDashboard(origin = dev.url, hash = ""): Promise<Page> {
  const watched = await openPage(browser, origin);
  opened.push(watched);
  await watched.page.goto(`${origin}/${hash}`);
  await watched.page.getByRole("status", { name: "Live updates" }).getByText("Live").waitFor();
  return watched.page;
}

function localhostUrl(): string {
  return dev.url.replace("127.0.0.1", "localhost");
}

async function publish(url: string, headers: Record<string, string> = {}, body = "{}"): Promise<string> {
  const answer = await call("POST", `/v2/publish/${url}`, { headers: { "content-type": "application/json", ...headers }, body });
  expect(answer.status).toBe(200);
  return answer.json.messageId as string;
}

describe("the page", () => {
  it("opens without a token on 127.0.0.1 and on localhost, with its sections reachable by name", async () => {
    for (const origin of [dev.url, localhostUrl()]) {
      const page = await openDashboard(origin);
      await expect(page.title()).resolves.toBe("stashkit dev");
      const nav = page.getByRole("navigation", { name: "Sections" });
      for (const name of ["Messages", "Dead-letter queue", "Schedules", "Queues", "URL groups", "Flow control", "Publish"]) {
        await nav.getByRole("link", { name, exact: true }).click();
        await page.getByRole("heading", { level: 2 }).first().waitFor();
        expect(await nav.getByRole("link", { name, exact: true }).getAttribute("aria-current")).toBe("page");
      }
    }
  });

  it("answers the browser's /favicon.ico and its own icon with an image", async () => {
    await openDashboard();
    const watched = await openPage(browser, dev.url, false);
    opened.push(watched);
    for (const path of ["/favicon.ico", "/assets/favicon.svg"]) {
      const response = await watched.page.goto(`${dev.url}${path}`);
      expect(response?.status()).toBe(200);
      expect(response?.headers()["content-type"]).toBe("image/svg+xml");
    }
  });

  it("keeps text readable in light and dark mode (contrast at least 4.5:1)", async () => {
    const page = await openDashboard();
    const colours: Record<string, string> = {};
    for (const scheme of ["light", "dark"] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      const [ratio, background] = await page.evaluate(() => {
        const rgb = (text: string) => (text.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map(Number);
        const luminance = ([r, g, b]: number[]) => {
          const channel = (v: number) => {
            const c = v / 255;
            return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
          };
          return 0.2126 * channel(r!) + 0.7152 * channel(g!) + 0.0722 * channel(b!);
        };
        const style = getComputedStyle(document.body);
        const a = luminance(rgb(style.color));
        const b = luminance(rgb(style.backgroundColor));
        return [(Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05), style.backgroundColor] as const;
      });
      expect(ratio).toBeGreaterThanOrEqual(4.5);
      colours[scheme] = background;
    }
    expect(colours["light"]).not.toBe(colours["dark"]);
  });
});

describe("messages", () => {
  let dest: Destination;
  beforeEach(async () => {
    dest = await startDestination((request) =>
      request.path.startsWith("/fail")
        ? { status: 500, headers: { "content-type": "application/json", "x-reason": "db-down" }, body: '{"error":"database down","retryable":true}' }
        : { status: 200, body: "ok" },
    );
  });
  afterEach(async () => {
    await dest.close();
  });

  it("shows new messages live, with their full ids, and filters them", async () => {
    const page = await openDashboard();
    const ids = [
      await publish(`${dest.url}/orders`, { "upstash-label": "orders" }),
      await publish(`${dest.url}/orders`, { "upstash-label": "orders" }),
      await publish(`${dest.url}/emails`, { "upstash-label": "emails" }),
    ];
    const list = page.getByRole("table", { name: "Messages, newest first" });
    for (const id of ids) await list.getByRole("link", { name: id, exact: true }).waitFor();
    await page.getByText("3 of 3 messages").waitFor();
    await list.getByRole("row").filter({ hasText: ids[0]! }).getByText("DELIVERED").waitFor();

    await page.getByLabel("Label").fill("orders");
    await page.getByText("2 of 3 messages").waitFor();
    await page.getByLabel("Label").fill("");
    await page.getByText("3 of 3 messages").waitFor();
    await page.getByLabel("Destination", { exact: true }).fill("/emails");
    await page.getByText("1 of 3 messages").waitFor();
    await page.getByLabel("Destination", { exact: true }).fill("");
    await page.getByText("3 of 3 messages").waitFor();
    await page.getByLabel("Message id").fill(ids[1]!);
    await page.getByText("1 of 3 messages").waitFor();
    expect(await list.getByRole("link").allTextContents()).toEqual([ids[1]]);
    await page.getByLabel("Message id").fill("");
    await page.getByText("3 of 3 messages").waitFor();
    await page.getByLabel("State").selectOption("FAILED");
    await page.getByText("0 of 3 messages").waitFor();
    await page.getByLabel("State").selectOption("DELIVERED");
    await page.getByText("3 of 3 messages").waitFor();
  });

  it("shows a failed message's attempts: status, response headers and body, duration, next retry, claims", async () => {
    const page = await openDashboard();
    const id = await publish(`${dest.url}/fail`, {
      "upstash-retries": "1",
      "upstash-retry-delay": "400",
      "upstash-forward-x-tenant": "acme",
      "upstash-failure-callback": `${dest.url}/failed`,
    }, '{"orderId":42}');
    await page.getByRole("link", { name: id, exact: true }).click();
    await page.getByRole("heading", { name: new RegExp(id) }).waitFor();
    expect(page.url()).toBe(`${dev.url}/#/messages/${id}`);

    const first = page.getByRole("listitem", { name: "Attempt 1" });
    await first.getByText("HTTP 500").waitFor();
    await first.getByText(/Next retry at \d\d:\d\d:\d\d\.\d{3}/).waitFor();
    await expect(first.getByText(/took \d+(\.\d)? ms/).count()).resolves.toBe(1);
    await first.getByText("Response headers (").click();
    await first.getByRole("row", { name: /X-Reason db-down/ }).waitFor();
    const body = await first.getByLabel("Response body of attempt 1").textContent();
    expect(JSON.parse(body!)).toEqual({ error: "database down", retryable: true });
    expect(body).toContain('\n  "error"');
    await first.getByText("Signature claims").click();
    await first.getByRole("row", { name: `sub ${dest.url}/fail` }).waitFor();
    await first.getByRole("row", { name: /^iss Upstash/ }).waitFor();

    const second = page.getByRole("listitem", { name: "Attempt 2" });
    await second.getByText("HTTP 500").waitFor();
    await page.locator(".view-head").getByText("FAILED").waitFor();
    await page.getByRole("row", { name: "X-Tenant acme", exact: true }).waitFor();
    expect(await page.getByLabel("Request body", { exact: true }).textContent()).toBe('{\n  "orderId": 42\n}');
    await page.getByRole("button", { name: "Retry", exact: true }).waitFor();

    const callback = page.locator(".links").getByRole("link");
    await callback.waitFor();
    const callbackId = await callback.textContent();
    await callback.click();
    await page.getByRole("heading", { name: new RegExp(`failure callback ${callbackId}`) }).waitFor();
    await page.getByText("Reports on").getByRole("link", { name: id }).waitFor();
  });

  it("copies the publish as a curl command that publishes the same message again", async () => {
    await browser.context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: dev.url });
    const page = await openDashboard();
    const id = await publish(`${dest.url}/orders`, { "upstash-forward-x-tenant": "acme", "upstash-label": "curl" }, '{"it":"is ok"}');
    await page.goto(`${dev.url}/#/messages/${id}`);
    await page.getByRole("button", { name: "Copy as curl" }).click();
    await page.getByText("Copied the curl command.").waitFor();
    const command = await page.evaluate(() => navigator.clipboard.readText());
    expect(command).toContain(`${dev.url}/v2/publish/${dest.url}/orders`);
    const { stdout } = await promisify(execFile)("bash", ["-c", command]);
    const again = JSON.parse(stdout) as { messageId: string };
    expect(again.messageId).not.toBe(id);
    await dest.waitFor(2);
    expect(dest.requests[1]!.headers["x-tenant"]).toBe("acme");
    expect(dest.requests[1]!.body.toString()).toBe('{"it":"is ok"}');
  });

  it("cancels a pending message", async () => {
    const page = await openDashboard();
    const id = await publish(`${dest.url}/later`, { "upstash-delay": "1h" });
    await page.goto(`${dev.url}/#/messages/${id}`);
    await page.getByRole("button", { name: "Cancel" }).click();
    await page.locator(".view-head").getByText("CANCELLED").waitFor();
    expect((await call("GET", `/v2/messages/${id}`)).status).toBe(404);
  });

  it("shows the message detail of a retried, delivered message with its callback (README screenshot)", async () => {
    let calls = 0;
    const flaky = await startDestination((request) => {
      if (request.path !== "/api/send-email") return { status: 200, body: "ok" };
      calls += 1;
      return calls === 1
        ? { status: 500, headers: { "content-type": "application/json" }, body: '{"error":"SMTP timeout"}' }
        : { status: 200, headers: { "content-type": "application/json" }, body: '{"sent":true}' };
    });
    try {
      const page = await openDashboard();
      await page.setViewportSize({ width: 1200, height: 900 });
      const id = await publish(`${flaky.url}/api/send-email`, {
        "upstash-retries": "3",
        "upstash-retry-delay": "1500",
        "upstash-label": "emails",
        "upstash-forward-x-tenant": "acme",
        "upstash-callback": `${flaky.url}/api/email-sent`,
      }, '{"to":"ada@example.com","template":"welcome"}');
      await page.goto(`${dev.url}/#/messages/${id}`);
      await page.getByRole("listitem", { name: "Attempt 2" }).getByText("HTTP 200").waitFor();
      await page.locator(".links").getByText("DELIVERED").first().waitFor();
      await page.locator(".view-head").getByText("DELIVERED").waitFor();
      mkdirSync(dirname(SCREENSHOT), { recursive: true });
      await page.screenshot({ path: SCREENSHOT, fullPage: true });
      expect(readFileSync(SCREENSHOT).subarray(1, 4).toString()).toBe("PNG");
      if (SCREENSHOT !== README_SCREENSHOT) rmSync(SCREENSHOT);
    } finally {
      await flaky.close();
    }
  });
});

describe("dead-letter queue", () => {
  it("re-delivers with a Retry button per entry and for a selection, and deletes", async () => {
    let failing = true;
    const dest = await startDestination(() => (failing ? { status: 503, body: "down" } : { status: 200, body: "ok" }));
    try {
      const page = await openDashboard(localhostUrl(), "#/dlq");
      const ids = [];
      for (let i = 0; i < 4; i++) ids.push(await publish(`${dest.url}/job`, { "upstash-retries": "0" }, `{"n":${i}}`));
      await dev.idle();
      const table = page.getByRole("table", { name: "Dead-letter queue entries" });
      await expect.poll(() => table.getByRole("button", { name: "Retry", exact: true }).count()).toBe(4);
      await table.getByRole("row").filter({ hasText: "HTTP 503" }).first().waitFor();
      failing = false;

      await table.getByRole("row").filter({ hasText: ids[0]! }).getByRole("button", { name: "Retry", exact: true }).click();
      await page.getByText(/^Retried 1: new message msg_/).waitFor();
      await expect.poll(() => table.getByRole("button", { name: "Retry", exact: true }).count()).toBe(3);

      await page.getByRole("checkbox", { name: `Select ${ids[1]}` }).check();
      await page.getByRole("checkbox", { name: `Select ${ids[2]}` }).check();
      await page.getByRole("button", { name: "Retry selected (2)" }).click();
      await page.getByText(/^Retried 2: /).waitFor();
      await expect.poll(() => table.getByRole("button", { name: "Retry", exact: true }).count()).toBe(1);

      await table.getByRole("row").filter({ hasText: ids[3]! }).getByRole("button", { name: "Delete", exact: true }).click();
      await page.getByText("The DLQ is empty").waitFor();
      await dev.idle();
      expect((await call("GET", "/v2/dlq")).json.messages).toEqual([]);
      const delivered = dest.requests.slice(4).map((request) => request.body.toString()).sort();
      expect(delivered).toEqual(['{"n":0}', '{"n":1}', '{"n":2}']);
    } finally {
      await dest.close();
    }
  });
});

describe("schedules, queues, URL groups, flow control", () => {
  let dest: Destination;
  beforeEach(async () => {
    dest = await startDestination();
  });
  afterEach(async () => {
    await dest.close();
  });

  it("pauses, resumes, triggers and deletes a schedule", async () => {
    const created = await call("POST", `/v2/schedules/${dest.url}/tick`, { headers: { "upstash-cron": "0 0 1 1 *" }, body: "tick" });
    const scheduleId = created.json.scheduleId as string;
    const page = await openDashboard(dev.url, "#/schedules");
    const row = page.getByRole("table", { name: "Schedules" }).getByRole("row").filter({ hasText: scheduleId });
    await row.getByText("0 0 1 1 *").waitFor();
    await row.getByRole("button", { name: "Pause" }).click();
    await row.getByRole("button", { name: "Resume" }).waitFor();
    expect((await call("GET", `/v2/schedules/${scheduleId}`)).json.isPaused).toBe(true);
    await row.getByRole("button", { name: "Resume" }).click();
    await row.getByRole("button", { name: "Pause" }).waitFor();
    expect((await call("GET", `/v2/schedules/${scheduleId}`)).json.isPaused).toBe(false);
    await row.getByRole("button", { name: "Trigger now" }).click();
    const [request] = await dest.waitFor(1);
    expect(request!.headers["upstash-schedule-id"]).toBe(scheduleId);
    await row.getByText("SUCCESS").waitFor();
    await row.getByRole("button", { name: "Delete" }).click();
    await page.getByText("No schedules.").waitFor();
    expect((await call("GET", `/v2/schedules/${scheduleId}`)).status).toBe(404);
  });

  it("lists queues (pause and resume), URL groups with endpoints, and flow-control keys", async () => {
    await call("POST", "/v2/queues", { body: JSON.stringify({ queueName: "emails", parallelism: 2 }) });
    await call("POST", "/v2/topics/orders/endpoints", {
      body: JSON.stringify({ endpoints: [{ name: "billing", url: `${dest.url}/billing` }, { url: `${dest.url}/audit` }] }),
    });
    await publish(`${dest.url}/limited`, { "upstash-flow-control-key": "tenant-acme", "upstash-flow-control-value": "parallelism=3" });
    const page = await openDashboard(dev.url, "#/queues");
    const queue = page.getByRole("table", { name: "Queues" }).getByRole("row").filter({ hasText: "emails" });
    await queue.getByRole("cell", { name: "2", exact: true }).waitFor();
    await queue.getByRole("button", { name: "Pause" }).click();
    await queue.getByRole("button", { name: "Resume" }).waitFor();
    expect((await call("GET", "/v2/queues/emails")).json.paused).toBe(true);
    await queue.getByRole("button", { name: "Resume" }).click();
    await queue.getByRole("button", { name: "Pause" }).waitFor();
    expect((await call("GET", "/v2/queues/emails")).json.paused).toBe(false);

    await page.getByRole("link", { name: "URL groups" }).click();
    const group = page.getByRole("table", { name: "Endpoints of orders" });
    await group.getByRole("row", { name: `billing ${dest.url}/billing` }).waitFor();
    await group.getByRole("row", { name: `— ${dest.url}/audit` }).waitFor();

    await page.getByRole("link", { name: "Flow control" }).click();
    await page.getByRole("table", { name: "Flow-control keys" }).getByRole("row").filter({ hasText: "tenant-acme" }).getByText("/ 3").waitFor();
  });
});

describe("publish form", () => {
  it("publishes a test message and opens its detail (page loaded from localhost)", async () => {
    const dest = await startDestination();
    try {
      const page = await openDashboard(localhostUrl(), "#/publish");
      await page.getByLabel("Destination", { exact: true }).fill(`${dest.url}/hooks/test`);
      await page.getByLabel("Method").selectOption("PUT");
      await page.getByLabel(/Headers forwarded/).fill("X-Tenant: acme\nX-Trace: 1");
      await page.getByLabel("Body").fill('{"ping":true}');
      await page.getByLabel("Retries").fill("0");
      await page.getByLabel("Label").fill("from-form");
      await page.getByRole("button", { name: "Publish" }).click();
      await page.waitForURL(/#\/messages\/msg_/);
      const id = decodeURIComponent(page.url().split("#/messages/")[1]!);
      await page.getByRole("heading", { name: new RegExp(id) }).waitFor();
      await page.getByRole("listitem", { name: "Attempt 1" }).getByText("HTTP 200").waitFor();
      await page.getByRole("row", { name: "X-Tenant acme", exact: true }).waitFor();
      const [request] = await dest.waitFor(1);
      expect(request!.method).toBe("PUT");
      expect(request!.headers["x-trace"]).toBe("1");
      expect(request!.headers["upstash-message-id"]).toBe(id);
      expect(request!.body.toString()).toBe('{"ping":true}');

      await page.getByRole("link", { name: "Publish" }).click();
      await page.getByLabel("Destination", { exact: true }).fill("not a url");
      await page.getByRole("button", { name: "Publish" }).click();
      await page.getByRole("alert").getByText("Destination must be an http(s) URL or a URL group name.").waitFor();
      await page.getByLabel("Destination", { exact: true }).fill("no-such-group");
      await page.getByRole("button", { name: "Publish" }).click();
      await page.getByRole("alert").getByText("Publish failed: url group not found").waitFor();
      // The browser logs every non-2xx answer; this one was asked for.
      const watched = opened.at(-1)!;
      expect(watched.errors).toEqual([expect.stringContaining("status of 404")]);
      watched.errors.length = 0;
    } finally {
      await dest.close();
    }
  });
});

describe("keyboard", () => {
  it("moves through the list with the arrow keys and opens a message with Enter", async () => {
    const dest = await startDestination();
    try {
      const page = await openDashboard();
      const ids = [await publish(`${dest.url}/a`), await publish(`${dest.url}/b`), await publish(`${dest.url}/c`)];
      await page.getByText("3 of 3 messages").waitFor();
      await page.getByRole("link", { name: ids[2]!, exact: true }).focus();
      await page.keyboard.press("ArrowDown");
      await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe(ids[1]);
      await page.keyboard.press("End");
      await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe(ids[0]);
      await page.keyboard.press("Enter");
      await page.waitForURL(new RegExp(`#/messages/${ids[0]}$`));
      await page.getByRole("heading", { name: new RegExp(ids[0]!) }).waitFor();
    } finally {
      await dest.close();
    }
  });
});

describe("a burst of 2,000 messages", () => {
  it("lists all of them with a bounded number of rows in the DOM, and handles a click during the burst", async () => {
    const dest = await startDestination();
    try {
      const page = await openDashboard();
      await observeLongTasks(page);
      const batch = (offset: number) =>
        call("POST", "/v2/batch", {
          body: JSON.stringify(
            Array.from({ length: 100 }, (_, i) => ({ destination: `${dest.url}/burst`, body: `{"n":${offset + i}}`, headers: { "Upstash-Label": "burst" } })),
          ),
        });
      const burst = (async () => {
        for (let offset = 0; offset < 2000; offset += 200) await Promise.all([batch(offset), batch(offset + 100)]);
      })();

      // During the burst: a click on a tab must be handled and rendered promptly.
      await page.getByText(/of [1-9][\d,]* messages/).waitFor();
      const clickStarted = Date.now();
      await page.getByRole("link", { name: "Dead-letter queue" }).click();
      await page.getByRole("heading", { name: "Dead-letter queue" }).waitFor();
      const clickMs = Date.now() - clickStarted;
      await page.getByRole("link", { name: "Messages", exact: true }).click();
      await burst;
      await dev.idle();

      await page.getByText("2,000 of 2,000 messages").waitFor({ timeout: 20_000 });
      const list = page.getByRole("table", { name: "Messages, newest first" });
      await expect.poll(() => list.locator("tbody tr:not(.spacer)").filter({ hasText: "DELIVERED" }).count()).toBeGreaterThan(5);
      const rendered = await list.locator("tbody tr:not(.spacer)").count();
      expect(rendered).toBeLessThan(80);
      expect(await list.getAttribute("aria-rowcount")).toBe("2001");

      // Scrolled to the end, the oldest message is rendered (windowing, not truncation).
      await list.locator("xpath=..").evaluate((viewport) => (viewport.scrollTop = viewport.scrollHeight));
      await list.locator('tr[aria-rowindex="2001"]').waitFor();

      const tasks = await longTasks(page);
      console.log(
        `burst of 2,000: click→render ${clickMs} ms during the burst; ${rendered} rows in the DOM; ` +
          `long tasks: ${tasks.length}, longest ${Math.round(Math.max(0, ...tasks))} ms`,
      );
      expect(clickMs).toBeLessThan(3000);
    } finally {
      await dest.close();
    }
  }, 60_000);
});
