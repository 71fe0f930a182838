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
import { crafted, rawPost } from "./urlAttack.js";

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
      "/edge/api/contract/admin/default/route",
      "/edge/api/contract/admin/publicBaseUrl/route",
      "/edge/api/contract/admin/trustProxy/route",
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

describe("Next: a token for one route never runs another, whatever the Host", () => {
  const runtimes = [
    ["App Router (Node.js)", "/api/contract/admin"],
    ["App Router (Edge)", "/edge/api/contract/admin"],
    ["Pages", "/api/pages/api/contract/admin"],
  ] as const;
  const modes = ["default", "publicBaseUrl", "trustProxy"] as const;
  const body = '{"n":1}';

  async function attack(adminPath: string, mode: string, variant: string): Promise<number> {
    const { host, port } = new URL(origin());
    const signedPath = CONTRACT_PATHS.destination;
    const signature = await signDelivery({ key: CONTRACT_KEYS.currentSigningKey, url: `${origin()}${signedPath}`, body });
    const value = crafted(host, signedPath).find(([name]) => name === variant)?.[1] ?? "";
    const headers: Record<string, string> = { "content-type": "application/json", "upstash-signature": signature };
    if (mode === "trustProxy") Object.assign(headers, { host, "x-forwarded-host": value });
    else headers["host"] = value;
    return rawPost(Number(port), `${adminPath}/${mode}`, headers, body);
  }

  for (const [runtime, adminPath] of runtimes) {
    for (const mode of modes) {
      it(`${runtime}, ${mode}: its own token runs it; the destination's token does not`, async () => {
        const { host, port } = new URL(origin());
        const sign = (path: string) => signDelivery({ key: CONTRACT_KEYS.currentSigningKey, url: `${origin()}${path}`, body });
        const own = await sign(`${adminPath}/${mode}`);
        const headers = (signature: string) => ({ host, "content-type": "application/json", "upstash-signature": signature });
        expect(await rawPost(Number(port), `${adminPath}/${mode}`, headers(own), body)).toBe(200);
        expect(await rawPost(Number(port), `${adminPath}/${mode}`, headers(await sign(CONTRACT_PATHS.destination)), body)).toBe(401);
      });

      it(`${runtime}, ${mode}: every crafted ${mode === "trustProxy" ? "X-Forwarded-Host" : "Host"} is refused`, async () => {
        for (const [variant] of crafted("", "")) {
          if (mode === "trustProxy" && variant === "empty") continue; // an empty forwarded host is simply absent
          const status = await attack(adminPath, mode, variant);
          // Next itself refuses some Hosts before the route runs; whoever answers, it is never 2xx.
          expect(status, variant).toBeGreaterThanOrEqual(400);
          expect(status, variant).toBeLessThan(500);
        }
      });
    }
  }
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
