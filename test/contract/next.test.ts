// The contract suite against examples/next-app, built with the real `next build` and served
// by `next start`: the App Router on the Node.js runtime (/api/contract/…), the same routes on
// the Edge runtime (/edge/api/contract/…) and Pages API routes (/api/pages/api/contract/…).
import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signDelivery } from "@stashkit/core/testing";
import { startDevServer } from "@stashkit/dev-server";
import type { DevServer } from "@stashkit/dev-server";
import { buildNextApp, nextAppDir, startNextApp } from "../next-server.js";
import type { NextServer } from "../next-server.js";
import { runContractSuite } from "./contractSuite.js";
import { CONTRACT_KEYS, CONTRACT_PATHS } from "./definitions.js";

let server: NextServer | undefined;
let dev: DevServer | undefined;

beforeAll(async () => {
  const build = await buildNextApp();
  console.info(`[next.test] next build took ${(build.ms / 1000).toFixed(1)} s`);
  // The app's own routes read their keys from the environment; the dev server's are the
  // published defaults. The contract routes carry the suite's keys on their definitions.
  dev = await startDevServer({ port: 0, defaultRetryDelay: () => 100 });
  const qstash = {
    QSTASH_URL: dev.url,
    QSTASH_TOKEN: dev.token,
    QSTASH_CURRENT_SIGNING_KEY: dev.currentSigningKey,
    QSTASH_NEXT_SIGNING_KEY: dev.nextSigningKey,
  };
  // STASHKIT_APP_URL is the public origin deliveries are signed for; the app passes it as
  // `publicBaseUrl` because `next start` reports request.url as http://localhost:<port>/….
  server = await startNextApp((url) => ({ ...qstash, STASHKIT_APP_URL: url }));
});

afterAll(async () => {
  await server?.close();
  await dev?.close();
});

const origin = () => {
  if (!server) throw new Error("next start is not running");
  return server.url;
};

runContractSuite("Next App Router (Node.js runtime)", { baseUrl: origin });
runContractSuite("Next App Router (Edge runtime)", { baseUrl: () => `${origin()}/edge` });
runContractSuite("Next Pages API route", { baseUrl: () => `${origin()}/api/pages` });

describe("Next specifics", () => {
  async function signedPost(path: string, body: string): Promise<Response> {
    const url = `${origin()}${path}`;
    const signature = await signDelivery({ key: CONTRACT_KEYS.currentSigningKey, url, body });
    return fetch(url, { method: "POST", headers: { "content-type": "application/json", "upstash-signature": signature }, body });
  }

  it("the /edge routes were built as Edge functions, the others for Node.js", async () => {
    const manifest = JSON.parse(await readFile(`${nextAppDir}.next/server/middleware-manifest.json`, "utf8")) as {
      functions: Record<string, unknown>;
    };
    expect(Object.keys(manifest.functions).sort()).toEqual([
      "/edge/api/contract/callback/route",
      "/edge/api/contract/destination/route",
      "/edge/api/contract/failure-callback/route",
    ]);
  });

  it("a Pages route with the body parser left on answers 500 naming the fix", async () => {
    const response = await signedPost("/api/misconfigured/body-parser-on", '{"name":"ada","count":1}');
    expect(response.status).toBe(500);
    expect(await response.json()).toMatchObject({
      code: "ERR_BODY_ALREADY_PARSED",
      error: expect.stringContaining("bodyParser: false"),
    });
  });

  it("GET is not a delivery: App Router answers 405", async () => {
    const response = await fetch(`${origin()}${CONTRACT_PATHS.destination}`);
    expect(response.status).toBe(405);
  });
});

describe("the example app end to end, through the dev server", () => {
  it("client.send from a route publishes; the destination and its callback run in Next", async () => {
    const response = await fetch(`${origin()}/api/signup`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "ada@example.com", name: "Ada" }),
    });
    expect(response.status).toBe(202);
    expect(await response.json()).toMatchObject({ queued: expect.any(String) });
    await expect.poll(() => server?.output(), { timeout: 15_000, interval: 100 }).toContain(
      "welcome email to ada@example.com answered 200",
    );
    expect(server?.output()).toMatch(/welcome email to ada@example.com \(message \S+, attempt 1\)/);
  });

  it("the producer refuses a payload that fails the destination's schema before publishing", async () => {
    const response = await fetch(`${origin()}/api/signup`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "not an email", name: "" }),
    });
    expect(response.status).toBe(400);
    const { issues } = (await response.json()) as { issues: { path: string }[] };
    expect(issues.map((issue) => issue.path).sort()).toEqual(["name", "to"]);
  });
});
