import type { SignatureView } from "./shared/messageDetail.js";

function decodePart(part: string | undefined): Record<string, unknown> | undefined {
  if (part === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Decodes (does not verify) an `Upstash-Signature` JWT for display: its protected header
 * and claims, each `undefined` when that part is not a JSON object.
 *
 * @param token - The compact JWT.
 * @example
 * ```ts
 * decodeSignature(token).claims?.sub; // the URL the attempt went to
 * ```
 */
export function decodeSignature(token: string): SignatureView {
  const [header, claims] = token.split(".");
  return { token, header: decodePart(header), claims: decodePart(claims) };
}
