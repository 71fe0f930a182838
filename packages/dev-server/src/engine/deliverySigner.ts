import crypto, { createHash, createHmac } from "node:crypto";
import { randomBase62 } from "../lib/ids.js";

// {"alg":"HS256","typ":"JWT"}, the protected header the hosted service sends.
const HEADER_SEGMENT = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9";
const TOKEN_LIFETIME_SECONDS = 300;

/**
 * The `body` claim of a delivery: padded base64url SHA-256 of the exact bytes (wire spec 3.3).
 * A message's body never changes, so the engine computes it once for all its attempts.
 *
 * @param body - The bytes that will be sent.
 * @example
 * ```ts
 * bodyClaim(Buffer.alloc(0)); // "47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU="
 * ```
 */
export function bodyClaim(body: Buffer): string {
  return `${sha256(body)}=`;
}

// One-shot hashing (Node >= 20.12) skips creating a Hash object: about a third of the cost.
const oneShot = (crypto as { hash?: (algorithm: string, data: Buffer, encoding: "base64url") => string }).hash;
const sha256 =
  typeof oneShot === "function"
    ? (data: Buffer): string => oneShot("sha256", data, "base64url")
    : (data: Buffer): string => createHash("sha256").update(data).digest("base64url");

/**
 * The `Upstash-Signature` of one attempt, minted synchronously: the same token as
 * `signDelivery` from `@stashkit/core/testing` (claims `iss`, `sub`, `exp`, `nbf`, `iat`, `jti`,
 * `body`, in that order, HS256, five-minute lifetime), without its promise and option
 * handling, on the path every delivery takes.
 *
 * @param key - The current signing key (its UTF-8 bytes are the HMAC secret).
 * @param url - The URL requested; becomes `sub`.
 * @param body - From {@link bodyClaim}.
 * @param nowMs - Signing time, Unix ms.
 * @example
 * ```ts
 * const signature = signAttempt(keys.current, message.url, bodyClaim(message.body), Date.now());
 * ```
 */
export function signAttempt(key: string, url: string, body: string, nowMs: number): string {
  const iat = Math.floor(nowMs / 1000);
  const claims =
    `{"iss":"Upstash","sub":${JSON.stringify(url)},"exp":${iat + TOKEN_LIFETIME_SECONDS},"nbf":${iat},"iat":${iat},` +
    `"jti":"jwt_${randomBase62(22)}","body":"${body}"}`;
  const signingInput = `${HEADER_SEGMENT}.${Buffer.from(claims).toString("base64url")}`;
  return `${signingInput}.${createHmac("sha256", key).update(signingInput).digest("base64url")}`;
}
