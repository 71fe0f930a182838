import { isBase64UrlSegment } from "../lib/base64url.js";
import { SignatureError } from "../errors.js";

/**
 * Longest `Upstash-Signature` accepted. Real tokens are ~400 characters; the cap bounds the
 * work an attacker can cause before any MAC is checked.
 */
export const MAX_SIGNATURE_LENGTH = 8192;

/** The canonical protected header QStash emits, `{"alg":"HS256","typ":"JWT"}`. */
const CANONICAL_HEADER = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9";

/** A compact JWS that passed the structural checks shared by both verification paths. */
export interface SignatureToken {
  /** The whole token. */
  readonly compact: string;
  /** `<header>.<payload>`: the bytes the HMAC covers (ASCII). */
  readonly signingInput: string;
  readonly payloadSegment: string;
  readonly signatureSegment: string;
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Decodes a JWS segment as JSON the way jose does (strict UTF-8, leading BOM dropped), so
 * both engines accept exactly the segments jose accepts. Returns `undefined` when it is not JSON.
 */
export function decodeJsonSegment(segment: string, decodeBytes: (s: string) => Uint8Array): unknown {
  try {
    return JSON.parse(strictUtf8.decode(decodeBytes(segment)));
  } catch {
    return undefined;
  }
}

/** A JSON object in jose's sense: a plain object, not an array or null. */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Structural checks every token must pass before any key is used: size, three base64url
 * segments, a JSON protected header without `crit`, and `alg` pinned to HS256. Running them
 * first, identically for the webcrypto and node engines, is what keeps the two in agreement.
 *
 * @throws {SignatureError} `missing_signature`, `malformed`, or `bad_signature` (alg other than HS256).
 */
export function parseSignatureToken(signature: unknown, decodeBytes: (s: string) => Uint8Array): SignatureToken {
  if (signature === undefined || signature === null || signature === "") {
    throw new SignatureError("missing_signature", "Upstash-Signature is missing");
  }
  if (typeof signature !== "string") throw new SignatureError("malformed", "signature must be a string");
  if (signature.length > MAX_SIGNATURE_LENGTH) throw new SignatureError("malformed", "signature is too long");
  const first = signature.indexOf(".");
  const second = signature.indexOf(".", first + 1);
  if (first < 0 || second < 0 || signature.indexOf(".", second + 1) >= 0) {
    throw new SignatureError("malformed", "signature is not a compact JWS");
  }
  const headerSegment = signature.slice(0, first);
  const payloadSegment = signature.slice(first + 1, second);
  const signatureSegment = signature.slice(second + 1);
  if (!isBase64UrlSegment(headerSegment) || !isBase64UrlSegment(payloadSegment) || !isBase64UrlSegment(signatureSegment)) {
    throw new SignatureError("malformed", "signature is not base64url");
  }
  if (headerSegment !== CANONICAL_HEADER) checkHeader(decodeJsonSegment(headerSegment, decodeBytes));
  return { compact: signature, signingInput: signature.slice(0, second), payloadSegment, signatureSegment };
}

function checkHeader(header: unknown): void {
  if (!isJsonObject(header)) throw new SignatureError("malformed", "signature header is not a JSON object");
  // No QStash token uses extensions; refusing them keeps crit/b64 handling out of play.
  if ("crit" in header) throw new SignatureError("malformed", "signature header has unsupported crit");
  const alg = header["alg"];
  if (typeof alg !== "string" || alg === "") throw new SignatureError("malformed", "signature header has no alg");
  if (alg !== "HS256") throw new SignatureError("bad_signature", "signature algorithm is not HS256");
}
