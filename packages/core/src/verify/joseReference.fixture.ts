// Test-only: the verification rules expressed with `jose.jwtVerify` (HS256 only, issuer
// `Upstash`, `exp` required), the library both engines' claim checks are modelled on. The
// receiver suites hold the node and webcrypto engines to its decisions and reasons, so
// leaving jose out of the shipped code does not leave it out of the proof.
import { jwtVerify } from "jose";
import type { SignatureErrorReason } from "@stashkit/core";
import { CURRENT, NEXT, sameUrl } from "./receiver.fixture.js";

const { createHash } = process.getBuiltinModule("node:crypto");

export type Outcome = SignatureErrorReason | "ok";

export interface ReferenceRequest {
  signature: string;
  body: string | Uint8Array;
  url?: string;
  clockTolerance?: number;
}

function reasonOf(error: unknown): SignatureErrorReason {
  const { code, claim, reason } = error as { code?: string; claim?: string; reason?: string };
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

/** What jose decides for a token signed with CURRENT or NEXT, then the URL and body binding. */
export async function joseOutcome(request: ReferenceRequest, nowSeconds: number): Promise<Outcome> {
  const options = {
    algorithms: ["HS256"],
    issuer: "Upstash",
    requiredClaims: ["exp"],
    clockTolerance: request.clockTolerance ?? 0,
    currentDate: new Date(nowSeconds * 1000),
  };
  let claims: Record<string, unknown> | undefined;
  for (const key of [CURRENT, NEXT]) {
    try {
      claims = (await jwtVerify(request.signature, new TextEncoder().encode(key), options)).payload;
      break;
    } catch (error) {
      if ((error as { code?: string }).code === "ERR_JWS_SIGNATURE_VERIFICATION_FAILED" && key === CURRENT) continue;
      return reasonOf(error);
    }
  }
  if (claims === undefined) return "bad_signature";
  if ((claims.sub !== undefined && typeof claims.sub !== "string") || (claims.jti !== undefined && typeof claims.jti !== "string")) {
    return "malformed";
  }
  if (request.url !== undefined && !sameUrl(claims.sub, request.url)) return "url_mismatch";
  const computed = createHash("sha256").update(request.body).digest("base64url");
  if (typeof claims.body !== "string" || claims.body.replace(/=+$/, "") !== computed) return "body_mismatch";
  return "ok";
}
