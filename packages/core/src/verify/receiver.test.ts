import { readFileSync, readdirSync } from "node:fs";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  InvalidOptionError,
  MissingSigningKeysError,
  QStashError,
  Receiver,
  SignatureError,
  createMemoryReplayStore,
} from "@stashkit/core";
import type { ReplayStore, VerifyRequest } from "@stashkit/core";
import { signDelivery } from "@stashkit/core/testing";
import { joseOutcome } from "./joseReference.fixture.js";
import { BODY, CURRENT, FOREIGN, NEXT, NOW, NOW_MS, URL_, bodyHash, forge } from "./receiver.fixture.js";

const keys = { currentSigningKey: CURRENT, nextSigningKey: NEXT };
const implementations = ["node", "webcrypto"] as const;

// Wire spec section 8: real tokens from the dev server's default keys.
const SPEC_DELIVERY = {
  signature:
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJVcHN0YXNoIiwic3ViIjoiaHR0cDovL2xvY2FsaG9zdDozMDAwL2FwaS9zZW5kLWVtYWlsIiwiZXhwIjoxNzY3MjI1OTAwLCJuYmYiOjE3NjcyMjU2MDAsImlhdCI6MTc2NzIyNTYwMCwianRpIjoiand0XzZDTXpCMW9HaDdRS0oyVXFNM3g5dloiLCJib2R5IjoiZUY2MmoyOHc4a0VSbU1LVGhvRVp2bXcxNGVGVTN2UXZTMnRacElnRnVDRT0ifQ.jLp4QDpkYUrON3jCv_jipJxX5nKu1rrqRrREy5y3-Ig",
  body: '{"orderId":42,"to":"ada@example.com"}',
  url: "http://localhost:3000/api/send-email",
};
const SPEC_CALLBACK = {
  signature:
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJVcHN0YXNoIiwic3ViIjoiaHR0cDovL2xvY2FsaG9zdDozMDAwL2FwaS9vbi1kZWxpdmVyZWQiLCJleHAiOjE3NjcyMjU5MDEsIm5iZiI6MTc2NzIyNTYwMSwiaWF0IjoxNzY3MjI1NjAxLCJqdGkiOiJqd3RfOVRmV3EyTHJYYzROYkg3cEsxc1lkRSIsImJvZHkiOiJNM1NFQjk5RklQVU84OEpfTDVTSGJtSVpNaHg0ZDF2bWVJRW8xUjFQTUtnPSJ9.I2EwQl7Vnc1Cg0qUfkNqMZfNB_L_ksa8zftjp1KZTZ0",
  body: '{"status":200,"header":{"Content-Type":["application/json"]},"body":"eyJzZW50Ijp0cnVlfQ==","maxRetries":2,"sourceMessageId":"msg_26hZCxZCuWyyTWPmSVBrNC1RADwpgWxPcak2rQD51EMjFMuzcW7qYXpPiDyw","url":"http://localhost:3000/api/send-email","method":"POST","sourceHeader":{"Content-Type":["application/json"],"Upstash-Forward-X-Tenant":["acme"]},"sourceBody":"eyJvcmRlcklkIjo0MiwidG8iOiJhZGFAZXhhbXBsZS5jb20ifQ==","notBefore":1767225600000,"createdAt":1767225599874,"callerIP":"127.0.0.1"}',
  url: "http://localhost:3000/api/on-delivered",
};

afterEach(() => {
  vi.unstubAllEnvs();
});

describe.each(implementations)("Receiver (%s path)", (implementation) => {
  const receiver = new Receiver({ ...keys, implementation });
  const at = (request: Partial<VerifyRequest>): VerifyRequest =>
    ({ signature: forge(), body: BODY, url: URL_, now: NOW_MS, ...request }) as VerifyRequest;

  it("reports the implementation it was asked for", () => {
    expect(receiver.implementation).toBe(implementation);
  });

  it("verifies the wire spec's delivery token at a clock inside its window", async () => {
    const result = await receiver.verifyDelivery({ ...SPEC_DELIVERY, now: new Date("2026-01-01T00:01:00Z") });
    expect(result.key).toBe("current");
    expect(result.claims).toEqual({
      iss: "Upstash",
      sub: "http://localhost:3000/api/send-email",
      exp: 1767225900,
      nbf: 1767225600,
      iat: 1767225600,
      jti: "jwt_6CMzB1oGh7QKJ2UqM3x9vZ",
      body: "eF62j28w8kERmMKThoEZvmw14eFU3vQvS2tZpIgFuCE=",
    });
  });

  it("verifies the wire spec's callback token, bound to the callback URL", async () => {
    await expect(receiver.verify({ ...SPEC_CALLBACK, now: 1767225700_000 } as VerifyRequest)).resolves.toBe(true);
    const wrongUrl = await receiver.safeVerifyDelivery({ ...SPEC_CALLBACK, url: SPEC_DELIVERY.url, now: 1767225700_000 });
    expect(wrongUrl.ok ? "ok" : wrongUrl.error.reason).toBe("url_mismatch");
  });

  it("rejects the wire spec's token once it has expired", async () => {
    const result = await receiver.safeVerifyDelivery({ ...SPEC_DELIVERY, now: 1767225900_000 });
    expect(result.ok ? "ok" : result.error.reason).toBe("expired");
  });

  it("reports which key verified the token", async () => {
    expect((await receiver.verifyDelivery(at({ signature: forge({ key: NEXT }) }))).key).toBe("next");
    expect((await receiver.verifyDelivery(at({}))).key).toBe("current");
  });

  it("verify resolves exactly true, like the official SDK", async () => {
    expect(await receiver.verify(at({}))).toBe(true);
  });

  it("accepts tokens from signDelivery for string, Uint8Array, Buffer and DataView bodies", async () => {
    const bytes = new Uint8Array([0, 1, 2, 250, 251, 255]);
    const signature = await signDelivery({ key: CURRENT, url: URL_, body: bytes, now: NOW_MS });
    await expect(receiver.verify(at({ signature, body: bytes }))).resolves.toBe(true);
    await expect(receiver.verify(at({ signature, body: Buffer.from(bytes) }))).resolves.toBe(true);
    const view = new DataView(new Uint8Array([9, 9, ...bytes, 9]).buffer, 2, bytes.length);
    await expect(receiver.verify(at({ signature, body: view }))).resolves.toBe(true);
  });

  it("accepts bodies from another realm (vm context)", async () => {
    const { runInNewContext } = process.getBuiltinModule("node:vm");
    const bytes = runInNewContext("new TextEncoder().encode(body)", { body: BODY, TextEncoder }) as Uint8Array;
    const buffer = runInNewContext("new Uint8Array([...bytes]).buffer", { bytes }) as ArrayBuffer;
    expect(buffer instanceof ArrayBuffer).toBe(false);
    await expect(receiver.verify(at({ body: buffer }))).resolves.toBe(true);
  });

  it("rejects with SignatureError for non-object requests, never another error", async () => {
    for (const bad of [undefined, null, "token", 42, []]) {
      const error = await receiver.verify(bad as unknown as VerifyRequest).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SignatureError);
      expect(error).toBeInstanceOf(QStashError);
      expect(error).toBeInstanceOf(Error);
      expect((error as SignatureError).name).toBe("SignatureError");
    }
  });

  it("never puts keys, hashes or the token in messages", async () => {
    const secrets = [CURRENT, NEXT, FOREIGN, bodyHash(BODY), bodyHash(BODY, false), bodyHash("other", false)];
    const attempts: Partial<VerifyRequest>[] = [
      { signature: forge({ key: FOREIGN }) },
      { signature: forge({ claims: { exp: NOW - 1 } }) },
      { body: "other" },
      { url: "https://evil.example/" },
      { signature: "garbage" },
      { signature: forge({ header: { alg: "HS512" }, hmac: "sha512" }) },
    ];
    for (const attempt of attempts) {
      const request = at(attempt);
      const result = await receiver.safeVerifyDelivery(request);
      expect(result.ok).toBe(false);
      if (result.ok) continue;
      for (const secret of [...secrets, request.signature]) expect(result.error.message).not.toContain(secret);
    }
  });

  it("uses the clock option when no per-call time is given", async () => {
    const clocked = new Receiver({ ...keys, implementation, clock: () => NOW_MS + 299_000 });
    await expect(clocked.verify(at({ now: undefined }))).resolves.toBe(true);
    const late = new Receiver({ ...keys, implementation, clock: () => NOW_MS + 300_000 });
    await expect(late.verify(at({ now: undefined }))).rejects.toMatchObject({ reason: "expired" });
  });

  it("rejects a replayed token only after full verification", async () => {
    const calls: string[] = [];
    const memory = createMemoryReplayStore({ clock: () => NOW_MS });
    const store: ReplayStore = { seen: (jti, expiresAt) => (calls.push(jti), memory.seen(jti, expiresAt)) };
    const guarded = new Receiver({ ...keys, implementation, replayGuard: store });
    await expect(guarded.verify(at({}))).resolves.toBe(true);
    await expect(guarded.verify(at({}))).rejects.toMatchObject({ reason: "replayed", code: "ERR_SIGNATURE_REPLAYED" });
    await expect(guarded.verify(at({ signature: forge({ claims: { jti: "jwt_other" } }) }))).resolves.toBe(true);
    await expect(guarded.verify(at({ body: "tampered" }))).rejects.toMatchObject({ reason: "body_mismatch" });
    expect(calls).toEqual(["jwt_fixture0000000000000", "jwt_fixture0000000000000", "jwt_other"]);
  });

  it("passes exp + clockTolerance (ms) to the replay store", async () => {
    const seen: number[] = [];
    const guarded = new Receiver({ ...keys, implementation, replayGuard: { seen: async (_j, e) => (seen.push(e), false) } });
    await guarded.verify(at({ clockTolerance: 7 }));
    expect(seen).toEqual([(NOW + 300 + 7) * 1000]);
  });

  it("fails closed when the replay store fails, keeping its error as cause", async () => {
    const failure = new Error("redis down");
    const guarded = new Receiver({ ...keys, implementation, replayGuard: { seen: () => Promise.reject(failure) } });
    const error = await guarded.verify(at({})).catch((e: unknown) => e);
    expect(error).toMatchObject({ reason: "replayed" });
    expect((error as Error).cause).toBe(failure);
  });

  it("requires a jti when a replay guard is configured", async () => {
    const guarded = new Receiver({ ...keys, implementation, replayGuard: createMemoryReplayStore() });
    await expect(guarded.verify(at({ signature: forge({ claims: { jti: undefined } }) }))).rejects.toMatchObject({ reason: "malformed" });
  });

  it("verifies with the dev server keys in devMode", async () => {
    const dev = new Receiver({ devMode: true, implementation });
    await expect(dev.verify({ ...SPEC_DELIVERY, now: NOW_MS } as VerifyRequest)).resolves.toBe(true);
  });
});

describe("Receiver engines agree with jose.jwtVerify on the registered claims", () => {
  const receivers = implementations.map((implementation) => new Receiver({ ...keys, implementation }));
  it.each([
    ["bad_signature", { signature: forge({ key: FOREIGN }) }],
    ["expired", { signature: forge({ claims: { exp: NOW - 1 } }) }],
    ["expired at exactly exp", { signature: forge({ claims: { exp: NOW } }) }],
    ["not_yet_valid", { signature: forge({ claims: { nbf: NOW + 60 } }) }],
    ["wrong_issuer", { signature: forge({ claims: { iss: "x" } }) }],
    ["missing issuer", { signature: forge({ claims: { iss: undefined } }) }],
    ["missing exp", { signature: forge({ claims: { exp: undefined } }) }],
    ["string iat", { signature: forge({ claims: { iat: "now" } }) }],
    ["HS512", { signature: forge({ header: { alg: "HS512", typ: "JWT" }, hmac: "sha512" }) }],
    ["next key", { signature: forge({ key: NEXT }) }],
  ] as const)("%s", async (_name, request) => {
    const full = { body: BODY, url: URL_, ...request };
    const expected = await joseOutcome(full, NOW);
    for (const receiver of receivers) {
      const result = await receiver.safeVerifyDelivery({ ...full, now: NOW_MS });
      expect(result.ok ? "ok" : result.error.reason, receiver.implementation).toBe(expected);
    }
  });
});

describe("Receiver construction", () => {
  const signed = (key: string) => ({ signature: forge({ key }), body: BODY, url: URL_, now: NOW_MS });

  it("reads QSTASH_CURRENT_SIGNING_KEY / QSTASH_NEXT_SIGNING_KEY when constructed without arguments", async () => {
    vi.stubEnv("QSTASH_CURRENT_SIGNING_KEY", FOREIGN);
    vi.stubEnv("QSTASH_NEXT_SIGNING_KEY", NEXT);
    const receiver = new Receiver();
    await expect(receiver.verify(signed(FOREIGN))).resolves.toBe(true);
    await expect(new Receiver(null as unknown as undefined).verify(signed(FOREIGN))).resolves.toBe(true);
    await expect(receiver.verify(signed(CURRENT))).rejects.toMatchObject({ reason: "bad_signature" });
  });

  it("throws ERR_MISSING_SIGNING_KEYS at construction when no keys exist anywhere", () => {
    vi.stubEnv("QSTASH_CURRENT_SIGNING_KEY", "");
    vi.stubEnv("QSTASH_NEXT_SIGNING_KEY", "");
    vi.stubEnv("QSTASH_REGION", "");
    expect(() => new Receiver()).toThrow(MissingSigningKeysError);
    expect(() => new Receiver({})).toThrow(expect.objectContaining({ code: "ERR_MISSING_SIGNING_KEYS" }));
  });

  it("throws when only one key is given, or the variables give only one", () => {
    vi.stubEnv("QSTASH_CURRENT_SIGNING_KEY", CURRENT);
    vi.stubEnv("QSTASH_NEXT_SIGNING_KEY", "");
    expect(() => new Receiver()).toThrow(MissingSigningKeysError);
    expect(() => new Receiver({ currentSigningKey: CURRENT })).toThrow(MissingSigningKeysError);
  });

  it("names the missing half of a pair instead of asking for both", () => {
    vi.stubEnv("QSTASH_CURRENT_SIGNING_KEY", CURRENT);
    vi.stubEnv("QSTASH_NEXT_SIGNING_KEY", "");
    expect(() => new Receiver()).toThrow(/^QSTASH_NEXT_SIGNING_KEY is missing: /);
    expect(() => new Receiver({ currentSigningKey: CURRENT })).toThrow(expect.objectContaining({ missing: "nextSigningKey" }));
    expect(() => new Receiver({ nextSigningKey: NEXT })).toThrow(/^currentSigningKey is missing: .*both keys are needed/);
    vi.stubEnv("QSTASH_CURRENT_SIGNING_KEY", "");
    expect(() => new Receiver()).toThrow(/^no QStash signing keys: set QSTASH_CURRENT_SIGNING_KEY and QSTASH_NEXT_SIGNING_KEY/);
  });

  it("points the former implementation name at the new one", () => {
    expect(() => new Receiver({ ...keys, implementation: "jose" as "webcrypto" })).toThrow(/is "webcrypto" now/);
  });

  it("rejects wrong option types early", () => {
    expect(() => new Receiver({ currentSigningKey: 1 as unknown as string, nextSigningKey: NEXT })).toThrow(InvalidOptionError);
    expect(() => new Receiver({ ...keys, implementation: "wasm" as "node" })).toThrow(InvalidOptionError);
    expect(() => new Receiver({ ...keys, replayGuard: {} as ReplayStore })).toThrow(InvalidOptionError);
  });

  it("picks the node path automatically on Node", () => {
    expect(new Receiver(keys).implementation).toBe("node");
  });

  it("falls back to webcrypto when process.getBuiltinModule is unavailable", async () => {
    // Fresh module instance: the node runtime lookup is cached per module.
    vi.resetModules();
    const original = process.getBuiltinModule;
    (process as { getBuiltinModule?: unknown }).getBuiltinModule = undefined;
    try {
      const { Receiver: FreshReceiver } = await import("./receiver.js");
      const receiver = new FreshReceiver(keys);
      expect(receiver.implementation).toBe("webcrypto");
      expect(() => new FreshReceiver({ ...keys, implementation: "node" })).toThrow(
        expect.objectContaining({ code: "ERR_INVALID_OPTION", option: "implementation" }),
      );
      await expect(receiver.verify(signed(CURRENT))).resolves.toBe(true);
    } finally {
      process.getBuiltinModule = original;
      vi.resetModules();
    }
  });
});

describe("Receiver multi-region mode (QSTASH_REGION)", () => {
  const US = { current: "sig_us_current_key_0000000000", next: "sig_us_next_key_000000000000" };
  const request = (key: string, upstashRegion?: string) => ({
    signature: forge({ key }),
    body: BODY,
    url: URL_,
    now: NOW_MS,
    ...(upstashRegion === undefined ? {} : { upstashRegion }),
  });

  it.each(implementations)("picks the region's keys from upstashRegion (%s path)", async (implementation) => {
    vi.stubEnv("QSTASH_REGION", "us-east-1");
    vi.stubEnv("US_EAST_1_QSTASH_CURRENT_SIGNING_KEY", US.current);
    vi.stubEnv("US_EAST_1_QSTASH_NEXT_SIGNING_KEY", US.next);
    vi.stubEnv("QSTASH_CURRENT_SIGNING_KEY", CURRENT);
    vi.stubEnv("QSTASH_NEXT_SIGNING_KEY", NEXT);
    const receiver = new Receiver({ implementation });
    const us = await receiver.verifyDelivery(request(US.next, "US-EAST-1"));
    expect(us).toMatchObject({ key: "next", region: "US_EAST_1" });
    await expect(receiver.verify(request(CURRENT, "US-EAST-1"))).rejects.toMatchObject({ reason: "bad_signature" });
    // No regional keys for EU (or no header): the plain variables, as the official SDK does.
    await expect(receiver.verify(request(CURRENT, "EU-CENTRAL-1"))).resolves.toBe(true);
    await expect(receiver.verify(request(CURRENT))).resolves.toBe(true);
    await expect(receiver.verify(request(US.current))).rejects.toMatchObject({ reason: "bad_signature" });
  });

  it("fails closed at verify time when a region has no keys and there is no fallback", async () => {
    vi.stubEnv("QSTASH_REGION", "EU_CENTRAL_1");
    vi.stubEnv("QSTASH_CURRENT_SIGNING_KEY", "");
    vi.stubEnv("QSTASH_NEXT_SIGNING_KEY", "");
    vi.stubEnv("US_EAST_1_QSTASH_CURRENT_SIGNING_KEY", US.current);
    vi.stubEnv("US_EAST_1_QSTASH_NEXT_SIGNING_KEY", US.next);
    const receiver = new Receiver();
    await expect(receiver.verify(request(US.current, "us-east-1"))).resolves.toBe(true);
    const eu = await receiver.verify(request(US.current, "eu-central-1")).catch((e: unknown) => e);
    expect(eu).toBeInstanceOf(SignatureError);
    expect(eu).toMatchObject({ reason: "bad_signature" });
  });

  it("throws at construction in region mode when no pair exists at all", () => {
    vi.stubEnv("QSTASH_REGION", "US_EAST_1");
    vi.stubEnv("QSTASH_CURRENT_SIGNING_KEY", "");
    vi.stubEnv("QSTASH_NEXT_SIGNING_KEY", "");
    vi.stubEnv("US_EAST_1_QSTASH_CURRENT_SIGNING_KEY", US.current);
    vi.stubEnv("US_EAST_1_QSTASH_NEXT_SIGNING_KEY", "");
    vi.stubEnv("EU_CENTRAL_1_QSTASH_CURRENT_SIGNING_KEY", "");
    vi.stubEnv("EU_CENTRAL_1_QSTASH_NEXT_SIGNING_KEY", "");
    expect(() => new Receiver()).toThrow(MissingSigningKeysError);
  });

  it("explicit keys win over region variables", async () => {
    vi.stubEnv("QSTASH_REGION", "US_EAST_1");
    vi.stubEnv("US_EAST_1_QSTASH_CURRENT_SIGNING_KEY", US.current);
    vi.stubEnv("US_EAST_1_QSTASH_NEXT_SIGNING_KEY", US.next);
    const receiver = new Receiver(keys);
    await expect(receiver.verify(request(CURRENT, "US-EAST-1"))).resolves.toBe(true);
    await expect(receiver.verify(request(US.current, "US-EAST-1"))).rejects.toMatchObject({ reason: "bad_signature" });
  });
});

describe("Edge safety", () => {
  it("no non-test source of core imports node:crypto statically", () => {
    const dir = new URL("../", import.meta.url);
    const sources = (readdirSync(dir, { recursive: true }) as string[]).filter(
      (f) => f.endsWith(".ts") && !f.endsWith(".test.ts") && !f.endsWith(".fixture.ts"),
    );
    expect(sources.length).toBeGreaterThan(40);
    const offenders = sources.filter((f) => /^\s*import\b[^;]*?from\s*["']node:crypto["']/m.test(readFileSync(new URL(f, dir), "utf8")));
    expect(offenders).toEqual([]);
  });
});
