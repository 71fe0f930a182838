// Property tests: both verification paths must agree with each other and with `reference`,
// a small decision function written from the rules (README, "Receiving deliveries") using
// only node:crypto and Buffer, sharing no code with the implementation.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Receiver } from "@stashkit/core";
import type { SignatureErrorReason, VerifyRequest } from "@stashkit/core";
import { CURRENT, FOREIGN, NEXT, NOW, NOW_MS, b64url, bodyHash, forge, sameUrl } from "./receiver.fixture.js";

const { createHmac, createHash, timingSafeEqual } = process.getBuiltinModule("node:crypto");
type Outcome = SignatureErrorReason | "ok";

const keys = { currentSigningKey: CURRENT, nextSigningKey: NEXT };
const node = new Receiver({ ...keys, implementation: "node" });
const webcrypto = new Receiver({ ...keys, implementation: "webcrypto" });

function decodeJson(segment: string): unknown {
  try {
    return JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(Buffer.from(segment, "base64url")));
  } catch {
    return undefined;
  }
}
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** The verification rules, top to bottom; the first failing rule names the reason. */
function reference(request: { signature: unknown; body: string | Uint8Array; url?: string; clockTolerance?: number }, now = NOW): Outcome {
  const { signature, body, url } = request;
  const tol = request.clockTolerance ?? 0;
  if (signature === undefined || signature === null || signature === "") return "missing_signature";
  if (typeof signature !== "string" || signature.length > 8192) return "malformed";
  const parts = signature.split(".");
  if (parts.length !== 3 || parts.some((p) => !/^[\w-]*$/.test(p) || p.length % 4 === 1)) return "malformed";
  const [h, p, s] = parts as [string, string, string];
  const header = decodeJson(h);
  if (!isObject(header) || "crit" in header || typeof header["alg"] !== "string" || header["alg"] === "") return "malformed";
  if (header["alg"] !== "HS256") return "bad_signature";
  const mac = Buffer.from(s, "base64url");
  const signedBy = (key: string) => {
    const expected = createHmac("sha256", key).update(`${h}.${p}`).digest();
    return expected.length === mac.length && timingSafeEqual(expected, mac);
  };
  if (!signedBy(CURRENT) && !signedBy(NEXT)) return "bad_signature";
  const c = decodeJson(p);
  if (!isObject(c)) return "malformed";
  if (!("iss" in c)) return "wrong_issuer";
  if (!("exp" in c)) return "malformed";
  if (c["iss"] !== "Upstash") return "wrong_issuer";
  if ("iat" in c && typeof c["iat"] !== "number") return "malformed";
  if ("nbf" in c && typeof c["nbf"] !== "number") return "malformed";
  if (typeof c["nbf"] === "number" && c["nbf"] > now + tol) return "not_yet_valid";
  if (typeof c["exp"] !== "number") return "malformed";
  if (c["exp"] <= now - tol) return "expired";
  if (("sub" in c && typeof c["sub"] !== "string") || ("jti" in c && typeof c["jti"] !== "string")) return "malformed";
  if (url !== undefined && !sameUrl(c["sub"], url)) return "url_mismatch";
  const computed = createHash("sha256").update(body).digest("base64url");
  if (typeof c["body"] !== "string" || c["body"].replace(/=+$/, "") !== computed) return "body_mismatch";
  return "ok";
}

async function outcome(receiver: Receiver, request: object): Promise<Outcome> {
  const result = await receiver.safeVerifyDelivery({ now: NOW_MS, ...request } as VerifyRequest);
  return result.ok ? "ok" : result.error.reason;
}

// --- generators -----------------------------------------------------------------------

const URLS = [
  "https://app.example.com/api/hook",
  "https://app.example.com/api/hook/",
  "https://app.example.com/api/hook?a=1",
  "https://APP.example.com:443/api/hook",
  "http://localhost:3000/api/hook",
  "https://app.example.com",
  "https://app.example.com/",
  "not a url",
];
const time = fc.oneof(
  fc.integer({ min: -400, max: 400 }).map((d) => NOW + d),
  fc.constantFrom(NOW, NOW - 1, NOW + 1, NOW - 10, NOW + 10, NOW - 11, NOW + 11),
  fc.double({ min: NOW - 20, max: NOW + 20, noNaN: true }),
);
const claimValue = (valid: fc.Arbitrary<unknown>) =>
  fc.oneof(
    { weight: 6, arbitrary: valid },
    { weight: 1, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: fc.oneof(fc.constant(null), fc.integer(), fc.string({ maxLength: 5 }), fc.constant([1])) },
  );
const body = fc.oneof(
  fc.string({ unit: "binary", maxLength: 64 }),
  fc.string({ maxLength: 64 }),
  fc.uint8Array({ maxLength: 64 }),
);
const header = fc.oneof(
  { weight: 10, arbitrary: fc.constant({ alg: "HS256", typ: "JWT" }) },
  { weight: 1, arbitrary: fc.constantFrom<Record<string, unknown>>({ alg: "HS256" }, { alg: "HS256", kid: "x" }, { typ: "JWT" }, { alg: "none" }, { alg: "HS384" }, { alg: "RS256" }, { alg: "HS256", crit: ["exp"] }, { alg: "" }, { alg: 1 }) },
);

const structured = fc
  .record({
    key: fc.constantFrom(CURRENT, CURRENT, NEXT, FOREIGN),
    header,
    body,
    otherBody: fc.boolean(),
    pad: fc.boolean(),
    iss: claimValue(fc.constant("Upstash")),
    sub: claimValue(fc.constantFrom(...URLS)),
    exp: claimValue(time),
    nbf: claimValue(time),
    iat: claimValue(fc.constant(NOW)),
    jti: claimValue(fc.constant("jwt_abc")),
    url: fc.option(fc.constantFrom(...URLS), { nil: undefined }),
    clockTolerance: fc.option(fc.oneof(fc.integer({ min: 0, max: 30 }), fc.double({ min: 0, max: 30, noNaN: true })), { nil: undefined }),
  })
  .map((g) => {
    const claims: Record<string, unknown> = { iss: g.iss, sub: g.sub, exp: g.exp, nbf: g.nbf, iat: g.iat, jti: g.jti };
    claims["body"] = g.otherBody ? bodyHash("something else", g.pad) : bodyHash(g.body, g.pad);
    const signature = forge({ key: g.key, header: g.header, claims });
    const request: { signature: string; body: string | Uint8Array; url?: string; clockTolerance?: number } = { signature, body: g.body };
    if (g.url !== undefined) request.url = g.url;
    if (g.clockTolerance !== undefined) request.clockTolerance = g.clockTolerance;
    return request;
  });

const mutation = fc.oneof(
  fc.record({ kind: fc.constant("flip" as const), at: fc.nat(), char: fc.constantFrom("A", "b", "-", "_", "0", ".", "=", "+", " ") }),
  fc.record({ kind: fc.constant("truncate" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("append" as const), text: fc.string({ maxLength: 12 }) }),
  fc.record({ kind: fc.constant("replace" as const), text: fc.string({ unit: "binary", maxLength: 40 }) }),
);

function mutate(token: string, m: { kind: string; at?: number; char?: string; text?: string }): string {
  if (m.kind === "flip") {
    const i = (m.at ?? 0) % token.length;
    return token.slice(0, i) + m.char + token.slice(i + 1);
  }
  if (m.kind === "truncate") return token.slice(0, (m.at ?? 0) % token.length);
  if (m.kind === "append") return token + (m.text ?? "");
  return m.text ?? "";
}

describe("receiver properties (both paths agree with the reference rules)", () => {
  it("structured tokens: every claim present, absent, mistyped or shifted in time", async () => {
    const seen = new Map<Outcome, number>();
    await fc.assert(
      fc.asyncProperty(structured, async (request) => {
        const expected = reference(request);
        seen.set(expected, (seen.get(expected) ?? 0) + 1);
        expect(await outcome(node, request)).toBe(expected);
        expect(await outcome(webcrypto, request)).toBe(expected);
      }),
      { numRuns: 7000 },
    );
    // The generator must reach every decision, or agreement would prove little.
    for (const reason of ["ok", "malformed", "bad_signature", "wrong_issuer", "expired", "not_yet_valid", "url_mismatch", "body_mismatch"] as const) {
      expect(seen.get(reason) ?? 0, reason).toBeGreaterThan(20);
    }
  });

  it("mutated token strings: flipped, truncated, extended, replaced", async () => {
    const seenMutated = new Set<Outcome>();
    await fc.assert(
      fc.asyncProperty(structured, mutation, async (request, m) => {
        const mutated = { ...request, signature: mutate(request.signature, m) };
        const expected = reference(mutated);
        seenMutated.add(expected);
        expect(await outcome(node, mutated)).toBe(expected);
        expect(await outcome(webcrypto, mutated)).toBe(expected);
      }),
      { numRuns: 3000 },
    );
    expect([...seenMutated]).toEqual(expect.arrayContaining(["missing_signature", "malformed", "bad_signature"]));
  });

  it("raw payload segments: arbitrary JSON and non-JSON bytes under a valid MAC", async () => {
    const payload = fc.oneof(
      fc.json().map((j) => b64url(j)),
      fc.uint8Array({ maxLength: 40 }).map((b) => b64url(b)),
      fc.jsonValue().map((v) => b64url(JSON.stringify(isObject(v) ? { ...v, iss: "Upstash", exp: NOW + 60 } : v) ?? "null")),
    );
    await fc.assert(
      fc.asyncProperty(payload, fc.constantFrom(CURRENT, NEXT), async (payloadSegment, key) => {
        const request = { signature: forge({ key, payloadSegment }), body: "" };
        const expected = reference(request);
        expect(await outcome(node, request)).toBe(expected);
        expect(await outcome(webcrypto, request)).toBe(expected);
      }),
      { numRuns: 1000 },
    );
  });

  it("the reference itself accepts honest tokens and rejects every single-byte body change", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 64 }), fc.nat(), (bytes, at) => {
        const signature = forge({ body: bytes });
        expect(reference({ signature, body: bytes })).toBe("ok");
        const changed = bytes.slice();
        changed[at % changed.length]! ^= 1;
        expect(reference({ signature, body: changed })).toBe("body_mismatch");
      }),
      { numRuns: 200 },
    );
  });
});
