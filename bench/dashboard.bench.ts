// The dev dashboard (built dist/dashboard, served by @stashkit/dev-server), in one run:
//
//  1. first-load weight: bytes of the page, script and styles, uncompressed and gzipped, beside
//     a baseline: Preact's own runtime bundled and minified the same way (what any Preact page pays);
//  2. responsiveness: in Debian's Chromium, the time from a click on a tab to the new view being
//     in the DOM (measured in the page), idle (baseline) and during a burst of MESSAGES messages
//     published with /v2/batch; long tasks during the burst; time until the list shows them all.
//
// Run: npm run bench -- dashboard   (or, after `npm run build`,
//   TSX_TSCONFIG_PATH=bench/tsconfig.json node --import tsx bench/dashboard.bench.ts [messages=2000])
import http from "node:http";
import type { AddressInfo } from "node:net";
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import { startDevServer } from "@stashkit/dev-server";
import { launchBrowser, longTasks, observeLongTasks, openPage } from "../packages/dev-server/src/dashboard/browser.fixture.js";

const MESSAGES = Number(process.argv[2] ?? 2000);
const CLICKS = 7;

function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

async function preactBaseline(): Promise<number> {
  const result = await build({
    stdin: { contents: 'import { render, h } from "preact"; import { useState } from "preact/hooks"; render(h(() => { useState(0); return h("p", null, "hi"); }, null), document.body);', resolveDir: process.cwd() },
    bundle: true,
    minify: true,
    format: "esm",
    write: false,
  });
  return result.outputFiles[0]!.contents.length;
}

const dev = await startDevServer({ port: 0 });
const sink = http.createServer((_req, res) => res.end("ok"));
await new Promise<void>((resolve) => sink.listen(0, "127.0.0.1", resolve));
const sinkUrl = `http://127.0.0.1:${(sink.address() as AddressInfo).port}`;
const browser = await launchBrowser();
try {
  console.log(`load average: ${readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ")}`);
  let raw = 0;
  let gzip = 0;
  for (const path of ["/", "/assets/app.js", "/assets/app.css"]) {
    const body = Buffer.from(await (await fetch(`${dev.url}${path}`)).arrayBuffer());
    raw += body.length;
    gzip += gzipSync(body).length;
    console.log(`  ${path.padEnd(16)} ${kib(body.length)}`);
  }
  const baseline = await preactBaseline();
  console.log(`first load: ${kib(raw)} uncompressed (${kib(gzip)} gzipped); budget 200 KiB; baseline Preact runtime alone ${kib(baseline)}`);

  const watched = await openPage(browser, dev.url);
  const { page } = watched;
  await page.goto(`${dev.url}/`);
  await page.getByRole("status", { name: "Live updates" }).getByText("Live").waitFor();
  await observeLongTasks(page);
  const clickToView = (href: string, heading: string) =>
    page.evaluate(
      async ([link, id]) => {
        const started = performance.now();
        document.querySelector<HTMLAnchorElement>(`a[href="${link}"]`)!.click();
        while (document.getElementById(id!) === null) await new Promise((resolve) => setTimeout(resolve, 1));
        return performance.now() - started;
      },
      [href, heading],
    );
  const measureClicks = async (count: number) => {
    const times: number[] = [];
    for (let i = 0; i < count; i++) {
      times.push(await clickToView("#/dlq", "dlq-title"));
      times.push(await clickToView("#/messages", "messages-title"));
    }
    return times;
  };

  const idle = await measureClicks(CLICKS);
  const burstStarted = performance.now();
  let published = 0;
  const burst = (async () => {
    for (let offset = 0; offset < MESSAGES; offset += 200) {
      const batch = (from: number) =>
        fetch(`${dev.url}/v2/batch`, {
          method: "POST",
          headers: { authorization: `Bearer ${dev.token}` },
          body: JSON.stringify(Array.from({ length: Math.min(100, MESSAGES - from) }, () => ({ destination: `${sinkUrl}/burst`, body: "{}" }))),
        });
      await Promise.all([batch(offset), offset + 100 < MESSAGES ? batch(offset + 100) : undefined]);
      published = Math.min(MESSAGES, offset + 200);
    }
  })();
  const during: number[] = [];
  while (published < MESSAGES) during.push(...(await measureClicks(1)));
  await burst;
  const publishedMs = performance.now() - burstStarted;
  await page.getByText(`${MESSAGES.toLocaleString("en-US")} of ${MESSAGES.toLocaleString("en-US")} messages`).waitFor({ timeout: 60_000 });
  const listedMs = performance.now() - burstStarted;
  const rows = await page.locator(".windowed tbody tr:not(.spacer)").count();
  const tasks = await longTasks(page);
  const fmt = (values: number[]) => `median ${quantile(values, 0.5).toFixed(0)} ms, max ${Math.max(...values).toFixed(0)} ms (${values.length} clicks)`;
  console.log(`click → view, idle (baseline): ${fmt(idle)}`);
  console.log(`click → view, during the burst of ${MESSAGES}: ${during.length > 0 ? fmt(during) : "burst ended before a click"}`);
  console.log(
    `burst: published in ${publishedMs.toFixed(0)} ms, all ${MESSAGES} listed after ${listedMs.toFixed(0)} ms; ` +
      `${rows} table rows in the DOM; long tasks ${tasks.length}, longest ${Math.max(0, ...tasks).toFixed(0)} ms, ` +
      `total ${tasks.reduce((a, b) => a + b, 0).toFixed(0)} ms; console errors ${watched.errors.length}`,
  );
} finally {
  await browser.close();
  await dev.close();
  sink.close();
}
