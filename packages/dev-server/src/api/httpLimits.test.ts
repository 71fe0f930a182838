import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { DevServer } from "../startDevServer.js";
import { startDevServer } from "../startDevServer.js";
import { allPages, rawExchange, rawRequest, startDestination } from "../testSupport.fixture.js";

let dev: DevServer;

beforeEach(async () => {
  dev = await startDevServer({ port: 0, maxBodyBytes: 1024 * 1024 });
});

afterEach(async () => {
  await dev.close();
});

/** A port nothing listens on: every attempt fails at once with ECONNREFUSED. */
async function deadUrl(): Promise<string> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}

describe("request bodies over the limit", () => {
  it("answers 413 on a declared Content-Length before reading the body, and closes the connection", async () => {
    const head =
      `POST /v2/publish/http://127.0.0.1:9/x HTTP/1.1\r\nHost: 127.0.0.1:${dev.port}\r\n` +
      `Authorization: Bearer ${dev.token}\r\nContent-Length: 107374182400\r\n\r\n`;
    // Only the head is sent: a server that waits for the 100 GB body never answers.
    const { text, closed } = await rawExchange(dev.url, head);
    expect(text).toMatch(/^HTTP\/1\.1 413 /);
    expect(text).toContain('"error"');
    expect(text.toLowerCase()).toContain("connection: close");
    expect(closed).toBe(true);
  });

  it("answers 413 as soon as a chunked upload crosses the limit, and stops reading", async () => {
    let written = 0;
    const { text, closed } = await rawExchange(dev.url, (socket) => {
      socket.write(
        `POST /v2/publish/http://127.0.0.1:9/x HTTP/1.1\r\nHost: 127.0.0.1:${dev.port}\r\n` +
          `Authorization: Bearer ${dev.token}\r\nTransfer-Encoding: chunked\r\n\r\n`,
      );
      const chunk = Buffer.alloc(64 * 1024, 97);
      const pump = (): void => {
        // 64 MiB at most: a server that keeps reading would take it all.
        while (!socket.destroyed && written < 64 * 1024 * 1024) {
          written += chunk.length;
          const ok = socket.write(`${chunk.length.toString(16)}\r\n`) && socket.write(chunk) && socket.write("\r\n");
          if (!ok) return void socket.once("drain", pump);
        }
      };
      socket.on("error", () => {});
      pump();
    }, 15_000);
    expect(text).toMatch(/^HTTP\/1\.1 413 /);
    expect(closed).toBe(true);
    expect(written).toBeLessThan(32 * 1024 * 1024);
  });
});

describe("requests the HTTP parser refuses", () => {
  it("answers a malformed header line with a JSON 400", async () => {
    const { text } = await rawExchange(dev.url, `GET /v2/keys HTTP/1.1\r\nHost: x\r\nbad header line\r\n\r\n`);
    expect(text).toMatch(/^HTTP\/1\.1 400 /);
    expect(text.toLowerCase()).toContain("content-type: application/json");
    expect(JSON.parse(text.slice(text.indexOf("\r\n\r\n") + 4)).error).toBeTypeOf("string");
  });

  it("answers oversized headers with a JSON 431", async () => {
    const { text } = await rawExchange(dev.url, `GET /v2/keys HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(70_000)}\r\n\r\n`);
    expect(text).toMatch(/^HTTP\/1\.1 431 /);
    expect(JSON.parse(text.slice(text.indexOf("\r\n\r\n") + 4)).error).toBeTypeOf("string");
  });
});

describe("listings too large for one string", () => {
  it("pages /v2/events by bytes: a 10 MiB message retried 25 times does not crash the server", async () => {
    const big = await startDevServer({ port: 0 });
    try {
      const dead = await deadUrl();
      const body = Buffer.alloc(10 * 1024 * 1024, 120);
      const published = await rawRequest(big.url, "POST", `/v2/publish/${dead}/gone`, {
        token: big.token,
        headers: { "upstash-retries": "25", "upstash-retry-delay": "1" },
        body,
      });
      expect(published.status).toBe(200);
      await big.idle();
      const { pages, cursor } = await allPages(async (from) => {
        const page = await rawRequest(big.url, "GET", `/v2/events?count=1000${from ? `&cursor=${from}` : ""}`, { token: big.token });
        expect(page.status).toBe(200);
        expect(page.text.length).toBeLessThan(64 * 1024 * 1024);
        return { items: page.json.events, cursor: page.json.cursor };
      }, 200);
      expect(cursor).toBeUndefined();
      // CREATED, then ACTIVE + ERROR per attempt, RETRY between attempts, FAILED.
      expect(pages).toBeGreaterThan(1);
      expect((await rawRequest(big.url, "GET", "/v2/keys", { token: big.token })).status).toBe(200);
    } finally {
      await big.close();
    }
  }, 120_000);

  it("pages /v2/dlq by bytes and the cursor reaches every entry", async () => {
    const failing = await startDestination(() => ({ status: 500, body: "x".repeat(900 * 1024) }));
    try {
      for (let i = 0; i < 40; i += 1) {
        await rawRequest(dev.url, "POST", `/v2/publish/${failing.url}/f`, {
          token: dev.token,
          headers: { "upstash-retries": "0" },
          body: Buffer.alloc(900 * 1024, 65 + (i % 26)),
        });
      }
      await dev.idle();
      const { items, pages } = await allPages(async (from) => {
        const page = await rawRequest(dev.url, "GET", `/v2/dlq?count=100${from ? `&cursor=${from}` : ""}`, { token: dev.token });
        expect(page.status).toBe(200);
        expect(page.text.length).toBeLessThan(24 * 1024 * 1024);
        return { items: page.json.messages as { dlqId: string }[], cursor: page.json.cursor };
      }, 100);
      expect(pages).toBeGreaterThan(1);
      expect(new Set(items.map((entry) => entry.dlqId)).size).toBe(40);
    } finally {
      await failing.close();
    }
  }, 60_000);
});
