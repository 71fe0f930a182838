// Forged-token corpus: every case names one attack or malformation and the exact `reason`
// stashkit must report, run against both verification paths.
import { describe, expect, it } from "vitest";
import { Receiver, SignatureError } from "@stashkit/core";
import type { SignatureErrorReason, VerifyRequest } from "@stashkit/core";
import { BODY, CURRENT, FOREIGN, NEXT, NOW, NOW_MS, URL_, b64url, bodyHash, forge } from "./receiver.fixture.js";

interface CorpusCase {
  name: string;
  signature: unknown;
  request?: Partial<Record<keyof VerifyRequest, unknown>>;
  expect: SignatureErrorReason | "ok";
}

const valid = forge();
const [vh, vp, vs] = valid.split(".") as [string, string, string];
const flip = (s: string, i: number): string => s.slice(0, i) + (s[i] === "A" ? "B" : "A") + s.slice(i + 1);
const invalidUtf8 = b64url(new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]));
// A body whose SHA-256 base64url contains "-" or "_", so the standard alphabet differs.
const urlSafeBody = (() => {
  for (let i = 0; ; i++) if (/[-_]/.test(bodyHash(`body-${i}`))) return `body-${i}`;
})();
const binary = new Uint8Array([0xff, 0xfe, 0x00, 0x80, 0xc3, 0x28, 0xa0, 0xa1]);

const cases: CorpusCase[] = [
  // accepted
  { name: "valid token, current key", signature: valid, expect: "ok" },
  { name: "valid token, next key", signature: forge({ key: NEXT }), expect: "ok" },
  { name: "unpadded body hash accepted", signature: forge({ claims: { body: bodyHash(BODY, false) } }), expect: "ok" },
  { name: "doubly padded body hash accepted", signature: forge({ claims: { body: `${bodyHash(BODY)}=` } }), expect: "ok" },
  { name: "url omitted skips the sub check", signature: forge({ claims: { sub: "https://other.example/x" } }), request: { url: undefined }, expect: "ok" },
  { name: "exp inside clockTolerance", signature: forge({ claims: { exp: NOW - 5 } }), request: { clockTolerance: 10 }, expect: "ok" },
  { name: "nbf inside clockTolerance", signature: forge({ claims: { nbf: NOW + 5 } }), request: { clockTolerance: 10 }, expect: "ok" },
  { name: "nbf exactly now", signature: forge({ claims: { nbf: NOW } }), expect: "ok" },
  { name: "exp one second ahead", signature: forge({ claims: { exp: NOW + 1 } }), expect: "ok" },
  { name: "nbf at now + tolerance", signature: forge({ claims: { nbf: NOW + 10 } }), request: { clockTolerance: 10 }, expect: "ok" },
  { name: "nbf missing", signature: forge({ claims: { nbf: undefined } }), expect: "ok" },
  { name: "iat missing", signature: forge({ claims: { iat: undefined } }), expect: "ok" },
  { name: "jti missing without a replay guard", signature: forge({ claims: { jti: undefined } }), expect: "ok" },
  { name: "unknown claims ignored", signature: forge({ claims: { aud: 5, extra: { a: [1] } } }), expect: "ok" },
  { name: "header without typ, with kid", signature: forge({ header: { alg: "HS256", kid: "k1" } }), expect: "ok" },
  { name: "url equal after normalisation (host case, default port)", signature: forge({ claims: { sub: "HTTPS://App.Example.com:443/api/hook" } }), expect: "ok" },
  { name: "sub without path matches url with /", signature: forge({ claims: { sub: "https://app.example.com" } }), request: { url: "https://app.example.com/" }, expect: "ok" },
  { name: "binary body (non-UTF-8 bytes)", signature: forge({ body: binary }), request: { body: binary }, expect: "ok" },
  { name: "body as ArrayBuffer", signature: forge({ body: binary }), request: { body: binary.slice().buffer }, expect: "ok" },
  { name: "empty body", signature: forge({ body: "" }), request: { body: "" }, expect: "ok" },
  { name: "payload with a UTF-8 BOM (dropped, as jose does)", signature: forge({ payloadSegment: b64url(`\uFEFF${JSON.stringify({ iss: "Upstash", sub: URL_, exp: NOW + 60, body: bodyHash(BODY) })}`) }), expect: "ok" },
  { name: "payload containing a literal U+FFFD", signature: forge({ claims: { jti: "jwt_\uFFFD" } }), expect: "ok" },
  { name: "non-ASCII string body hashed as UTF-8", signature: forge({ body: "héllo ✓ 🎉" }), request: { body: "héllo ✓ 🎉" }, expect: "ok" },

  // missing_signature
  { name: "empty signature", signature: "", expect: "missing_signature" },
  { name: "undefined signature", signature: undefined, expect: "missing_signature" },
  { name: "null signature", signature: null, expect: "missing_signature" },

  // malformed: structure and types
  { name: "garbage string", signature: "not a jwt", expect: "malformed" },
  { name: "two segments", signature: `${vh}.${vp}`, expect: "malformed" },
  { name: "four segments", signature: `${valid}.${vs}`, expect: "malformed" },
  { name: "only dots", signature: "..", expect: "malformed" },
  { name: "huge input just over 8 KiB", signature: `${vh}.${"A".repeat(8200)}.${vs}`, expect: "malformed" },
  { name: "huge input of 1 MiB", signature: "a".repeat(1 << 20), expect: "malformed" },
  { name: "signature is a number", signature: 12345, expect: "malformed" },
  { name: "signature is an object", signature: { token: valid }, expect: "malformed" },
  { name: "signature is an array", signature: [valid], expect: "malformed" },
  { name: "body is a number", signature: valid, request: { body: 42 }, expect: "malformed" },
  { name: "body is undefined", signature: valid, request: { body: undefined }, expect: "malformed" },
  { name: "body is a plain object", signature: valid, request: { body: { hello: "world" } }, expect: "malformed" },
  { name: "url is a number", signature: valid, request: { url: 443 }, expect: "malformed" },
  { name: "url is a URL object", signature: valid, request: { url: new URL(URL_) }, expect: "malformed" },
  { name: "negative clockTolerance", signature: valid, request: { clockTolerance: -1 }, expect: "malformed" },
  { name: "clockTolerance as a string", signature: valid, request: { clockTolerance: "5s" }, expect: "malformed" },
  { name: "clockTolerance NaN", signature: valid, request: { clockTolerance: Number.NaN }, expect: "malformed" },
  { name: "header is not JSON", signature: forge({ header: b64url("{alg:HS256") }), expect: "malformed" },
  { name: "header is a JSON array", signature: forge({ header: b64url('["HS256"]') }), expect: "malformed" },
  { name: "header is JSON null", signature: forge({ header: b64url("null") }), expect: "malformed" },
  { name: "header without alg", signature: forge({ header: { typ: "JWT" } }), expect: "malformed" },
  { name: "header alg is a number", signature: forge({ header: { alg: 256 } }), expect: "malformed" },
  { name: "header with crit", signature: forge({ header: { alg: "HS256", crit: ["b64"], b64: false } }), expect: "malformed" },
  { name: "payload is not JSON (valid HMAC)", signature: forge({ payloadSegment: b64url("hello") }), expect: "malformed" },
  { name: "payload is a JSON array (valid HMAC)", signature: forge({ payloadSegment: b64url("[1,2]") }), expect: "malformed" },
  { name: "payload is invalid UTF-8 (valid HMAC)", signature: forge({ payloadSegment: invalidUtf8 }), expect: "malformed" },
  { name: "payload with two BOMs (valid HMAC)", signature: forge({ payloadSegment: b64url(`\uFEFF\uFEFF${JSON.stringify({ iss: "Upstash", exp: NOW + 60 })}`) }), expect: "malformed" },
  { name: "payload segment empty (valid HMAC)", signature: forge({ payloadSegment: "" }), expect: "malformed" },
  { name: "exp missing", signature: forge({ claims: { exp: undefined } }), expect: "malformed" },
  { name: "exp as a numeric string", signature: forge({ claims: { exp: String(NOW + 300) } }), expect: "malformed" },
  { name: "exp null", signature: forge({ claims: { exp: null } }), expect: "malformed" },
  { name: "nbf as a string", signature: forge({ claims: { nbf: String(NOW) } }), expect: "malformed" },
  { name: "iat as a string", signature: forge({ claims: { iat: "now" } }), expect: "malformed" },
  { name: "sub is a number", signature: forge({ claims: { sub: 1 } }), expect: "malformed" },
  { name: "jti is an object", signature: forge({ claims: { jti: { id: 1 } } }), expect: "malformed" },
  { name: "'+' (standard base64) in the payload segment", signature: `${vh}.${vp.slice(0, -1)}+.${vs}`, expect: "malformed" },
  { name: "'=' padding in the signature segment", signature: `${valid}=`, expect: "malformed" },
  { name: "segment length 4n+1", signature: `${vh}.${vp}.${vs}AA`, expect: "malformed" },
  { name: "whitespace around the token", signature: ` ${valid} `, expect: "malformed" },
  { name: "newline inside the token", signature: `${vh}.\n${vp}.${vs}`, expect: "malformed" },

  // bad_signature: algorithm confusion and key problems
  { name: "alg none, empty signature", signature: forge({ header: { alg: "none", typ: "JWT" }, signatureSegment: "" }), expect: "bad_signature" },
  { name: "alg none with a valid HS256 MAC", signature: forge({ header: { alg: "none", typ: "JWT" } }), expect: "bad_signature" },
  { name: "alg HS384 correctly signed", signature: forge({ header: { alg: "HS384", typ: "JWT" }, hmac: "sha384" }), expect: "bad_signature" },
  { name: "alg HS512 correctly signed", signature: forge({ header: { alg: "HS512", typ: "JWT" }, hmac: "sha512" }), expect: "bad_signature" },
  { name: "alg RS256 with an HMAC signature", signature: forge({ header: { alg: "RS256", typ: "JWT" } }), expect: "bad_signature" },
  { name: "alg hs256 in lower case", signature: forge({ header: { alg: "hs256", typ: "JWT" } }), expect: "bad_signature" },
  { name: "signed with a foreign key", signature: forge({ key: FOREIGN }), expect: "bad_signature" },
  { name: "signed with the key's base64-decoded bytes", signature: forge({ key: Buffer.from(CURRENT.slice(4), "base64") }), expect: "bad_signature" },
  { name: "signed with the key plus a newline", signature: forge({ key: `${CURRENT}\n` }), expect: "bad_signature" },
  { name: "tampered payload byte", signature: `${vh}.${flip(vp, 10)}.${vs}`, expect: "bad_signature" },
  { name: "payload swapped for another valid payload", signature: `${vh}.${forge({ claims: { sub: "https://evil.example/x" } }).split(".")[1]}.${vs}`, expect: "bad_signature" },
  { name: "header swapped (extra member) keeping the MAC", signature: `${b64url('{"alg":"HS256","typ":"JWT","x":1}')}.${vp}.${vs}`, expect: "bad_signature" },
  { name: "tampered first signature byte", signature: `${vh}.${vp}.${flip(vs, 0)}`, expect: "bad_signature" },
  { name: "truncated signature", signature: `${vh}.${vp}.${vs.slice(0, 42)}`, expect: "bad_signature" },
  { name: "empty signature segment", signature: `${vh}.${vp}.`, expect: "bad_signature" },
  { name: "signature of another token", signature: `${vh}.${vp}.${forge({ claims: { jti: "other" } }).split(".")[2]}`, expect: "bad_signature" },
  { name: "HS256 header but HS512 MAC", signature: forge({ hmac: "sha512" }), expect: "bad_signature" },

  // wrong_issuer
  { name: "iss missing", signature: forge({ claims: { iss: undefined } }), expect: "wrong_issuer" },
  { name: "iss lower case", signature: forge({ claims: { iss: "upstash" } }), expect: "wrong_issuer" },
  { name: "iss with trailing space", signature: forge({ claims: { iss: "Upstash " } }), expect: "wrong_issuer" },
  { name: "iss a number", signature: forge({ claims: { iss: 1 } }), expect: "wrong_issuer" },
  { name: "iss an array", signature: forge({ claims: { iss: ["Upstash"] } }), expect: "wrong_issuer" },

  // expired / not_yet_valid, including the boundaries and the real cause after key fallback
  { name: "exp equal to now", signature: forge({ claims: { exp: NOW } }), expect: "expired" },
  { name: "exp one second ago", signature: forge({ claims: { exp: NOW - 1 } }), expect: "expired" },
  { name: "exp at now - tolerance", signature: forge({ claims: { exp: NOW - 10 } }), request: { clockTolerance: 10 }, expect: "expired" },
  { name: "exp beyond tolerance", signature: forge({ claims: { exp: NOW - 11 } }), request: { clockTolerance: 10 }, expect: "expired" },
  { name: "expired token signed with the current key reports expired", signature: forge({ claims: { exp: NOW - 600 } }), expect: "expired" },
  { name: "expired token signed with the next key reports expired", signature: forge({ key: NEXT, claims: { exp: NOW - 600 } }), expect: "expired" },
  { name: "nbf one second ahead", signature: forge({ claims: { nbf: NOW + 1 } }), expect: "not_yet_valid" },
  { name: "nbf beyond tolerance", signature: forge({ claims: { nbf: NOW + 11 } }), request: { clockTolerance: 10 }, expect: "not_yet_valid" },
  { name: "nbf in future and exp past: nbf checked first", signature: forge({ claims: { nbf: NOW + 60, exp: NOW - 60 } }), expect: "not_yet_valid" },
  { name: "wrong issuer and expired: issuer checked first", signature: forge({ claims: { iss: "Evil", exp: NOW - 60 } }), expect: "wrong_issuer" },
  { name: "no issuer and no expiry: issuer checked first", signature: forge({ claims: { iss: undefined, exp: undefined } }), expect: "wrong_issuer" },
  { name: "expired and wrong body: time checked before body", signature: forge({ claims: { exp: NOW - 1, body: bodyHash("other") } }), expect: "expired" },

  // url_mismatch
  { name: "sub with a trailing slash", signature: forge({ claims: { sub: `${URL_}/` } }), expect: "url_mismatch" },
  { name: "url with a trailing slash", signature: valid, request: { url: `${URL_}/` }, expect: "url_mismatch" },
  { name: "sub with a query string", signature: forge({ claims: { sub: `${URL_}?a=1` } }), expect: "url_mismatch" },
  { name: "query parameters in another order", signature: forge({ claims: { sub: `${URL_}?a=1&b=2` } }), request: { url: `${URL_}?b=2&a=1` }, expect: "url_mismatch" },
  { name: "sub on another host", signature: forge({ claims: { sub: "https://evil.example.com/api/hook" } }), expect: "url_mismatch" },
  { name: "sub http instead of https", signature: forge({ claims: { sub: "http://app.example.com/api/hook" } }), expect: "url_mismatch" },
  { name: "sub missing while url given", signature: forge({ claims: { sub: undefined } }), expect: "url_mismatch" },
  { name: "url given as empty string", signature: valid, request: { url: "" }, expect: "url_mismatch" },
  { name: "path case differs", signature: forge({ claims: { sub: "https://app.example.com/API/hook" } }), expect: "url_mismatch" },

  // body_mismatch
  { name: "body differs by one byte", signature: valid, request: { body: BODY.replace("world", "worle") }, expect: "body_mismatch" },
  { name: "body with a trailing newline", signature: valid, request: { body: `${BODY}\n` }, expect: "body_mismatch" },
  { name: "body claim missing", signature: forge({ claims: { body: undefined } }), expect: "body_mismatch" },
  { name: "body claim a number", signature: forge({ claims: { body: 1 } }), expect: "body_mismatch" },
  { name: "body claim in the standard base64 alphabet", signature: forge({ body: urlSafeBody, claims: { body: Buffer.from(bodyHash(urlSafeBody), "base64url").toString("base64") } }), request: { body: urlSafeBody }, expect: "body_mismatch" },
  { name: "body claim hex encoded", signature: forge({ claims: { body: Buffer.from(bodyHash(BODY), "base64url").toString("hex") } }), expect: "body_mismatch" },
  { name: "body claim truncated", signature: forge({ claims: { body: bodyHash(BODY).slice(0, 20) } }), expect: "body_mismatch" },
  { name: "latin-1 bytes where UTF-8 was signed", signature: forge({ body: "café" }), request: { body: Buffer.from("café", "latin1") }, expect: "body_mismatch" },
  { name: "re-serialised JSON body", signature: forge({ body: '{"hello": "world"}' }), request: { body: BODY }, expect: "body_mismatch" },
];

const keys = { currentSigningKey: CURRENT, nextSigningKey: NEXT };

describe.each(["node", "webcrypto"] as const)("forged-token corpus (%s path)", (implementation) => {
  const receiver = new Receiver({ ...keys, implementation });

  it("has at least 50 distinct named cases", () => {
    expect(cases.length).toBeGreaterThanOrEqual(50);
    expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
  });

  it.each(cases)("$name → $expect", async (c) => {
    const request = { signature: c.signature, body: BODY, url: URL_, now: NOW_MS, ...c.request } as VerifyRequest;
    const result = await receiver.safeVerifyDelivery(request);
    if (c.expect === "ok") {
      expect(result.ok ? "ok" : result.error.reason).toBe("ok");
      await expect(receiver.verify(request)).resolves.toBe(true);
      return;
    }
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toBeInstanceOf(SignatureError);
    expect(result.error.reason).toBe(c.expect);
    expect(result.error.code).toBe(`ERR_SIGNATURE_${c.expect.toUpperCase()}`);
    await expect(receiver.verify(request)).rejects.toMatchObject({ name: "SignatureError", reason: c.expect });
  });
});
