// Differential test: stashkit's Receiver (both paths) against the official
// @upstash/qstash 2.12.0 Receiver over the same generated tokens, and both paths against
// jose.jwtVerify (joseReference.fixture.ts), reason for reason.
//
// Required: identical accept/reject decisions for string bodies, except where stashkit is
// deliberately stricter (documented in README, "Receiving deliveries"):
//   - alg other than HS256 (the SDK accepts correctly signed HS384/HS512 tokens);
//   - a token without `exp` (the SDK accepts it forever);
//   - a non-string `jti`, or a non-string `sub` while no URL is checked (with a URL both reject);
// and where stashkit is deliberately more lenient: `sub`/`url` equal after WHATWG URL
// normalisation (the SDK compares raw strings). Every generated case is classified; each
// exempt class is asserted to go the documented way, so the exemptions cannot hide a bug.
import { Receiver as OfficialReceiver } from "@upstash/qstash";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { Receiver } from "@stashkit/core";
import type { VerifyRequest } from "@stashkit/core";
import { joseOutcome } from "./joseReference.fixture.js";
import { CURRENT, FOREIGN, NEXT, NOW, NOW_MS, bodyHash, forge } from "./receiver.fixture.js";

const keys = { currentSigningKey: CURRENT, nextSigningKey: NEXT };
const node = new Receiver({ ...keys, implementation: "node" });
const webcrypto = new Receiver({ ...keys, implementation: "webcrypto" });
const official = new OfficialReceiver(keys);

const URLS = [
  "https://app.example.com/api/hook",
  "https://app.example.com/api/hook/",
  "https://app.example.com/api/hook?a=1",
  "http://localhost:3000/api/hook",
  "HTTPS://app.example.com/api/hook",
  "https://app.example.com:443/api/hook",
];
const normalised = (u: string): string => new URL(u).href;

const accepts = async (run: () => Promise<unknown>): Promise<boolean> =>
  run().then(
    () => true,
    () => false,
  );

beforeAll(() => {
  // The official Receiver reads the wall clock; pin it so both see the same `now`.
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(NOW_MS);
});
afterAll(() => {
  vi.useRealTimers();
});

type Case = { request: { signature: string; body: string; url?: string; clockTolerance?: number }; cls: string };

const time = fc.oneof(fc.integer({ min: -400, max: 400 }).map((d) => NOW + d), fc.constantFrom(NOW, NOW - 1, NOW + 1));
// Mostly inside the window, so that acceptance is as common as rejection.
const exp = fc.oneof({ weight: 3, arbitrary: fc.constant(NOW + 300) }, { weight: 2, arbitrary: time });
const nbf = fc.oneof({ weight: 3, arbitrary: fc.constant(NOW) }, { weight: 2, arbitrary: time });
const maybe = <T>(valid: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 8, arbitrary: valid.map((v): unknown => v) }, { weight: 1, arbitrary: fc.constantFrom<unknown>(undefined, 7, null) });

const cases: fc.Arbitrary<Case> = fc
  .record({
    key: fc.constantFrom(CURRENT, CURRENT, NEXT, FOREIGN),
    alg: fc.constantFrom("HS256", "HS256", "HS256", "HS256", "HS384", "HS512", "none"),
    body: fc.oneof(fc.string({ maxLength: 80 }), fc.string({ unit: "binary", maxLength: 40 })),
    otherBody: fc.integer({ min: 0, max: 3 }).map((n) => n === 0),
    pad: fc.boolean(),
    iss: maybe(fc.constantFrom("Upstash", "upstash")),
    sub: maybe(fc.constantFrom(...URLS)),
    exp: maybe(exp),
    nbf: maybe(nbf),
    jti: maybe(fc.constant("jwt_x")),
    url: fc.oneof(fc.constant(undefined), fc.constant("same-as-sub"), fc.constantFrom(...URLS)),
    clockTolerance: fc.option(fc.integer({ min: 0, max: 20 }), { nil: undefined }),
  })
  .map((g) => {
    const hmac = g.alg === "HS384" ? "sha384" : g.alg === "HS512" ? "sha512" : "sha256";
    const claims = { iss: g.iss, sub: g.sub, exp: g.exp, nbf: g.nbf, jti: g.jti, body: bodyHash(g.otherBody ? "other" : g.body, g.pad) };
    const signature = forge({
      key: g.key,
      header: { alg: g.alg, typ: "JWT" },
      claims,
      hmac,
      ...(g.alg === "none" ? { signatureSegment: "" } : {}),
    });
    const request: Case["request"] = { signature, body: g.body };
    const url = g.url === "same-as-sub" ? (typeof g.sub === "string" ? g.sub : URLS[0]!) : g.url;
    if (url !== undefined) request.url = url;
    if (g.clockTolerance !== undefined) request.clockTolerance = g.clockTolerance;
    const cls =
      g.alg === "HS384" || g.alg === "HS512"
        ? "alg-not-hs256"
        : g.exp === undefined
          ? "no-exp"
          : typeof g.jti === "number" || g.jti === null || (url === undefined && (typeof g.sub === "number" || g.sub === null))
            ? "non-string-sub-or-jti"
            : typeof g.sub === "string" && url !== undefined && g.sub !== url && normalised(g.sub) === normalised(url)
              ? "equivalent-urls"
              : "compared";
    return { request, cls };
  });

describe("differential: stashkit Receiver vs official @upstash/qstash Receiver", () => {
  it("same accept/reject decisions on string bodies outside the documented differences", async () => {
    const counts = new Map<string, { total: number; accepted: number }>();
    await fc.assert(
      fc.asyncProperty(cases, async ({ request, cls }) => {
        const ours = await accepts(() => node.verify({ ...request, now: NOW_MS }));
        expect(await accepts(() => webcrypto.verify({ ...request, now: NOW_MS }))).toBe(ours);
        const theirs = await accepts(() => official.verify(request));
        const tally = counts.get(cls) ?? { total: 0, accepted: 0 };
        counts.set(cls, { total: tally.total + 1, accepted: tally.accepted + (ours ? 1 : 0) });
        if (cls === "compared") expect(ours, JSON.stringify(request)).toBe(theirs);
        // Stricter classes: we always reject. More lenient class: we accept whenever the SDK
        // would have accepted the same token with the normalised URL.
        else if (cls === "equivalent-urls") expect(ours || !theirs).toBe(true);
        else expect(ours).toBe(false);
      }),
      { numRuns: 3000 },
    );
    const compared = counts.get("compared");
    expect(compared?.total).toBeGreaterThan(1200);
    expect(compared?.accepted).toBeGreaterThan(60); // the generator reaches acceptance too
    expect(counts.get("alg-not-hs256")?.total).toBeGreaterThan(50);
  });

  it("both paths give jose.jwtVerify's reason for every generated token", async () => {
    const reason = async (receiver: Receiver, request: Case["request"]) => {
      const result = await receiver.safeVerifyDelivery({ ...request, now: NOW_MS });
      return result.ok ? "ok" : result.error.reason;
    };
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(cases, async ({ request }) => {
        const expected = await joseOutcome(request, NOW);
        seen.add(expected);
        expect(await reason(node, request), JSON.stringify(request)).toBe(expected);
        expect(await reason(webcrypto, request), JSON.stringify(request)).toBe(expected);
      }),
      { numRuns: 2000 },
    );
    expect([...seen]).toEqual(expect.arrayContaining(["ok", "bad_signature", "expired", "not_yet_valid", "wrong_issuer", "malformed"]));
  });

  it("the official SDK does accept the cases we document as stricter (so the exemptions are real)", async () => {
    const hs512 = forge({ header: { alg: "HS512", typ: "JWT" }, hmac: "sha512", body: "x" });
    const noExp = forge({ claims: { exp: undefined }, body: "x" });
    for (const signature of [hs512, noExp]) {
      await expect(official.verify({ signature, body: "x" })).resolves.toBe(true);
      await expect(node.verify({ signature, body: "x", now: NOW_MS })).rejects.toMatchObject({ name: "SignatureError" });
    }
  });

  it("the official SDK reports an expired current-key token as a signature failure; we say expired", async () => {
    const signature = forge({ claims: { exp: NOW - 10 }, body: "x" });
    await expect(official.verify({ signature, body: "x" })).rejects.toThrow("signature verification failed");
    await expect(node.verify({ signature, body: "x", now: NOW_MS })).rejects.toMatchObject({ reason: "expired" });
    await expect(webcrypto.verify({ signature, body: "x", now: NOW_MS })).rejects.toMatchObject({ reason: "expired" });
  });

  it("binary bodies: we verify the exact bytes; the SDK cannot (it hashes text)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 256 }), fc.nat(), async (bytes, at) => {
        const signature = forge({ body: bytes });
        const request = { signature, body: bytes, now: NOW_MS } as VerifyRequest;
        await expect(node.verify(request)).resolves.toBe(true);
        await expect(webcrypto.verify(request)).resolves.toBe(true);
        const changed = bytes.slice();
        changed[at % changed.length]! ^= 0x80;
        await expect(node.verify({ ...request, body: changed })).rejects.toMatchObject({ reason: "body_mismatch" });
        await expect(webcrypto.verify({ ...request, body: changed })).rejects.toMatchObject({ reason: "body_mismatch" });
      }),
      { numRuns: 300 },
    );
    // Non-UTF-8 bytes: the SDK would have to receive them as a (lossy) string and fails.
    const bytes = new Uint8Array([0xff, 0xfe, 0x80, 0x00]);
    const signature = forge({ body: bytes });
    await expect(official.verify({ signature, body: new TextDecoder().decode(bytes) })).rejects.toThrow();
  });
});
