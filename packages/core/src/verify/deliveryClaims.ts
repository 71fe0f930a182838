import { SignatureError } from "../errors.js";
import { isJsonObject } from "./signatureToken.js";

/**
 * The verified claims of an `Upstash-Signature` token. Times are Unix seconds.
 */
export interface DeliveryClaims {
  /** Always `"Upstash"`. */
  readonly iss: string;
  /** The URL QStash delivered to (destination, URL-group endpoint or callback URL). */
  readonly sub?: string;
  /** Expiry (QStash: `iat + 300`). Required. */
  readonly exp: number;
  /** Not-before time (QStash: equal to `iat`). */
  readonly nbf?: number;
  /** Issue time. */
  readonly iat?: number;
  /** Unique token id (`jwt_…`); the key a replay guard remembers. */
  readonly jti?: string;
  /** base64url SHA-256 of the body, as signed (padding as the signer wrote it). */
  readonly body: string;
  /** Any further claims, unchecked. */
  readonly [claim: string]: unknown;
}

/** Time inputs of the claim checks, in whole Unix seconds. */
export interface ClaimClock {
  readonly now: number;
  readonly tolerance: number;
}

/**
 * Validates a decoded claims set in exactly the order `jose.jwtVerify` does with
 * `{ issuer: "Upstash", requiredClaims: ["exp"] }` (presence of iss, exp; iss value; iat
 * type; nbf; exp), so both engines report the reason jose would (the tests use jose as the reference).
 * Then stashkit's own type rules for `sub`, `jti` and `body` follow.
 *
 * @throws {SignatureError} `malformed`, `wrong_issuer`, `not_yet_valid`, `expired`.
 */
export function checkClaims(claims: unknown, clock: ClaimClock): DeliveryClaims {
  if (!isJsonObject(claims)) throw new SignatureError("malformed", "signature payload is not a JSON object");
  if (!Object.hasOwn(claims, "iss")) throw new SignatureError("wrong_issuer", "signature has no issuer");
  if (!Object.hasOwn(claims, "exp")) throw new SignatureError("malformed", "signature has no expiry");
  if (claims["iss"] !== "Upstash") throw new SignatureError("wrong_issuer", "signature issuer is not Upstash");
  const { iat, nbf, exp } = claims;
  if (iat !== undefined && typeof iat !== "number") throw new SignatureError("malformed", "iat claim must be a number");
  if (nbf !== undefined && typeof nbf !== "number") throw new SignatureError("malformed", "nbf claim must be a number");
  if (nbf !== undefined && nbf > clock.now + clock.tolerance) {
    throw new SignatureError("not_yet_valid", "signature is not valid yet");
  }
  if (typeof exp !== "number") throw new SignatureError("malformed", "exp claim must be a number");
  if (exp <= clock.now - clock.tolerance) throw new SignatureError("expired", "signature has expired");
  return checkStashkitClaims(claims);
}

/**
 * Type rules beyond jose's, shared by both engines after the registered-claim checks.
 *
 * @throws {SignatureError} `malformed` for a non-string `sub`/`jti`.
 */
export function checkStashkitClaims(claims: Record<string, unknown>): DeliveryClaims {
  if (claims["sub"] !== undefined && typeof claims["sub"] !== "string") {
    throw new SignatureError("malformed", "sub claim must be a string");
  }
  if (claims["jti"] !== undefined && typeof claims["jti"] !== "string") {
    throw new SignatureError("malformed", "jti claim must be a string");
  }
  return claims as DeliveryClaims;
}
