import { jwtVerify } from "jose";
import { encodeBase64Url, utf8 } from "../lib/base64url.js";
import { checkStashkitClaims, type DeliveryClaims } from "./deliveryClaims.js";
import { SignatureError, type SignatureErrorReason } from "../errors.js";
import { KEY_NAMES, type SigningKeyName, type VerifyEngine } from "./verifyEngine.js";

/**
 * The reference path: `jose.jwtVerify` (HS256 only, issuer `Upstash`, `exp` required) over
 * Web Crypto, so it runs on Edge, Workers and browsers. jose's error is kept as `cause`.
 */
export function createJoseEngine(): VerifyEngine {
  return {
    name: "jose",
    decodeSegment: decodeBase64UrlSegment,
    prepareKey(secret) {
      const key = crypto.subtle.importKey("raw", utf8(secret), { name: "HMAC", hash: "SHA-256" }, false, ["verify"]);
      // Keys are prepared at construction; a failure surfaces when a verification awaits it,
      // not as an unhandled rejection that could crash the process.
      key.catch(() => undefined);
      return key;
    },
    async verifyToken(token, keys, clock) {
      const options = {
        algorithms: ["HS256"],
        issuer: "Upstash",
        requiredClaims: ["exp"],
        clockTolerance: clock.tolerance,
        currentDate: new Date(clock.now * 1000),
      };
      for (let i = 0; i < keys.length; i++) {
        try {
          const { payload } = await jwtVerify(token.compact, (await keys[i]) as CryptoKey, options);
          return { claims: checkStashkitClaims(payload) as DeliveryClaims, key: KEY_NAMES[i] as SigningKeyName };
        } catch (error) {
          // Only a MAC mismatch means "maybe the other key": any later failure is the token's real fault.
          if (isCode(error, "ERR_JWS_SIGNATURE_VERIFICATION_FAILED") && i < keys.length - 1) continue;
          throw toSignatureError(error);
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

function decodeBase64UrlSegment(segment: string): Uint8Array {
  const binary = atob(segment.replace(/-/g, "+").replace(/_/g, "/"));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function isCode(error: unknown, code: string): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === code;
}

const MESSAGES: Record<SignatureErrorReason, string> = {
  missing_signature: "Upstash-Signature is missing",
  malformed: "signature is malformed",
  bad_signature: "signature does not match the signing keys",
  expired: "signature has expired",
  not_yet_valid: "signature is not valid yet",
  wrong_issuer: "signature issuer is not Upstash",
  url_mismatch: "signature was issued for another URL",
  body_mismatch: "body does not match the signature",
  replayed: "signature was already used",
};

function reasonOf(error: unknown): SignatureErrorReason {
  const { code, claim, reason } = (typeof error === "object" && error !== null ? error : {}) as {
    code?: string;
    claim?: string;
    reason?: string;
  };
  switch (code) {
    case "ERR_JWS_SIGNATURE_VERIFICATION_FAILED":
    case "ERR_JOSE_ALG_NOT_ALLOWED":
      return "bad_signature";
    case "ERR_JWT_EXPIRED":
      return "expired";
    case "ERR_JWT_CLAIM_VALIDATION_FAILED":
      if (claim === "iss") return "wrong_issuer";
      if (claim === "nbf" && reason === "check_failed") return "not_yet_valid";
      return "malformed";
    default:
      return "malformed";
  }
}

function toSignatureError(error: unknown): SignatureError {
  if (error instanceof SignatureError) return error;
  const reason = reasonOf(error);
  return new SignatureError(reason, MESSAGES[reason], { cause: error });
}
