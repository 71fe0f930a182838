import type { ClaimClock, DeliveryClaims } from "./deliveryClaims.js";
import type { SignatureToken } from "./signatureToken.js";

/** Which key verified a token. */
export type SigningKeyName = "current" | "next";

/**
 * One implementation of the key-dependent steps. Both engines receive tokens that already
 * passed `parseSignatureToken`, and must agree on every decision and reason.
 */
export interface VerifyEngine {
  readonly name: "node" | "webcrypto";
  /** base64url → bytes, used by the shared structural checks. */
  decodeSegment(segment: string): Uint8Array;
  /** Turns a key string into this engine's key material (called once per key). */
  prepareKey(secret: string): unknown;
  /**
   * Checks the MAC with the current key, then the next key, then the registered claims.
   * @throws {SignatureError} `bad_signature`, `malformed`, `wrong_issuer`, `not_yet_valid`, `expired`.
   */
  verifyToken(
    token: SignatureToken,
    keys: readonly [unknown, unknown],
    clock: ClaimClock,
  ): { claims: DeliveryClaims; key: SigningKeyName } | Promise<{ claims: DeliveryClaims; key: SigningKeyName }>;
  /** Unpadded base64url SHA-256 of the body bytes (strings as UTF-8). */
  hashBody(body: string | Uint8Array): string | Promise<string>;
}

export const KEY_NAMES: readonly [SigningKeyName, SigningKeyName] = ["current", "next"];
