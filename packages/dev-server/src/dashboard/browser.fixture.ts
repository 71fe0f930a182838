// Test helper: Debian's Chromium driven by playwright-core (never a downloaded browser), with
// every request the page makes recorded, and anything not addressed to the dev server refused.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { chromium } from "playwright-core";

/** Where `.ci/run` installs Chromium (`apt-get install -y chromium`). */
export const CHROMIUM_PATH = process.env["STASHKIT_CHROMIUM"] ?? "/usr/bin/chromium";

const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** A browser with a fresh profile. */
export interface TestBrowser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** Starts Chromium with a fresh `--user-data-dir`; fails with the install hint when it is missing. */
export async function launchBrowser(): Promise<TestBrowser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}: install it with "apt-get install -y chromium" (.ci/run does)`);
  }
  const profile = mkdtempSync(join(tmpdir(), "stashkit-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ARGS,
    viewport: { width: 1280, height: 860 },
    timeout: 60_000,
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** A page with what it did recorded. */
export interface WatchedPage {
  page: Page;
  /** Every URL the page requested, in order. */
  requests: string[];
  /** Requests to anything but `origin`; they were refused. */
  foreign: string[];
  /** Console errors and uncaught exceptions. */
  errors: string[];
  close(): Promise<void>;
}

/**
 * Opens a page that may only talk to `origin`: every request is recorded, and those to
 * anywhere else are aborted (with `block`, the default) as well as listed in `foreign`.
 *
 * @param browser - From {@link launchBrowser}.
 * @param origin - The dev server, e.g. `http://127.0.0.1:41234`.
 * @param block - Intercept requests to abort foreign ones. Playwright's interception aborts a
 *   navigation to `/favicon.ico`, so a page that opens it directly only records. @default true
 */
export async function openPage(browser: TestBrowser, origin: string, block = true): Promise<WatchedPage> {
  const page = await browser.context.newPage();
  const watched: WatchedPage = { page, requests: [], foreign: [], errors: [], close: () => page.close() };
  page.on("request", (request) => {
    const url = request.url();
    watched.requests.push(url);
    if (new URL(url).origin !== origin) watched.foreign.push(url);
  });
  if (block) {
    await page.route("**/*", (route) =>
      new URL(route.request().url()).origin === origin ? route.continue() : route.abort("blockedbyclient"),
    );
  }
  page.on("console", (message) => {
    if (message.type() === "error") watched.errors.push(`console: ${message.text()}`);
  });
  page.on("pageerror", (error) => watched.errors.push(`pageerror: ${error.message}`));
  return watched;
}

/** Starts recording the page's long tasks (main-thread work over 50 ms); read them with {@link longTasks}. */
export async function observeLongTasks(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { longTasks: number[] };
    w.longTasks = [];
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) w.longTasks.push(entry.duration);
    }).observe({ type: "longtask" });
  });
}

/** Durations (ms) of the long tasks recorded since {@link observeLongTasks}. */
export function longTasks(page: Page): Promise<number[]> {
  return page.evaluate(() => (window as unknown as { longTasks: number[] }).longTasks);
}
