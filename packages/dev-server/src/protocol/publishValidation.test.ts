import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { DevServer } from "../startDevServer.js";
import { startDevServer } from "../startDevServer.js";
import type { Destination } from "../testSupport.fixture.js";
import { rawRequest, sleep, startDestination } from "../testSupport.fixture.js";

let dev: DevServer;
let dest: Destination;

beforeEach(async () => {
  dev = await startDevServer({ port: 0, defaultRetryDelay: () => 5 });
  dest = await startDestination();
});

afterEach(async () => {
  await dev.close();
  await dest.close();
});

function publish(path: string, headers: Record<string, string> = {}, body = "x") {
  return rawRequest(dev.url, "POST", path, { token: dev.token, headers, body });
}

function batch(entries: unknown) {
  return rawRequest(dev.url, "POST", "/v2/batch", { token: dev.token, body: JSON.stringify(entries) });
}

async function expectNothingDelivered(): Promise<void> {
  await sleep(50);
  await dev.idle();
  expect(dest.requests).toHaveLength(0);
}

describe("forwarded headers that no HTTP request can carry", () => {
  it("refuses CR, LF and NUL in a forwarded value given as query configuration", async () => {
    for (const value of ["a%0D%0AX-Injected:%201", "a%0Ab", "a%00b"]) {
      const response = await publish(`/v2/publish/${dest.url}/q?upstash-forward-x-note=${value}`);
      expect(response.status, value).toBe(400);
      expect(response.json.error, value).toContain("Upstash-Forward-X-Note");
    }
    await expectNothingDelivered();
  });

  it("refuses an invalid forwarded header name given as query configuration", async () => {
    const response = await publish(`/v2/publish/${dest.url}/q?upstash-forward-bad%20name=1`);
    expect(response.status).toBe(400);
    expect(response.json.error).toMatch(/header name/i);
    await expectNothingDelivered();
  });

  it("refuses bad names and values in batch headers, entry by entry", async () => {
    const response = await batch([
      { destination: `${dest.url}/a`, headers: { "Upstash-Forward-X-A": "line\r\nbreak" } },
      { destination: `${dest.url}/b`, headers: { "Upstash-Forward-Bad Name": "v" } },
      { destination: `${dest.url}/c`, headers: { "Content-Type": "text/plain\u0000" } },
      { destination: `${dest.url}/d`, headers: { "Upstash-Forward-X-Ok": "fine" } },
    ]);
    expect(response.status).toBe(200);
    expect(response.json[0].error).toContain("Upstash-Forward-X-A");
    expect(response.json[1].error).toMatch(/header name/i);
    expect(response.json[2].error).toContain("Content-Type");
    expect(response.json[3].messageId).toMatch(/^msg_/);
    const [delivery] = await dest.waitFor(1);
    expect(delivery!.path).toBe("/d");
    expect(delivery!.headers["x-ok"]).toBe("fine");
  });

  it("refuses bad forwarded values for callbacks too", async () => {
    const response = await publish(`/v2/publish/${dest.url}/q?upstash-callback=${encodeURIComponent(`${dest.url}/cb`)}&upstash-callback-forward-x-a=%0D%0A`);
    expect(response.status).toBe(400);
    expect(response.json.error).toContain("Upstash-Callback-Forward-X-A");
  });
});

describe("framing and hop-by-hop headers", () => {
  it("never forwards Transfer-Encoding, Connection, Upgrade, Host or Content-Length", async () => {
    const response = await publish(`/v2/publish/${dest.url}/framing`, {
      "upstash-forward-transfer-encoding": "chunked",
      "upstash-forward-connection": "upgrade",
      "upstash-forward-upgrade": "websocket",
      "upstash-forward-host": "evil.example",
      "upstash-forward-content-length": "1",
      "upstash-forward-x-kept": "yes",
    }, "the whole body");
    expect(response.status).toBe(200);
    const [delivery] = await dest.waitFor(1);
    expect(delivery!.body.toString()).toBe("the whole body");
    expect(delivery!.headers["transfer-encoding"]).toBeUndefined();
    expect(delivery!.headers["upgrade"]).toBeUndefined();
    expect(delivery!.headers["host"]).toBe(new URL(dest.url).host);
    expect(delivery!.headers["content-length"]).toBe(String("the whole body".length));
    expect(delivery!.headers["x-kept"]).toBe("yes");
  });
});

describe("destinations", () => {
  it("refuses a percent-encoded CR/LF that would reach the URL, the signature and the log", async () => {
    const encoded = encodeURIComponent(`${dest.url}/a\r\nFORGED 200 OK`);
    const response = await publish(`/v2/publish/${encoded}`);
    expect(response.status).toBe(400);
    expect(response.json.error).toMatch(/destination/i);
    await expectNothingDelivered();
  });

  it("refuses http:///x instead of delivering to host x", async () => {
    const response = await publish(`/v2/publish/http:///${new URL(dest.url).host}/x`);
    expect(response.status).toBe(400);
    await expectNothingDelivered();
  });

  it("refuses credentials in destination, callback and URL-group endpoint URLs without echoing them", async () => {
    const withCredentials = dest.url.replace("http://", "http://user:s3cret-pass@");
    const direct = await publish(`/v2/publish/${withCredentials}/x`);
    expect(direct.status).toBe(400);
    expect(direct.text).not.toContain("s3cret-pass");
    const callback = await publish(`/v2/publish/${dest.url}/x`, { "upstash-callback": `${withCredentials}/cb` });
    expect(callback.status).toBe(400);
    expect(callback.json.error).toContain("Upstash-Callback");
    expect(callback.text).not.toContain("s3cret-pass");
    const group = await rawRequest(dev.url, "POST", "/v2/topics/g/endpoints", {
      token: dev.token,
      body: JSON.stringify({ endpoints: [{ url: `${withCredentials}/e` }] }),
    });
    expect(group.status).toBe(400);
    expect(group.text).not.toContain("s3cret-pass");
    await expectNothingDelivered();
  });
});

describe("delivery into the server itself", () => {
  it("refuses destinations, callbacks and URL-group endpoints that point at the server's API", async () => {
    const self = [`${dev.url}/v2/publish/${dest.url}/x`, `http://localhost:${dev.port}/v2/keys`, `http://[::1]:${dev.port}/`, `http://127.0.0.2:${dev.port}/x`];
    for (const url of self) {
      const response = await publish(`/v2/publish/${url}`);
      expect(response.status, url).toBe(400);
      expect(response.json.error, url).toMatch(/itself/i);
    }
    const callback = await publish(`/v2/publish/${dest.url}/x`, { "upstash-failure-callback": `${dev.url}/v2/publish/${dest.url}/y` });
    expect(callback.status).toBe(400);
    expect(callback.json.error).toContain("Upstash-Failure-Callback");
    const group = await rawRequest(dev.url, "POST", "/v2/topics/loop/endpoints", {
      token: dev.token,
      body: JSON.stringify({ endpoints: [{ url: `${dest.url}/ok` }, { url: `${dev.url}/v2/publish/loop` }] }),
    });
    expect(group.status).toBe(400);
    expect((await rawRequest(dev.url, "GET", "/v2/topics/loop", { token: dev.token })).status).toBe(404);
    const schedule = await rawRequest(dev.url, "POST", `/v2/schedules/${dev.url}/v2/publish/${dest.url}/z`, {
      token: dev.token,
      headers: { "upstash-cron": "* * * * *" },
    });
    expect(schedule.status).toBe(400);
    await expectNothingDelivered();
  });

  it("still delivers to another server on the same host", async () => {
    expect((await publish(`/v2/publish/${dest.url}/other`)).status).toBe(200);
    await dest.waitFor(1);
  });
});

describe("timing headers", () => {
  it("refuses Upstash-Timeout: 0 (every attempt would time out after the destination got it)", async () => {
    for (const [name, value] of [["upstash-timeout", "0"], ["upstash-timeout", "0s"], ["upstash-callback-timeout", "0"]] as const) {
      const response = await publish(`/v2/publish/${dest.url}/t`, { [name]: value, "upstash-callback": `${dest.url}/cb` });
      expect(response.status, `${name}: ${value}`).toBe(400);
      expect(response.json.error.toLowerCase()).toContain(name);
    }
    await expectNothingDelivered();
  });

  it("refuses an Upstash-Not-Before more than a year ahead (idle() would never resolve)", async () => {
    for (const value of ["99999999999999", String(Math.floor(Date.now() / 1000) + 400 * 86_400), "1".repeat(400)]) {
      const response = await publish(`/v2/publish/${dest.url}/nbf`, { "upstash-not-before": value });
      expect(response.status, value).toBe(400);
      expect(response.json.error).toContain("Upstash-Not-Before");
    }
  });

  it("refuses Upstash-Retries beyond a safe integer", async () => {
    const response = await publish(`/v2/publish/${dest.url}/r`, { "upstash-retries": "9".repeat(400) });
    expect(response.status).toBe(400);
    expect(response.json.error).toContain("Upstash-Retries");
  });
});

describe("URL-group endpoint removal", () => {
  it("answers a malformed endpoint list with 400 naming the field", async () => {
    await rawRequest(dev.url, "POST", "/v2/topics/g/endpoints", { token: dev.token, body: JSON.stringify({ endpoints: [{ url: `${dest.url}/a` }] }) });
    for (const body of [{ endpoints: [null] }, { endpoints: [1] }, { endpoints: [{}] }, { endpoints: "all" }]) {
      const response = await rawRequest(dev.url, "DELETE", "/v2/topics/g/endpoints", { token: dev.token, body: JSON.stringify(body) });
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.json.error).toContain("endpoints");
    }
    expect((await rawRequest(dev.url, "GET", "/v2/topics/g", { token: dev.token })).json.endpoints).toHaveLength(1);
  });
});
