import { encodeBase64Url, utf8 } from "../lib/base64url.js";
import { checkClaims } from "./deliveryClaims.js";
import { SignatureError } from "../errors.js";
import { decodeJsonSegment } from "./signatureToken.js";
import { KEY_NAMES, type VerifyEngine } from "./verifyEngine.js";

/**
 * The portable path: HMAC-SHA256 and SHA-256 over Web Crypto, for Edge, Workers and
 * browsers. Only HS256 exists here (`parseSignatureToken` already pinned the algorithm), so
 * the whole JWS machinery reduces to one `crypto.subtle.verify` per key, which compares in
 * constant time; the claims then go through the same `checkClaims` as the node path, whose
 * order and reasons reproduce `jose.jwtVerify` (the differential tests hold both paths to
 * jose and to the official SDK).
 */
export function createWebCryptoEngine(): VerifyEngine {
  return {
    name: "webcrypto",
    decodeSegment: decodeBase64UrlSegment,
    prepareKey(secret) {
      const key = crypto.subtle.importKey("raw", utf8(secret), { name: "HMAC", hash: "SHA-256" }, false, ["verify"]);
      // Keys are prepared at construction; a failure surfaces when a verification awaits it,
      // not as an unhandled rejection that could crash the process.
      key.catch(() => undefined);
      return key;
    },
    async verifyToken(token, keys, clock) {
      const signature = decodeBase64UrlSegment(token.signatureSegment);
      const input = utf8(token.signingInput);
      for (let i = 0; i < keys.length; i++) {
        if (await crypto.subtle.verify("HMAC", (await keys[i]) as CryptoKey, signature, input)) {
          const claims = checkClaims(decodeJsonSegment(token.payloadSegment, decodeBase64UrlSegment), clock);
          return { claims, key: KEY_NAMES[i]! };
        }
      }
      throw new SignatureError("bad_signature", "signature does not match the signing keys");
    },
    async hashBody(body) {
      const bytes = typeof body === "string" ? utf8(body) : body;
      return encodeBase64Url(new Uint8Array(await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>)));
    },
  };
}

/** base64url → bytes; the segment already passed `isBase64UrlSegment`. */
function decodeBase64UrlSegment(segment: string): Uint8Array<ArrayBuffer> {
  const binary = atob(segment.replace(/-/g, "+").replace(/_/g, "/"));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
