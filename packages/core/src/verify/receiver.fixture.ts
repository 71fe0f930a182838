// Test fixtures for the receiver suites: a fixed clock, three keys, and `forge`, an
// independent token builder (plain node:crypto, no stashkit code) that can produce any
// malformed or malicious variant. Test-only: not exported from any entry.
// Loaded like the production code does, so no source file of core imports `node:` statically.
const { createHash, createHmac } = process.getBuiltinModule("node:crypto");

export const NOW = 1_767_225_600; // 2026-01-01T00:00:00Z, Unix seconds
export const NOW_MS = NOW * 1000;
export const CURRENT = "sig_7kYjw48mhY7kAjqNGcy6cr29RJ6r";
export const NEXT = "sig_5ZB6DVzB1wjE8S6rZ7eenA8Pdnhs";
export const FOREIGN = "sig_3aQ9xFvVt2RyPmLk8Hc5Wd1Zs7Bn";
export const URL_ = "https://app.example.com/api/hook";
export const BODY = '{"hello":"world"}';

export const b64url = (data: string | Uint8Array): string => Buffer.from(data).toString("base64url");
export const bodyHash = (body: string | Uint8Array, pad = true): string =>
  createHash("sha256").update(body).digest("base64url") + (pad ? "=" : "");

export interface ForgeOptions {
  /** HMAC key; default CURRENT. */
  key?: string | Uint8Array;
  /** Header object, or a raw segment string. */
  header?: Record<string, unknown> | string;
  /** Claim overrides (`undefined` removes the claim). */
  claims?: Record<string, unknown>;
  /** Raw payload segment, bypassing `claims`. */
  payloadSegment?: string;
  /** Body the `body` claim hashes; default BODY. */
  body?: string | Uint8Array;
  /** HMAC hash; default sha256. */
  hmac?: "sha256" | "sha384" | "sha512";
  /** Replace the signature segment. */
  signatureSegment?: string;
}

/** Builds a compact JWS the way QStash does, with every part overridable. */
export function forge(options: ForgeOptions = {}): string {
  const header = options.header ?? { alg: "HS256", typ: "JWT" };
  const headerSegment = typeof header === "string" ? header : b64url(JSON.stringify(header));
  const claims = {
    iss: "Upstash",
    sub: URL_,
    exp: NOW + 300,
    nbf: NOW,
    iat: NOW,
    jti: "jwt_fixture0000000000000",
    body: bodyHash(options.body ?? BODY),
    ...options.claims,
  };
  const payloadSegment = options.payloadSegment ?? b64url(JSON.stringify(claims));
  const input = `${headerSegment}.${payloadSegment}`;
  const signature =
    options.signatureSegment ??
    createHmac(options.hmac ?? "sha256", options.key ?? CURRENT).update(input).digest("base64url");
  return `${input}.${signature}`;
}

/** The URL rule, written independently of the implementation: same string, or same URL without the fragment. */
export function sameUrl(sub: unknown, url: string): boolean {
  if (typeof sub !== "string") return false;
  if (sub === url) return true;
  try {
    const [a, b] = [new URL(sub), new URL(url)];
    a.hash = b.hash = "";
    return a.href === b.href;
  } catch {
    return false;
  }
}
