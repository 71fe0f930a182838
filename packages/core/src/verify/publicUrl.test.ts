import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { InvalidOptionError, Receiver, resolvePublicUrl } from "@stashkit/core";
import { signDelivery } from "@stashkit/core/testing";
import { CURRENT, NEXT } from "./receiver.fixture.js";

const headers = (h: Record<string, string>) => (name: string) => h[name.toLowerCase()];
const none = headers({});

describe("resolvePublicUrl", () => {
  it("returns the request URL unchanged without options", () => {
    expect(resolvePublicUrl("http://localhost:3000/api/hook?x=1", headers({ "x-forwarded-host": "evil.example" }))).toBe(
      "http://localhost:3000/api/hook?x=1",
    );
  });

  it("publicBaseUrl replaces the origin and keeps path and query", () => {
    const url = resolvePublicUrl("http://localhost:3000/api/hook?x=1", none, { publicBaseUrl: "https://app.example.com" });
    expect(url).toBe("https://app.example.com/api/hook?x=1");
    expect(resolvePublicUrl("http://10.0.0.5:8080/a", none, { publicBaseUrl: "https://abc.ngrok-free.app:8443/ignored" })).toBe(
      "https://abc.ngrok-free.app:8443/a",
    );
  });

  it("keeps a path that starts with // as a path", () => {
    expect(resolvePublicUrl("http://localhost:3000//evil.example/x", none, { publicBaseUrl: "https://app.example.com" })).toBe(
      "https://app.example.com//evil.example/x",
    );
  });

  it("publicBaseUrl may be a function of the seen URL", () => {
    const url = resolvePublicUrl("http://localhost:3000/api/hook", none, {
      publicBaseUrl: (seen) => `https://app.example.com/prefix${seen.pathname}`,
    });
    expect(url).toBe("https://app.example.com/prefix/api/hook");
  });

  it("honours X-Forwarded-Proto/Host only with trustProxy", () => {
    const forwarded = headers({ "x-forwarded-proto": "https, http", "x-forwarded-host": "app.example.com, proxy.internal" });
    expect(resolvePublicUrl("http://localhost:3000/api/hook", forwarded)).toBe("http://localhost:3000/api/hook");
    expect(resolvePublicUrl("http://localhost:3000/api/hook", forwarded, { trustProxy: true })).toBe("https://app.example.com/api/hook");
    expect(() => resolvePublicUrl("http://localhost:3000/a", headers({ "x-forwarded-proto": "javascript" }), { trustProxy: true })).toThrow(
      expect.objectContaining({ code: "ERR_BAD_REQUEST_URL", field: "x-forwarded-proto" }),
    );
  });

  it("publicBaseUrl wins over forwarded headers", () => {
    const forwarded = headers({ "x-forwarded-host": "evil.example" });
    expect(resolvePublicUrl("http://localhost/a", forwarded, { trustProxy: true, publicBaseUrl: "https://app.example.com" })).toBe(
      "https://app.example.com/a",
    );
  });

  it("rejects a publicBaseUrl that is not an absolute http(s) URL", () => {
    expect(() => resolvePublicUrl("http://localhost/a", none, { publicBaseUrl: "app.example.com" })).toThrow(InvalidOptionError);
    expect(() => resolvePublicUrl("http://localhost/a", none, { publicBaseUrl: "ftp://x" })).toThrow(InvalidOptionError);
    expect(() => resolvePublicUrl("http://localhost/a", none, { publicBaseUrl: () => "/relative" })).toThrow(InvalidOptionError);
  });

  it("makes a delivery signed for the public URL verify on a server behind a proxy (real HTTP)", async () => {
    const receiver = new Receiver({ currentSigningKey: CURRENT, nextSigningKey: NEXT });
    const server = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const seen = `http://${req.headers.host}${req.url}`;
      const lookup = (name: string) => req.headers[name] as string | undefined;
      const direct = await receiver.safeVerifyDelivery({ signature: lookup("upstash-signature")!, body: Buffer.concat(chunks), url: seen });
      const viaProxy = await receiver.safeVerifyDelivery({
        signature: lookup("upstash-signature")!,
        body: Buffer.concat(chunks),
        url: resolvePublicUrl(seen, lookup, { trustProxy: true }),
      });
      res.end(JSON.stringify([direct.ok || direct.error.reason, viaProxy.ok]));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const body = '{"hello":"world"}';
      const signature = await signDelivery({ key: CURRENT, url: "https://app.example.com/api/hook?tenant=1", body });
      const response = await fetch(`http://127.0.0.1:${port}/api/hook?tenant=1`, {
        method: "POST",
        body,
        headers: { "upstash-signature": signature, "x-forwarded-proto": "https", "x-forwarded-host": "app.example.com" },
      });
      expect(await response.json()).toEqual(["url_mismatch", true]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
