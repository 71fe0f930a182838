import { afterEach, describe, expect, it, vi } from "vitest";
import { InvalidOptionError, Receiver } from "@stashkit/core";
import { signDelivery } from "@stashkit/core/testing";
import { CURRENT, NEXT, NOW, NOW_MS } from "../verify/receiver.fixture.js";

const decode = (segment: string): Record<string, unknown> => JSON.parse(Buffer.from(segment, "base64url").toString("utf8"));
const parts = (token: string) => {
  const [h, p, s] = token.split(".") as [string, string, string];
  return { header: decode(h), claims: decode(p), signature: s };
};

describe("signDelivery", () => {
  afterEach(() => {
    vi.resetModules();
  });

  it("reproduces the wire spec's section 8 token byte for byte", async () => {
    const token = await signDelivery({
      key: CURRENT,
      url: "http://localhost:3000/api/send-email",
      body: '{"orderId":42,"to":"ada@example.com"}',
      now: new Date("2026-01-01T00:00:00Z"),
      jti: "jwt_6CMzB1oGh7QKJ2UqM3x9vZ",
    });
    expect(token).toBe(
      "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJVcHN0YXNoIiwic3ViIjoiaHR0cDovL2xvY2FsaG9zdDozMDAwL2FwaS9zZW5kLWVtYWlsIiwiZXhwIjoxNzY3MjI1OTAwLCJuYmYiOjE3NjcyMjU2MDAsImlhdCI6MTc2NzIyNTYwMCwianRpIjoiand0XzZDTXpCMW9HaDdRS0oyVXFNM3g5dloiLCJib2R5IjoiZUY2MmoyOHc4a0VSbU1LVGhvRVp2bXcxNGVGVTN2UXZTMnRacElnRnVDRT0ifQ.jLp4QDpkYUrON3jCv_jipJxX5nKu1rrqRrREy5y3-Ig",
    );
  });

  it("emits QStash's claims: iss, sub, exp = iat + ttl, nbf = iat, jwt_ id, padded body hash", async () => {
    const { header, claims } = parts(await signDelivery({ key: CURRENT, url: "https://x.dev/a", now: NOW_MS + 999, ttlSeconds: 60 }));
    expect(header).toEqual({ alg: "HS256", typ: "JWT" });
    expect(claims).toMatchObject({ iss: "Upstash", sub: "https://x.dev/a", iat: NOW, nbf: NOW, exp: NOW + 60 });
    expect(claims["jti"]).toMatch(/^jwt_[A-Za-z0-9]{22}$/);
    expect(claims["body"]).toBe("47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU="); // empty body, per the wire spec
  });

  it("draws a fresh jti each time", async () => {
    const ids = new Set<unknown>();
    for (let i = 0; i < 50; i++) ids.add(parts(await signDelivery({ key: CURRENT, url: "https://x.dev" })).claims["jti"]);
    expect(ids.size).toBe(50);
  });

  it("padBodyHash: false drops the padding", async () => {
    const { claims } = parts(await signDelivery({ key: CURRENT, url: "https://x.dev", padBodyHash: false }));
    expect(claims["body"]).toBe("47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU");
  });

  it("claim overrides replace, remove (undefined) and add claims, keeping QStash's order", async () => {
    const token = await signDelivery({ key: CURRENT, url: "https://x.dev", now: NOW_MS, claims: { iss: "Evil", nbf: undefined, extra: 1 } });
    const { claims } = parts(token);
    expect(Object.keys(claims)).toEqual(["iss", "sub", "exp", "iat", "jti", "body", "extra"]);
    expect(claims["iss"]).toBe("Evil");
  });

  it("header overrides pick the MAC: HS512 signs with SHA-512, none leaves the signature empty", async () => {
    const hs512 = await signDelivery({ key: CURRENT, url: "https://x.dev", header: { alg: "HS512" } });
    expect(parts(hs512).header).toEqual({ alg: "HS512", typ: "JWT" });
    expect(Buffer.from(parts(hs512).signature, "base64url")).toHaveLength(64);
    expect(hs512.endsWith(".")).toBe(false);
    const none = await signDelivery({ key: CURRENT, url: "https://x.dev", header: { alg: "none", typ: undefined } });
    expect(parts(none).header).toEqual({ alg: "none" });
    expect(none.endsWith(".")).toBe(true);
  });

  it("signs tokens our Receiver accepts, with either key, for text and bytes", async () => {
    const receiver = new Receiver({ currentSigningKey: CURRENT, nextSigningKey: NEXT });
    for (const body of ["héllo", new Uint8Array([0, 255, 128])]) {
      for (const key of [CURRENT, NEXT]) {
        const signature = await signDelivery({ key, url: "https://x.dev/h", body });
        await expect(receiver.verify({ signature, body, url: "https://x.dev/h" })).resolves.toBe(true);
      }
    }
  });

  it("the Web Crypto fallback signs the same bytes as the node:crypto path", async () => {
    const options = { key: CURRENT, url: "https://x.dev/h", body: "same", now: NOW_MS, jti: "jwt_fixed" };
    const viaNode = await signDelivery(options);
    const original = process.getBuiltinModule;
    (process as { getBuiltinModule?: unknown }).getBuiltinModule = undefined;
    try {
      vi.resetModules(); // fresh nodeCrypto module: its runtime lookup is cached
      const { signDelivery: portable } = await import("./signDelivery.js");
      const { loadNodeRuntime } = await import("../lib/nodeCrypto.js");
      expect(loadNodeRuntime()).toBeUndefined();
      expect(await portable(options)).toBe(viaNode);
      expect(await portable({ ...options, header: { alg: "HS384" } })).toBe(await signDelivery({ ...options, header: { alg: "HS384" } }));
    } finally {
      process.getBuiltinModule = original;
    }
  });

  it("rejects invalid options with InvalidOptionError naming the option", async () => {
    await expect(signDelivery({ key: "", url: "https://x.dev" })).rejects.toMatchObject({ option: "key" });
    await expect(signDelivery({ key: CURRENT, url: 5 as unknown as string })).rejects.toMatchObject({ option: "url" });
    await expect(signDelivery({ key: CURRENT, url: "u", ttlSeconds: Number.NaN })).rejects.toBeInstanceOf(InvalidOptionError);
    await expect(signDelivery({ key: CURRENT, url: "u", now: new Date("nope") })).rejects.toMatchObject({ option: "now" });
    await expect(signDelivery({ key: CURRENT, url: "u", body: 5 as unknown as string })).rejects.toMatchObject({ option: "body" });
  });
});
